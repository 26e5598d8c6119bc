"""Appeals: register one, uphold the decision (the case file goes to Ankestyrelsen) or change it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.core.errors import DomainError
from inklusio.core.http import PDF, file_response
from inklusio.referrals import selectors
from inklusio.referrals.forms import AppealForm, DateForm, DecisionForm
from inklusio.referrals.services import appeals as services
from inklusio.referrals.views.common import decision_step, record_step
from inklusio.referrals.views.decisions import decision_for_committee


@login_required
def appeal_create(request: HttpRequest, public_id: str) -> HttpResponse:
    decision = decision_for_committee(request, public_id)
    form = AppealForm(request.POST or None, owners=access.decision_owners(request.user))
    if request.method == "POST" and form.is_valid():
        services.appeal_register(actor=request.user, decision=decision, **form.cleaned_data)
        messages.success(
            request, _("Klagen er registreret. Kommunen genvurderer afgørelsen først.")
        )
        return redirect(decision)
    return decision_step(request, decision, form, "appeal", _("Registrér klage"))


@login_required
@require_POST
def appeal_uphold(request: HttpRequest, public_id: str) -> HttpResponse:
    appeal = selectors.appeal_for_committee(request.user, public_id)
    form = DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Angiv datoen for genvurderingen."))
        return redirect(appeal.decision)
    try:
        services.appeal_uphold(actor=request.user, appeal=appeal, on=form.cleaned_data["on"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Afgørelsen er fastholdt; klagen og sagens akter sendes til Ankestyrelsen.")
        )
    return redirect(appeal.decision)


@login_required
def appeal_change(request: HttpRequest, public_id: str) -> HttpResponse:
    appeal = selectors.appeal_for_committee(request.user, public_id)
    decision = appeal.decision
    form = DecisionForm(
        request.POST or None,
        user=request.user,
        resource_groups=selectors.all_resource_groups(request.user),
        initial={"offer": decision.offer, "resource_group": decision.resource_group_id},
    )
    done = record_step(
        request,
        form,
        lambda data: services.appeal_change(actor=request.user, appeal=appeal, **data),
        _("Den ændrede afgørelse er registreret. Udsend brevet."),
    )
    return done or decision_step(
        request, decision, form, "appeal_change", _("Ændr afgørelsen efter klage")
    )


@login_required
def appeal_bundle(request: HttpRequest, public_id: str) -> HttpResponse:
    appeal = selectors.appeal_bundle_for_download(request.user, public_id)
    if not appeal.bundle:
        raise Http404
    return file_response(appeal.bundle, "sagens-akter.pdf", PDF)

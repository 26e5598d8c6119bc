"""A decision's page and the steps that follow it: started, ended early, re-assessed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio.core.errors import DomainError
from inklusio.referrals import selectors
from inklusio.referrals.forms import DateForm, EndForm, ReassessmentForm
from inklusio.referrals.models import Decision
from inklusio.referrals.services import decisions as services
from inklusio.referrals.views.common import committee_only, decision_step, record_step


@login_required
def decision_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    decision = selectors.decision_for_user(request.user, public_id)
    return render(
        request,
        "referrals/decision_detail.html",
        selectors.decision_page(request.user, decision)
        | {
            "sent_form": DateForm(label=_("Sendt den")),
            "placed_form": DateForm(label=_("Startet den")),
        },
    )


def decision_for_committee(request: HttpRequest, public_id: str) -> Decision:
    committee_only(request.user)
    # The form pages log what they show when they render (`decision_step`).
    return selectors.decision_for_user(request.user, public_id, log=False)


@login_required
@require_POST
def decision_placed(request: HttpRequest, public_id: str) -> HttpResponse:
    decision = decision_for_committee(request, public_id)
    form = DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Angiv datoen, barnet startede."))
        return redirect(decision)
    try:
        services.decision_mark_placed(
            actor=request.user, decision=decision, placed_on=form.cleaned_data["on"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Barnet er registreret som startet og er taget af ventelisten.")
        )
    return redirect(decision)


@login_required
def decision_end(request: HttpRequest, public_id: str) -> HttpResponse:
    decision = decision_for_committee(request, public_id)
    form = EndForm(request.POST or None, user=request.user)
    done = record_step(
        request,
        form,
        lambda data: services.decision_end(actor=request.user, decision=decision, **data),
        _("Ophøret er registreret som en ny afgørelse. Udsend brevet."),
    )
    return done or decision_step(request, decision, form, "end", _("Bring bevillingen til ophør"))


@login_required
def decision_reassess(request: HttpRequest, public_id: str) -> HttpResponse:
    decision = decision_for_committee(request, public_id)
    form = ReassessmentForm(
        request.POST or None,
        user=request.user,
        resource_groups=selectors.all_resource_groups(request.user),
    )
    done = record_step(
        request,
        form,
        lambda data: services.reassessment_record(actor=request.user, decision=decision, **data),
        _("Revurderingen er registreret som en afgørelse. Udsend brevet."),
    )
    return done or decision_step(request, decision, form, "reassess", _("Revurdering"))

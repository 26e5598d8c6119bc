"""Appeals: register one, uphold the decision (the case file goes to Ankestyrelsen) or change it."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.services import audit_shown
from inklusio.core.confirm import not_confirmed_message, refuse_unconfirmed
from inklusio.core.http import PDF, AuthenticatedHttpRequest, file_response
from inklusio.referrals import selectors
from inklusio.referrals.forms import AppealForm, DecisionForm, UpholdForm
from inklusio.referrals.services import appeals as services
from inklusio.referrals.views.common import decision_step, record_step
from inklusio.referrals.views.decisions import decision_for_committee


@login_required
def appeal_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    decision = decision_for_committee(request, public_id)
    form = AppealForm(request.POST or None, owners=access.decision_owners(request.user))
    done = record_step(
        request,
        form,
        lambda data: (
            services.appeal_register(actor=request.user, decision=decision, **data).decision
        ),
        _("Klagen er registreret. Kommunen genvurderer afgørelsen først."),
    )
    if done:
        return done
    return decision_step(request, decision, form, "appeal", _("Registrér klage"))


@login_required
def appeal_uphold(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirm page: what forwarding does and that it cannot be undone; the decision is upheld
    and the case file sent on only by a POST with "Bekræft"."""
    appeal = selectors.appeal_for_committee(request.user, public_id)
    form = UpholdForm(request.POST or None)
    done = None
    refused = refuse_unconfirmed(request, form)
    if not refused:
        done = record_step(
            request,
            form,
            lambda data: services.appeal_uphold(actor=request.user, appeal=appeal, **data).decision,
            _("Afgørelsen er fastholdt; klagen og sagens akter sendes til Ankestyrelsen."),
        )
    if done:
        return done
    audit_shown(actor=request.user, obj=appeal.decision, children=[appeal.decision.child])
    return render(
        request,
        "referrals/decision_form.html",
        {
            "form": form,
            "decision": appeal.decision,
            "title": _("Fasthold afgørelsen og send klagen til Ankestyrelsen"),
            "action": "appeal_uphold",
            "error": not_confirmed_message() if refused and not form.is_bound else "",
            "button": _("Send til Ankestyrelsen"),
            "back": appeal.decision.get_absolute_url(),
            "consequences": [
                _("Afgørelsen fastholdes efter kommunens genvurdering."),
                _(
                    "Klagen sendes til Ankestyrelsen med sagens akter: indstillingen, bilagene, "
                    "afgørelsen, brevene og kommunens begrundelse herunder."
                ),
                _("Sagens akter gemmes som en PDF, der kan hentes fra klagen."),
            ],
            "irreversible": _(
                "Når klagen er sendt videre, kan kommunen ikke længere ændre afgørelsen efter "
                "klagen; det er Ankestyrelsen, der afgør den."
            ),
        },
    )


@login_required
def appeal_change(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
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
def appeal_bundle(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    appeal = selectors.appeal_bundle_for_download(request.user, public_id)
    if not appeal.bundle:
        raise Http404
    return file_response(appeal.bundle, "sagens-akter.pdf", PDF)

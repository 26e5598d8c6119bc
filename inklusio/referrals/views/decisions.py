"""A decision's page and the steps that follow it: started, ended early, re-assessed."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio.audit.services import audit_shown
from inklusio.core.forms import focus_first_error
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.referrals import selectors
from inklusio.referrals.forms import DateForm, EndForm, ReassessmentForm
from inklusio.referrals.models import Decision, DecisionLetter
from inklusio.referrals.services import decisions as services
from inklusio.referrals.views.common import committee_only, decision_step, record_step


@login_required
def decision_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    decision = selectors.decision_for_user(request.user, public_id, log=False)
    return show_decision_page(request, decision)


def _placed_form(data: Any = None) -> DateForm:
    # Ids of its own: the letters' "sent" forms on the same page are DateForms too.
    return DateForm(data, label=_("Startet den"), auto_id="id_placed_%s")


def sent_form(letter: DecisionLetter, data: Any = None) -> DateForm:
    """The date a letter was sent; each unsent letter's form has ids of its own."""
    return DateForm(data, label=_("Sendt den"), auto_id=f"id_sent_v{letter.version}_%s")


def show_decision_page(
    request: AuthenticatedHttpRequest,
    decision: Decision,
    *,
    refused_sent: tuple[DecisionLetter, DateForm] | None = None,
    **bound_forms: Any,
) -> HttpResponse:
    """The decision's page, opened or shown again with a refused form of it (its errors by the
    fields, what was typed kept); logged as rendered. `refused_sent` is a letter's refused
    "sent" form, shown in that letter's row."""
    audit_shown(actor=request.user, obj=decision, children=[decision.child])
    page = selectors.decision_page(request.user, decision)
    letter_rows = [
        (letter, _sent_form_of_row(letter, refused_sent, page["can_decide"]))
        for letter in page["letters"]
    ]
    if refused_sent is not None and not any(
        form is refused_sent[1] for _letter, form in letter_rows
    ):
        # Sent meanwhile, so the row shows its date and no form: the refusal is said above.
        for message in refused_sent[1].non_field_errors():
            messages.error(request, str(message))
    return render(
        request,
        "referrals/decision_detail.html",
        page | {"letter_rows": letter_rows, "placed_form": _placed_form()} | bound_forms,
    )


def _sent_form_of_row(
    letter: DecisionLetter, refused: tuple[DecisionLetter, DateForm] | None, can_decide: bool
) -> DateForm | None:
    if letter.sent_on or not can_decide:
        return None
    if refused is not None and refused[0].pk == letter.pk:
        return refused[1]
    return sent_form(letter)


def decision_for_committee(request: AuthenticatedHttpRequest, public_id: UUID) -> Decision:
    committee_only(request.user)
    # The form pages log what they show when they render (`decision_step`, `show_decision_page`).
    return selectors.decision_for_user(request.user, public_id, log=False)


@login_required
@require_POST
def decision_placed(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    decision = decision_for_committee(request, public_id)
    form = _placed_form(request.POST)
    done = record_step(
        request,
        form,
        lambda data: services.decision_mark_placed(
            actor=request.user, decision=decision, placed_on=data["on"]
        ),
        _("Barnet er registreret som startet og er taget af ventelisten."),
    )
    if done:
        return done
    focus_first_error(form)
    return show_decision_page(request, decision, placed_form=form)


@login_required
def decision_end(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
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
def decision_reassess(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
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

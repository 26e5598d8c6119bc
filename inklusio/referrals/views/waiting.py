"""The waiting list: putting a referral refused for capacity in line, moving it, taking it off,
and offering a free place to the first in line."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio.audit.services import audit_shown
from inklusio.core.errors import DomainError
from inklusio.referrals import selectors
from inklusio.referrals.forms import (
    DecisionForm,
    WaitingAddForm,
    WaitingMoveForm,
    WaitingRemoveForm,
)
from inklusio.referrals.models import Decision, Offer, WaitingListEntry
from inklusio.referrals.services import waiting as services
from inklusio.referrals.services.decisions import decision_record
from inklusio.referrals.views.common import committee_only, record_step


@login_required
def waiting_list(request: HttpRequest) -> HttpResponse:
    committee_only(request.user)
    return render(
        request,
        "referrals/waiting_list.html",
        {
            "queues": selectors.waiting_queues(request.user),
            "move_form": WaitingMoveForm(),
            "remove_form": WaitingRemoveForm(),
        },
    )


@login_required
@require_POST
def waiting_add(request: HttpRequest, public_id: str) -> HttpResponse:
    committee_only(request.user)
    referral = selectors.referral_to_decide(request.user, public_id, log=False)
    form = WaitingAddForm(request.POST, resource_groups=selectors.all_resource_groups(request.user))
    if not form.is_valid():
        messages.error(request, _("Vælg tilbud, ønsket start og eventuelt ressourcegruppe."))
        return redirect(referral)
    data = form.cleaned_data
    try:
        period = None
        if data["offer"] == Offer.SUPPORT_PEDAGOGUE:
            period = selectors.period_for(referral.municipality_id, data["start"], field="start")
        services.waiting_list_add(
            actor=request.user,
            referral=referral,
            offer=data["offer"],
            period=period,
            resource_group=data["resource_group"],
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(referral)
    messages.success(request, _("Barnet er sat på ventelisten."))
    return redirect("waiting-list")


@login_required
@require_POST
def waiting_move(request: HttpRequest, public_id: str) -> HttpResponse:
    committee_only(request.user)
    entry = selectors.waiting_entry_for_committee(request.user, public_id)
    form = WaitingMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Angiv den nye plads i køen og en begrundelse."))
        return redirect("waiting-list")
    try:
        services.waiting_list_move(actor=request.user, entry=entry, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Barnet er flyttet i køen."))
    return redirect("waiting-list")


@login_required
@require_POST
def waiting_remove(request: HttpRequest, public_id: str) -> HttpResponse:
    committee_only(request.user)
    entry = selectors.waiting_entry_for_committee(request.user, public_id)
    form = WaitingRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv, hvorfor barnet tages af ventelisten."))
        return redirect("waiting-list")
    try:
        services.waiting_list_remove(actor=request.user, entry=entry, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Barnet er taget af ventelisten."))
    return redirect("waiting-list")


def _offer_form(request: HttpRequest, entry: WaitingListEntry) -> DecisionForm:
    """Filled in as a grant of the place the child waits for, from today."""
    return DecisionForm(
        request.POST or None,
        user=request.user,
        resource_groups=selectors.all_resource_groups(request.user),
        initial={
            "outcome": Decision.Outcome.GRANTED,
            "offer": entry.offer,
            "resource_group": entry.resource_group_id,
            "start": timezone.localdate(),
        },
    )


@login_required
def waiting_offer(request: HttpRequest, public_id: str) -> HttpResponse:
    """'Tilbyd pladsen': the decision form for a child in line."""
    committee_only(request.user)
    entry = selectors.waiting_entry_for_committee(request.user, public_id)
    form = _offer_form(request, entry)
    done = record_step(
        request,
        form,
        lambda data: decision_record(
            actor=request.user, child=entry.child, referral=entry.referral, **data
        ),
        _("Pladsen er bevilget, og barnet er taget af ventelisten. Udsend brevet til forældrene."),
    )
    if done:
        return done
    audit_shown(actor=request.user, obj=entry.referral, children=[entry.child])
    title = _("Tilbyd pladsen til %(name)s") % {"name": entry.child.full_name}
    return render(
        request,
        "referrals/decision_form.html",
        {"form": form, "referral": entry.referral, "title": title, "cancel": "waiting-list"},
    )

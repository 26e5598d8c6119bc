"""The waiting list: putting a referral refused for capacity in line, moving it, taking it off,
and offering a free place to the first in line."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio.audit.services import audit_shown
from inklusio.core.errors import DomainError
from inklusio.core.forms import focus_first_error
from inklusio.core.http import AuthenticatedHttpRequest
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
def waiting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    committee_only(request.user)
    return _waiting_page(request)


def _move_form(entry: WaitingListEntry, data: Any = None) -> WaitingMoveForm:
    # Every row has its forms: ids of their own, so each label and error is its own field's.
    return WaitingMoveForm(data, auto_id=f"id_move_{entry.pk}_%s")


def _remove_form(entry: WaitingListEntry, data: Any = None) -> WaitingRemoveForm:
    return WaitingRemoveForm(data, auto_id=f"id_remove_{entry.pk}_%s")


def _waiting_page(
    request: AuthenticatedHttpRequest,
    refused_entry: WaitingListEntry | None = None,
    **refused_form: forms.BaseForm,
) -> HttpResponse:
    """The waiting list, opened or shown again with a refused move or removal in its entry's
    row (the error by the field, what was typed kept); logged as rendered."""
    queues = [
        {
            **queue,
            "rows": [
                _waiting_row(entry, refused_entry, refused_form, alone=len(queue["entries"]) == 1)
                for entry in queue["entries"]
            ],
        }
        for queue in selectors.waiting_queues(request.user)
    ]
    if refused_entry is not None and not any(
        row["entry"].pk == refused_entry.pk for queue in queues for row in queue["rows"]
    ):
        # Taken off the list meanwhile: with its row gone, the refusal is said above the list.
        for form in refused_form.values():
            for error in form.non_field_errors():
                messages.error(request, str(error))
    return render(request, "referrals/waiting_list.html", {"queues": queues})


def _waiting_row(
    entry: WaitingListEntry,
    refused_entry: WaitingListEntry | None,
    refused_form: dict[str, forms.BaseForm],
    *,
    alone: bool,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "entry": entry,
        "move_form": _move_form(entry),
        "remove_form": _remove_form(entry),
    }
    if refused_entry is not None and entry.pk == refused_entry.pk:
        row |= refused_form
    # The only child in its queue has no other place to move to; a move refused because the
    # queue shrank meanwhile is still shown, with its message.
    row["offer_move"] = not alone or row["move_form"].is_bound
    return row


def _entry_action(
    request: AuthenticatedHttpRequest,
    entry: WaitingListEntry,
    form: forms.BaseForm,
    form_name: str,
    action: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """A move or removal posted from the list: back to the list on success, else the list again
    with the form bound in the entry's row."""

    def recorded(data: dict[str, Any]) -> str:
        action(data)
        return "waiting-list"

    if done := record_step(request, form, recorded, success):
        return done
    focus_first_error(form)
    return _waiting_page(request, entry, **{form_name: form})


@login_required
@require_POST
def waiting_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
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
def waiting_move(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    committee_only(request.user)
    entry = selectors.waiting_entry_for_committee(request.user, public_id)
    return _entry_action(
        request,
        entry,
        _move_form(entry, request.POST),
        "move_form",
        lambda data: services.waiting_list_move(actor=request.user, entry=entry, **data),
        _("Barnet er flyttet i køen."),
    )


@login_required
@require_POST
def waiting_remove(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    committee_only(request.user)
    entry = selectors.waiting_entry_for_committee(request.user, public_id)
    return _entry_action(
        request,
        entry,
        _remove_form(entry, request.POST),
        "remove_form",
        lambda data: services.waiting_list_remove(actor=request.user, entry=entry, **data),
        _("Barnet er taget af ventelisten."),
    )


def _offer_form(request: AuthenticatedHttpRequest, entry: WaitingListEntry) -> DecisionForm:
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
def waiting_offer(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
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

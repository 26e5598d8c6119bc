"""The waiting list: referrals in line for a full offer, first come first served."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.organisation.models import ResourceGroup
from inklusio.people.models import User
from inklusio.referrals.errors import CapacityExceeded, InvalidInput, NotAllowedNow
from inklusio.referrals.models import Offer, Referral, VisitationPeriod, WaitingListEntry
from inklusio.referrals.services.decisions import _check_capacity


def _queue(entry: WaitingListEntry) -> list[WaitingListEntry]:
    """The entries still waiting for the same place as `entry`, locked, in line order."""
    same = WaitingListEntry.objects.select_for_update().filter(
        municipality_id=entry.municipality_id,
        offer=entry.offer,
        status=WaitingListEntry.Status.WAITING,
    )
    if entry.offer == Offer.RESOURCE_GROUP_PLACE:
        same = same.filter(resource_group_id=entry.resource_group_id)
    else:
        same = same.filter(period_id=entry.period_id)
    return list(same.order_by("position", "added_on", "pk"))


def _renumber(entries: list[WaitingListEntry]) -> None:
    """Positions 1..n without gaps, in the order given."""
    for number, entry in enumerate(entries, start=1):
        if entry.position != number:
            entry.position = number
            entry.save(update_fields=["position"])


def waiting_list_add(
    *,
    actor: User,
    referral: Referral,
    offer: str,
    period: VisitationPeriod | None = None,
    resource_group: ResourceGroup | None = None,
    on: datetime.date | None = None,
) -> WaitingListEntry:
    """Put a referral in line for a full offer. Only when the offer is full: a free place is
    granted, not queued for."""
    if offer == Offer.SUPPORT_PEDAGOGUE and period is None:
        raise InvalidInput(_("Vælg den visitationsperiode, barnet venter på."), field="period")
    if offer == Offer.RESOURCE_GROUP_PLACE and resource_group is None:
        raise InvalidInput(
            _("Vælg den ressourcegruppe, barnet venter på plads i."), field="resource_group"
        )
    if offer not in (Offer.SUPPORT_PEDAGOGUE, Offer.RESOURCE_GROUP_PLACE):
        raise InvalidInput(_("Der er kun venteliste til støttepædagog og pladser."), field="offer")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().select_related("child").get(pk=referral.pk)
        if locked.status != Referral.Status.SUBMITTED:
            raise NotAllowedNow(
                _("Kun en indsendt, uafgjort indstilling kan sættes på venteliste.")
            )
        if locked.waiting_entries.filter(status=WaitingListEntry.Status.WAITING).exists():
            raise NotAllowedNow(_("Indstillingen står allerede på ventelisten."))
        entry = WaitingListEntry(
            municipality_id=locked.municipality_id,
            referral=locked,
            child=locked.child,
            offer=offer,
            period=period if offer == Offer.SUPPORT_PEDAGOGUE else None,
            resource_group=resource_group if offer == Offer.RESOURCE_GROUP_PLACE else None,
            added_on=on or timezone.localdate(),
            added_by=actor,
            position=0,
        )
        try:
            # Locks the period or group row, so two additions are numbered one after the other.
            _check_capacity(
                offer=offer,
                # A group place is counted by its group; the period is not read then.
                period=period or VisitationPeriod(),
                group=resource_group,
                child=locked.child,
            )
        except CapacityExceeded:
            pass
        else:
            raise NotAllowedNow(
                _("Der er en ledig plads: bevil den i stedet for at sætte barnet på venteliste.")
            )
        entry.position = len(_queue(entry)) + 1
        entry.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=entry,
            child=locked.child,
            changes={
                "queue": {"before": None, "after": entry.queue_label},
                "position": {"before": None, "after": entry.position},
            },
        )
    return entry


def _lock_waiting(entry: WaitingListEntry) -> WaitingListEntry:
    locked: WaitingListEntry = (
        # Only the entry's row: PostgreSQL locks no nullable side of an outer join.
        WaitingListEntry.objects.select_for_update(of=("self",))
        .select_related("child", "period", "resource_group")
        .get(pk=entry.pk)
    )
    if locked.status != WaitingListEntry.Status.WAITING:
        raise NotAllowedNow(_("Barnet står ikke længere på ventelisten."))
    return locked


def waiting_list_move(
    *, actor: User, entry: WaitingListEntry, position: int, reason: str
) -> WaitingListEntry:
    """The committee moves a child in line; the reason is logged, the others close up."""
    if not reason.strip():
        raise InvalidInput(_("Skriv, hvorfor barnet flyttes i køen."), field="reason")
    with transaction.atomic():
        locked = _lock_waiting(entry)
        queue = _queue(locked)
        if not 1 <= position <= len(queue):
            raise InvalidInput(
                _("Barnet er det eneste i køen, så pladsen kan kun være 1.")
                if len(queue) == 1
                else _("Vælg en plads mellem 1 og %(last)s.") % {"last": len(queue)},
                field="position",
            )
        before = locked.position
        locked.moves = [
            *locked.moves,
            {
                "on": timezone.localdate().isoformat(),
                "by": actor.get_full_name(),
                "from": before,
                "to": position,
                "reason": reason,
            },
        ]
        locked.save(update_fields=["moves"])
        others = [e for e in queue if e.pk != locked.pk]
        others.insert(position - 1, locked)
        _renumber(others)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            child=locked.child,
            changes={"position": {"before": before, "after": position}, "reason": reason},
        )
    return locked


def waiting_list_remove(
    *, actor: User, entry: WaitingListEntry, reason: str, on: datetime.date | None = None
) -> WaitingListEntry:
    """Taken off the list (withdrawn, granted elsewhere, moved away), with the reason."""
    if not reason.strip():
        raise InvalidInput(_("Skriv, hvorfor barnet tages af ventelisten."), field="reason")
    with transaction.atomic():
        locked = _lock_waiting(entry)
        queue = _queue(locked)
        locked.status = WaitingListEntry.Status.REMOVED
        locked.removed_on = on or timezone.localdate()
        locked.removed_reason = reason
        locked.save(update_fields=["status", "removed_on", "removed_reason"])
        _renumber([e for e in queue if e.pk != locked.pk])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            child=locked.child,
            changes={
                "status": {"before": WaitingListEntry.Status.WAITING, "after": locked.status},
                "reason": reason,
            },
        )
    return locked


def _close_waiting_entries(referral: Referral, decision_pk: int, granted: bool) -> list[str]:
    """A decision on a queued referral takes it out of line (inside the decision's transaction;
    the decision's own audit row records it). Returns the queues it left."""
    left = []
    for entry in WaitingListEntry.objects.select_for_update().filter(
        referral=referral, status=WaitingListEntry.Status.WAITING
    ):
        queue = _queue(entry)
        entry.status = (
            WaitingListEntry.Status.GRANTED if granted else WaitingListEntry.Status.REMOVED
        )
        entry.decision_id = decision_pk if granted else None
        entry.removed_on = timezone.localdate()
        entry.removed_reason = "" if granted else _("Indstillingen er afgjort.")
        entry.save(update_fields=["status", "decision", "removed_on", "removed_reason"])
        _renumber([e for e in queue if e.pk != entry.pk])
        left.append(entry.queue_label)
    return left

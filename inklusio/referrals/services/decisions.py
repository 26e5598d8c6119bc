"""Decisions (afgørelser): granting within capacity, ending, yearly re-assessment, placing."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.children.models import Child
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.organisation.models import Municipality, ResourceGroup
from inklusio.people.models import User
from inklusio.referrals.errors import (
    CapacityExceeded,
    DateOutsidePeriod,
    InvalidInput,
    NotAllowedNow,
)
from inklusio.referrals.models import (
    CaseNumberCounter,
    CommitteeMeeting,
    Decision,
    LegalBasis,
    Offer,
    Referral,
    VisitationPeriod,
)
from inklusio.referrals.periods import one_year_from
from inklusio.referrals.selectors import group_places_used, period_for, support_places_used

DECISION_FIELDS = [
    "case_number",
    "kind",
    "outcome",
    "offer",
    "resource_group",
    "alternative",
    "reasons",
    "legal_basis",
    "start",
    "end",
]
# The committee decides a re-assessment this long before the grant's year (or the grant) ends.
REASSESSMENT_MARGIN = datetime.timedelta(days=30)


def reassessment_due(start: datetime.date, end: datetime.date | None) -> datetime.date:
    """At least yearly (Hedensted: minimum once a year), and a month before the grant runs out."""
    yearly = one_year_from(start) - REASSESSMENT_MARGIN
    return min(yearly, end - REASSESSMENT_MARGIN) if end else yearly


def _next_case_number(municipality_id: int, day: datetime.date) -> str:
    """A new case's journal number, `<prefix>-<løbenr>-<år>`, numbered per municipality and
    year under a row lock (the counter row is created on the year's first case)."""
    counter, _created = CaseNumberCounter.objects.get_or_create(
        municipality_id=municipality_id, year=day.year
    )
    counter = CaseNumberCounter.objects.select_for_update().get(pk=counter.pk)
    slug = Municipality.objects.values_list("slug", flat=True).get(pk=municipality_id)
    prefix = settings.CASE_NUMBER_PREFIXES.get(slug, settings.CASE_NUMBER_PREFIX)
    taken = Decision.objects.filter(municipality_id=municipality_id)
    # Imported decisions keep the old system's numbers without moving the counter: skip them.
    while True:
        counter.last += 1
        number = f"{prefix}-{counter.last:04d}-{day.year}"
        if not taken.filter(case_number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number


def _check_capacity(
    *,
    offer: str,
    period: VisitationPeriod,
    group: ResourceGroup | None,
    child: Child,
    replacing: Decision | None = None,
) -> None:
    """A hard limit: the period (or group) row is locked, so two committee members granting
    the last place at once are served one after the other, and the second is refused."""
    if offer == Offer.SUPPORT_PEDAGOGUE:
        locked = VisitationPeriod.objects.select_for_update().get(pk=period.pk)
        used = support_places_used(locked, excluding_child=child)
        if used >= locked.support_places:
            raise CapacityExceeded(
                capacity=locked.support_places,
                used=used,
                what=_("Støttepædagog %(period)s") % {"period": locked.label},
            )
    elif offer == Offer.RESOURCE_GROUP_PLACE and group is not None:
        locked_group = ResourceGroup.objects.select_for_update().get(pk=group.pk)
        used = group_places_used(locked_group, excluding=replacing)
        if used >= locked_group.places:
            raise CapacityExceeded(capacity=locked_group.places, used=used, what=str(locked_group))


def _check_decision_input(
    *,
    outcome: str,
    offer: str,
    resource_group: ResourceGroup | None,
    alternative: str,
    start: datetime.date | None,
    end: datetime.date | None,
) -> None:
    """What every decision must say: a grant its start (and group), an alternative what it is."""
    granting = outcome in Decision.GRANTING
    if outcome == Decision.Outcome.ALTERNATIVE and not alternative.strip():
        raise InvalidInput(_("Beskriv det tilbud, barnet får i stedet."), field="alternative")
    if not granting:
        return
    if offer == Offer.RESOURCE_GROUP_PLACE and resource_group is None:
        raise InvalidInput(
            _("Vælg den ressourcegruppe, barnet bevilges plads i."), field="resource_group"
        )
    if start is None:
        raise InvalidInput(_("En bevilling skal have en startdato."), field="start")
    if end is not None and end < start:
        raise InvalidInput(_("Slutdatoen ligger før startdatoen."), field="end")
    if offer == Offer.SUPPORT_PEDAGOGUE and end is not None and end > one_year_from(start):
        raise InvalidInput(_("Støttepædagog bevilges for højst ét år ad gangen."), field="end")


def _check_decided_by_now(meeting: CommitteeMeeting | None, decided_on: datetime.date) -> None:
    """A decision is recorded when it has been made: a meeting's from its date on, never ahead,
    and at a meeting of a period still running (an ended period's meetings are history)."""
    today = timezone.localdate()
    if meeting is not None and meeting.period.end < today:
        raise NotAllowedNow(
            _(
                "Visitationsperioden %(label)s er afsluttet; afgørelser træffes på et møde "
                "i den løbende periode."
            )
            % {"label": meeting.period.label},
            field="meeting",
        )
    if meeting is not None and meeting.date > today:
        raise InvalidInput(
            _("Mødet holdes den %(day)s; dets afgørelser registreres fra mødedagen.")
            % {"day": date_format(meeting.date, "j.n.Y")},
            field="meeting",
        )
    if decided_on > today:
        raise InvalidInput(_("Afgørelsesdatoen ligger i fremtiden."), field="decided_on")


def _lock_current(decision: Decision, message: str) -> Decision:
    """The decision, locked; refused unless it is a grant still in force (not ended, not
    superseded). Checked after the lock, so two people cannot both end or re-assess it."""
    locked: Decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not locked.is_grant or locked.ended_on or locked.superseded_by.exists():
        raise NotAllowedNow(message)
    return locked


def decision_record(
    *,
    actor: User,
    child: Child,
    outcome: str,
    offer: str,
    reasons: str,
    legal_basis: LegalBasis,
    referral: Referral | None = None,
    meeting: CommitteeMeeting | None = None,
    resource_group: ResourceGroup | None = None,
    alternative: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    kind: str = Decision.Kind.INITIAL,
    supersedes: Decision | None = None,
    decided_on: datetime.date | None = None,
) -> Decision:
    """Record a decision within capacity; a support-pedagogue grant lasts at most one year
    (forvaltningsloven: reasons and the legal basis are required of every decision)."""
    _check_decision_input(
        outcome=outcome,
        offer=offer,
        resource_group=resource_group,
        alternative=alternative,
        start=start,
        end=end,
    )
    decided_on = decided_on or (meeting.date if meeting else timezone.localdate())
    _check_decided_by_now(meeting, decided_on)
    granting = outcome in Decision.GRANTING
    with transaction.atomic():
        if supersedes is not None:
            supersedes = Decision.objects.select_for_update().get(pk=supersedes.pk)
            if supersedes.superseded_by.exists():
                raise NotAllowedNow(_("Afgørelsen er allerede afløst af en nyere afgørelse."))
        period = None
        due = None
        if granting and start is not None:
            period = (
                meeting.period
                if meeting
                else period_for(child.municipality_id, start, field="start")
            )
            if not period.contains(start):
                raise DateOutsidePeriod(period, start)
            if offer == Offer.SUPPORT_PEDAGOGUE and end is None:
                end = one_year_from(start)
            _check_capacity(
                offer=offer, period=period, group=resource_group, child=child, replacing=supersedes
            )
            due = reassessment_due(start, end)
        # A decision on a case already decided (re-assessment, ending, appeal) is the same case.
        earlier = supersedes or (
            referral.decisions.exclude(case_number="").first() if referral is not None else None
        )
        case_number = (
            earlier.case_number
            if earlier is not None and earlier.case_number
            else _next_case_number(child.municipality_id, decided_on)
        )
        decision = Decision.objects.create(
            municipality_id=child.municipality_id,
            case_number=case_number,
            child=child,
            referral=referral,
            supersedes=supersedes,
            kind=kind,
            outcome=outcome,
            offer=offer,
            category=(referral.category if referral else "")
            or (supersedes.category if supersedes else "")
            or child.category,
            resource_group=resource_group if offer == Offer.RESOURCE_GROUP_PLACE else None,
            alternative=alternative,
            reasons=reasons,
            legal_basis=legal_basis,
            start=start if granting else None,
            end=end if granting else None,
            period=period,
            meeting=meeting,
            decided_by=actor,
            decided_on=decided_on,
            contact_person=actor,
            reassessment_due=due,
            placed_on=supersedes.placed_on if supersedes and granting else None,
        )
        changes = diff({}, snapshot(decision, DECISION_FIELDS))
        if referral is not None:
            Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.DECIDED)
            # Deferred: the waiting list builds on this module's capacity check.
            from inklusio.referrals.services.waiting import _close_waiting_entries

            left = _close_waiting_entries(referral, decision.pk, granted=granting)
            if left:
                changes["waiting_list_left"] = {"before": left, "after": None}
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=decision,
            child=child,
            changes=changes,
        )
    return decision


def decision_end(
    *,
    actor: User,
    decision: Decision,
    kind: str,
    reasons: str,
    legal_basis: LegalBasis,
    end_on: datetime.date,
) -> Decision:
    """Ending a grant early or withdrawing it is itself a decision, with its own letter."""
    with transaction.atomic():
        locked = _lock_current(decision, _("Kun en gældende bevilling kan bringes til ophør."))
        ending = decision_record(
            actor=actor,
            child=locked.child,
            outcome=Decision.Outcome.ENDED,
            offer=locked.offer,
            reasons=reasons,
            legal_basis=legal_basis,
            kind=kind,
            supersedes=locked,
        )
        Decision.objects.filter(pk=locked.pk).update(ended_on=end_on)
    return ending


def reassessment_record(
    *,
    actor: User,
    decision: Decision,
    outcome: str,
    reasons: str,
    legal_basis: LegalBasis,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    resource_group: ResourceGroup | None = None,
) -> Decision:
    """Yearly re-assessment ends in continue, change or end, recorded like a decision; by
    default the new grant starts the day after the current one ends."""
    with transaction.atomic():
        locked = _lock_current(decision, _("Kun en gældende bevilling kan revurderes."))
        if outcome == Decision.Outcome.ENDED:
            return decision_end(
                actor=actor,
                decision=locked,
                kind=Decision.Kind.REASSESSMENT,
                reasons=reasons,
                legal_basis=legal_basis,
                end_on=timezone.localdate(),
            )
        start = start or (
            (locked.end + datetime.timedelta(days=1)) if locked.end else timezone.localdate()
        )
        return decision_record(
            actor=actor,
            child=locked.child,
            outcome=outcome,
            offer=locked.offer,
            reasons=reasons,
            legal_basis=legal_basis,
            kind=Decision.Kind.REASSESSMENT,
            supersedes=locked,
            start=start,
            end=end,
            resource_group=resource_group or locked.resource_group,
        )


def decision_mark_placed(*, actor: User, decision: Decision, placed_on: datetime.date) -> Decision:
    """The child has started: it leaves the waiting list (once; a later start is not recorded
    over an earlier one)."""
    with transaction.atomic():
        locked: Decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if not locked.is_grant:
            raise NotAllowedNow(_("Kun en bevilling kan registreres som startet."))
        if locked.placed_on:
            raise NotAllowedNow(
                _("Barnet er allerede registreret som startet den %(day)s.")
                % {"day": short_date(locked.placed_on)}
            )
        locked.placed_on = placed_on
        locked.save(update_fields=["placed_on"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            child=locked.child,
            changes={"placed_on": {"before": None, "after": placed_on.isoformat()}},
        )
    return locked

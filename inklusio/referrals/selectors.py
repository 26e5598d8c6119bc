"""Reads of referrals and decisions, scoped by inklusio.access (or to one municipality) and
logged when they show a child. Nothing here writes anything but the audit log."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_listing, audit_record
from inklusio.children.models import Child
from inklusio.core.listing import Listing
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.organisation.models import Municipality, ResourceGroup
from inklusio.people.models import User
from inklusio.referrals.errors import PeriodMissing
from inklusio.referrals.models import (
    Appeal,
    CommitteeMeeting,
    Decision,
    DecisionLetter,
    LegalBasis,
    Offer,
    Referral,
    ReferralAttachment,
    VisitationPeriod,
    WaitingListEntry,
)
from inklusio.referrals.periods import period_start_for

PublicId = uuid.UUID | str
Scope = User | Municipality | int

# --- Capacity: counted per municipality ----------------------------------------------------------


def _municipality_id(scope: Scope) -> int | None:
    """The municipality a read is limited to; None (nothing) for a user without one."""
    if isinstance(scope, User):
        return scope.municipality_id if scope.is_authenticated else None
    if isinstance(scope, Municipality):
        return scope.pk
    return scope


def current_grants(scope: Scope, *, on: datetime.date | None = None) -> QuerySet[Decision]:
    """One municipality's grants in force on a day (default today): not superseded, not ended,
    not run out. The scope is required, so no caller can count another municipality's grants."""
    municipality_id = _municipality_id(scope)
    if municipality_id is None:
        return Decision.objects.none()
    on = on or timezone.localdate()
    return Decision.objects.filter(
        Q(end__isnull=True) | Q(end__gte=on),
        municipality_id=municipality_id,
        outcome__in=Decision.GRANTING,
        superseded_by__isnull=True,
        ended_on__isnull=True,
    )


def is_in_force(decision: Decision) -> bool:
    return current_grants(decision.municipality_id).filter(pk=decision.pk).exists()


def place_holding_support_grants(scope: Scope) -> QuerySet[Decision]:
    """Support-pedagogue grants that hold a place: what capacity and statistics both count.
    A grant withdrawn before it started gives its place back."""
    municipality_id = _municipality_id(scope)
    if municipality_id is None:
        return Decision.objects.none()
    return Decision.objects.filter(
        municipality_id=municipality_id,
        offer=Offer.SUPPORT_PEDAGOGUE,
        outcome__in=Decision.GRANTING,
    ).exclude(superseded_by__kind=Decision.Kind.WITHDRAWAL)


def support_places_used(period: VisitationPeriod, *, excluding_child: Child | None = None) -> int:
    """Children holding a support-pedagogue place in the period (Ishøj counts children served a
    year)."""
    grants = place_holding_support_grants(period.municipality_id).filter(period=period)
    if excluding_child is not None:
        grants = grants.exclude(child=excluding_child)
    used: int = grants.values("child").distinct().count()
    return used


def group_places_used(group: ResourceGroup, *, excluding: Decision | None = None) -> int:
    grants = current_grants(group.municipality_id).filter(
        offer=Offer.RESOURCE_GROUP_PLACE, resource_group=group
    )
    if excluding is not None:
        grants = grants.exclude(pk=excluding.pk)
    used: int = grants.count()
    return used


def period_for(
    municipality_id: int, day: datetime.date, *, field: str | None = None
) -> VisitationPeriod:
    """The visitation period a day lies in; PeriodMissing (shown by `field`) if none exists."""
    period: VisitationPeriod | None = VisitationPeriod.objects.filter(
        municipality_id=municipality_id, start=period_start_for(day)
    ).first()
    if period is None:
        raise PeriodMissing(day, field=field)
    return period


def period_capacity(period: VisitationPeriod) -> dict[str, Any]:
    used = support_places_used(period)
    return {"period": period, "used": used, "free": max(0, period.support_places - used)}


def periods_with_capacity(user: User) -> list[dict[str, Any]]:
    """Every period with its places used and free: `period_capacity` for all of them in two
    queries, however many periods there are."""
    periods = list(VisitationPeriod.objects.in_municipality_of(user).order_by("-start"))
    used_in = dict(
        place_holding_support_grants(user)
        .filter(period__in=[p.pk for p in periods])
        .order_by()
        .values("period")
        .annotate(used=Count("child", distinct=True))
        .values_list("period", "used")
    )
    rows = []
    for period in periods:
        used = used_in.get(period.pk, 0)
        rows.append({"period": period, "used": used, "free": max(0, period.support_places - used)})
    return rows


def current_period(user: User) -> VisitationPeriod | None:
    today = timezone.localdate()
    return (
        VisitationPeriod.objects.in_municipality_of(user)
        .filter(start__lte=today, end__gte=today)
        .first()
    )


def all_resource_groups(user: User) -> QuerySet[ResourceGroup]:
    """Every group of the municipality can be referred to; group names are not personal data."""
    return (
        ResourceGroup.objects.in_municipality_of(user)
        .select_related("institution")
        .order_by("name")
    )


def group_capacity(user: User) -> list[dict[str, Any]]:
    """Every resource group with its places used (`group_places_used`) and free, in two
    queries however many groups there are."""
    if not access.can_decide(user):
        return []
    used_in = dict(
        current_grants(user)
        .filter(offer=Offer.RESOURCE_GROUP_PLACE, resource_group__isnull=False)
        .order_by()
        .values("resource_group")
        .annotate(used=Count("pk"))
        .values_list("resource_group", "used")
    )
    rows = []
    for group in all_resource_groups(user):
        used = used_in.get(group.pk, 0)
        rows.append({"group": group, "used": used, "free": max(0, group.places - used)})
    return rows


# --- Referrals -----------------------------------------------------------------------------------


def referral_for_user(user: User, public_id: PublicId, *, log: bool = True) -> Referral:
    referral: Referral = access.get_visible_or_404(
        access.referrals_visible_to(user).select_related(
            "child__institution", "referred_by", "resource_group"
        ),
        public_id=public_id,
    )
    if log:
        audit_record(actor=user, action=AuditAction.READ, obj=referral, child=referral.child)
    return referral


def referral_to_decide(user: User, public_id: PublicId, *, log: bool = True) -> Referral:
    """A submitted referral the user may see, for the committee to decide; else 404."""
    referral = referral_for_user(user, public_id, log=False)
    if referral.status != Referral.Status.SUBMITTED:
        raise Http404
    if log:
        audit_record(actor=user, action=AuditAction.READ, obj=referral, child=referral.child)
    return referral


OPEN_STATUSES = (Referral.Status.DRAFT, Referral.Status.SUBMITTED)


def referrals_list_for(
    user: User, *, status: str = "open", listing: Listing | None = None
) -> list[Referral]:
    """Open referrals by default (drafts and those waiting for the committee), else one status
    or all (""); with a `listing`, its page of the filtered, sorted list."""
    referrals = access.referrals_visible_to(user).select_related(
        "child__institution", "referred_by"
    )
    rows: list[Referral]
    if listing is not None:
        rows = listing.paginate(referrals)
        criterion = listing.logged
    else:
        if status == "open":
            referrals = referrals.filter(status__in=OPEN_STATUSES)
        elif status:
            referrals = referrals.filter(status=status)
        rows = list(referrals[:300])
        criterion = status or "(alle)"
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="referral",
        search_term=f"indstillinger {criterion}",
        changes={"results": [str(r.child.public_id) for r in rows]},
    )
    return rows


def decisions_on_referral(user: User, referral: Referral) -> list[dict[str, Any]]:
    """The referral's decisions the user may see, each with the committee meeting it came from
    for those who may see that meeting (None for the others, and for a decision made outside a
    meeting)."""
    decisions = access.decisions_visible_to(user).filter(referral=referral)
    meetings_shown = access.can_view_committee_meetings(user)
    if meetings_shown:
        decisions = decisions.select_related("meeting")
    return [
        {"decision": decision, "meeting": decision.meeting if meetings_shown else None}
        for decision in decisions
    ]


def attachment_for_download(user: User, public_id: PublicId) -> ReferralAttachment:
    """An attachment of a referral the user may see; the download is logged as an export."""
    attachment: ReferralAttachment = access.get_visible_or_404(
        ReferralAttachment.objects.filter(
            referral__in=access.referrals_visible_to(user)
        ).select_related("referral__child"),
        public_id=public_id,
    )
    audit_record(
        actor=user, action=AuditAction.EXPORT, obj=attachment, child=attachment.referral.child
    )
    return attachment


def child_case_history(user: User, child: Child) -> dict[str, list[Any]]:
    """Everything of the visitation chain the user may see about one child, oldest first."""
    return {
        "referrals": list(
            access.referrals_visible_to(user).filter(child=child).order_by("created_at")
        ),
        "decisions": list(
            access.decisions_visible_to(user)
            .filter(child=child)
            .select_related("legal_basis", "period")
            .order_by("decided_on", "pk")
        ),
    }


def way_back(user: User, child: Child) -> dict[str, str] | None:
    """The link above a referral's or a decision's title: back to Visitation for those who use
    it; else to the child's page in the user's own navigation (`child_link`)."""
    if access.can_use_visitation(user):
        return {"url": reverse("visitation-overview"), "label": str(_("Visitation"))}
    return child_link(user, child)


def child_link(user: User, child: Child) -> dict[str, str] | None:
    """The child's page in the user's own navigation: a guardian's family page, the child's
    page for everyone else who may see it; None (the name without a link) rather than a link
    to a page the user is refused."""
    if access.can_use_family_page(user, child):
        return {"url": reverse("family-child", args=[child.public_id]), "label": child.full_name}
    if access.can_view_child(user, child):
        return {"url": child.get_absolute_url(), "label": child.full_name}
    return None


def may_refer(user: User) -> bool:
    """Whether the user may refer any child at all (leaders, partners)."""
    may: bool = access.children_user_may_refer(user).exists()
    return may


def child_to_refer(user: User, public_id: str | None) -> Child | None:
    """The child a new referral starts with, when the link names one the user may refer."""
    if not public_id:
        return None
    try:
        child: Child | None = (
            access.children_user_may_refer(user).filter(public_id=public_id).first()
        )
    except ValidationError:  # not a UUID: start without a child
        return None
    return child


def submitted_count(user: User) -> int:
    count: int = access.referrals_visible_to(user).filter(status=Referral.Status.SUBMITTED).count()
    return count


# --- The committee -------------------------------------------------------------------------------


def legal_bases_for(user: User, *, active_only: bool = False) -> QuerySet[LegalBasis]:
    """The municipality's legal bases; decisions choose among the active ones."""
    bases = LegalBasis.objects.in_municipality_of(user)
    return bases.filter(active=True) if active_only else bases


def meetings_for(user: User) -> QuerySet[CommitteeMeeting]:
    if not access.can_view_committee_meetings(user):
        return CommitteeMeeting.objects.none()
    meetings: QuerySet[CommitteeMeeting] = (
        CommitteeMeeting.objects.in_municipality_of(user)
        .select_related("period")
        .annotate(decision_count=Count("decisions"))
    )
    return meetings


def meeting_for_user(user: User, public_id: PublicId) -> CommitteeMeeting:
    meeting: CommitteeMeeting = access.get_visible_or_404(meetings_for(user), public_id=public_id)
    return meeting


def agenda(user: User, meeting: CommitteeMeeting, *, undecided: bool = True) -> list[Referral]:
    """Submitted, undecided referrals, oldest first (unless `undecided` is False), plus those
    decided at this meeting."""
    rule = Q(decisions__meeting=meeting)
    if undecided:
        rule |= Q(status=Referral.Status.SUBMITTED)
    referrals = access.referrals_visible_to(user).filter(rule)
    # A queued referral stays on the agenda: the committee may still refuse it or offer
    # something else (a decision takes it out of line), so the agenda says where it waits.
    queued = Prefetch(
        "waiting_entries",
        queryset=WaitingListEntry.objects.filter(
            status=WaitingListEntry.Status.WAITING
        ).select_related("period", "resource_group"),
        to_attr="queued",
    )
    rows: list[Referral] = sorted(
        referrals.select_related("child__institution", "resource_group")
        .prefetch_related(queued)
        .distinct(),
        # Those still waiting first, oldest first; then those already decided at this meeting.
        key=lambda r: (r.status != Referral.Status.SUBMITTED, r.submitted_at or r.created_at),
    )
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="referral",
        search_term=f"dagsorden {short_date(meeting.date)}",
        changes={"results": [str(r.child.public_id) for r in rows]},
    )
    return rows


def meeting_page(user: User, meeting: CommitteeMeeting) -> dict[str, Any]:
    """A meeting of a period still running is where referrals are decided: the undecided ones
    and the places free today. One of a period that has ended is history: what was decided at
    it and how many children the period's support places went to, not today's referrals or
    today's free places (the groups' places are not kept per day, so they have no figure for
    the meeting's day)."""
    period_ended = meeting.period.end < timezone.localdate()
    return {
        "meeting": meeting,
        "period_ended": period_ended,
        "agenda": agenda(user, meeting, undecided=not period_ended),
        "capacity": period_capacity(meeting.period),
        "groups": [] if period_ended else group_capacity(user),
    }


REASSESSMENT_NOTICE_DAYS = 60


def reassessments(
    user: User, *, within_days: int = REASSESSMENT_NOTICE_DAYS, log: bool = True
) -> dict[str, list[Decision]]:
    """Grants whose yearly re-assessment is overdue or due soon (for the committee); logged as
    a list read unless the caller logs what it shows itself."""
    if not access.can_decide(user):
        return {"overdue": [], "upcoming": []}
    today = timezone.localdate()
    grants = (
        current_grants(user)
        .filter(reassessment_due__isnull=False)
        .select_related("child__institution", "resource_group")
        .order_by("reassessment_due")
    )
    horizon = today + datetime.timedelta(days=within_days)
    found = {
        "overdue": list(grants.filter(reassessment_due__lt=today)),
        "upcoming": list(grants.filter(reassessment_due__gte=today, reassessment_due__lte=horizon)),
    }
    if log:
        children = [d.child for d in found["overdue"] + found["upcoming"]]
        audit_listing(
            actor=user, object_type="decision", search_term="revurderinger", children=children
        )
    return found


def granted_not_started(user: User, *, log: bool = True) -> list[Decision]:
    """Granted but not yet placed, ordered by decision date; logged as a list read unless the
    caller shows no child of it."""
    if not access.can_decide(user):
        return []
    waiting = list(
        current_grants(user)
        .filter(
            placed_on__isnull=True,
            offer__in=[Offer.SUPPORT_PEDAGOGUE, Offer.RESOURCE_GROUP_PLACE],
        )
        .select_related("child__institution", "resource_group")
        .order_by("decided_on", "pk")
    )
    if log:
        audit_listing(
            actor=user,
            object_type="decision",
            search_term="bevilget-ikke-startet",
            children=[d.child for d in waiting],
        )
    return waiting


def _free_places(user: User) -> dict[tuple[str, int | None], int]:
    """Free places per queue key (see `WaitingListEntry.queue_key`), in four queries."""
    free: dict[tuple[str, int | None], int] = {
        (Offer.SUPPORT_PEDAGOGUE, row["period"].pk): row["free"]
        for row in periods_with_capacity(user)
    }
    for row in group_capacity(user):
        free[(Offer.RESOURCE_GROUP_PLACE, row["group"].pk)] = row["free"]
    return free


def waiting_queues(user: User, *, log: bool = True) -> list[dict[str, Any]]:
    """The waiting list, one queue per offer (a period's support places, a group's places), each
    in line order with its free places: a queue with a free place offers it to the first in
    line. Logged as one search naming every child shown."""
    if not access.can_decide(user):
        return []
    entries = list(
        access.waiting_entries_visible_to(user)
        .filter(status=WaitingListEntry.Status.WAITING)
        .select_related("child__institution", "period", "resource_group", "referral")
        .order_by("offer", "period__start", "resource_group__name", "position", "pk")
    )
    free = _free_places(user) if entries else {}
    queues: dict[tuple[str, int | None], dict[str, Any]] = {}
    for entry in entries:
        queue = queues.setdefault(
            entry.queue_key,
            {"label": entry.queue_label, "entries": [], "free": free.get(entry.queue_key, 0)},
        )
        queue["entries"].append(entry)
    if log:
        audit_listing(
            actor=user,
            object_type="waitinglistentry",
            search_term="venteliste",
            children=[e.child for e in entries],
        )
    return list(queues.values())


def waiting_entry_for_committee(user: User, public_id: PublicId) -> WaitingListEntry:
    """A child still waiting, for the committee's actions on it; else 404."""
    entry: WaitingListEntry = access.get_visible_or_404(
        access.waiting_entries_visible_to(user)
        .filter(status=WaitingListEntry.Status.WAITING)
        .select_related("child", "referral", "period", "resource_group"),
        public_id=public_id,
    )
    return entry


def committee_overview(user: User) -> dict[str, Any]:
    """The committee's part of the visitation overview; empty for everyone else."""
    if not access.can_decide(user):
        return {}
    periods = periods_with_capacity(user)
    today = timezone.localdate()
    return {
        "periods": periods,
        # The cards: places that can still be granted, in the running period and the next (an
        # ended period's unused places are history, in the table).
        "open_periods": sorted(
            (row for row in periods if row["period"].end >= today),
            key=lambda row: row["period"].start,
        )[:2],
        "groups": group_capacity(user),
        "meetings": meetings_for(user)[:12],
        # Only counts (and the queues' labels) are shown of these, no child: nothing to log.
        "reassessments": reassessments(user, log=False),
        "waiting": granted_not_started(user, log=False),
        "queues": waiting_queues(user, log=False),
    }


def support_children_on(municipality: Municipality, week_start: datetime.date) -> QuerySet[Child]:
    """Children with a support-pedagogue grant in force in the week (for corps planning)."""
    week_end = week_start + datetime.timedelta(days=4)
    granted = current_grants(municipality, on=week_start).filter(
        offer=Offer.SUPPORT_PEDAGOGUE, start__lte=week_end
    )
    return Child.objects.filter(pk__in=granted.values("child_id"))


# --- Decisions, letters and appeals --------------------------------------------------------------


def decision_for_user(user: User, public_id: PublicId, *, log: bool = True) -> Decision:
    decision: Decision = access.get_visible_or_404(
        access.decisions_visible_to(user).select_related(
            "child__institution",
            "legal_basis",
            "referral",
            "period",
            "resource_group",
            "decided_by",
            "contact_person",
        ),
        public_id=public_id,
    )
    if log:
        audit_record(actor=user, action=AuditAction.READ, obj=decision, child=decision.child)
    return decision


def decision_page(user: User, decision: Decision) -> dict[str, Any]:
    """What the decision page shows: letters, later decisions, and appeals for the committee."""
    can_decide = access.can_decide(user)
    return {
        "decision": decision,
        "letters": decision.letters.order_by("-version"),
        "appeals": decision.appeals.select_related("owner", "new_decision") if can_decide else [],
        "later": decision.superseded_by.all(),
        "can_decide": can_decide,
        "in_force": is_in_force(decision),
        "back": way_back(user, decision.child),
        "child_link": child_link(user, decision.child),
    }


def letter_for_user(user: User, public_id: PublicId, *, log: bool = False) -> DecisionLetter:
    """A decision letter reaches whoever may see its decision (the guardians included); `log`
    records a download as an export."""
    letter: DecisionLetter = access.get_visible_or_404(
        DecisionLetter.objects.filter(
            decision__in=access.decisions_visible_to(user)
        ).select_related("decision__child"),
        public_id=public_id,
    )
    if log:
        audit_record(actor=user, action=AuditAction.EXPORT, obj=letter, child=letter.decision.child)
    return letter


def appeal_for_committee(user: User, public_id: PublicId) -> Appeal:
    """An appeal of a decision the user may see, for committee members only."""
    if not access.can_decide(user):
        raise Http404
    appeal: Appeal = access.get_visible_or_404(
        Appeal.objects.filter(decision__in=access.decisions_visible_to(user)).select_related(
            "decision__child"
        ),
        public_id=public_id,
    )
    return appeal


def appeal_bundle_for_download(user: User, public_id: PublicId) -> Appeal:
    """The case file sent to the appeals board; its download is logged as an export."""
    appeal = appeal_for_committee(user, public_id)
    if appeal.bundle:
        audit_record(actor=user, action=AuditAction.EXPORT, obj=appeal, child=appeal.decision.child)
    return appeal

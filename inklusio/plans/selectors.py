"""Reads of action plans, scoped by inklusio.access; a read of a child's plan is logged."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_listing, audit_record
from inklusio.children.models import Child, Guardianship, PartnerInvitation
from inklusio.core.listing import Listing
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.plans.models import (
    Acknowledgement,
    ActionPlan,
    Adjustment,
    GoalBankEntry,
    PlanMeeting,
    PlanVersion,
)
from inklusio.plans.rules import (
    Snapshot,
    follow_up_due,
    overdue_starts,
    proposed_snapshot,
    version_changes,
)
from inklusio.plans.services import snapshot


def plans_for(
    user: User,
    *,
    status: str = "open",
    log: bool = True,
    listing: Listing | None = None,
    also_shown: Iterable[Child | None] = (),
) -> list[ActionPlan]:
    """The plan list (one page of it, filtered and sorted, when a `listing` is given); logged
    as a list read, with `also_shown` (the children the page names beside the list), unless
    the caller logs what it shows itself."""
    plans = access.plans_visible_to(user).select_related("child", "course", "institution", "owner")
    plans = plans.prefetch_related("meetings")
    if listing is not None:
        rows = listing.paginate(plans)
        criterion = listing.logged
    else:
        if status == "open":
            plans = plans.exclude(status=ActionPlan.Status.CLOSED)
        elif status:
            plans = plans.filter(status=status)
        rows = list(plans[:300])
        criterion = status or "(alle)"
    if log:
        audit_listing(
            actor=user,
            object_type="actionplan",
            search_term=f"handleplaner {criterion}",
            children=[
                child
                for child in [*(plan.child for plan in rows), *also_shown]
                if child is not None
            ],
        )
    today = timezone.localdate()
    for plan in rows:
        held = [meeting.date for meeting in plan.meetings.all() if meeting.held]
        # Shown in the plan list; computed here from the prefetched meetings, not per plan.
        plan.next_follow_up = follow_up_due(
            plan.created_at, plan.follow_up_weeks, max(held, default=None)
        )
        plan.follow_up_overdue = not plan.is_closed and plan.next_follow_up < today
    return rows


def plan_for_user(user: User, public_id: uuid.UUID | str, *, log: bool = True) -> ActionPlan:
    plan: ActionPlan = access.get_visible_or_404(
        access.plans_visible_to(user).select_related("child", "course", "institution", "owner"),
        public_id=public_id,
    )
    if log:
        audit_record(actor=user, action=AuditAction.READ, obj=plan, child=plan.child)
    return plan


def meeting_for_user(user: User, public_id: uuid.UUID | str) -> PlanMeeting:
    meeting: PlanMeeting = access.get_visible_or_404(
        access.plan_meetings_visible_to(user).select_related("plan__child"),
        public_id=public_id,
    )
    return meeting


def adjustment_for_user(user: User, public_id: uuid.UUID | str) -> Adjustment:
    adjustment: Adjustment = access.get_visible_or_404(
        Adjustment.objects.filter(plan__in=access.plans_visible_to(user)).select_related("plan"),
        public_id=public_id,
    )
    return adjustment


def plan_page(plan: ActionPlan) -> dict[str, Any]:
    """The plan page's meetings (each with its acknowledgements), the adjustments proposed and
    those accepted since the last meeting held, and the next follow-up: the meetings read once
    give the last meeting held that the other two count from."""
    meetings = meetings_with_status(plan)
    last_held = max((row["meeting"].date for row in meetings if row["meeting"].held), default=None)
    adjustments = list(
        plan.adjustments.filter(
            Q(status=Adjustment.Status.PROPOSED) | _accepted_since(last_held)
        ).select_related("proposed_by", "decided_by")
    )
    return {
        "meetings": meetings,
        "proposals": [a for a in adjustments if a.status == Adjustment.Status.PROPOSED],
        "for_next_meeting": [a for a in adjustments if a.status == Adjustment.Status.ACCEPTED],
        "next_follow_up": follow_up_due(plan.created_at, plan.follow_up_weeks, last_held),
    }


def meetings_with_status(plan: ActionPlan) -> list[dict[str, Any]]:
    return [
        {"meeting": meeting, "status": acknowledgement_status(meeting)}
        for meeting in plan.meetings.prefetch_related("participants", "acknowledgements")
    ]


def versions(plan: ActionPlan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("created_by").order_by("number")


def people_for_meetings(plan: ActionPlan) -> QuerySet[User]:
    """Who can be invited: the institution's people, the corps, the child's guardians and partners."""
    users = User.objects.filter(municipality_id=plan.municipality_id, is_active=True)
    institution_people = users.filter(institution_id=plan.institution_id)
    corps = users.filter(
        role__in=[Role.PEDAGOGUE, Role.CORPS_LEADER],
        pk__in=PedagogueAttachment.objects.current()
        .filter(institution_id=plan.institution_id)
        .values("pedagogue_id"),
    )
    # Only relations in force: taking part in a meeting opens the plan for a while, so an
    # ended custody or an expired invitation must not come back through the participant list.
    invited = PartnerInvitation.objects.current().filter(
        Q(scope=PartnerInvitation.Scope.PLAN, plan=plan)
        | Q(scope=PartnerInvitation.Scope.CHILD, child_id=plan.child_id)
    )
    others = users.filter(pk__in=invited.values("partner_id"))
    if plan.child_id:
        guardians = Guardianship.objects.current().filter(child_id=plan.child_id)
        others |= users.filter(guardian_profile__guardianships__in=guardians)
    people: QuerySet[User] = (
        (institution_people | corps | others | users.filter(pk=plan.owner_id))
        .distinct()
        .order_by("first_name")
    )
    return people


def owners_for(user: User) -> QuerySet[User]:
    owners: QuerySet[User] = (
        User.objects.in_municipality_of(user)
        .filter(
            role__in=[Role.PEDAGOGUE, Role.INSTITUTION_LEADER, Role.STAFF, Role.CORPS_LEADER],
            is_active=True,
        )
        .order_by("first_name")
    )
    return owners


# The start page names this many overdue plans (the most overdue first); its figure counts all.
OVERDUE_SHOWN = 10


def _overdue_plans(user: User) -> QuerySet[ActionPlan]:
    """Open plans the user answers for whose follow-up date has passed, counted in SQL.

    The rule is `rules.follow_up_due`: the last meeting held (else the day the plan was
    created) plus the plan's interval in weeks, moved off a public holiday. The interval differs
    between plans, so the condition is one term per interval in use (one query finds them), each
    with the starts that interval is overdue from today (`rules.overdue_starts`)."""
    plans = access.plans_visible_to(user).exclude(status=ActionPlan.Status.CLOSED)
    if user.role not in {Role.ADMINISTRATOR, Role.INSTITUTION_LEADER, Role.CORPS_LEADER}:
        plans = plans.filter(owner=user)
    intervals = set(plans.order_by().values_list("follow_up_weeks", flat=True).distinct())
    today = timezone.localdate()
    last_held = PlanMeeting.objects.filter(plan=OuterRef("pk"), held=True).order_by("-date")
    plans = plans.annotate(
        last_start=Coalesce(Subquery(last_held.values("date")[:1]), TruncDate("created_at"))
    )
    if not intervals:
        return plans.none()
    overdue = Q()
    for weeks in sorted(intervals):
        before, also = overdue_starts(today, weeks)
        overdue |= Q(follow_up_weeks=weeks) & (Q(last_start__lt=before) | Q(last_start__in=also))
    return plans.filter(overdue)


def overdue_follow_ups(user: User, *, log: bool = True) -> tuple[int, list[ActionPlan]]:
    """How many plans the user answers for are overdue for follow-up, and the most overdue of
    them (at most OVERDUE_SHOWN, with their `next_follow_up`), whose children's names are shown
    and logged."""
    count, shown = access.read_once_per_page(
        "overdue_follow_ups", user, lambda: _overdue_follow_ups(user)
    )
    if shown and log:
        audit_listing(
            actor=user,
            object_type="actionplan",
            search_term="handleplaner opfølgning overskredet",
            children=[plan.child for plan in shown if plan.child is not None],
        )
    return count, shown


def _overdue_follow_ups(user: User) -> tuple[int, list[ActionPlan]]:
    # The count comes with the rows shown (a window over the whole set, taken before the
    # limit): one query, not two. No row, no plan overdue.
    shown: list[ActionPlan] = list(
        _overdue_plans(user)
        .annotate(overdue_count=Window(Count("pk")))
        .select_related("child", "course", "institution", "owner")
        .order_by(F("last_start").asc(), "pk")[:OVERDUE_SHOWN]
    )
    for plan in shown:
        last_start: datetime.date = vars(plan)["last_start"]  # annotated by _overdue_plans
        plan.next_follow_up = follow_up_due(plan.created_at, plan.follow_up_weeks, last_start)
        plan.follow_up_overdue = True
    count: int = vars(shown[0])["overdue_count"] if shown else 0
    return count, shown


def waiting_acknowledgements(user: User) -> list[PlanMeeting]:
    """Held meetings where the user took part and has not yet acknowledged the agreements, of
    meetings the user still may open (where the answer is given): those of the plans the user
    sees, and for a partner invited to one meeting alone that meeting, not its plan. Taking
    part ends with the access it gave (a move, an ended attachment, the grace period past, the
    invitation ended or expired), and so does the reminder naming the meeting."""
    return list(
        access.plan_meetings_visible_to(user)
        .filter(
            participants=user,
            held=True,
            plan__status__in=ActionPlan.IN_FORCE,
        )
        .exclude(acknowledgements__user=user)
        .select_related("plan__child", "plan__course")
    )


def next_follow_up(plan: ActionPlan) -> datetime.date:
    last_held = (
        plan.meetings.filter(held=True).order_by("-date").values_list("date", flat=True).first()
    )
    return follow_up_due(plan.created_at, plan.follow_up_weeks, last_held)


def acknowledgement_status(meeting: PlanMeeting) -> list[dict[str, Any]]:
    """Per participant: agreed, objected (with comment and time) or still missing.
    Sorted here, not in SQL, so that participants prefetched for a list of meetings are used."""
    answers = {a.user_id: a for a in meeting.acknowledgements.all()}
    participants = sorted(meeting.participants.all(), key=lambda user: (user.first_name, user.pk))
    return [{"user": user, "acknowledgement": answers.get(user.pk)} for user in participants]


def adjustments_for_next_meeting(plan: ActionPlan) -> QuerySet[Adjustment]:
    """Accepted since the last meeting held: to be gone through at the next follow-up."""
    last_held = (
        plan.meetings.filter(held=True).order_by("-date").values_list("date", flat=True).first()
    )
    return plan.adjustments.filter(_accepted_since(last_held)).select_related(
        "proposed_by", "decided_by"
    )


def _accepted_since(last_held: datetime.date | None) -> Q:
    """Adjustments accepted since the last meeting held (all accepted ones before the first)."""
    accepted = Q(status=Adjustment.Status.ACCEPTED)
    return accepted if last_held is None else accepted & Q(decided_at__date__gte=last_held)


def objected_plans(user: User) -> list[ActionPlan]:
    """The plans the user owns where someone objected: the owner's notice to resolve them."""
    return list(
        access.plans_visible_to(user)
        .filter(owner=user, status=ActionPlan.Status.OBJECTED)
        .select_related("child", "course")
    )


def open_objections(plan: ActionPlan) -> list[Acknowledgement]:
    return list(
        Acknowledgement.objects.filter(
            meeting__plan=plan, answer=Acknowledgement.Answer.OBJECTED, resolved_at__isnull=True
        )
        .select_related("user", "meeting")
        .order_by("at")
    )


def all_acknowledgements(plan: ActionPlan) -> list[Acknowledgement]:
    """Every answer given to the plan's meetings, for the printed plan."""
    return list(
        Acknowledgement.objects.filter(meeting__plan=plan)
        .select_related("user", "meeting", "resolved_by")
        .order_by("meeting__date", "at")
    )


def latest_version(plan: ActionPlan) -> PlanVersion | None:
    version: PlanVersion | None = plan.versions.order_by("-number").first()
    return version


def adjustment_changes(plan: ActionPlan, adjustment: Adjustment) -> list[Snapshot]:
    """What accepting the proposal would change in the plan as it reads now."""
    before = snapshot(plan)
    agreements = [a.pk for a in plan.agreements.all()]
    target_index = (
        agreements.index(adjustment.target_id) if adjustment.target_id in agreements else None
    )
    after = proposed_snapshot(
        before,
        kind=adjustment.kind,
        strategies=adjustment.strategies,
        agreement={
            "text": adjustment.agreement_text,
            "owner": adjustment.agreement_owner,
            "due": adjustment.agreement_due.isoformat() if adjustment.agreement_due else "",
        },
        target_index=target_index,
    )
    return version_changes(before, after)


def goal_bank_for(
    user: User, *, category: str = "", active_only: bool = False
) -> list[GoalBankEntry]:
    """The user's municipality's goal bank, optionally one area of difficulty; the
    administration sees retired entries too (at the end). Holds no child data."""
    entries = access.goal_bank_visible_to(user)
    if active_only:
        entries = entries.filter(retired_on__isnull=True)
    if category:
        entries = entries.filter(category=category)
    return list(entries.order_by(F("retired_on").asc(nulls_first=True), "category", "goal"))


def goal_bank_entry_for(user: User, public_id: uuid.UUID | str) -> GoalBankEntry:
    entry: GoalBankEntry = access.get_visible_or_404(
        access.goal_bank_visible_to(user), public_id=public_id
    )
    return entry


def goal_bank_chosen(user: User, public_ids: list[str]) -> list[GoalBankEntry]:
    """The entries a plan writer chose to start from, in bank order; ids that are not in the
    user's own municipality's active bank are ignored (never another municipality's)."""
    ids = []
    for value in public_ids:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    if not ids or not access.can_read_goal_bank(user):
        return []
    return list(
        access.goal_bank_visible_to(user)
        .filter(public_id__in=ids, retired_on__isnull=True)
        .order_by("category", "goal")
    )

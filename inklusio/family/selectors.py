"""Reads for the guardians' page and the message threads, scoped by inklusio.access."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from inklusio import access
from inklusio.children.models import Child, Guardianship
from inklusio.courses.models import Participant, Session
from inklusio.family.models import Message, MessageRead
from inklusio.meetings.models import DiscussionConsent
from inklusio.people.models import User
from inklusio.plans.models import Acknowledgement, ActionPlan, PlanMeeting
from inklusio.referrals.models import Decision, DecisionLetter


def family_children(user: User) -> list[Child]:
    """The guardian's own children (current guardianships only)."""
    if not access.can_use_family_page(user):
        return []
    return list(access.children_visible_to(user).select_related("institution", "room"))


def family_child(user: User, public_id: uuid.UUID | str) -> Child:
    if not access.can_use_family_page(user):
        from django.http import Http404

        raise Http404
    child: Child = access.get_visible_or_404(
        access.children_visible_to(user).select_related("institution", "room"),
        public_id=public_id,
    )
    return child


@dataclass
class PlanView:
    plan: ActionPlan
    agreements: list[Any]
    last_meeting: PlanMeeting | None
    my_answer: Acknowledgement | None
    may_acknowledge: bool
    unread: int


@dataclass
class FamilyPage:
    child: Child
    offers: Sequence[Decision]
    decisions: Sequence[Decision]
    letters: list[DecisionLetter]
    plans: list[PlanView]
    meetings: list[PlanMeeting]
    sessions: list[Session]
    participations: list[Participant]
    consents: list[DiscussionConsent]
    children: list[Child] = field(default_factory=list)


def family_page(user: User, child: Child) -> FamilyPage:
    """Everything about one own child a guardian sees, in plain words: no other child is
    named (a group course shows its title and times, never its participants)."""
    today = timezone.localdate()
    decisions = list(
        access.decisions_visible_to(user)
        .filter(child=child)
        .annotate(later=Count("superseded_by"))
        .order_by("-decided_on", "-pk")
    )
    offers = [
        d
        for d in decisions
        if d.is_grant and not d.later and d.ended_on is None and (d.end is None or d.end >= today)
    ]
    letters = list(
        DecisionLetter.objects.filter(decision__in=[d.pk for d in decisions], sent_on__isnull=False)
        .select_related("decision")
        .order_by("-sent_on", "-version")
    )
    plans = _plans(user, child)
    meetings = list(
        PlanMeeting.objects.filter(
            plan__in=[view.plan.pk for view in plans], date__gte=today, held=False
        )
        .select_related("plan")
        .order_by("date", "start_time")
    )
    participations = [
        p for p in _participations(child) if p.course.closed_on is None or p.letter_sent_on
    ]
    sessions = list(
        Session.objects.filter(
            course__in=[p.course_id for p in participations if p.course.closed_on is None],
            date__gte=today,
            status=Session.Status.PLANNED,
        )
        .select_related("course__institution")
        .order_by("date", "start_time")[:10]
    )
    consents = list(child.discussion_consents.select_related("partner", "referral", "withdrawn_by"))
    return FamilyPage(
        child=child,
        offers=offers,
        decisions=decisions,
        letters=letters,
        plans=plans,
        meetings=meetings,
        sessions=sessions,
        participations=participations,
        consents=consents,
    )


def _participations(child: Child) -> list[Participant]:
    # The child's own participations only: the other participants are never read.
    return list(
        Participant.objects.filter(child=child)
        .select_related("course__institution", "course__pedagogue")
        .order_by("-course__start")
    )


def _plans(user: User, child: Child) -> list[PlanView]:
    plans = list(
        access.plans_visible_to(user)
        .filter(child=child, closed_on__isnull=True)
        .exclude(status=ActionPlan.Status.CLOSED)
        .select_related("owner")
        .prefetch_related(
            "agreements",
            Prefetch(
                "meetings",
                queryset=PlanMeeting.objects.filter(held=True)
                .prefetch_related("participants", "acknowledgements")
                .order_by("-date", "-start_time"),
                to_attr="held_meetings",
            ),
        )
    )
    unread = unread_by_plan(user, [plan.pk for plan in plans])
    views = []
    for plan in plans:
        held = getattr(plan, "held_meetings", [])
        last = held[0] if held else None
        mine = None
        took_part = False
        if last is not None:
            took_part = any(p.pk == user.pk for p in last.participants.all())
            mine = next((a for a in last.acknowledgements.all() if a.user_id == user.pk), None)
        views.append(
            PlanView(
                plan=plan,
                agreements=list(plan.agreements.all()),
                last_meeting=last,
                my_answer=mine,
                may_acknowledge=took_part and mine is None,
                unread=unread.get(plan.pk, 0),
            )
        )
    return views


# --- Messages -----------------------------------------------------------------------------------


def _unread(user: User, plans: Any) -> QuerySet[Message]:
    read_until = MessageRead.objects.filter(plan=OuterRef("plan"), user=user).values("read_until")[
        :1
    ]
    unread: QuerySet[Message] = (
        Message.objects.filter(plan__in=plans)
        .exclude(author=user)
        .annotate(read_until=Subquery(read_until))
        .filter(Q(read_until__isnull=True) | Q(created_at__gt=F("read_until")))
    )
    return unread


def unread_by_plan(user: User, plan_ids: list[int]) -> dict[int, int]:
    if not plan_ids:
        return {}
    rows = _unread(user, plan_ids).order_by().values("plan").annotate(n=Count("pk"))
    return {row["plan"]: row["n"] for row in rows}


def unread_count(user: User) -> int:
    """Messages from others on every plan the user is on, newer than what they marked read."""
    count: int = _unread(user, access.plans_for_messages(user).values("pk")).count()
    return count


def message_plan_for_user(user: User, public_id: uuid.UUID | str) -> ActionPlan:
    plan: ActionPlan = access.get_visible_or_404(
        access.plans_for_messages(user).select_related("child", "owner"), public_id=public_id
    )
    return plan


def thread_for(user: User, plan: ActionPlan) -> list[Message]:
    """The plan's messages, oldest first, each marked `is_new` when from someone else and
    later than what the user marked read."""
    row = MessageRead.objects.filter(plan=plan, user=user).first()
    until = row.read_until if row else None
    messages = list(plan.messages.select_related("author"))
    for message in messages:
        message.is_new = message.author_id != user.pk and (
            until is None or message.created_at > until
        )
    return messages


def message_threads_for(user: User) -> list[dict[str, Any]]:
    """The plans the user may write on, with their unread counts (the messages overview)."""
    plans = list(
        access.plans_for_messages(user)
        .exclude(status=ActionPlan.Status.CLOSED)
        .select_related("child")
        .order_by("child__first_name", "title")
    )
    unread = unread_by_plan(user, [plan.pk for plan in plans])
    return [{"plan": plan, "unread": unread.get(plan.pk, 0)} for plan in plans]


def message_recipients(message_id: int) -> list[str]:
    """Addresses of everyone else on the thread who may still read it."""
    message = Message.objects.select_related("plan").get(pk=message_id)
    plan = message.plan
    guardian_users = Guardianship.objects.filter(child_id=plan.child_id).values("guardian__user_id")
    participants = PlanMeeting.objects.filter(plan=plan).values("participants")
    candidates = (
        User.objects.filter(
            Q(pk__in=guardian_users) | Q(pk=plan.owner_id) | Q(pk__in=participants),
            municipality_id=plan.municipality_id,
            is_active=True,
        )
        .exclude(pk=message.author_id)
        .exclude(email="")
        .distinct()
    )
    return [user.email for user in candidates if access.can_message_on_plan(user, plan)]


def participant_letter_for(user: User, public_id: uuid.UUID | str) -> Participant:
    """A course's information letter for one's own child, once the staff have given it."""
    if not access.can_use_family_page(user):
        from django.http import Http404

        raise Http404
    participant: Participant = access.get_visible_or_404(
        Participant.objects.filter(
            child__in=access.children_visible_to(user), letter_sent_on__isnull=False
        ).select_related("course__institution__municipality", "course__pedagogue", "child"),
        public_id=public_id,
    )
    return participant

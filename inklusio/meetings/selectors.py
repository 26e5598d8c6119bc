"""Reads of consultative meetings, scoped by inklusio.access; an agenda with named children is logged."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.children.models import Child
from inklusio.meetings.models import (
    AgendaItem,
    ConsultativeMeeting,
    DiscussionConsent,
    Recommendation,
)
from inklusio.people.models import Profession, Role, User


def consultative_meetings_for(user: User) -> QuerySet[ConsultativeMeeting]:
    return access.consultative_meetings_visible_to(user).select_related(
        "institution", "resource_pedagogue"
    )


def consultative_meeting_for_user(
    user: User, public_id: str, *, log: bool = True
) -> ConsultativeMeeting:
    meeting: ConsultativeMeeting = access.get_visible_or_404(
        consultative_meetings_for(user), public_id=public_id
    )
    if log:
        children = [
            item.child for item in meeting.items.filter(child__isnull=False).select_related("child")
        ]
        if children:
            # One entry for the agenda read, with a link row per child (bulk), however many.
            audit_record(actor=user, action=AuditAction.READ, obj=meeting, children=children)
    return meeting


def attendance_advice_for(meetings: Iterable[ConsultativeMeeting]) -> list[dict[str, Any]]:
    """`services.attendance_advice` for many meetings at once (the start page), in four
    queries however many meetings and children: each meeting with its advice."""
    from inklusio.courses.models import Participant
    from inklusio.plans.models import ActionPlan, PlanMeeting

    meetings = list(meetings)
    children_of: dict[int, list[Child]] = defaultdict(list)
    items = AgendaItem.objects.filter(meeting__in=[m.pk for m in meetings], child__isnull=False)
    for item in items.select_related("child").order_by("meeting_id", "position", "pk"):
        if item.child is not None:
            children_of[item.meeting_id].append(item.child)
    child_ids = {child.pk for children in children_of.values() for child in children}
    known: set[tuple[int, int]] = set()  # (child, pedagogue) pairs who know each other
    if child_ids:
        known |= set(
            Participant.objects.filter(child_id__in=child_ids).values_list(
                "child_id", "course__pedagogue_id"
            )
        )
        known |= set(
            ActionPlan.objects.filter(child_id__in=child_ids).values_list("child_id", "owner_id")
        )
        known |= set(
            PlanMeeting.participants.through.objects.filter(
                planmeeting__plan__child_id__in=child_ids
            ).values_list("planmeeting__plan__child_id", "user_id")
        )
    rows = []
    for meeting in meetings:
        children = children_of[meeting.pk]
        pedagogue_id = meeting.resource_pedagogue_id
        if pedagogue_id is None or not children:
            advice: dict[str, Any] = {"needed": False, "known": []}
        else:
            found = [child for child in children if (child.pk, pedagogue_id) in known]
            advice = {"needed": bool(found), "known": found}
        rows.append({"meeting": meeting, "advice": advice})
    return rows


def item_for_user(user: User, public_id: str) -> AgendaItem:
    items: QuerySet[AgendaItem] = AgendaItem.objects.filter(
        meeting__in=access.consultative_meetings_visible_to(user)
    ).select_related("meeting", "child")
    return access.get_visible_or_404(items, public_id=public_id)


def recommendation_for_user(user: User, public_id: str) -> Recommendation:
    recommendations: QuerySet[Recommendation] = Recommendation.objects.filter(
        item__meeting__in=access.consultative_meetings_visible_to(user)
    ).select_related("item__child", "item__meeting")
    return access.get_visible_or_404(recommendations, public_id=public_id)


def consent_for_user(user: User, public_id: str) -> DiscussionConsent:
    return access.get_visible_or_404(
        access.consents_visible_to(user).select_related("child"), public_id=public_id
    )


def partners(user: User) -> QuerySet[User]:
    users: QuerySet[User] = User.objects.in_municipality_of(user)
    return users.filter(
        role=Role.PARTNER,
        is_active=True,
        profession__in=[Profession.PSYCHOLOGIST, Profession.SPEECH_CONSULTANT],
    )

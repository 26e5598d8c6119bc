"""Reads of consultative meetings, scoped by inklusio.access; an agenda with named children is logged."""

from typing import Any

from django.db.models import Q, QuerySet

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.meetings.models import (
    AgendaItem,
    ConsultativeMeeting,
    DiscussionConsent,
    Recommendation,
)
from inklusio.organisation.models import Institution
from inklusio.people.models import PedagogueAttachment, Profession, Role, User


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
        for item in meeting.items.filter(child__isnull=False).select_related("child"):
            audit_record(actor=user, action=AuditAction.READ, obj=meeting, child=item.child)
    return meeting


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


def resource_pedagogue_for(institution: Institution) -> User | None:
    attachment = (
        PedagogueAttachment.objects.current()
        .filter(institution=institution, function=PedagogueAttachment.Function.RESOURCE)
        .select_related("pedagogue")
        .first()
    )
    return attachment.pedagogue if attachment else None


def attendance_advice(meeting: ConsultativeMeeting) -> dict[str, Any]:
    """The resource pedagogue attends only when they know a child on the agenda: a child in one
    of their courses, or on a plan they own or took part in (the evaluation's advice)."""
    from inklusio.courses.models import Participant
    from inklusio.plans.models import ActionPlan

    pedagogue = meeting.resource_pedagogue
    children = [item.child for item in meeting.items.all() if item.child_id]
    if pedagogue is None or not children:
        return {"needed": False, "known": []}
    in_courses = set(
        Participant.objects.filter(child__in=children, course__pedagogue=pedagogue).values_list(
            "child_id", flat=True
        )
    )
    in_plans = set(
        ActionPlan.objects.filter(child__in=children)
        .filter(Q(owner=pedagogue) | Q(meetings__participants=pedagogue))
        .values_list("child_id", flat=True)
    )
    known = [child for child in children if child.pk in in_courses | in_plans]
    return {"needed": bool(known), "known": known}


def agenda_with_plans(user: User, meeting: ConsultativeMeeting) -> list[dict[str, Any]]:
    """The agenda in order; each named child with their active action plan, where the user may
    see it (for turning a recommendation into a plan change)."""
    from inklusio.plans.models import ActionPlan

    items = list(
        meeting.items.select_related("child", "consent").prefetch_related(
            "recommendations__adjustments"
        )
    )
    plans = {
        plan.child_id: plan
        for plan in access.plans_visible_to(user).filter(
            child__in=[i.child_id for i in items if i.child_id], status=ActionPlan.Status.ACTIVE
        )
    }
    return [{"item": item, "plan": plans.get(item.child_id)} for item in items]

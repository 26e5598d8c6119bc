"""Reads of consultative meetings, scoped by inklusio.access; an agenda with named children is logged."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from inklusio import access
from inklusio.audit.services import ChildLike, audit_shown
from inklusio.children.models import Child
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
    user: User, public_id: uuid.UUID | str, *, log: bool = True
) -> ConsultativeMeeting:
    meeting: ConsultativeMeeting = access.get_visible_or_404(
        consultative_meetings_for(user), public_id=public_id
    )
    if log:
        consultative_meeting_read_log(user, meeting, agenda_for(user, meeting))
    return meeting


def agenda_for(user: User, meeting: ConsultativeMeeting) -> list[AgendaItem]:
    """The agenda as the user may see it (need-to-know per named child, see access), with the
    recommendations the page shows."""
    items = meeting.items.select_related("child", "consent").prefetch_related(
        "recommendations__adjustments"
    )
    return access.agenda_items_visible_to(user, meeting, items)


def hidden_items(meeting: ConsultativeMeeting, agenda: list[AgendaItem]) -> int:
    """How many items about named children the user may not see (shown as a number only)."""
    return meeting.items.count() - len(agenda)


def advice_for(meeting: ConsultativeMeeting, agenda: list[AgendaItem]) -> dict[str, Any]:
    """The attendance advice, naming only children of the agenda the user may see."""
    advice = attendance_advice(meeting)
    shown = {item.child_id for item in agenda if item.child_id}
    return {**advice, "known": [child for child in advice["known"] if child.pk in shown]}


def consultative_meeting_read_log(
    user: User,
    meeting: ConsultativeMeeting,
    agenda: list[AgendaItem],
    *,
    also: Iterable[ChildLike | None] = (),
) -> None:
    """The meeting's page shows the children of its agenda (and `also` those a picker offers):
    one read entry for them all."""
    audit_shown(actor=user, obj=meeting, children=[*(item.child for item in agenda), *also])


def attendance_advice_for(meetings: Iterable[ConsultativeMeeting]) -> list[dict[str, Any]]:
    """`attendance_advice` for many meetings at once (the start page), in four
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


def item_for_user(user: User, public_id: uuid.UUID | str) -> AgendaItem:
    items: QuerySet[AgendaItem] = AgendaItem.objects.filter(
        meeting__in=access.consultative_meetings_visible_to(user)
    ).select_related("meeting", "child", "consent")
    item: AgendaItem = access.get_visible_or_404(items, public_id=public_id)
    if not access.can_view_agenda_item(user, item):
        raise Http404
    return item


def recommendation_for_user(user: User, public_id: uuid.UUID | str) -> Recommendation:
    recommendations: QuerySet[Recommendation] = Recommendation.objects.filter(
        item__meeting__in=access.consultative_meetings_visible_to(user)
    ).select_related("item__child", "item__meeting", "item__consent")
    recommendation: Recommendation = access.get_visible_or_404(recommendations, public_id=public_id)
    if not access.can_view_agenda_item(user, recommendation.item):
        raise Http404
    return recommendation


def consent_for_user(user: User, public_id: uuid.UUID | str) -> DiscussionConsent:
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
    of their courses, or on a plan they own or took part in (the evaluation's advice).
    Computed by `attendance_advice_for`, which answers many meetings at once."""
    advice: dict[str, Any] = attendance_advice_for([meeting])[0]["advice"]
    return advice

"""Reads of tasks and courses, scoped by inklusio.access; reading a course is logged for each child in it."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Field, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from inklusio import access
from inklusio.audit.services import ChildLike, audit_shown
from inklusio.children.models import Child
from inklusio.courses.models import Course, EffectMeasure, Participant, ResourceTask, Session
from inklusio.organisation.models import Institution
from inklusio.people.models import Role, User
from inklusio.planning.problem import corps_members


class ParticipantCounts(TypedDict):
    """What `courses_list_for` counts on each course."""

    case_count: int
    role_model_count: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    CourseWithCounts = WithAnnotations[Course, ParticipantCounts]


def courses_list_for(user: User, *, status: str = "active") -> QuerySet[CourseWithCounts]:
    courses = access.courses_visible_to(user).select_related("institution", "pedagogue")
    if status == "active":
        courses = courses.filter(closed_on__isnull=True)
    elif status == "closed":
        courses = courses.filter(closed_on__isnull=False)
    annotated: QuerySet[CourseWithCounts] = courses.annotate(
        case_count=_participants(Participant.Role.CASE),
        role_model_count=_participants(Participant.Role.ROLE_MODEL),
    )
    return annotated


def _participants(role: str) -> Coalesce:
    """A course's participants in `role`, counted per course shown: a join with every
    participant and a GROUP BY would count them for all the user's courses before the page
    takes its share."""
    counted = (
        Participant.objects.filter(course=OuterRef("pk"), role=role)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def course_for_user(user: User, public_id: uuid.UUID | str, *, log: bool = True) -> Course:
    course: Course = access.get_visible_or_404(
        access.courses_visible_to(user).select_related(
            "institution", "pedagogue", "task", "coordinator_staff"
        ),
        public_id=public_id,
    )
    if log:
        course_read_log(user, course)
    return course


def course_read_log(
    user: User, course: Course, *, obj: Any = None, also: Iterable[ChildLike | None] = ()
) -> None:
    """A page about the course (or `obj` in it) shows its participants, and `also` the
    children it offers to pick: one read entry for them all."""
    children = [
        participant.child
        for participant in course.participants.select_related("child").filter(child__isnull=False)
    ]
    audit_shown(actor=user, obj=obj or course, children=[*children, *also])


def task_for_user(user: User, public_id: uuid.UUID | str) -> ResourceTask:
    task: ResourceTask = access.get_visible_or_404(
        access.tasks_visible_to(user).select_related("institution", "room"), public_id=public_id
    )
    return task


def participant_for_user(user: User, public_id: uuid.UUID | str) -> Participant:
    participant: Participant = access.get_visible_or_404(
        Participant.objects.filter(course__in=access.courses_visible_to(user)).select_related(
            "course", "child"
        ),
        public_id=public_id,
    )
    return participant


def session_for_user(user: User, public_id: uuid.UUID | str) -> Session:
    session: Session = access.get_visible_or_404(
        Session.objects.filter(course__in=access.courses_visible_to(user)).select_related("course"),
        public_id=public_id,
    )
    return session


def children_for_course(user: User, course: Course) -> QuerySet[Child]:
    """Children who can join: those of the course's institution, for its workers (see access)."""
    return access.children_for_course(user, course)


def children_to_add(user: User, course: Course) -> QuerySet[Child]:
    """The children "Tilføj deltager" offers: those who can join, less those already in the
    course (a child takes part once, in one role)."""
    return children_for_course(user, course).exclude(course_participations__course=course)


def pedagogues(user: User) -> QuerySet[User]:
    """Whom a course can be run by: the corps (the planner's rule, `problem.corps_members`),
    whose sessions the weekly plan keeps."""
    found: QuerySet[User] = corps_members(User.objects.in_municipality_of(user))
    return found


@dataclass
class SessionFigures:
    planned: int = 0  # sessions due so far: held, cancelled, or planned for a day now past
    held: int = 0
    cancelled: int = 0
    causes: Counter[str] = field(default_factory=Counter)

    @property
    def held_share(self) -> int | None:
        return round(100 * self.held / self.planned) if self.planned else None

    @property
    def cancellation_rate(self) -> int | None:
        return round(100 * self.cancelled / self.planned) if self.planned else None

    def add(self, status: str, cause: str, sessions: int = 1) -> None:
        self.planned += sessions
        if status == Session.Status.HELD:
            self.held += sessions
        elif status == Session.Status.CANCELLED:
            self.cancelled += sessions
            self.causes[cause] += sessions


def _due_sessions(courses: Iterable[Course]) -> QuerySet[Session]:
    today = timezone.localdate()
    return Session.objects.filter(course__in=courses).filter(
        Q(date__lt=today) | ~Q(status=Session.Status.PLANNED)
    )


def session_figures(course: Course) -> SessionFigures:
    figures = SessionFigures()
    for status, cause in _due_sessions([course]).values_list("status", "cause"):
        figures.add(status, cause)
    return figures


def cancellation_rates(user: User) -> list[tuple[str, SessionFigures]]:
    """Per institution, over the courses the user may see: what the leaders follow."""
    by_institution: dict[str, SessionFigures] = defaultdict(SessionFigures)
    # Counted by the database: a municipality's courses have tens of thousands of sessions.
    rows = (
        _due_sessions(access.courses_visible_to(user))
        .order_by()
        .values_list("course__institution__name", "status", "cause")
        .annotate(sessions=Count("pk"))
    )
    for institution, status, cause, sessions in rows:
        by_institution[institution].add(status, cause, sessions)
    return sorted(by_institution.items())


def _cell(
    start: EffectMeasure | None, end: EffectMeasure | None, dimension: str
) -> dict[str, int | None]:
    before = getattr(start, dimension) if start else None
    after = getattr(end, dimension) if end else None
    change = after - before if before is not None and after is not None else None
    return {"start": before, "end": after, "change": change}


def before_after(course: Course) -> dict[str, Any]:
    """Effect measures per child and for the group: start, end and change per dimension, in
    the order of EffectMeasure.DIMENSIONS."""
    cases = course.participants.filter(role=Participant.Role.CASE).select_related("child")
    rows, complete = [], []
    for participant in cases.prefetch_related("measures"):
        measures = {m.phase: m for m in participant.measures.all()}
        start, end = measures.get("start"), measures.get("end")
        rows.append(
            {
                "participant": participant,
                "cells": [_cell(start, end, d) for d in EffectMeasure.DIMENSIONS],
            }
        )
        if start and end:
            complete.append((start, end))
    group = []
    for dimension in EffectMeasure.DIMENSIONS if complete else ():
        before = sum(getattr(s, dimension) for s, _e in complete) / len(complete)
        after = sum(getattr(e, dimension) for _s, e in complete) / len(complete)
        group.append(
            {"start": round(before, 1), "end": round(after, 1), "change": round(after - before, 1)}
        )
    return {
        "rows": rows,
        "group": group,
        "complete": len(complete),
        "dimensions": _dimension_labels(),
    }


def _dimension_labels() -> list[str]:
    fields = [EffectMeasure._meta.get_field(name) for name in EffectMeasure.DIMENSIONS]
    return [str(f.verbose_name) for f in fields if isinstance(f, Field)]


def course_participants(course: Course) -> list[Participant]:
    """Participants with the effect-measure phases still to record (cases only)."""
    participants = list(
        course.participants.select_related("child", "staff_member").prefetch_related("measures")
    )
    for participant in participants:
        done = {measure.phase for measure in participant.measures.all()}
        participant.phases_to_measure = (
            [phase for phase in EffectMeasure.Phase if phase not in done]
            if participant.is_case
            else []
        )
    return participants


def child_participations(user: User, child: Child) -> list[Participant]:
    """A child's courses: in full for those who see the course; for a guardian, their own
    child's participation without the other children."""
    participations = Participant.objects.filter(child=child).select_related(
        "course__institution", "course__pedagogue"
    )
    if user.role == Role.GUARDIAN:
        return list(participations) if access.can_view_child(user, child) else []
    return list(participations.filter(course__in=access.courses_visible_to(user)))


def staff_in(institutions: Iterable[Institution]) -> QuerySet[User]:
    staff: QuerySet[User] = User.objects.filter(
        institution__in=institutions, role__in=[Role.STAFF, Role.INSTITUTION_LEADER], is_active=True
    ).order_by("first_name")
    return staff


def staff_to_add(course: Course) -> QuerySet[User]:
    """The staff "Tilføj deltager" offers on a staff course: the institution's staff, less those
    already in the course (a staff member takes part once)."""
    taking_part = course.participants.filter(staff_member__isnull=False).values("staff_member")
    return staff_in([course.institution]).exclude(pk__in=taking_part)


def course_initial(user: User, task: ResourceTask | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"start": timezone.localdate()}
    if user.role == Role.PEDAGOGUE:
        initial["pedagogue"] = user.pk
    if task is not None:
        initial["institution"] = task.institution_id
        if task.usage == "staff_coordinator":
            initial["coordinator"] = Course.Coordinator.STAFF
    return initial

"""Resource courses and their sessions; a tablet registers a session as held (with who took
part) or cancelled, through the same services as the session page."""

import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from inklusio import access
from inklusio.api.v1.common import (
    DEFAULT_LIMIT,
    ApiRefusal,
    ErrorOut,
    page_out,
    period_filter,
    require_write,
    single,
)
from inklusio.audit.services import audit_shown
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.courses import selectors, services
from inklusio.courses.models import Participant, Session

if TYPE_CHECKING:
    from inklusio.courses.selectors import CourseWithCounts

router = Router(tags=["Ressourceforløb"])


class CourseOut(Schema):
    id: UUID
    title: str
    kind: str
    institution: UUID
    start: datetime.date
    planned_end: datetime.date
    closed_on: datetime.date | None
    children: int
    role_models: int
    version: int
    updated_at: datetime.datetime | None


class CoursePage(Schema):
    items: list[CourseOut]
    next_cursor: str | None


def _course(c: "CourseWithCounts", updated: datetime.datetime | None) -> CourseOut:
    return CourseOut(
        id=c.public_id,
        title=c.title,
        kind=c.kind,
        institution=c.institution.public_id,
        start=c.start,
        planned_end=c.planned_end,
        closed_on=c.closed_on,
        children=c.case_count,
        role_models=c.role_model_count,
        version=c.version,
        updated_at=updated,
    )


@router.get("/courses", response=CoursePage)
def list_courses(
    request: AuthenticatedHttpRequest,
    status: Literal["active", "closed"] | None = None,
    institution: UUID | None = None,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Courses with counts only (the children are named on `/courses/{id}`); the period
    filter is on the course's start."""
    courses = selectors.courses_list_for(request.user, status=status or "")
    if institution is not None:
        courses = courses.filter(institution__public_id=institution)
    courses = period_filter(courses, "start", period_from, period_to)
    # The answer's columns only (and `created_at`, the pages' order): not the pedagogue's user
    # row nor the course's free texts, which the list does not give.
    courses = courses.select_related(None).select_related("institution").only(*LIST_COLUMNS)
    _rows, page = page_out(courses, cursor=cursor, limit=limit, since=changed_since, render=_course)
    return page


LIST_COLUMNS = (
    "public_id",
    "title",
    "kind",
    "institution__public_id",
    "start",
    "planned_end",
    "closed_on",
    "version",
    "created_at",
)


class ParticipantOut(Schema):
    child: UUID | None
    role: str
    joined_on: datetime.date


class CourseDetailOut(CourseOut):
    participants: list[ParticipantOut]


@router.get("/courses/{public_id}", response=CourseDetailOut)
def get_course(request: AuthenticatedHttpRequest, public_id: UUID) -> CourseDetailOut:
    course = selectors.course_for_user(request.user, public_id, log=False)
    counted = selectors.courses_list_for(request.user, status="").get(pk=course.pk)
    participants = list(course.participants.select_related("child").order_by("pk"))
    audit_shown(actor=request.user, obj=course, children=[p.child for p in participants])
    out = single(counted, _course)
    return CourseDetailOut(
        **out.dict(),
        participants=[
            ParticipantOut(
                child=p.child.public_id if p.child is not None else None,
                role=p.role,
                joined_on=p.joined_on,
            )
            for p in participants
        ],
    )


class SessionOut(Schema):
    id: UUID
    course: UUID
    date: datetime.date
    start_time: str = Field(pattern=r"^\d{2}:\d{2}$", description="Lokal tid, TT:MM (fx 09:00).")
    status: str
    cause: str
    attendees: int
    updated_at: datetime.datetime | None


class SessionPage(Schema):
    items: list[SessionOut]
    next_cursor: str | None


def _session(s: Session, updated: datetime.datetime | None) -> SessionOut:
    return SessionOut(
        id=s.public_id,
        course=s.course.public_id,
        date=s.date,
        start_time=f"{s.start_time:%H:%M}",
        status=s.status,
        cause=s.cause,
        attendees=len(s.attendees.all()),
        updated_at=updated,
    )


def _sessions_visible(request: AuthenticatedHttpRequest) -> QuerySet[Session]:
    return (
        Session.objects.in_municipality_of(request.user)
        .filter(course__in=access.courses_visible_to(request.user))
        .select_related("course")
        .prefetch_related("attendees")
    )


@router.get("/sessions", response=SessionPage)
def list_sessions(
    request: AuthenticatedHttpRequest,
    course: UUID | None = None,
    status: Literal["planned", "held", "cancelled"] | None = None,
    institution: UUID | None = None,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Sessions of the courses the caller sees (how many took part, not who)."""
    sessions = _sessions_visible(request)
    if course is not None:
        sessions = sessions.filter(course__public_id=course)
    if status:
        sessions = sessions.filter(status=status)
    if institution is not None:
        sessions = sessions.filter(course__institution__public_id=institution)
    sessions = period_filter(sessions, "date", period_from, period_to)
    _rows, page = page_out(
        sessions, cursor=cursor, limit=limit, since=changed_since, render=_session
    )
    return page


def _session_to_record(request: AuthenticatedHttpRequest, public_id: UUID) -> Session:
    session = selectors.session_for_user(request.user, public_id)
    if not access.can_work_on_course(request.user, session.course):
        raise ApiRefusal(404, _("Findes ikke, eller du har ikke adgang."))
    require_write(request)
    return session


class SessionHeldIn(Schema):
    attendees: list[UUID] = Field(
        default_factory=list, description="Børnenes id'er (deltagere i forløbet), der var med."
    )
    note: str = Field(default="", max_length=5000)


class SessionCancelIn(Schema):
    cause: Session.Cause
    note: str = Field(default="", max_length=200)


@router.post(
    "/sessions/{public_id}/held",
    response={200: SessionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def record_session_held(
    request: AuthenticatedHttpRequest, public_id: UUID, payload: SessionHeldIn
) -> Status[SessionOut]:
    """The session was held, with the children who took part (`courses.session_held`)."""
    session = _session_to_record(request, public_id)
    participants = list(
        Participant.objects.filter(course=session.course, child__public_id__in=payload.attendees)
    )
    if len(participants) != len(set(payload.attendees)):
        raise ApiRefusal(422, _("Kun forløbets deltagere kan være med i samlingen."), "attendees")
    services.session_held(
        actor=request.user, session=session, attendees=participants, note=payload.note
    )
    return Status(200, single(_sessions_visible(request).get(pk=session.pk), _session))


@router.post(
    "/sessions/{public_id}/cancel",
    response={200: SessionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def record_session_cancelled(
    request: AuthenticatedHttpRequest, public_id: UUID, payload: SessionCancelIn
) -> Status[SessionOut]:
    """The session was cancelled, and why (`courses.session_cancel`): the leaders follow
    cancellations."""
    session = _session_to_record(request, public_id)
    services.session_cancel(
        actor=request.user, session=session, cause=str(payload.cause.value), note=payload.note
    )
    return Status(200, single(_sessions_visible(request).get(pk=session.pk), _session))

"""State changes of resource tasks and courses, each with its audit entry."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.edits import refuse_outdated
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.children.models import Child
from inklusio.core.errors import DomainError, OutdatedSave, refuse_unknown_version
from inklusio.core.pdf import render_pdf
from inklusio.core.public_holidays import public_holiday_refusal
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.courses.models import (
    Course,
    EffectMeasure,
    Observation,
    Participant,
    ResourceTask,
    Session,
)
from inklusio.people.models import User

COURSE_FIELDS = [
    "kind",
    "title",
    "goals",
    "start",
    "planned_end",
    "pedagogue",
    "coordinator",
    "coordinator_staff",
]


class CourseRuleBroken(DomainError):
    """A course rule the user can act on; the message says what to do."""


def task_create(*, actor: User, data: dict[str, Any]) -> ResourceTask:
    with transaction.atomic():
        task = ResourceTask.objects.create(
            municipality_id=data["institution"].municipality_id, created_by=actor, **data
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=task)
    return task


def _check_dates(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise CourseRuleBroken(_("Forløbet kan ikke slutte, før det starter."))


def course_create(*, actor: User, data: dict[str, Any]) -> Course:
    data = {key: value for key, value in data.items() if key != "version"}
    staff = data.pop("staff", [])
    data["planned_end"] = data.get("planned_end") or Course.default_end(data["start"])
    _check_dates(data["start"], data["planned_end"])
    with transaction.atomic():
        course = Course.objects.create(
            municipality_id=data["institution"].municipality_id, created_by=actor, **data
        )
        course.staff.set(staff)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=course,
            changes=diff({}, snapshot(course, COURSE_FIELDS)),
        )
    return course


def course_update(
    *, actor: User, course: Course, data: dict[str, Any], expected_version: int
) -> Course:
    data = dict(data)
    staff = data.pop("staff", None)
    with transaction.atomic():
        current: Course = Course.objects.select_for_update().get(pk=course.pk)
        if current.is_closed:
            raise CourseRuleBroken(_("Forløbet er afsluttet og kan ikke længere ændres."))
        refuse_outdated(current, expected_version)
        before = snapshot(current, COURSE_FIELDS)
        for name in COURSE_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        if not current.planned_end:
            # Emptied on the form: about half a year from the start, as when the course was
            # created (the field's help text says so).
            current.planned_end = Course.default_end(current.start)
        _check_dates(current.start, current.planned_end)
        _refuse_sessions_outside(current)
        changes = diff(before, snapshot(current, COURSE_FIELDS))
        changes["version"] = {"before": current.version, "after": current.version + 1}
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        if staff is not None:
            current.staff.set(staff)
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=current, changes=changes)
    return current


def _refuse_sessions_outside(course: Course) -> None:
    """A start moved to after a session the course has (planned or held), or a planned end moved
    before one, would leave that session outside the course, in the pedagogue's week and the
    figures; the session is moved or cancelled first, and the refusal names the nearest one. A
    cancelled session does not take place and holds neither back."""
    held_or_planned = course.sessions.exclude(status=Session.Status.CANCELLED)
    span = held_or_planned.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is not None and span["first"] < course.start:
        raise CourseRuleBroken(
            _(
                "Forløbet har en samling d. %(day)s før den nye start. Flyt eller aflys "
                "samlingen først, eller vælg en tidligere start."
            )
            % {"day": short_date(span["first"])},
            field="start",
        )
    if span["last"] is not None and span["last"] > course.planned_end:
        raise CourseRuleBroken(
            _(
                "Forløbet har en samling d. %(day)s efter den nye afslutning. Flyt eller aflys "
                "samlingen først, eller vælg en senere afslutning."
            )
            % {"day": short_date(span["last"])},
            field="planned_end",
        )


def _lock_open(course: Course) -> Course:
    """The course, locked until the transaction ends; a closed course is history."""
    current: Course = Course.objects.select_for_update().get(pk=course.pk)
    if current.is_closed:
        raise CourseRuleBroken(_("Forløbet er afsluttet."))
    return current


def participant_add(
    *,
    actor: User,
    course: Course,
    role: str,
    child: Child | None = None,
    staff_member: User | None = None,
    joined_on: datetime.date | None = None,
) -> Participant:
    """Children (cases or role models) join child courses; staff join reflection and
    action-learning courses."""
    try:
        with transaction.atomic():
            course = _lock_open(course)
            return _participant_add(
                actor=actor,
                course=course,
                role=role,
                child=child,
                staff_member=staff_member,
                joined_on=joined_on,
            )
    except IntegrityError as clash:
        raise CourseRuleBroken(
            _("Deltageren er allerede med i forløbet."),
            field="staff_member" if staff_member is not None else "child",
        ) from clash


def _participant_add(
    *,
    actor: User,
    course: Course,
    role: str,
    child: Child | None,
    staff_member: User | None,
    joined_on: datetime.date | None,
) -> Participant:
    if course.for_staff and staff_member is None:
        raise CourseRuleBroken(
            _("Et refleksions- eller aktionslæringsforløb har medarbejdere som deltagere.")
        )
    if not course.for_staff and child is None:
        raise CourseRuleBroken(_("Vælg barnet, der skal deltage."))
    if (
        course.kind == Course.Kind.INDIVIDUAL
        and role == Participant.Role.CASE
        and course.participants.filter(role=Participant.Role.CASE).exists()
    ):
        raise CourseRuleBroken(
            _("Et individuelt forløb har ét barn i udsat position."), field="role"
        )
    if staff_member is not None and course.participants.filter(staff_member=staff_member).exists():
        # Said by the picker, naming the person (one posted from a page opened before they
        # joined); the constraint behind it still catches two at once.
        raise CourseRuleBroken(
            _("%(name)s deltager allerede i forløbet.") % {"name": staff_member},
            field="staff_member",
        )
    existing = course.participants.filter(child=child).first() if child else None
    if child is not None and existing is not None:
        raise CourseRuleBroken(
            _(
                "%(name)s deltager allerede i forløbet som %(role)s; et barn har kun én rolle i et forløb."
            )
            % {"name": child.full_name, "role": existing.get_role_display().lower()},
            field="child",
        )
    participant: Participant = Participant.objects.create(
        municipality_id=course.municipality_id,
        course=course,
        child=child,
        staff_member=staff_member,
        role=Participant.Role.STAFF if staff_member else role,
        joined_on=joined_on or timezone.localdate(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=participant,
        child=child,
        changes={
            "course": {"before": None, "after": str(course)},
            "role": {"before": None, "after": role},
        },
    )
    return participant


def parent_letter(participant: Participant) -> bytes:
    """The letter to a participating child's parents: what the course is and why the child takes part."""
    course = participant.course
    return render_pdf(
        "courses/parent_letter_pdf.html",
        {
            "participant": participant,
            "course": course,
            "child": participant.child,
            "municipality": course.institution.municipality,
            "today": timezone.localdate(),
        },
    )


def letter_given(
    *, actor: User, participant: Participant, on: datetime.date, delivery: str
) -> Participant:
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(
            letter_sent_on=on, letter_delivery=delivery
        )
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=participant,
            child=participant.child,
            changes={
                "letter_sent_on": {"before": None, "after": on.isoformat()},
                "delivery": delivery,
            },
        )
    participant.refresh_from_db()
    return participant


class SessionClash(CourseRuleBroken):
    """A session would collide with the pedagogue's week; it is planned only with a reason."""

    def __init__(self, clashes: list[str]) -> None:
        self.clashes = clashes
        super().__init__(
            _(
                "Samlingen falder sammen med %(clashes)s. Vælg et andet tidspunkt, "
                "eller skriv en begrundelse for at planlægge den alligevel."
            )
            % {"clashes": "; ".join(clashes)}
        )


def session_plan(
    *,
    actor: User,
    course: Course,
    date: datetime.date,
    start_time: datetime.time,
    clash_reason: str = "",
) -> Session:
    """A session within the course's dates (from its start to its planned end, which is never
    empty: course_create fills it in), one per day and time, never on a public holiday (the
    institution is closed). A session is a commitment in the pedagogue's week (issue 19): one
    that clashes with their other sessions, absence, the centre meeting or the weekly plan is
    refused unless a reason is given, and the reason is kept on the session and the clash in
    the log."""
    from inklusio.planning.commitments import session_clashes

    clash_reason = clash_reason.strip()
    with transaction.atomic():
        course = _lock_open(course)
        # The pedagogue's row serialises sessions of all their courses, so two courses cannot
        # both take the same half-day unnoticed.
        User.objects.select_for_update(no_key=True).filter(pk=course.pedagogue_id).first()
        if date < course.start:
            raise CourseRuleBroken(
                _("Samlingen ligger før forløbets start (%(day)s).")
                % {"day": short_date(course.start)},
                field="date",
            )
        if date > course.planned_end:
            # Planned silently, such a session ran the course on past its end in the figures
            # and the pedagogue's week; the course's end is moved on its own form.
            raise CourseRuleBroken(
                _(
                    "Samlingen ligger efter forløbets planlagte afslutning (%(day)s). Skal "
                    "forløbet vare længere, så ret først forløbets planlagte afslutning."
                )
                % {"day": short_date(course.planned_end)},
                field="date",
            )
        holiday = public_holiday_refusal(date)
        if holiday:
            # The institution is closed and the corps off: not a clash a reason could override.
            raise CourseRuleBroken(holiday, field="date")
        if course.sessions.filter(date=date, start_time=start_time).exists():
            raise CourseRuleBroken(
                _("Der er allerede en samling %(day)s kl. %(time)s.")
                % {"day": short_date(date), "time": f"{start_time:%H:%M}"},
                field="date",
            )
        clashes = session_clashes(course=course, date=date, start_time=start_time)
        if clashes and not clash_reason:
            raise SessionClash([clash.text for clash in clashes])
        session: Session = Session.objects.create(
            municipality_id=course.municipality_id,
            course=course,
            date=date,
            start_time=start_time,
            clash_reason=clash_reason if clashes else "",
        )
        changes = None
        if clashes:
            # The log keeps what kind of clash was overridden; the reason is free text, which the
            # log records as given without its words (audit.services.SENSITIVE_FIELDS).
            changes = {
                "clashes": {"before": None, "after": sorted({c.kind for c in clashes})},
                "reason": {"before": None, "after": clash_reason},
            }
        audit_record(actor=actor, action=AuditAction.CREATE, obj=session, changes=changes)
    return session


def _lock_planned(session: Session) -> Session:
    current: Session = Session.objects.select_for_update().get(pk=session.pk)
    if current.status != Session.Status.PLANNED:
        raise CourseRuleBroken(
            _("Samlingen er allerede registreret som %(status)s.")
            % {"status": current.get_status_display().lower()}
        )
    return current


def _refuse_held_before_its_day(session: Session) -> None:
    if not session.can_be_held:
        raise CourseRuleBroken(
            _(
                "Samlingen er planlagt til %(day)s og kan først registreres som gennemført "
                "fra den dag."
            )
            % {"day": short_date(session.date)}
        )


def _refuse_held_after_planned_end(course: Course, session: Session) -> None:
    """A session after the planned end is not planned (session_plan), and one cancelled there
    is not turned into a held one by a correction either: held, it would run the course on
    past its end in the figures without anyone deciding to extend it."""
    if session.date > course.planned_end:
        raise CourseRuleBroken(
            _(
                "Samlingen ligger efter forløbets planlagte afslutning (%(day)s). Skal den "
                "registreres som gennemført, så ret først forløbets planlagte afslutning."
            )
            % {"day": short_date(course.planned_end)},
            field="date",
        )


def session_held(
    *, actor: User, session: Session, attendees: list[Participant], note: str = ""
) -> Session:
    """Record a session as held, with who took part; a session is recorded once, and not
    before its day (attendance at a session still to come would be made up)."""
    with transaction.atomic():
        current = _lock_planned(session)
        _refuse_held_before_its_day(current)
        _refuse_held_after_planned_end(current.course, current)
        strangers = [p for p in attendees if p.course_id != current.course_id]
        if strangers:
            raise CourseRuleBroken(_("Kun forløbets deltagere kan være med i samlingen."))
        current.status = Session.Status.HELD
        current.note = note
        current.recorded_by = actor
        current.recorded_at = timezone.now()
        current.save()
        current.attendees.set(attendees)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            changes={"status": {"before": "planned", "after": "held"}, "attendees": len(attendees)},
        )
    return current


def session_cancel(*, actor: User, session: Session, cause: str, note: str = "") -> Session:
    """A cancellation with who cancelled and why: the figures the leaders follow."""
    with transaction.atomic():
        current = _lock_planned(session)
        current.status = Session.Status.CANCELLED
        current.cause = cause
        current.note = note
        current.cancelled_by = actor
        current.recorded_by = actor
        current.recorded_at = timezone.now()
        current.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            changes={"status": {"before": "planned", "after": "cancelled"}, "cause": cause},
        )
    return current


def session_correct(
    *,
    actor: User,
    session: Session,
    outcome: str,
    reason: str,
    attendees: list[Participant] | None = None,
    cause: str = "",
    note: str = "",
    version: int,
) -> Session:
    """Correct a registered session (held or cancelled, either way round). Versioned: the
    registration it replaces is kept on the session with who, when and why it was corrected,
    and shown as its history; the course's figures use the corrected one. A reason is required,
    a closed course's sessions are history, and a session still to come is not corrected to
    held (cancelled in advance, it stays cancelled until its day). `version` is the number of
    corrections the form was opened on: a correction made meanwhile refuses the save
    (OutdatedSave)."""
    reason = reason.strip()
    if not reason:
        raise CourseRuleBroken(_("Skriv, hvorfor registreringen rettes."))
    if outcome not in (Session.Status.HELD, Session.Status.CANCELLED):
        raise CourseRuleBroken(_("Vælg, om samlingen blev gennemført eller aflyst."))
    if outcome == Session.Status.CANCELLED and not cause:
        raise CourseRuleBroken(_("Vælg årsagen til aflysningen."))
    attendees = list(attendees or []) if outcome == Session.Status.HELD else []
    with transaction.atomic():
        course = _lock_open(session.course)
        current: Session = Session.objects.select_for_update().get(pk=session.pk)
        if not current.is_registered:
            raise CourseRuleBroken(_("Samlingen er ikke registreret endnu; registrér den først."))
        if outcome == Session.Status.HELD:
            _refuse_held_before_its_day(current)
            _refuse_held_after_planned_end(course, current)
        refuse_unknown_version(sent=version, current=len(current.corrections))
        if len(current.corrections) != version:
            raise OutdatedSave(len(current.corrections))
        if any(p.course_id != current.course_id for p in attendees):
            raise CourseRuleBroken(_("Kun forløbets deltagere kan være med i samlingen."))
        earlier = list(current.attendees.select_related("child", "staff_member"))
        now = timezone.now()
        current.corrections = [
            *current.corrections,
            {
                "status": current.status,
                "cause": current.cause,
                "note": current.note,
                "attendees": [str(p.public_id) for p in earlier],
                "attendee_names": [str(p) for p in earlier],
                "recorded_by": current.recorded_by.get_full_name() if current.recorded_by else "",
                "recorded_at": current.recorded_at.isoformat() if current.recorded_at else None,
                "corrected_by": actor.get_full_name(),
                "corrected_at": now.isoformat(),
                "reason": reason,
            },
        ]
        before = {"status": current.status, "attendees": len(earlier), "cause": current.cause}
        current.status = outcome
        current.cause = cause if outcome == Session.Status.CANCELLED else ""
        current.cancelled_by = actor if outcome == Session.Status.CANCELLED else None
        current.note = note
        current.recorded_by = actor
        current.recorded_at = now
        current.save()
        current.attendees.set(attendees)
        after = {"status": current.status, "attendees": len(attendees), "cause": current.cause}
        changes: dict[str, Any] = diff(before, after)
        changes["version"] = {
            "before": len(current.corrections),
            "after": len(current.corrections) + 1,
        }
        changes["reason"] = reason
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=current, changes=changes)
    return current


def observation_add(*, actor: User, course: Course, data: dict[str, Any]) -> Observation:
    """What was seen on a day that has been, about the course or one of its children."""
    child = data.get("child")
    if child is not None and not course.participants.filter(child=child).exists():
        raise CourseRuleBroken(_("Barnet deltager ikke i forløbet."))
    if data.get("date", timezone.localdate()) > timezone.localdate():
        raise CourseRuleBroken(_("Observationen kan ikke have en dato i fremtiden."), field="date")
    with transaction.atomic():
        observation: Observation = Observation.objects.create(
            municipality_id=course.municipality_id, course=course, author=actor, **data
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=course,
            child=child,
            object_type="observation",
        )
    return observation


def measure_record(
    *, actor: User, participant: Participant, phase: str, data: dict[str, Any]
) -> EffectMeasure:
    """Effect measures are for the children the course is for; role models are not cases."""
    if not participant.is_case:
        raise CourseRuleBroken(
            _("Effektmål registreres kun for børn i udsat position, ikke for rollemodeller.")
        )
    if participant.measures.filter(phase=phase).exists():
        raise CourseRuleBroken(
            _("Barnet er allerede vurderet %(phase)s.")
            % {"phase": EffectMeasure.Phase(phase).label.lower()}
        )
    with transaction.atomic():
        measure = EffectMeasure.objects.create(
            municipality_id=participant.municipality_id,
            participant=participant,
            phase=phase,
            assessed_by=actor,
            **data,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=participant,
            child=participant.child,
            object_type="effectmeasure",
            changes={
                name: {"before": None, "after": getattr(measure, name)}
                for name in EffectMeasure.DIMENSIONS
            },
        )
    return measure


def course_close(
    *,
    actor: User,
    course: Course,
    closed_on: datetime.date,
    goals_reached: str,
    methods_in_practice: str,
    evaluation: str,
) -> Course:
    """Closing needs the evaluation, including whether the staff now use the methods every day."""
    ratings = Course.Rating.values
    if not (goals_reached in ratings and methods_in_practice in ratings and evaluation.strip()):
        raise CourseRuleBroken(_("Udfyld evalueringen: mål, hverdagspraksis og en kort vurdering."))
    with transaction.atomic():
        current: Course = Course.objects.select_for_update().get(pk=course.pk)
        if current.is_closed:
            raise CourseRuleBroken(_("Forløbet er allerede afsluttet."))
        if closed_on < current.start:
            raise CourseRuleBroken(
                _("Forløbet kan ikke slutte, før det starter."), field="closed_on"
            )
        current.closed_on = closed_on
        current.goals_reached = goals_reached
        current.methods_in_practice = methods_in_practice
        current.evaluation = evaluation
        current.save()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            changes={"closed_on": {"before": None, "after": closed_on.isoformat()}},
        )
    return current

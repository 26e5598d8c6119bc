"""Course sessions as commitments in the corps' week (issue 19, point 4): what a new session
clashes with, which planned sessions a plan locks, and which it cannot keep. Reads only; the
services of `courses` and `planning` store what follows from them."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from inklusio.core.templatetags.danish_dates import day_month
from inklusio.courses.models import Course, Session, session_half
from inklusio.organisation.models import Institution
from inklusio.people.models import PedagogueAttachment, User
from inklusio.planning import solver
from inklusio.planning.models import Absence, PlanSlot, WeeklyPlan, half_day_label
from inklusio.planning.problem import demand_rule_for, monday_of, public_holiday_days


def week_sessions(municipality_id: int, week_start: datetime.date) -> QuerySet[Session]:
    """The planned sessions of open courses on the week's weekdays."""
    sessions: QuerySet[Session] = (
        Session.objects.filter(
            municipality_id=municipality_id,
            status=Session.Status.PLANNED,
            course__closed_on__isnull=True,
            date__range=(week_start, week_start + datetime.timedelta(days=4)),
        )
        .select_related("course__institution", "course__pedagogue")
        .order_by("date", "start_time", "pk")
    )
    return sessions


def current_plans(municipality_id: int, week_start: datetime.date) -> QuerySet[WeeklyPlan]:
    """The week's plans still in force: the published one and any newer proposal."""
    plans: QuerySet[WeeklyPlan] = WeeklyPlan.objects.filter(
        municipality_id=municipality_id, week_start=week_start
    ).exclude(status=WeeklyPlan.Status.REPLACED)
    return plans


@dataclass(frozen=True)
class Clash:
    kind: str  # session, centre_meeting, absence, plan, support: what the log keeps
    text: str  # in Danish, for the person planning


def session_clashes(
    *, course: Course, date: datetime.date, start_time: datetime.time
) -> list[Clash]:
    """What a session of `course` at this time would collide with in its pedagogue's week, in
    Danish: another session elsewhere (or at the same minute) that half-day, an absence, the
    centre meeting, or a weekly plan that has the pedagogue elsewhere. A public holiday is no
    clash to plan past: `courses.services.session_plan` refuses it outright."""
    pedagogue: User = course.pedagogue
    half = session_half(start_time)
    clashes: list[Clash] = []
    others = (
        Session.objects.filter(
            course__pedagogue=pedagogue,
            status=Session.Status.PLANNED,
            course__closed_on__isnull=True,
            date=date,
        )
        .exclude(course=course)
        .select_related("course__institution")
    )
    for other in others:
        elsewhere = other.course.institution_id != course.institution_id
        if other.half == half and (elsewhere or other.start_time == start_time):
            text = _("samlingen i “%(course)s” kl. %(time)s (%(institution)s)") % {
                "course": other.course.title,
                "time": f"{other.start_time:%H:%M}",
                "institution": other.course.institution.name,
            }
            clashes.append(Clash("session", text))
    if date.weekday() > 4:
        return clashes
    day = date.weekday()
    rule = demand_rule_for(course.institution.municipality)
    if (day, half) == (rule.centre_meeting_day, rule.centre_meeting_half):
        clashes.append(Clash("centre_meeting", _("centermødet")))
    for absence in Absence.objects.filter(pedagogue=pedagogue, start__lte=date, end__gte=date):
        if half in absence.halves():
            kind = absence.get_kind_display().lower()
            clashes.append(Clash("absence", _("fravær (%(kind)s)") % {"kind": kind}))
    slots = PlanSlot.objects.filter(
        plan__in=current_plans(course.municipality_id, monday_of(date)),
        pedagogue=pedagogue,
        day=day,
        half=half,
    ).select_related("institution")
    for text in sorted(
        {
            _("ugeplanen, der har %(name)s i %(institution)s (%(function)s)")
            % {
                "name": pedagogue.first_name,
                "institution": slot.institution.name,
                "function": _("støttefunktion")
                if slot.function == solver.Function.SUPPORT
                else _("ressourcefunktion"),
            }
            for slot in slots
            if slot.institution_id != course.institution_id
            or slot.function != solver.Function.RESOURCE
        }
    ):
        clashes.append(Clash("plan", text))
    support_here = (
        PedagogueAttachment.objects.current(date)
        .filter(
            pedagogue=pedagogue,
            institution=course.institution,
            function=PedagogueAttachment.Function.SUPPORT,
        )
        .exists()
    )
    if support_here:
        text = _("støttefunktionen i samme institution (aldrig begge funktioner dér)")
        clashes.append(Clash("support", text))
    return clashes


@dataclass(frozen=True)
class SessionLocks:
    """The half-days the week's sessions lock, and the sessions the plan cannot keep."""

    locked: tuple[solver.Assignment, ...]
    session_slots: frozenset[tuple[str, int, int]]
    broken: list[dict[str, Any]]


def session_when(session: Session) -> str:
    """E.g. "Onsdag formiddag 2.12. kl. 09:00"."""
    day = half_day_label(session.date.weekday(), session.half)
    return f"{day} {day_month(session.date)} {_('kl.')} {session.start_time:%H:%M}"


def broken_session(session: Session, reason: str) -> dict[str, Any]:
    """A session the plan cannot keep, as the plan stores and shows it."""
    return {
        "session": str(session.public_id),
        "course": session.course.title,
        "course_url": session.course.get_absolute_url(),
        "institution": session.course.institution.name,
        "pedagogue": str(session.course.pedagogue),
        "date": session.date.isoformat(),
        "when": session_when(session),
        "reason": reason,
    }


def lock_sessions(
    problem: solver.PlanningProblem,
    sessions: list[Session],
    *,
    holiday_days: set[int],
) -> SessionLocks:
    """Each planned session becomes a locked resource half-day at its institution, unless the
    pedagogue cannot be there (absence, holiday, centre meeting) or locking it would break a
    hard rule (another lock that half-day, support in the same institution, a fourth
    institution, more half-days than the contract): then it is listed with the reason."""
    by_id = {p.id: p for p in problem.pedagogues}
    locks: dict[tuple[str, solver.Slot], solver.Assignment] = {
        (a.pedagogue_id, a.slot): a for a in problem.locked
    }
    mine: set[tuple[str, int, int]] = set()
    broken: list[dict[str, Any]] = []
    institutions: dict[str, Institution] = {}
    for session in sessions:
        pedagogue_id = str(session.course.pedagogue_id)
        institutions[str(session.course.institution.public_id)] = session.course.institution
        slot = (session.date.weekday(), session.half)
        wanted = solver.Assignment(
            pedagogue_id,
            slot,
            str(session.course.institution.public_id),
            solver.Function.RESOURCE,
        )
        reason = _blocked(problem, by_id.get(pedagogue_id), wanted, locks, holiday_days)
        if reason is None and locks.get((pedagogue_id, slot)) not in (None, wanted):
            where = locks[(pedagogue_id, slot)]
            other = institutions.get(where.institution_id)
            name = other.name if other else _("en anden institution")
            reason = (
                _("en anden samling samme halve dag (%(institution)s)")
                if (pedagogue_id, *slot) in mine
                else _("en manuelt låst halv dag i planen (%(institution)s)")
            ) % {"institution": name}
        if reason is not None:
            broken.append(broken_session(session, reason))
            continue
        locks[(pedagogue_id, slot)] = wanted
        mine.add((pedagogue_id, *slot))
    return SessionLocks(
        locked=tuple(locks[key] for key in sorted(locks)),
        session_slots=frozenset(mine),
        broken=broken,
    )


def _blocked(
    problem: solver.PlanningProblem,
    pedagogue: solver.PedagogueInput | None,
    wanted: solver.Assignment,
    locks: dict[tuple[str, solver.Slot], solver.Assignment],
    holiday_days: set[int],
) -> str | None:
    """Why the pedagogue cannot be locked into `wanted`, or None."""
    if pedagogue is None:
        return _("pædagogen er ikke aktiv i korpset")
    if wanted.slot[0] in holiday_days:
        return _("helligdag")
    if wanted.slot in problem.centre_meeting_slots:
        return _("centermødet")
    if wanted.slot in pedagogue.unavailable_slots:
        return _("pædagogen er fraværende")
    if (pedagogue.id, wanted.slot) in locks:
        return None  # the same half-day at the same place is already locked, or another lock
    own = [a for key, a in locks.items() if key[0] == pedagogue.id]
    functions: dict[str, set[solver.Function]] = defaultdict(set)
    for a in own:
        functions[a.institution_id].add(solver.Function(a.function))
    if pedagogue.current_attachments.get(wanted.institution_id) == solver.Function.SUPPORT or (
        solver.Function.SUPPORT in functions.get(wanted.institution_id, set())
    ):
        return _("pædagogen har støttefunktionen i institutionen")
    if wanted.institution_id not in functions and len(functions) >= problem.max_institutions:
        return _("det ville give pædagogen mere end tre institutioner i ugen")
    if len(own) >= pedagogue.max_half_days:
        return _("kontraktens halve dage er brugt")
    return None


def add_session_locks(
    problem: solver.PlanningProblem, municipality_id: int, week_start: datetime.date
) -> tuple[solver.PlanningProblem, SessionLocks]:
    """The problem with the week's sessions locked in beside the manual locks."""
    locks = lock_sessions(
        problem,
        list(week_sessions(municipality_id, week_start)),
        holiday_days=public_holiday_days(week_start),
    )
    return dataclasses.replace(problem, locked=locks.locked), locks

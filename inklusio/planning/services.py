"""Weekly plans and contracts change here: solving a week, re-planning, manual slots, publishing,
contracts and absences. The planner's input is read in `problem.py`."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inklusio.audit.edits import refuse_outdated
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.core.dates import DATE_RANGE_MESSAGE, within_range
from inklusio.core.errors import DomainError, OutdatedSave, refuse_unknown_version
from inklusio.core.templatetags.danish_dates import day_month
from inklusio.organisation.models import Institution, Municipality
from inklusio.people.models import PedagogueAttachment, User
from inklusio.planning import commitments, solver
from inklusio.planning.models import (
    DROPPED_CENTRE_MEETING,
    DROPPED_HOLIDAY,
    REPLANNED,
    Absence,
    CalendarFeed,
    Contract,
    DemandRule,
    PlanSlot,
    WeeklyPlan,
    half_day_label,
    place_label,
    week_has_ended,
)
from inklusio.planning.problem import (
    HALF_DAY_HOURS,
    Lookups,
    assignment,
    build_problem,
    closed_half_days,
    default_contract,
    in_corps,
)


class PlanningError(DomainError):
    pass


class WeekAlreadyProposed(PlanningError):
    """A week has one open proposal at a time (the constraint one_open_proposal_per_week): a
    calculation or re-plan that would add a second one beside the proposal someone else (or
    the same leader, pressing twice) has made is refused and names that proposal, so no leader
    edits or publishes one version of the week unaware of another."""

    def __init__(self, proposal: WeeklyPlan):
        self.proposal = proposal
        made = timezone.localtime(proposal.created_at)
        super().__init__(
            _(
                "Uge %(week)s har allerede et forslag, beregnet af %(name)s %(when)s. Ugen har "
                "kun ét forslag ad gangen: ret i det, eller beregn det igen dér."
            )
            % {
                "week": proposal.week_number,
                "name": proposal.created_by,
                "when": f"{day_month(made)} {_('kl.')} {made:%H:%M}",
            }
        )


# A new calculation keeps the locked half-days it read from the plan before the solver ran: an
# edit of that plan while the solver ran would be lost in the new plan, so it is refused.
CHANGED_WHILE_SOLVING = gettext_lazy(
    "Planen blev ændret, mens ugen blev beregnet, så beregningen er ikke gemt: ellers var "
    "ændringen gået tabt. Beregn ugen igen."
)


CONTRACT_FIELDS = [
    "weekly_hours",
    "institution_hours",
    "centre_meeting_hours",
    "action_learning_hours",
    "other_hours",
    "support_share_percent",
]


def _municipality(actor: User) -> Municipality:
    if actor.municipality is None:
        raise PlanningError(_("Du er ikke tilknyttet en kommune."))
    return actor.municipality


def _store_slots(
    plan: WeeklyPlan,
    assignments: Iterable[solver.Assignment],
    lookups: Lookups,
    locked: Collection[tuple[str, int, int]] = frozenset(),
    for_sessions: Collection[tuple[str, int, int]] = frozenset(),
) -> None:
    from inklusio.children.models import Child

    assignments = list(assignments)
    child_ids = {a.child_id for a in assignments if a.child_id}
    children = {str(c.public_id): c for c in Child.objects.filter(public_id__in=child_ids)}
    PlanSlot.objects.bulk_create(
        PlanSlot(
            municipality_id=plan.municipality_id,
            plan=plan,
            pedagogue=lookups["pedagogues"][a.pedagogue_id],
            day=a.slot[0],
            half=a.slot[1],
            institution=lookups["institutions"][a.institution_id],
            function=solver.Function(a.function).value,
            child=children.get(a.child_id) if a.child_id else None,
            locked=(a.pedagogue_id, a.slot[0], a.slot[1]) in locked,
            for_session=(a.pedagogue_id, a.slot[0], a.slot[1]) in for_sessions,
        )
        for a in assignments
    )


def _shortage_facts(problem: solver.PlanningProblem, lookups: Lookups) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = []
    for fact in solver.explain_shortage(problem):
        label = fact.key
        if fact.scope == "institution" and fact.key in lookups["institutions"]:
            label = lookups["institutions"][fact.key].name
        elif fact.scope == "municipality":
            label = _("Hele kommunen")
        facts.append(
            {
                "scope": fact.scope,
                "where": label,
                "demand_hours": float(fact.demand_half_days * HALF_DAY_HOURS),
                "capacity_hours": float(fact.capacity_half_days * HALF_DAY_HOURS),
                "missing_hours": float(fact.missing_half_days * HALF_DAY_HOURS),
            }
        )
    return facts


def _unmet(result: solver.PlanResult | solver.ReplanResult, lookups: Lookups) -> dict[str, float]:
    """The hours of the week's demand the plan leaves uncovered, by institution, as the solver
    counted them (`PlanResult.unmet` of a calculation, `ReplanResult.unmet` of a re-plan)."""
    unmet: dict[str, float] = {}
    for institution_id, half_days in result.unmet.items():
        if half_days <= 0:
            continue
        name = (
            lookups["institutions"][institution_id].name
            if institution_id in lookups["institutions"]
            else str(institution_id)
        )
        unmet[name] = float(half_days * HALF_DAY_HOURS)
    return unmet


def _edits_dropped(
    week_start: datetime.date, dropped: Iterable[tuple[PlanSlot, str]]
) -> list[dict[str, Any]]:
    """The manual edits a new plan of the week does not keep, as their pedagogue is recorded
    absent on the half-day or has left the corps, or it is the centre meeting or a holiday
    (`Lookups.edits_dropped`), as the plan stores them."""
    return [
        {
            "pedagogue": str(slot.pedagogue),
            "day": slot.day,
            "half": slot.half,
            "date": (week_start + datetime.timedelta(days=slot.day)).isoformat(),
            "institution": slot.institution.name,
            "reason": reason,
        }
        for slot, reason in sorted(
            dropped, key=lambda item: (item[0].day, item[0].half, str(item[0].pedagogue))
        )
    ]


def _locked_plan(plan: WeeklyPlan, version: int | None = None) -> WeeklyPlan:
    """The plan row under lock, refused once a newer version has replaced it: every change
    goes to the newest version, so two leaders cannot fork the week. `version` is the one a
    form was opened on: a save on top of a newer one is refused (OutdatedSave) with the version
    of the plan that holds the week now, so saving again there is deliberate. None only for
    what makes a new revision of the week from the plan as it is (a re-plan for an absence, a
    new calculation keeping the locked half-days): it overwrites nothing, and the plan it
    replaces is kept. An edit of a half-day (`slot_set`) always passes its version."""
    current: WeeklyPlan = WeeklyPlan.objects.select_for_update().get(pk=plan.pk)
    if version is not None:
        refuse_unknown_version(sent=version, current=current.version)
    if version is not None and current.version != version:
        newest = current.newest_version()
        if newest.status != WeeklyPlan.Status.REPLACED:
            raise OutdatedSave(newest.version)
    if current.status == WeeklyPlan.Status.REPLACED:
        raise PlanningError(_("Planen er allerede erstattet af en nyere udgave."))
    return current


def _replace(plans: QuerySet[WeeklyPlan]) -> None:
    """Mark plans replaced; their version moves on, so a form opened on them is refused. Done
    before the replacing plan is stored: the week has one open proposal at a time."""
    plans.update(status=WeeklyPlan.Status.REPLACED, version=F("version") + 1)


def _replace_proposal(plan: WeeklyPlan) -> None:
    """A revision made from `plan` (a new calculation, a re-plan) replaces it at once only when
    it is a proposal. A published plan stays in force, on the pedagogues' pages and in their
    calendars, until its revision is published (plan_publish replaces it then)."""
    if plan.status == WeeklyPlan.Status.PROPOSED:
        _replace(WeeklyPlan.objects.filter(pk=plan.pk))


def _refuse_ended_week(week_start: datetime.date) -> None:
    """A week that is over is not planned again, edited or published: its plan is the one the
    corps and the institutions worked by, and what the statistics count."""
    if week_has_ended(week_start):
        raise PlanningError(
            _(
                "Uge %(week)s er slut. Dens plan er den, korpset arbejdede efter, og den "
                "ændres ikke bagefter. Vælg en kommende uge."
            )
            % {"week": week_start.isocalendar().week}
        )


def _refuse_edit_beside_proposal(plan: WeeklyPlan) -> None:
    """A published plan with a proposal for its week is not edited: the proposal (made from it,
    most likely) is to take its place, and an edit of the published plan would not be in it.
    The refusal names the proposal, where the change belongs."""
    if plan.status == WeeklyPlan.Status.PUBLISHED:
        _refuse_a_second_proposal(plan.municipality_id, plan.week_start, besides=plan)


def _open_proposal(
    municipality_id: int, week_start: datetime.date, besides: WeeklyPlan | None = None
) -> WeeklyPlan | None:
    """The week's open proposal, other than `besides` (the plan being replaced)."""
    proposals = WeeklyPlan.objects.filter(
        municipality_id=municipality_id,
        week_start=week_start,
        status=WeeklyPlan.Status.PROPOSED,
    ).select_related("created_by")
    if besides is not None:
        proposals = proposals.exclude(pk=besides.pk)
    return proposals.first()


def _refuse_a_second_proposal(
    municipality_id: int, week_start: datetime.date, besides: WeeklyPlan | None = None
) -> None:
    """Refuse a new proposal next to the week's open one; the unique constraint settles two
    made at the same moment (`_store_proposal`)."""
    existing = _open_proposal(municipality_id, week_start, besides)
    if existing is not None:
        raise WeekAlreadyProposed(existing)


def _store_proposal(**fields: Any) -> WeeklyPlan:
    """Create a proposal. Two leaders (or one pressing twice) calculating the same week at once
    both find no open proposal before solving; the constraint one_open_proposal_per_week lets
    the first one in, and the other is refused with the proposal it made."""
    try:
        with transaction.atomic():
            return WeeklyPlan.objects.create(**fields)
    except IntegrityError:
        plan = WeeklyPlan(**fields)
        existing = _open_proposal(plan.municipality_id, plan.week_start)
        if existing is None:
            raise
        raise WeekAlreadyProposed(existing) from None


def plan_week(
    *,
    actor: User,
    week_start: datetime.date,
    time_limit_s: float = 10.0,
    keep_locked_from: WeeklyPlan | None = None,
) -> WeeklyPlan:
    """Propose a week plan with the CP-SAT solver; locked slots of an earlier plan are kept
    (not on a half-day their pedagogue has since been recorded absent, nor one of a pedagogue
    who has left the corps, nor on the centre meeting or a public holiday: the plan names those
    edits instead, and plans the half-day anew) and that plan is replaced: a proposal at once,
    a published plan when the new one is published (until then it stays in force for the
    pedagogues). A week has one open proposal: calculating a week that has one calculates that
    proposal again (its locked half-days kept, the proposal replaced, as "Beregn igen" on it
    does); one that would stand beside it is refused (WeekAlreadyProposed).
    """
    if week_start.weekday() != 0:
        raise PlanningError(_("En ugeplan starter om mandagen."))
    _refuse_ended_week(week_start)
    municipality = _municipality(actor)
    asked_for = keep_locked_from
    if keep_locked_from is None:
        keep_locked_from = _open_proposal(municipality.pk, week_start)
    # The locked half-days are read now, after the plan's version: a change of the plan while
    # the solver runs is not in the result, so the version is checked again before storing.
    seen_version = (
        WeeklyPlan.objects.values_list("version", flat=True).get(pk=keep_locked_from.pk)
        if keep_locked_from is not None
        else None
    )
    problem, lookups = build_problem(municipality, week_start, locked_from=keep_locked_from)
    problem, sessions = commitments.add_session_locks(problem, municipality.pk, week_start)
    if not problem.pedagogues:
        raise PlanningError(_("Der er ingen pædagoger i korpset at planlægge for."))
    # Solving takes seconds: it runs outside the transaction, and the earlier plan's state is
    # checked again under lock before its replacement is stored.
    result = solver.solve(problem, time_limit_s=time_limit_s)
    with transaction.atomic():
        earlier = None
        if keep_locked_from is not None:
            if asked_for is None:
                # The week's proposal was replaced while the solver ran (by someone else's
                # calculation, most likely): the week's proposal now is theirs.
                found = WeeklyPlan.objects.select_for_update().get(pk=keep_locked_from.pk)
                if found.status == WeeklyPlan.Status.REPLACED:
                    _refuse_a_second_proposal(municipality.pk, week_start)
                    raise PlanningError(str(CHANGED_WHILE_SOLVING))
            earlier = _locked_plan(keep_locked_from)
            if earlier.version != seen_version:
                raise PlanningError(str(CHANGED_WHILE_SOLVING))
            _replace_proposal(earlier)
        _refuse_a_second_proposal(municipality.pk, week_start, besides=earlier)
        plan = _store_proposal(
            municipality=municipality,
            week_start=week_start,
            created_by=actor,
            based_on=earlier,
            solver_status=result.status,
            objective=result.objective,
            best_bound=result.best_bound,
            gap=result.gap,
            solve_seconds=result.solve_time_s,
            pairs_changed=result.pairs_changed,
            shortage=_shortage_facts(problem, lookups),
            unmet=_unmet(result, lookups),
            broken_sessions=sessions.broken,
            edits_dropped=_edits_dropped(week_start, lookups["edits_dropped"]),
        )
        locked = {(a.pedagogue_id, *a.slot) for a in problem.locked}
        _store_slots(plan, result.assignments, lookups, locked, sessions.session_slots)
        changes: dict[str, Any] = {
            "week_start": {"before": None, "after": str(week_start)},
            "half_days": {"before": None, "after": len(result.assignments)},
            "session_half_days": {"before": None, "after": len(sessions.session_slots)},
        }
        if sessions.broken:
            changes["sessions_not_kept"] = {"before": None, "after": len(sessions.broken)}
        if plan.edits_dropped:
            changes["edits_dropped"] = {"before": None, "after": len(plan.edits_dropped)}
        if earlier is not None:
            changes["replaces"] = {"before": None, "after": str(earlier.public_id)}
        audit_record(actor=actor, action=AuditAction.CREATE, obj=plan, changes=changes)
    return plan


def _copy_plan(
    plan: WeeklyPlan,
    *,
    actor: User,
    note: str,
    objective: float,
    shortage: list[dict[str, Any]],
    unmet: dict[str, float],
) -> WeeklyPlan:
    """A new proposal of `plan`'s week made from it (a proposal already marked replaced; a
    published plan stays in force until the new one is published). Not calculated as a whole:
    its status says it was re-planned, with its own `objective` and no solver bound, gap or
    time, as the earlier plan's proof is not one of the revision. Its shortage and unmet
    demand are its own too (passed in): the earlier plan's figures are of the corps before the
    absence and of the earlier plan's half-days."""
    return _store_proposal(
        municipality_id=plan.municipality_id,
        week_start=plan.week_start,
        created_by=actor,
        based_on=plan,
        note=note,
        solver_status=REPLANNED,
        objective=objective,
        shortage=shortage,
        unmet=unmet,
    )


def _with_absences(
    problem: solver.PlanningProblem, absent: Mapping[str, Collection[solver.Slot]]
) -> solver.PlanningProblem:
    """The week's problem with the half-days in `absent` taken from each pedagogue, so the
    corps' capacity (`explain_shortage`) is the one the week has after the absence."""
    return dataclasses.replace(
        problem,
        pedagogues=tuple(
            dataclasses.replace(
                p, unavailable_slots=p.unavailable_slots | frozenset(absent.get(p.id, ()))
            )
            for p in problem.pedagogues
        ),
    )


def replan_absence(
    *, actor: User, plan: WeeklyPlan, pedagogue: User, slots: frozenset[tuple[int, int]], kind: str
) -> WeeklyPlan:
    """Cover a pedagogue's absence with the smallest change (Ishøj: swaps between institutions)
    and list what is lost, so institutions are told in advance instead of on the day. Locked
    half-days (manual edits, course sessions) of colleagues are not swapped away; the absent
    pedagogue's own sessions in those half-days are listed as not kept. A half-day the plan
    has a pedagogue on that an absence recorded earlier covers (theirs or a colleague's) is
    covered the same way: the revision promises no visit that will not happen, and names a
    manual edit it leaves out for that reason; so is a half-day of a pedagogue who has left the
    corps since the plan was made (deactivated, or no longer a pedagogue). The revision's
    shortage and unmet demand are its own: the corps' capacity with the absence, and what the
    revision's half-days leave of the week's demand."""
    with transaction.atomic():
        current = _locked_plan(plan)
        _refuse_ended_week(current.week_start)
        # A published week with a proposal beside it: the absence is covered in the proposal,
        # which is to replace the published plan, not in a second one.
        _refuse_a_second_proposal(current.municipality_id, current.week_start, besides=current)
        problem, lookups = build_problem(
            current.municipality, current.week_start, locked_from=current
        )
        problem, sessions = commitments.add_session_locks(
            problem, current.municipality_id, current.week_start
        )
        # A manual edit on the centre meeting or a holiday is not copied (no one is planned in
        # an institution then): the revision names it, as a new calculation does.
        closed = {
            (slot.pedagogue_id, slot.day, slot.half)
            for slot, reason in lookups["edits_dropped"]
            if reason in (DROPPED_CENTRE_MEETING, DROPPED_HOLIDAY)
        }
        assignments = tuple(
            assignment(slot)
            for slot in current.slots.select_related("institution", "child")
            if (slot.pedagogue_id, slot.day, slot.half) not in closed
        )
        # The new absence, and those already recorded in the week (the plan may be older).
        absent = {key: set(half_days) for key, half_days in lookups["absent"].items()}
        absent.setdefault(str(pedagogue.pk), set()).update(slots)
        # A pedagogue who has left the corps since the plan was made is not coming either: their
        # half-days are covered or listed as lost the same way (their manual edits are named,
        # `build_problem`), so the revision stores no half-day of someone outside the corps.
        for planned in assignments:
            if planned.pedagogue_id not in lookups["pedagogues"]:
                absent.setdefault(planned.pedagogue_id, set()).add(planned.slot)
        problem = _with_absences(problem, absent)
        result = solver.replan(
            problem,
            assignments,
            {key: frozenset(half_days) for key, half_days in absent.items() if half_days},
        )
        broken = [
            *sessions.broken,
            *(
                commitments.broken_session(session, _("pædagogen er fraværende"))
                for session in commitments.week_sessions(
                    current.municipality_id, current.week_start
                )
                if session.course.pedagogue_id == pedagogue.pk
                and (session.date.weekday(), session.half) in slots
                and str(session.public_id) not in {b["session"] for b in sessions.broken}
            ),
        ]
        for day, half in sorted(slots):
            date = current.day(day)
            Absence.objects.create(
                municipality_id=current.municipality_id,
                pedagogue=pedagogue,
                start=date,
                end=date,
                part=("am", "pm")[half],
                kind=kind,
                created_by=actor,
            )
        _replace_proposal(current)
        revision = _copy_plan(
            current,
            actor=actor,
            note=_("Omplanlagt efter fravær: %(name)s") % {"name": pedagogue},
            objective=solver.evaluate(problem, result.assignments),
            shortage=_shortage_facts(problem, lookups),
            unmet=_unmet(result, lookups),
        )
        revision.pairs_changed = result.pairs_changed
        revision.lost = [
            {
                "institution": lookups["institutions"][item.institution_id].name,
                "day": int(item.slot[0]),
                "half": int(item.slot[1]),
                "date": current.day(item.slot[0]).isoformat(),
            }
            for item in result.lost
        ]
        revision.broken_sessions = broken
        revision.edits_dropped = [
            *current.edits_dropped,
            *_edits_dropped(current.week_start, lookups["edits_dropped"]),
        ]
        revision.save()
        kept = current.slots.filter(locked=True).values_list(
            "pedagogue_id", "day", "half", "for_session"
        )
        locked = {(str(pk), day, half) for pk, day, half, _session in kept}
        for_sessions = {(str(pk), day, half) for pk, day, half, session in kept if session}
        _store_slots(revision, result.assignments, lookups, locked, for_sessions)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=revision,
            changes={
                "absent": {"before": None, "after": str(pedagogue)},
                "half_days": {"before": None, "after": _slot_labels(slots)},
                "kind": {"before": None, "after": kind},
                "lost_half_days": {"before": None, "after": len(result.lost)},
                "sessions_not_kept": {"before": None, "after": len(broken)},
                "edits_dropped": {"before": None, "after": len(lookups["edits_dropped"])},
                "replaces": {"before": None, "after": str(current.public_id)},
            },
        )
    return revision


def _slot_labels(slots: Iterable[tuple[int, int]]) -> list[str]:
    return [half_day_label(day, half) for day, half in sorted(slots)]


def _slot_label(slot: PlanSlot | None) -> str | None:
    if slot is None:
        return None
    return place_label(slot.institution.name, slot.function)


def slot_set(
    *,
    actor: User,
    plan: WeeklyPlan,
    pedagogue: User,
    day: int,
    half: int,
    institution: Institution | None,
    function: str,
    version: int,
) -> PlanSlot | None:
    """A manual edit by the corps leader; it is locked so a later re-plan keeps it. The hard
    rules hold for manual edits too: one function per institution, at most three institutions.
    A half-day the pedagogue has a recorded absence on is not planned: the absence is deleted
    first, so the plan never promises a visit that will not happen (clearing it is allowed);
    nor is the centre meeting or a public holiday, on which no one is in an institution.
    A half-day that holds one of the pedagogue's course sessions stays at the session's
    institution: the session is moved or cancelled on the course first. `version` is the plan's
    version the form was opened on: an edit or a new calculation of the week since then
    refuses the save (OutdatedSave), never overwritten unseen."""
    with transaction.atomic():
        current = _locked_plan(plan, version)
        _refuse_ended_week(current.week_start)
        _refuse_edit_beside_proposal(current)
        if institution is not None:
            _refuse_closed_half_day(current, pedagogue, day, half)
            _refuse_absent_half_day(current, pedagogue, day, half)
        _check_sessions_kept(current, pedagogue, day, half, institution, function)
        here = PlanSlot.objects.filter(plan=current, pedagogue=pedagogue, day=day, half=half)
        before = _slot_label(here.select_related("institution").first())
        here.delete()
        created: PlanSlot | None = None
        if institution is not None:
            other = (
                PedagogueAttachment.objects.current()
                .filter(pedagogue=pedagogue, institution=institution)
                .first()
            )
            if other is not None and other.function != function:
                raise PlanningError(
                    _(
                        "%(name)s er tilknyttet %(institution)s i %(function)s "
                        "og kan ikke have begge funktioner dér."
                    )
                    % {
                        "name": pedagogue,
                        "institution": institution,
                        "function": other.get_function_display().lower(),
                    },
                    field="function",
                )
            places = set(
                current.slots.filter(pedagogue=pedagogue).values_list("institution_id", flat=True)
            )
            if institution.pk not in places and len(places) >= 3:
                raise PlanningError(
                    _("En pædagog kan højst være i tre institutioner om ugen."),
                    field="institution",
                )
            created = PlanSlot.objects.create(
                municipality_id=current.municipality_id,
                plan=current,
                pedagogue=pedagogue,
                day=day,
                half=half,
                institution=institution,
                function=function,
                locked=True,
            )
        WeeklyPlan.objects.filter(pk=current.pk).update(version=F("version") + 1)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            changes={
                f"{pedagogue} {half_day_label(day, half)}": {
                    "before": before,
                    "after": _slot_label(created),
                }
            },
        )
    return created


def _refuse_closed_half_day(plan: WeeklyPlan, pedagogue: User, day: int, half: int) -> None:
    """Refuse planning anyone in an institution on the corps' centre meeting or a public holiday
    (`closed_half_days`, as the planner reads them): a later calculation would not keep the
    edit, and the plan would break a hard rule until then."""
    # `demand_rule_for` without fetching the municipality: one query.
    rule = DemandRule.objects.filter(municipality_id=plan.municipality_id).first() or DemandRule()
    closed = closed_half_days(rule, plan.week_start)
    if (day, half) not in closed:
        return
    if closed[(day, half)] == DROPPED_HOLIDAY:
        message = _(
            "%(slot)s er helligdag, så %(name)s kan ikke planlægges i en institution den halve dag."
        )
    else:
        message = _(
            "%(slot)s holder korpset centermøde, så %(name)s kan ikke planlægges i en "
            "institution den halve dag."
        )
    raise PlanningError(
        message % {"name": pedagogue, "slot": half_day_label(day, half)}, field="slot"
    )


def _refuse_absent_half_day(plan: WeeklyPlan, pedagogue: User, day: int, half: int) -> None:
    """Refuse planning `pedagogue` on a half-day of the plan's week that they have a recorded
    absence on (`Absence.half_days`, as the planner and the grid read it). One query."""
    absences = Absence.objects.filter(
        municipality_id=plan.municipality_id,
        pedagogue=pedagogue,
        start__lte=plan.day(day),
        end__gte=plan.day(day),
    )
    if any((day, half) in absence.half_days(plan.week_start) for absence in absences):
        raise PlanningError(
            _(
                "%(slot)s er %(name)s registreret som fraværende. Slet fraværet først, hvis "
                "%(name)s alligevel skal planlægges i en institution."
            )
            % {"name": pedagogue, "slot": half_day_label(day, half)},
            field="slot",
        )


def _check_sessions_kept(
    plan: WeeklyPlan,
    pedagogue: User,
    day: int,
    half: int,
    institution: Institution | None,
    function: str,
) -> None:
    for session in commitments.week_sessions(plan.municipality_id, plan.week_start).filter(
        course__pedagogue=pedagogue, date=plan.day(day)
    ):
        if session.half != half:
            continue
        if institution == session.course.institution and function == solver.Function.RESOURCE:
            continue
        raise PlanningError(
            _(
                "%(name)s har en samling i forløbet “%(course)s” (%(institution)s) "
                "%(when)s. Flyt eller aflys samlingen på forløbet først."
            )
            % {
                "name": pedagogue,
                "course": session.course.title,
                "institution": session.course.institution.name,
                "when": commitments.session_when(session),
            },
            field="slot",
        )


def plan_publish(*, actor: User, plan: WeeklyPlan) -> WeeklyPlan:
    """Publish a week plan; the week's earlier published plan is replaced. A replaced plan
    cannot be published: it would undo the change that replaced it."""
    with transaction.atomic():
        current: WeeklyPlan = WeeklyPlan.objects.select_for_update().get(pk=plan.pk)
        if current.status == WeeklyPlan.Status.REPLACED:
            raise PlanningError(
                _(
                    "En erstattet ugeplan kan ikke offentliggøres. "
                    "Offentliggør den nyeste udgave af ugen i stedet."
                )
            )
        if current.status == WeeklyPlan.Status.PUBLISHED:
            return current
        _refuse_ended_week(current.week_start)
        earlier = WeeklyPlan.objects.select_for_update().filter(
            municipality_id=current.municipality_id,
            week_start=current.week_start,
            status=WeeklyPlan.Status.PUBLISHED,
        )
        replaced = [str(p.public_id) for p in earlier]
        _replace(earlier)
        changes: dict[str, Any] = {
            "status": {"before": current.status, "after": WeeklyPlan.Status.PUBLISHED.value}
        }
        if replaced:
            changes["replaces"] = {"before": None, "after": replaced}
        current.status = WeeklyPlan.Status.PUBLISHED
        current.save(update_fields=["status"])
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=current, changes=changes)
    return current


def _check_contract_hours(values: dict[str, Any]) -> None:
    """A contract's parts add up to its week (footnote 27: 32 + 2.5 + 1 + 1.5 = 37)."""
    parts = sum(
        Decimal(values[name])
        for name in (
            "institution_hours",
            "centre_meeting_hours",
            "action_learning_hours",
            "other_hours",
        )
    )
    total = Decimal(values["weekly_hours"])
    if parts != total:
        raise PlanningError(
            _("Timerne går ikke op: %(parts)s timer fordelt, men ugen har %(total)s timer.")
            % {"parts": number_format(parts), "total": number_format(total)}
        )
    if values["support_share_percent"] > 100:
        raise PlanningError(_("En andel kan højst være 100 %."), field="support_share_percent")


def contract_open(*, actor: User, pedagogue: User) -> Contract:
    """The pedagogue's contract, created with the Ishøj defaults when it is first opened for
    editing (reading the corps overview never creates one)."""
    with transaction.atomic():
        # Lock the pedagogue so two leaders opening the same contract create it once.
        locked = User.objects.select_for_update(no_key=True).get(pk=pedagogue.pk)
        existing: Contract | None = Contract.objects.filter(pedagogue=locked).first()
        if existing is not None:
            return existing
        if not in_corps(locked):
            raise PlanningError(_("Kun aktive pædagoger i korpset har en kontrakt."))
        contract = default_contract(locked)
        contract.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=contract,
            changes=diff({}, snapshot(contract, CONTRACT_FIELDS)),
        )
    return contract


def contract_update(
    *, actor: User, contract: Contract, data: dict[str, Any], expected_version: int
) -> Contract:
    """Change a pedagogue's contract; the hours must add up, and a save based on an outdated
    version is refused with what the other person changed."""
    with transaction.atomic():
        current: Contract = Contract.objects.select_for_update().get(pk=contract.pk)
        refuse_outdated(current, expected_version)
        before = snapshot(current, CONTRACT_FIELDS)
        values = {name: data.get(name, getattr(current, name)) for name in CONTRACT_FIELDS}
        _check_contract_hours(values)
        for name in CONTRACT_FIELDS:
            setattr(current, name, values[name])
        changes = diff(before, snapshot(current, CONTRACT_FIELDS))
        if not changes:
            return current
        changes["version"] = {"before": current.version, "after": current.version + 1}
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=current, changes=changes)
    return current


def absence_add(*, actor: User, pedagogue: User, data: dict[str, Any]) -> Absence:
    """Register the absence of a pedagogue in the corps (`problem.in_corps`, the planner's
    rule); the planner leaves those half-days free."""
    start, end = data["start"], data["end"]
    if end < start:
        raise PlanningError(_("Slutdatoen ligger før startdatoen."), field="end")
    if not (within_range(start) and within_range(end)):
        raise PlanningError(str(DATE_RANGE_MESSAGE))
    with transaction.atomic():
        locked = User.objects.select_for_update(no_key=True).get(pk=pedagogue.pk)
        if locked.municipality_id != actor.municipality_id:
            raise PlanningError(_("Fravær registreres kun for pædagoger i korpset."))
        # The planner's rule of who is in the corps: a deactivated pedagogue is not planned,
        # so an absence of theirs would explain nothing.
        if not in_corps(locked):
            raise PlanningError(
                _(
                    "%(name)s har forladt korpset, så der kan ikke registreres fravær. Fravær "
                    "registreres kun for pædagoger i korpset."
                )
                % {"name": locked}
            )
        absence = Absence.objects.create(
            municipality=_municipality(actor),
            pedagogue=locked,
            created_by=actor,
            start=start,
            end=end,
            part=data.get("part", Absence.Part.WHOLE_DAY),
            kind=data["kind"],
            note=data.get("note", ""),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=absence,
            changes=diff({}, snapshot(absence, ["pedagogue", "start", "end", "part", "kind"])),
        )
    return absence


def absence_delete(*, actor: User, absence: Absence) -> Absence:
    """Delete an absence registered by mistake or cancelled. Only one that has not ended: a
    past absence explains the weeks planned around it. Weekly plans are not changed: a
    published plan has been read by the institutions, so the freed half-days stay unplanned
    until the corps leader plans the week again and publishes the new version. A visit the
    published plan still holds on a freed half-day is shown again, as the absence no longer
    hides it (selectors.plan_grids, the calendar feed). Returns the deleted absence (without
    its row)."""
    with transaction.atomic():
        current: Absence = (
            Absence.objects.select_for_update(no_key=True)
            .select_related("pedagogue")
            .get(pk=absence.pk)
        )
        if current.end < timezone.localdate():
            raise PlanningError(
                _(
                    "Fraværet er slut og kan ikke slettes: det forklarer de uger, der blev "
                    "planlagt efter det."
                )
            )
        plans = [str(plan.public_id) for plan in current.plans_during()]
        changes = diff(snapshot(current, ["pedagogue", "start", "end", "part", "kind"]), {})
        if plans:
            changes["weekly_plans_unchanged"] = {"before": plans, "after": plans}
        audit_record(actor=actor, action=AuditAction.DELETE, obj=current, changes=changes)
        current.delete()
    return current


def calendar_feed_create(*, actor: User) -> CalendarFeed:
    """The user's secret calendar address, made when they ask for it (never by showing a page).
    Asking again gives the same address."""
    with transaction.atomic():
        # Lock the user so two clicks at once make one feed.
        locked = User.objects.select_for_update(no_key=True).get(pk=actor.pk)
        existing: CalendarFeed | None = CalendarFeed.objects.filter(user=locked).first()
        if existing is not None:
            return existing
        feed = CalendarFeed.objects.create(user=locked, municipality=_municipality(locked))
        # The token is the credential: the log records that a feed was made, not its address.
        audit_record(actor=actor, action=AuditAction.CREATE, obj=feed)
    return feed

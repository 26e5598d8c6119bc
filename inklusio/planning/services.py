"""Turning the municipality's records into a planning problem, and solver results into plans."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

import holidays
from django.db import transaction
from django.utils.translation import gettext as _

from inklusio.core.errors import DomainError
from inklusio.organisation.models import Institution
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.planning import solver
from inklusio.planning.models import (
    Absence,
    Contract,
    DemandRule,
    PlanSlot,
    WeeklyPlan,
)

HALF_DAY_HOURS = Decimal(str(solver.HALF_DAY_HOURS))


class PlanningError(DomainError):
    pass


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def demand_rule_for(municipality) -> DemandRule:
    rule, _created = DemandRule.objects.get_or_create(municipality=municipality)
    return rule


def contract_for(pedagogue: User) -> Contract:
    contract, _created = Contract.objects.get_or_create(
        pedagogue=pedagogue, defaults={"municipality_id": pedagogue.municipality_id}
    )
    return contract


def capacity_half_days(contract: Contract) -> int:
    """Institution hours as whole half-days (32 h / 3.5 h = 9 half-days)."""
    return int(contract.institution_hours // HALF_DAY_HOURS)


def public_holiday_days(week_start: datetime.date) -> set[int]:
    danish = holidays.country_holidays(
        "DK", years={week_start.year, (week_start + datetime.timedelta(days=4)).year}
    )
    return {index for index in range(5) if week_start + datetime.timedelta(days=index) in danish}


def _absent_slots(
    pedagogue: User, week_start: datetime.date, absences: Iterable[Absence]
) -> set[tuple[int, int]]:
    slots = set()
    for absence in absences:
        if absence.pedagogue_id != pedagogue.pk:
            continue
        for index in range(5):
            day = week_start + datetime.timedelta(days=index)
            if absence.start <= day <= absence.end:
                slots.update((index, half) for half in absence.halves())
    return slots


def support_children(municipality, week_start: datetime.date) -> list[solver.SupportChildInput]:
    """Children with a granted support pedagogue in force this week (from visitation)."""
    from inklusio.planning.demand import active_support_children

    rule = demand_rule_for(municipality)
    return [
        solver.SupportChildInput(
            id=str(child.public_id),
            institution_id=str(child.institution.public_id),
            demand_half_days=rule.support_half_days_per_child,
        )
        for child in active_support_children(municipality, week_start)
    ]


def build_problem(
    municipality, week_start: datetime.date, *, locked_from: WeeklyPlan | None = None
) -> tuple[solver.PlanningProblem, dict]:
    """The planning problem of one week, and lookup tables from solver ids back to records."""
    rule = demand_rule_for(municipality)
    pedagogues = list(
        User.objects.filter(
            municipality=municipality, role=Role.PEDAGOGUE, is_active=True
        ).order_by("pk")
    )
    institutions = list(
        Institution.objects.filter(municipality=municipality).select_related("resource_override")
    )
    attachments = (
        PedagogueAttachment.objects.current()
        .filter(municipality=municipality)
        .select_related("institution")
    )
    absences = list(
        Absence.objects.filter(
            municipality=municipality,
            start__lte=week_start + datetime.timedelta(days=4),
            end__gte=week_start,
        )
    )
    holiday_slots = {(day, half) for day in public_holiday_days(week_start) for half in (0, 1)}
    current: dict[int, dict[str, solver.Function]] = {}
    for attachment in attachments:
        current.setdefault(attachment.pedagogue_id, {})[str(attachment.institution.public_id)] = (
            solver.Function(attachment.function)
        )
    pedagogue_inputs = [
        solver.PedagogueInput(
            id=str(pedagogue.pk),
            max_half_days=capacity_half_days(contract_for(pedagogue)),
            unavailable_slots=frozenset(
                _absent_slots(pedagogue, week_start, absences) | holiday_slots
            ),
            current_attachments=current.get(pedagogue.pk, {}),
            district=None,
        )
        for pedagogue in pedagogues
    ]
    institution_inputs = [
        solver.InstitutionInput(
            id=str(institution.public_id),
            resource_demand_half_days=rule.resource_half_days(institution),
            district=institution.district or None,
        )
        for institution in institutions
    ]
    locked: tuple[solver.Assignment, ...] = ()
    previous: tuple[solver.Assignment, ...] = ()
    last = (
        WeeklyPlan.objects.filter(municipality=municipality, week_start__lt=week_start)
        .exclude(status=WeeklyPlan.Status.REPLACED)
        .order_by("-week_start")
        .first()
    )
    if last is not None:
        previous = tuple(
            _assignment(slot) for slot in last.slots.select_related("institution", "child")
        )
    if locked_from is not None:
        locked = tuple(
            _assignment(slot)
            for slot in locked_from.slots.filter(locked=True).select_related("institution", "child")
        )
    problem = solver.PlanningProblem(
        pedagogues=tuple(pedagogue_inputs),
        institutions=tuple(institution_inputs),
        support_children=tuple(support_children(municipality, week_start)),
        centre_meeting_slots=frozenset({(rule.centre_meeting_day, rule.centre_meeting_half)}),
        locked=locked,
        previous_plan=previous,
    )
    lookups = {
        "pedagogues": {str(p.pk): p for p in pedagogues},
        "institutions": {str(i.public_id): i for i in institutions},
    }
    return problem, lookups


def _assignment(slot: PlanSlot) -> solver.Assignment:
    return solver.Assignment(
        pedagogue_id=str(slot.pedagogue_id),
        slot=(slot.day, slot.half),
        institution_id=str(slot.institution.public_id),
        function=solver.Function(slot.function),
        child_id=str(slot.child.public_id) if slot.child_id else None,
    )


def _store_slots(
    plan: WeeklyPlan, assignments, lookups, locked: set[tuple[str, int, int]] = frozenset()
) -> None:
    from inklusio.children.models import Child

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
        )
        for a in assignments
    )


def _shortage_facts(problem, lookups) -> list[dict]:
    facts = []
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


def _unmet(result, lookups) -> dict:
    unmet = {}
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


def plan_week(
    *,
    actor: User,
    week_start: datetime.date,
    time_limit_s: float = 10.0,
    keep_locked_from: WeeklyPlan | None = None,
) -> WeeklyPlan:
    """Propose a week plan with the CP-SAT solver; locked slots of an earlier plan are kept."""
    if week_start.weekday() != 0:
        raise PlanningError(_("En ugeplan starter om mandagen."))
    problem, lookups = build_problem(actor.municipality, week_start, locked_from=keep_locked_from)
    if not problem.pedagogues:
        raise PlanningError(_("Der er ingen pædagoger i korpset at planlægge for."))
    result = solver.solve(problem, time_limit_s=time_limit_s)
    with transaction.atomic():
        plan = WeeklyPlan.objects.create(
            municipality=actor.municipality,
            week_start=week_start,
            created_by=actor,
            based_on=keep_locked_from,
            solver_status=result.status,
            objective=result.objective,
            best_bound=result.best_bound,
            gap=result.gap,
            solve_seconds=result.solve_time_s,
            pairs_changed=result.pairs_changed,
            shortage=_shortage_facts(problem, lookups),
            unmet=_unmet(result, lookups),
        )
        locked = {(a.pedagogue_id, *a.slot) for a in problem.locked}
        _store_slots(plan, result.assignments, lookups, locked)
        if keep_locked_from is not None:
            WeeklyPlan.objects.filter(pk=keep_locked_from.pk).update(
                status=WeeklyPlan.Status.REPLACED
            )
    return plan


def _copy_plan(plan: WeeklyPlan, *, actor: User, note: str) -> WeeklyPlan:
    fields = [
        "solver_status",
        "objective",
        "best_bound",
        "gap",
        "solve_seconds",
        "shortage",
        "unmet",
    ]
    return WeeklyPlan.objects.create(
        municipality_id=plan.municipality_id,
        week_start=plan.week_start,
        created_by=actor,
        based_on=plan,
        note=note,
        **{name: getattr(plan, name) for name in fields},
    )


def replan_absence(
    *, actor: User, plan: WeeklyPlan, pedagogue: User, slots: frozenset[tuple[int, int]], kind: str
) -> WeeklyPlan:
    """Cover a pedagogue's absence with the smallest change (Ishøj: swaps between institutions)
    and list what is lost, so institutions are told in advance instead of on the day."""
    if plan.status == WeeklyPlan.Status.REPLACED:
        raise PlanningError(_("Planen er allerede erstattet af en nyere udgave."))
    problem, lookups = build_problem(plan.municipality, plan.week_start)
    assignments = tuple(
        _assignment(slot) for slot in plan.slots.select_related("institution", "child")
    )
    result = solver.replan(problem, assignments, {str(pedagogue.pk): frozenset(slots)})
    with transaction.atomic():
        for day, half in sorted(slots):
            date = plan.day(day)
            Absence.objects.create(
                municipality_id=plan.municipality_id,
                pedagogue=pedagogue,
                start=date,
                end=date,
                part=("am", "pm")[half],
                kind=kind,
                created_by=actor,
            )
        revision = _copy_plan(
            plan, actor=actor, note=_("Omplanlagt efter fravær: %(name)s") % {"name": pedagogue}
        )
        revision.pairs_changed = result.pairs_changed
        revision.lost = [
            {
                "institution": lookups["institutions"][item.institution_id].name,
                "day": int(item.slot[0]),
                "half": int(item.slot[1]),
                "date": plan.day(item.slot[0]).isoformat(),
            }
            for item in result.lost
        ]
        revision.save()
        locked = {(str(s.pedagogue_id), s.day, s.half) for s in plan.slots.filter(locked=True)}
        _store_slots(revision, result.assignments, lookups, locked)
        WeeklyPlan.objects.filter(pk=plan.pk).update(status=WeeklyPlan.Status.REPLACED)
    return revision


def slot_set(
    *,
    actor: User,
    plan: WeeklyPlan,
    pedagogue: User,
    day: int,
    half: int,
    institution,
    function: str,
) -> PlanSlot | None:
    """A manual edit by the corps leader; it is locked so a later re-plan keeps it."""
    if plan.status == WeeklyPlan.Status.REPLACED:
        raise PlanningError(_("Planen er allerede erstattet af en nyere udgave."))
    with transaction.atomic():
        PlanSlot.objects.filter(plan=plan, pedagogue=pedagogue, day=day, half=half).delete()
        if institution is None:
            return None
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
                }
            )
        places = set(
            plan.slots.filter(pedagogue=pedagogue).values_list("institution_id", flat=True)
        )
        if institution.pk not in places and len(places) >= 3:
            raise PlanningError(_("En pædagog kan højst være i tre institutioner om ugen."))
        return PlanSlot.objects.create(
            municipality_id=plan.municipality_id,
            plan=plan,
            pedagogue=pedagogue,
            day=day,
            half=half,
            institution=institution,
            function=function,
            locked=True,
        )


def plan_publish(*, actor: User, plan: WeeklyPlan) -> WeeklyPlan:
    with transaction.atomic():
        WeeklyPlan.objects.filter(
            municipality_id=plan.municipality_id,
            week_start=plan.week_start,
            status=WeeklyPlan.Status.PUBLISHED,
        ).exclude(pk=plan.pk).update(status=WeeklyPlan.Status.REPLACED)
        plan.status = WeeklyPlan.Status.PUBLISHED
        plan.save(update_fields=["status"])
    return plan


def contract_update(
    *, actor: User, contract: Contract, data: dict, expected_version: int | None
) -> Contract:
    from inklusio.core.errors import EditConflict

    with transaction.atomic():
        current = Contract.objects.select_for_update().get(pk=contract.pk)
        if expected_version is not None and current.version != expected_version:
            raise EditConflict(current=current, changed_fields={})
        for name, value in data.items():
            if name != "version":
                setattr(current, name, value)
        current.version += 1
        current.save()
    return current


def absence_add(*, actor: User, pedagogue: User, data: dict) -> Absence:
    return Absence.objects.create(
        municipality_id=pedagogue.municipality_id, pedagogue=pedagogue, created_by=actor, **data
    )

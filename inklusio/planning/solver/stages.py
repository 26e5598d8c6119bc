"""How `solve` reaches a plan and a proven bound on its whole objective.

Per independent part of the corps (see `full.split`):
1. Stage 1, on counts: which pedagogue serves which institution, in which function, how many
   half-days. It is a *relaxation* of the whole problem: every plan's counts are feasible here
   (resource half-days may exceed demand), and the costs of placing half-days on weekdays
   (midday switches, half-days moved from last week) enter as lower bounds computed from the
   counts. So its proven bound is a lower bound on what `evaluate` computes for any plan.
2. Stage 2 places each pedagogue's counts on weekdays exactly. When the placed plan's
   `evaluate` equals the stage-1 bound, the plan is proven optimal.
3. Otherwise the whole objective is solved as one model (`full.solve_part`) starting from the
   stage-2 plan; the larger of the two bounds is kept, and the better plan.
Every search is deterministic (`full.configure`); the clock is only a safety net, and the
result says which limit stopped the search.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from inklusio.planning.solver import full
from inklusio.planning.solver.greedy import greedy_assignments
from inklusio.planning.solver.model import (
    Assignment,
    Function,
    PedagogueInput,
    PlanningProblem,
    PlanResult,
    _unmet,
    count_pairs_changed,
)
from inklusio.planning.solver.rules import evaluate

Pairing = tuple[str, str, Function]  # (pedagogue id, institution id, function)

# How much of a part's deterministic-time budget stage 1 may use; the rest goes to stage 3.
STAGE_ONE_SHARE = 0.5


@dataclass(frozen=True)
class _StageOne:
    counts: dict[Pairing, int]  # half-days per pairing
    covering: dict[str, str]  # support child id -> pedagogue id
    need: dict[tuple[str, str], int]  # (pedagogue id, child id) -> half-days owed if covering
    stopped_by: str
    bound: float
    deterministic_time: float
    first_solution_s: float | None


def _integral(bound: float) -> float:
    """Every weight is a whole number, so every plan's cost is: a bound may be rounded up (which
    also removes the solver's floating-point noise, as in 21.000000000000014)."""
    return float(math.ceil(bound - 1e-6))


def _choose_pairings(
    problem: PlanningProblem,
    deterministic_limit: float,
    workers: int,
    hint: list[Assignment] | None,
) -> _StageOne | None:
    """Stage 1: a relaxation of the whole problem on counts instead of slots."""
    model = cp_model.CpModel()
    w = problem.weights
    y: dict[Pairing, cp_model.IntVar] = {}
    n: dict[Pairing, cp_model.IntVar] = {}
    z: dict[tuple[str, str], cp_model.IntVar] = {}
    cost: list[cp_model.LinearExprT] = []
    constant = 0
    locked_counts: dict[Pairing, int] = defaultdict(int)
    for a in problem.locked:
        locked_counts[(a.pedagogue_id, a.institution_id, Function(a.function))] += 1
    mine = {p.id: full.options(problem, p) for p in problem.pedagogues}

    for p in problem.pedagogues:
        capacity = problem.capacity(p)
        for institution_id, function in mine[p.id]:
            key = (p.id, institution_id, function)
            y[key] = model.new_bool_var(f"y_{p.id}_{institution_id}_{function}")
            n[key] = model.new_int_var(0, capacity, f"n_{p.id}_{institution_id}_{function}")
            model.add(n[key] <= capacity * y[key])
            model.add(n[key] >= y[key])
            if locked_counts.get(key):
                model.add(n[key] >= locked_counts[key])
        for institution_id in sorted({i for i, _f in mine[p.id]}):
            model.add_at_most_one(
                y[(p.id, institution_id, f)] for f in Function if (p.id, institution_id, f) in y
            )
        model.add(sum(y[(p.id, *o)] for o in mine[p.id]) <= problem.max_institutions)
        model.add(sum(n[(p.id, *o)] for o in mine[p.id]) <= capacity)
    if any(key not in y for key in locked_counts):
        return None

    for institution in problem.institutions:
        demand = institution.resource_demand_half_days
        given = [
            n[(p.id, institution.id, Function.RESOURCE)]
            for p in problem.pedagogues
            if (p.id, institution.id, Function.RESOURCE) in n
        ]
        shortfall = model.new_int_var(0, demand, f"unmet_{institution.id}")
        model.add(shortfall >= demand - sum(given))
        cost.append(w.unmet_half_day * shortfall)

    need, locked_unlabelled, _uncovered = full.support_choices(model, problem, y, z, cost)
    for (pedagogue_id, institution_id, function), count in n.items():
        if function == Function.SUPPORT:
            owed = [
                need[(pedagogue_id, c.id)] * z[(pedagogue_id, c.id)]
                for c in problem.support_children
                if c.institution_id == institution_id and (pedagogue_id, c.id) in z
            ]
            model.add(count == sum(owed) + locked_unlabelled[(pedagogue_id, institution_id)])

    for p in problem.pedagogues:
        current = {(i, Function(f)) for i, f in p.current_attachments.items()}
        for option in sorted(current):
            if (p.id, *option) in y:
                cost.append(w.dropped_pair * (1 - y[(p.id, *option)]))
            else:
                constant += w.dropped_pair
        for option in mine[p.id]:
            if option not in current:
                cost.append(w.new_pair * y[(p.id, *option)])

    # Lower bounds on the weekday costs, from counts alone.
    for p in problem.pedagogues:
        available = set(problem.available_slots(p))
        places = sorted({i for i, _f in mine[p.id]})
        at = {i: [n[(p.id, i, f)] for f in Function if (p.id, i, f) in n] for i in places}
        # Half-days last week at an institution: at most as many kept as are planned there now.
        last_week: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for a in problem.previous_plan:
            if a.pedagogue_id == p.id:
                last_week[a.institution_id].add(a.slot)
        for institution_id in sorted(last_week):
            slots = last_week[institution_id]
            reachable = len(slots & available) if institution_id in at else 0
            constant += w.weekday_change * (len(slots) - reachable)
            if reachable:
                moved = model.new_int_var(0, reachable, f"moved_{p.id}_{institution_id}")
                model.add(moved >= reachable - sum(at[institution_id]))
                cost.append(w.weekday_change * moved)
        # Without a midday switch a day holds one institution: an institution with k half-days
        # needs ceil(k / 2) days, and each switch day gives one more.
        days = len({slot[0] for slot in available})
        if places and w.midday_switch:
            need_days = []
            for institution_id in places:
                half = model.new_int_var(0, 5, f"days_{p.id}_{institution_id}")
                model.add(2 * half >= sum(at[institution_id]))
                need_days.append(half)
            switches = model.new_int_var(0, 10, f"switches_{p.id}")
            model.add(switches >= sum(need_days) - days)
            cost.append(w.midday_switch * switches)

    model.minimize(sum(cost) + constant)
    if hint:
        hint_counts: dict[Pairing, int] = defaultdict(int)
        for a in hint:
            hint_counts[(a.pedagogue_id, a.institution_id, Function(a.function))] += 1
        hint_covering = {a.child_id: a.pedagogue_id for a in hint if a.child_id}
        for key, var in y.items():
            model.add_hint(var, bool(hint_counts.get(key)))
            model.add_hint(n[key], hint_counts.get(key, 0))
        for (pedagogue_id, child_id), var in z.items():
            model.add_hint(var, hint_covering.get(child_id) == pedagogue_id)

    solver = cp_model.CpSolver()
    wall = full.configure(solver, deterministic_limit, workers)
    callback = full._FirstSolution()
    status = solver.solve(model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return _StageOne(
        counts={key: int(solver.value(var)) for key, var in n.items() if solver.value(var)},
        covering={
            child_id: pedagogue_id
            for (pedagogue_id, child_id), var in z.items()
            if solver.value(var)
        },
        need=need,
        stopped_by=full.why_stopped(solver, status, wall),
        bound=_integral(solver.best_objective_bound),
        deterministic_time=solver.response_proto.deterministic_time,
        first_solution_s=callback.first,
    )


def _place_week(
    problem: PlanningProblem,
    pedagogue: PedagogueInput,
    counts: dict[tuple[str, Function], int],
    deterministic_limit: float,
) -> list[tuple[str, tuple[int, int], str, Function]] | None:
    """Stage 2: put one pedagogue's half-days on weekdays, with few midday switches and the
    same days as last week; locked half-days stay where they are. Exact for one pedagogue."""
    w = problem.weights
    slots = problem.available_slots(pedagogue)
    keys = sorted(counts)
    locked = {a.slot: a for a in problem.locked if a.pedagogue_id == pedagogue.id}
    previous = sorted(
        {
            (a.slot, a.institution_id)
            for a in problem.previous_plan
            if a.pedagogue_id == pedagogue.id
        }
    )
    model = cp_model.CpModel()
    x = {(slot, key): model.new_bool_var(f"x_{slot}_{key}") for slot in slots for key in keys}
    for slot in slots:
        model.add_at_most_one(x[(slot, key)] for key in keys)
    for key in keys:
        model.add(sum(x[(slot, key)] for slot in slots) == counts[key])
    for slot, a in sorted(locked.items()):
        key = (a.institution_id, Function(a.function))
        if (slot, key) not in x:
            return None
        model.add(x[(slot, key)] == 1)
    cost: list[cp_model.LinearExprT] = []
    for day in range(5):
        if (day, 0) not in slots or (day, 1) not in slots:
            continue
        morning = [x[((day, 0), key)] for key in keys]
        afternoon = [x[((day, 1), key)] for key in keys]
        same = []
        for institution_id in sorted({i for i, _f in keys}):
            both = model.new_bool_var(f"same_{day}_{institution_id}")
            model.add(both <= sum(x[((day, 0), k)] for k in keys if k[0] == institution_id))
            model.add(both <= sum(x[((day, 1), k)] for k in keys if k[0] == institution_id))
            same.append(both)
        switch = model.new_bool_var(f"switch_{day}")
        model.add(switch >= sum(morning) + sum(afternoon) - 1 - sum(same))
        cost.append(w.midday_switch * switch)
    for slot, institution_id in previous:
        kept = [x[(slot, key)] for key in keys if key[0] == institution_id and slot in slots]
        cost.append(w.weekday_change * (1 - sum(kept)))
    model.minimize(sum(cost))
    solver = cp_model.CpSolver()
    full.configure(solver, deterministic_limit, 1)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [(pedagogue.id, slot, *key) for (slot, key), var in x.items() if solver.value(var)]


def _two_stage(
    part: PlanningProblem, outcome: _StageOne, deterministic_limit: float
) -> list[Assignment] | None:
    per_pedagogue: dict[str, dict[tuple[str, Function], int]] = defaultdict(dict)
    for (pedagogue_id, i, f), count in outcome.counts.items():
        per_pedagogue[pedagogue_id][(i, f)] = count
    chosen: list[tuple[str, tuple[int, int], str, Function]] = []
    for pedagogue in part.pedagogues:
        if per_pedagogue.get(pedagogue.id):
            placed = _place_week(part, pedagogue, per_pedagogue[pedagogue.id], deterministic_limit)
            if placed is None:
                return None
            chosen.extend(placed)
    return full._label(part, chosen, outcome.covering, outcome.need)


@dataclass(frozen=True)
class _PartResult:
    assignments: list[Assignment]
    objective: float
    bound: float
    stopped_by: str
    first_solution_s: float


def _solve_part(
    part: PlanningProblem, budget: float, workers: int, hint_greedy: bool
) -> _PartResult:
    baseline = greedy_assignments(part)
    candidates = [baseline]
    bound, stopped_by, first = 0.0, full.NO_SOLUTION, 0.0
    stage_one = _choose_pairings(
        part, STAGE_ONE_SHARE * budget, workers, baseline if hint_greedy else None
    )
    if stage_one is not None:
        bound, stopped_by = stage_one.bound, stage_one.stopped_by
        first = stage_one.first_solution_s or 0.0
        placed = _two_stage(part, stage_one, max(0.05, budget / 10))
        if placed is not None:
            candidates.append(placed)
    best = min(candidates, key=lambda plan: evaluate(part, plan))
    objective = evaluate(part, best)
    remaining = budget - (stage_one.deterministic_time if stage_one else 0.0)
    if objective > bound + 1e-6 and remaining > 0.01:
        whole = full.solve_part(part, best, remaining, workers)
        if whole is not None:
            bound = max(bound, _integral(whole.bound))
            stopped_by = whole.stopped_by if stopped_by != full.WALL_CLOCK_LIMIT else stopped_by
            if evaluate(part, whole.assignments) < objective:
                best = whole.assignments
                objective = evaluate(part, best)
    best = _trim(part, best)
    objective = evaluate(part, best)
    if objective <= bound + 1e-6:
        stopped_by = full.PROVEN
    elif stopped_by == full.PROVEN:
        # A search may prove its own model optimal while the plan is not yet proven on the
        # whole objective (stage 1 proves its relaxation, for example).
        stopped_by = full.DETERMINISTIC_LIMIT
    return _PartResult(best, objective, bound, stopped_by, first)


def _trim(problem: PlanningProblem, plan: list[Assignment]) -> list[Assignment]:
    """Resource half-days beyond an institution's demand are dropped when that costs nothing
    (the models may keep them, as they are free); ones that keep a pairing or last week's
    weekday stay. The objective never rises, so a proof still holds."""
    demand = {i.id: i.resource_demand_half_days for i in problem.institutions}
    locked = set(problem.locked)
    given: dict[str, int] = defaultdict(int)
    for a in plan:
        if Function(a.function) == Function.RESOURCE:
            given[a.institution_id] += 1
    cost = evaluate(problem, plan)
    for a in sorted(plan, key=lambda a: (a.institution_id, a.pedagogue_id, a.slot), reverse=True):
        surplus = given[a.institution_id] > demand.get(a.institution_id, 0)
        if Function(a.function) != Function.RESOURCE or a in locked or not surplus:
            continue
        shorter = [b for b in plan if b != a]
        if evaluate(problem, shorter) <= cost:
            plan, cost = shorter, evaluate(problem, shorter)
            given[a.institution_id] -= 1
    return plan


def solve(
    problem: PlanningProblem, time_limit_s: float = 10.0, workers: int = 1, hint_greedy: bool = True
) -> PlanResult:
    """The best plan found within the budget, never worse than the greedy plan, with a proven
    lower bound on its `evaluate` objective.

    `time_limit_s` is a budget of CP-SAT *deterministic* time (roughly seconds on an idle
    machine), shared among the parts by their number of pedagogues; a wall clock limit of
    a few times that budget only guards against a far slower machine. `status` is "OPTIMAL"
    exactly when the plan's objective equals the bound, else the limit that stopped the search:
    "DETERMINISTIC_LIMIT", "WALL_CLOCK_LIMIT" or "NO_SOLUTION" (the greedy plan is used).
    """
    started = time.perf_counter()
    parts, constant = full.split(problem)
    assignments: list[Assignment] = []
    bound, stops, first_times = constant, [], []
    total = max(1, len(problem.pedagogues))
    for part in parts:
        budget = max(0.1, time_limit_s * len(part.pedagogues) / total)
        result = _solve_part(part, budget, workers, hint_greedy)
        assignments.extend(result.assignments)
        bound += result.bound
        stops.append(result.stopped_by)
        first_times.append(result.first_solution_s)
    objective = evaluate(problem, assignments)
    if objective <= bound + 1e-6:
        status = full.PROVEN
    else:
        status = next(
            (s for s in (full.WALL_CLOCK_LIMIT, full.NO_SOLUTION) if s in stops),
            full.DETERMINISTIC_LIMIT,
        )
    unmet, uncovered = _unmet(problem, assignments)
    gap = 0.0 if objective == 0 else max(0.0, (objective - bound) / objective)
    return PlanResult(
        assignments=tuple(assignments),
        unmet=unmet,
        uncovered_children=uncovered,
        status=status,
        objective=objective,
        best_bound=bound,
        gap=gap,
        solve_time_s=time.perf_counter() - started,
        first_solution_time_s=sum(first_times) if first_times else None,
        pairs_changed=count_pairs_changed(problem, assignments),
    )

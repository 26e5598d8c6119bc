"""The whole objective in one CP-SAT model per independent part of the corps, so the solver's
bound is a proven lower bound on exactly what `evaluate` computes.

The plans searched are those that keep every hard rule (`check_hard_rules`) and two planning
conventions the solver has always worked in:
- a pedagogue works only at their *candidate* institutions (current attachments, their own
  district, locked half-days), and only at institutions in the problem;
- support half-days are a child's: a support child gets all its half-days from one pedagogue
  (or none), and a pedagogue gives support only to children (or in a locked half-day).
  `evaluate` is looser: it counts a child as covered once one half-day is labelled for it. That
  is a product decision left open (issue 19), not changed here; on the plans of this
  convention the two agree, and the bound is claimed for those plans.

Everything else `evaluate` counts is modelled exactly: unmet half-days, new and dropped
pairings, midday switches and half-days moved from last week. Resource half-days may exceed
demand (keeping a pairing can be worth it), so no plan `evaluate` would price lower is cut away.

The corps splits into parts that share no pedagogue and no institution (the connected
components of "pedagogue may work at institution"); the objective is a sum over the parts plus
constants no plan can change, so the parts' bounds add up to a bound on the whole.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from inklusio.planning.solver.model import (
    Assignment,
    Function,
    PedagogueInput,
    PlanningProblem,
    Slot,
    _candidates,
)

Option = tuple[str, Function]  # (institution id, function)

# Why the search of one part stopped; `solve` reports the worst over the parts.
PROVEN = "OPTIMAL"
DETERMINISTIC_LIMIT = "DETERMINISTIC_LIMIT"
WALL_CLOCK_LIMIT = "WALL_CLOCK_LIMIT"
NO_SOLUTION = "NO_SOLUTION"


@dataclass(frozen=True)
class PartOutcome:
    assignments: list[Assignment]
    objective: float  # the model's objective of `assignments`, equal to `evaluate` on the part
    bound: float  # proven lower bound on `evaluate` over every plan of the part
    stopped_by: str
    first_solution_s: float | None


# Safety net on the clock: a multiple of the deterministic budget, plus a constant.
WALL_FACTOR, WALL_EXTRA_S = 10.0, 2.0


def configure(solver: cp_model.CpSolver, deterministic_limit: float, workers: int) -> float:
    """Deterministic search, so the same input gives the same plan on the same machine: a fixed
    seed, a fixed number of workers (one is deterministic by itself, several are interleaved in
    a fixed order) and a limit on deterministic time (work done), not on the clock. The clock
    limit returned is only a safety net on a far slower machine; the result says when it hit."""
    wall = WALL_FACTOR * deterministic_limit + WALL_EXTRA_S
    solver.parameters.random_seed = 0
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.interleave_search = workers > 1
    solver.parameters.max_deterministic_time = deterministic_limit
    solver.parameters.max_time_in_seconds = wall
    return wall


def why_stopped(solver: cp_model.CpSolver, status: cp_model.CpSolverStatus, wall: float) -> str:
    if status == cp_model.OPTIMAL:
        return PROVEN
    if solver.wall_time >= wall:
        return WALL_CLOCK_LIMIT
    return DETERMINISTIC_LIMIT


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.first: float | None = None
        self.started = time.perf_counter()

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


def options(problem: PlanningProblem, pedagogue: PedagogueInput) -> list[Option]:
    """Where and in which function a pedagogue may work, in a fixed order."""
    institutions = {i.id for i in problem.institutions}
    with_children = {c.institution_id for c in problem.support_children}
    locked_support = {
        a.institution_id
        for a in problem.locked
        if a.pedagogue_id == pedagogue.id and Function(a.function) == Function.SUPPORT
    }
    result: list[Option] = []
    for institution in sorted(_candidates(problem, pedagogue) & institutions):
        result.append((institution, Function.RESOURCE))
        if institution in with_children or institution in locked_support:
            result.append((institution, Function.SUPPORT))
    return result


def split(problem: PlanningProblem) -> tuple[list[PlanningProblem], float]:
    """The independent parts of the problem, and the cost no plan can change outside them."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for institution in problem.institutions:
        find("i:" + institution.id)
    for pedagogue in problem.pedagogues:
        find("p:" + pedagogue.id)
        for institution_id, _function in options(problem, pedagogue):
            parent[find("p:" + pedagogue.id)] = find("i:" + institution_id)
    roots: list[str] = []
    for node in ["i:" + i.id for i in problem.institutions] + [
        "p:" + p.id for p in problem.pedagogues
    ]:
        if find(node) not in roots:
            roots.append(find(node))
    parts = []
    for root in roots:
        pedagogues = tuple(p for p in problem.pedagogues if find("p:" + p.id) == root)
        institutions = tuple(i for i in problem.institutions if find("i:" + i.id) == root)
        pedagogue_ids = {p.id for p in pedagogues}
        institution_ids = {i.id for i in institutions}
        parts.append(
            PlanningProblem(
                pedagogues=pedagogues,
                institutions=institutions,
                support_children=tuple(
                    c for c in problem.support_children if c.institution_id in institution_ids
                ),
                centre_meeting_slots=problem.centre_meeting_slots,
                locked=tuple(a for a in problem.locked if a.pedagogue_id in pedagogue_ids),
                previous_plan=tuple(
                    a for a in problem.previous_plan if a.pedagogue_id in pedagogue_ids
                ),
                max_institutions=problem.max_institutions,
                weights=problem.weights,
            )
        )
    w = problem.weights
    institution_ids = {i.id for i in problem.institutions}
    pedagogue_ids = {p.id for p in problem.pedagogues}
    constant = w.unmet_half_day * sum(
        c.demand_half_days
        for c in problem.support_children
        if c.institution_id not in institution_ids
    )
    constant += w.weekday_change * len(
        {
            (a.pedagogue_id, a.slot, a.institution_id)
            for a in problem.previous_plan
            if a.pedagogue_id not in pedagogue_ids
        }
    )
    return parts, float(constant)


def support_choices(
    model: cp_model.CpModel,
    problem: PlanningProblem,
    y: dict[tuple[str, str, Function], cp_model.IntVar],
    z: dict[tuple[str, str], cp_model.IntVar],
    cost: list[cp_model.LinearExprT],
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int], dict[str, cp_model.IntVar]]:
    """Each support child is served whole by one pedagogue paired with its institution
    (`z`, locked half-days for the child fix the choice) or left uncovered at the unmet
    cost. Both the pairing stage and the whole-week model state it so. Returns the half-days
    each choice owes, the locked support half-days without a child per (pedagogue,
    institution), and each child's uncovered variable."""
    w = problem.weights
    locked_for: dict[tuple[str, str], int] = defaultdict(int)
    locked_unlabelled: dict[tuple[str, str], int] = defaultdict(int)
    for a in problem.locked:
        if Function(a.function) == Function.SUPPORT:
            if a.child_id:
                locked_for[(a.pedagogue_id, a.child_id)] += 1
            else:
                locked_unlabelled[(a.pedagogue_id, a.institution_id)] += 1
    need: dict[tuple[str, str], int] = {}
    uncovered: dict[str, cp_model.IntVar] = {}
    for child in problem.support_children:
        choices = []
        for p in problem.pedagogues:
            if (p.id, child.institution_id, Function.SUPPORT) in y:
                z[(p.id, child.id)] = var = model.new_bool_var(f"z_{p.id}_{child.id}")
                need[(p.id, child.id)] = max(child.demand_half_days, locked_for[(p.id, child.id)])
                if locked_for[(p.id, child.id)]:
                    model.add(var == 1)
                choices.append(var)
        uncovered[child.id] = model.new_bool_var(f"uncovered_{child.id}")
        model.add(sum(choices) + uncovered[child.id] == 1)
        cost.append(w.unmet_half_day * child.demand_half_days * uncovered[child.id])
    return need, locked_unlabelled, uncovered


def solve_part(
    problem: PlanningProblem,
    hint: list[Assignment] | None,
    deterministic_limit: float,
    workers: int,
) -> PartOutcome | None:
    """One part solved as one model of the whole objective; None if no plan was found."""
    model = cp_model.CpModel()
    w = problem.weights
    x: dict[tuple[str, Slot, str, Function], cp_model.IntVar] = {}
    y: dict[tuple[str, str, Function], cp_model.IntVar] = {}
    z: dict[tuple[str, str], cp_model.IntVar] = {}
    shortfall: dict[str, cp_model.IntVar] = {}
    switch: dict[tuple[str, int], cp_model.IntVar] = {}
    cost: list[cp_model.LinearExprT] = []
    constant = 0
    possible = True

    mine = {p.id: options(problem, p) for p in problem.pedagogues}
    slots = {p.id: problem.available_slots(p) for p in problem.pedagogues}
    for p in problem.pedagogues:
        for slot in slots[p.id]:
            here = []
            for institution_id, function in mine[p.id]:
                key = (p.id, slot, institution_id, function)
                x[key] = model.new_bool_var(
                    f"x_{p.id}_{slot[0]}{slot[1]}_{institution_id}_{function}"
                )
                here.append(x[key])
            model.add_at_most_one(here)
        model.add(sum(x[key] for key in x if key[0] == p.id) <= p.max_half_days)
        for institution_id, function in mine[p.id]:
            pair = y[(p.id, institution_id, function)] = model.new_bool_var(
                f"y_{p.id}_{institution_id}_{function}"
            )
            works = [x[(p.id, slot, institution_id, function)] for slot in slots[p.id]]
            for var in works:
                model.add_implication(var, pair)
            model.add(pair <= sum(works))
        for institution_id in sorted({i for i, _f in mine[p.id]}):
            model.add_at_most_one(
                y[(p.id, institution_id, f)] for f in Function if (p.id, institution_id, f) in y
            )
        model.add(sum(y[key] for key in y if key[0] == p.id) <= problem.max_institutions)

    for a in problem.locked:
        key = (a.pedagogue_id, a.slot, a.institution_id, Function(a.function))
        if key in x:
            model.add(x[key] == 1)
        else:
            possible = False

    # Unmet resource demand.
    for institution in problem.institutions:
        demand = institution.resource_demand_half_days
        given = [
            var
            for (_p, _s, i, f), var in x.items()
            if i == institution.id and f == Function.RESOURCE
        ]
        short = shortfall[institution.id] = model.new_int_var(0, demand, f"short_{institution.id}")
        model.add(short >= demand - sum(given))
        cost.append(w.unmet_half_day * short)

    # Support children: one pedagogue gives all of a child's half-days, or the child is unmet.
    need, locked_unlabelled, uncovered = support_choices(model, problem, y, z, cost)
    for (pedagogue_id, institution_id, function), _pair in y.items():
        if function != Function.SUPPORT:
            continue
        given = [x[(pedagogue_id, slot, institution_id, function)] for slot in slots[pedagogue_id]]
        owed = [
            need[(pedagogue_id, c.id)] * z[(pedagogue_id, c.id)]
            for c in problem.support_children
            if c.institution_id == institution_id and (pedagogue_id, c.id) in z
        ]
        model.add(sum(given) == sum(owed) + locked_unlabelled[(pedagogue_id, institution_id)])

    # New and dropped pairings.
    for p in problem.pedagogues:
        current = {(i, Function(f)) for i, f in p.current_attachments.items()}
        for institution_id, function in sorted(current):
            pair_var = y.get((p.id, institution_id, function))
            if pair_var is None:
                constant += w.dropped_pair
            else:
                cost.append(w.dropped_pair * (1 - pair_var))
        for (pedagogue_id, institution_id, function), pair_var in y.items():
            if pedagogue_id == p.id and (institution_id, function) not in current:
                cost.append(w.new_pair * pair_var)

    # Midday switches: a day with a morning at one institution and an afternoon elsewhere.
    for p in problem.pedagogues:
        places = sorted({i for i, _f in mine[p.id]})
        for day in range(5):
            morning, afternoon = (day, 0), (day, 1)
            if morning not in slots[p.id] or afternoon not in slots[p.id]:
                continue
            sw = switch[(p.id, day)] = model.new_bool_var(f"switch_{p.id}_{day}")
            busy = [x[(p.id, half, i, f)] for half in (morning, afternoon) for i, f in mine[p.id]]
            same = []
            for place in places:
                both = model.new_bool_var(f"same_{p.id}_{day}_{place}")
                for half in (morning, afternoon):
                    model.add(
                        both <= sum(x[(p.id, half, i, f)] for i, f in mine[p.id] if i == place)
                    )
                same.append(both)
            model.add(sw >= sum(busy) - 1 - sum(same))
            cost.append(w.midday_switch * sw)

    # Half-days moved away from where they were last week.
    previous = sorted({(a.pedagogue_id, a.slot, a.institution_id) for a in problem.previous_plan})
    for pedagogue_id, slot, institution_id in previous:
        kept = [x[key] for f in Function if (key := (pedagogue_id, slot, institution_id, f)) in x]
        if kept:
            cost.append(w.weekday_change * (1 - sum(kept)))
        else:
            constant += w.weekday_change

    if not possible:
        return None
    model.minimize(sum(cost) + constant)
    if hint:
        _add_hint(problem, model, hint, x, y, z, uncovered, shortfall, switch)

    solver = cp_model.CpSolver()
    wall = configure(solver, deterministic_limit, workers)
    callback = _FirstSolution()
    status = solver.solve(model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    stopped_by = why_stopped(solver, status, wall)
    chosen = [key for key, var in x.items() if solver.value(var)]
    covering = {child_id: p for (p, child_id), var in z.items() if solver.value(var)}
    return PartOutcome(
        assignments=_label(problem, chosen, covering, need),
        objective=solver.objective_value,
        bound=solver.best_objective_bound,
        stopped_by=stopped_by,
        first_solution_s=callback.first,
    )


def _label(
    problem: PlanningProblem,
    chosen: list[tuple[str, Slot, str, Function]],
    covering: dict[str, str],
    need: dict[tuple[str, str], int],
) -> list[Assignment]:
    """The chosen half-days as assignments; each support half-day names the child it is for."""
    locked = {(a.pedagogue_id, a.slot): a for a in problem.locked}
    queue: dict[tuple[str, str], list[str]] = defaultdict(list)
    for child in problem.support_children:
        pedagogue_id = covering.get(child.id)
        if pedagogue_id is None:
            continue
        already = sum(
            1 for a in problem.locked if a.pedagogue_id == pedagogue_id and a.child_id == child.id
        )
        queue[(pedagogue_id, child.institution_id)].extend(
            [child.id] * (need[(pedagogue_id, child.id)] - already)
        )
    result = []
    for pedagogue_id, slot, institution_id, function in sorted(chosen):
        fixed = locked.get((pedagogue_id, slot))
        if fixed is not None:
            result.append(fixed)
            continue
        child_id = None
        if function == Function.SUPPORT:
            child_id = queue[(pedagogue_id, institution_id)].pop(0)
        result.append(Assignment(pedagogue_id, slot, institution_id, function, child_id))
    return result


def _add_hint(
    problem: PlanningProblem,
    model: cp_model.CpModel,
    hint: list[Assignment],
    x: dict[tuple[str, Slot, str, Function], cp_model.IntVar],
    y: dict[tuple[str, str, Function], cp_model.IntVar],
    z: dict[tuple[str, str], cp_model.IntVar],
    uncovered: dict[str, cp_model.IntVar],
    shortfall: dict[str, cp_model.IntVar],
    switch: dict[tuple[str, int], cp_model.IntVar],
) -> None:
    """A complete starting plan, so the search starts from it instead of from nothing."""
    planned = {(a.pedagogue_id, a.slot, a.institution_id, Function(a.function)) for a in hint}
    for key, var in x.items():
        model.add_hint(var, key in planned)
    pairs = {(p, i, f) for p, _s, i, f in planned}
    for pair, var in y.items():
        model.add_hint(var, pair in pairs)
    covered = {a.child_id: a.pedagogue_id for a in hint if a.child_id}
    for (pedagogue_id, child_id), var in z.items():
        model.add_hint(var, covered.get(child_id) == pedagogue_id)
    for child_id, var in uncovered.items():
        model.add_hint(var, child_id not in covered)
    resource: dict[str, int] = defaultdict(int)
    where: dict[tuple[str, Slot], str] = {}
    for pedagogue_id, slot, institution_id, function in planned:
        where[(pedagogue_id, slot)] = institution_id
        if function == Function.RESOURCE:
            resource[institution_id] += 1
    for institution in problem.institutions:
        model.add_hint(
            shortfall[institution.id],
            max(0, institution.resource_demand_half_days - resource[institution.id]),
        )
    for (pedagogue_id, day), var in switch.items():
        morning, afternoon = (
            where.get((pedagogue_id, (day, 0))),
            where.get((pedagogue_id, (day, 1))),
        )
        model.add_hint(var, bool(morning and afternoon and morning != afternoon))

"""CP-SAT in two stages: pairings and counts first (stage 1), then each pedagogue's week (stage 2);
large municipalities are solved district by district."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from inklusio.planning.solver.greedy import greedy_assignments
from inklusio.planning.solver.model import (
    Assignment,
    Function,
    PedagogueInput,
    PlanningProblem,
    PlanResult,
    SupportChildInput,
    _candidates,
    _current_pairs,
    _label_support_children,
    _support_demand,
    _unmet,
    count_pairs_changed,
)
from inklusio.planning.solver.rules import evaluate

Pairing = tuple[str, str, Function]  # (pedagogue id, institution id, function)


@dataclass(frozen=True)
class _StageOne:
    counts: dict[Pairing, int]  # half-days per pairing
    covering: dict[str, str]  # support child id -> pedagogue id
    status: str
    objective: float
    bound: float
    first_solution_s: float | None


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.first: float | None = None
        self.started = time.perf_counter()

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


def _choose_pairings(
    problem: PlanningProblem, time_limit_s: float, workers: int, hint: list[Assignment] | None
) -> _StageOne | None:
    """Stage 1: which pedagogue serves which institution, in which function, how many half-days.

    Demand and continuity are decided here, on counts instead of slots, which removes the
    symmetry between equivalent weeks that made the slot-by-slot model slow to prove.
    """
    model = cp_model.CpModel()
    w = problem.weights
    support = _support_demand(problem)
    children_at: dict[str, list[SupportChildInput]] = defaultdict(list)
    for child in problem.support_children:
        children_at[child.institution_id].append(child)
    institutions = {i.id: i for i in problem.institutions}
    locked_counts: dict[Pairing, int] = defaultdict(int)
    for a in problem.locked:
        locked_counts[(a.pedagogue_id, a.institution_id, Function(a.function))] += 1
    y: dict[Pairing, cp_model.IntVar] = {}
    n: dict[Pairing, cp_model.IntVar] = {}
    z: dict[tuple[str, str], cp_model.IntVar] = {}

    for p in problem.pedagogues:
        capacity = problem.capacity(p)
        for i in sorted(_candidates(problem, p) & set(institutions)):
            functions = [Function.RESOURCE] + ([Function.SUPPORT] if support.get(i) else [])
            current = p.current_attachments.get(i)
            if current is not None and Function(current) not in functions:
                functions.append(Function(current))
            for f in functions:
                key = (p.id, i, f)
                if capacity == 0 and not locked_counts.get(key):
                    continue
                y[key] = model.new_bool_var(f"y_{p.id}_{i}_{f}")
                n[key] = model.new_int_var(0, capacity, f"n_{p.id}_{i}_{f}")
                model.add(n[key] <= capacity * y[key])
                model.add(n[key] >= y[key])
                if locked_counts.get(key):
                    model.add(n[key] >= locked_counts[key])
            model.add_at_most_one(y[(p.id, i, f)] for f in functions if (p.id, i, f) in y)
        mine = [key for key in y if key[0] == p.id]
        model.add(sum(y[key] for key in mine) <= problem.max_institutions)
        model.add(sum(n[key] for key in mine) <= capacity)

    unmet_terms: list[cp_model.LinearExprT] = []
    for institution in problem.institutions:
        demand = institution.resource_demand_half_days
        covered = [n[key] for key in n if key[1] == institution.id and key[2] == Function.RESOURCE]
        locked_here = sum(
            v
            for key, v in locked_counts.items()
            if key[1] == institution.id and key[2] == Function.RESOURCE
        )
        model.add(sum(covered) <= max(demand, locked_here))
        shortfall = model.new_int_var(0, demand, f"unmet_{institution.id}")
        model.add(shortfall >= demand - sum(covered))
        unmet_terms.append(shortfall)

    for child in problem.support_children:
        options = []
        for p in problem.pedagogues:
            key = (p.id, child.institution_id, Function.SUPPORT)
            if key in y:
                z[(p.id, child.id)] = var = model.new_bool_var(f"z_{p.id}_{child.id}")
                model.add_implication(var, y[key])
                options.append(var)
        uncovered = model.new_bool_var(f"uncovered_{child.id}")
        model.add(sum(options) + uncovered == 1)
        unmet_terms.append(child.demand_half_days * uncovered)
    for key in n:
        pedagogue_id, i, f = key
        if f == Function.SUPPORT:
            owed = [
                c.demand_half_days * z[(pedagogue_id, c.id)]
                for c in children_at[i]
                if (pedagogue_id, c.id) in z
            ]
            model.add(n[key] == (sum(owed) if owed else locked_counts.get(key, 0)))

    current_pairs = _current_pairs(problem)
    cost: list[cp_model.LinearExprT] = [w.unmet_half_day * sum(unmet_terms)]
    for key, attach in y.items():
        cost.append(w.dropped_pair * (1 - attach) if key in current_pairs else w.new_pair * attach)
    constant = w.dropped_pair * sum(1 for key in current_pairs if key not in y)
    model.minimize(sum(cost) + constant)

    if hint:
        hint_counts: dict[Pairing, int] = defaultdict(int)
        for a in hint:
            hint_counts[(a.pedagogue_id, a.institution_id, Function(a.function))] += 1
        hint_covering = {a.child_id: a.pedagogue_id for a in hint if a.child_id}
        for key, var in y.items():
            model.add_hint(var, 1 if hint_counts.get(key) else 0)
            model.add_hint(n[key], hint_counts.get(key, 0))
        for (pedagogue_id, child_id), var in z.items():
            model.add_hint(var, 1 if hint_covering.get(child_id) == pedagogue_id else 0)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    callback = _FirstSolution()
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
        status=solver.status_name(status),
        objective=solver.objective_value,
        bound=solver.best_objective_bound,
        first_solution_s=callback.first,
    )


def _place_week(
    problem: PlanningProblem, pedagogue: PedagogueInput, counts: dict[tuple[str, Function], int]
) -> list[Assignment]:
    """Stage 2: put one pedagogue's half-days on weekdays, with few midday switches and the
    same days as last week; locked half-days stay where they are. Exact for one pedagogue."""
    w = problem.weights
    slots = problem.available_slots(pedagogue)
    locked = {a.slot: a for a in problem.locked if a.pedagogue_id == pedagogue.id}
    previous = {
        a.slot: a.institution_id for a in problem.previous_plan if a.pedagogue_id == pedagogue.id
    }
    model = cp_model.CpModel()
    x = {(slot, key): model.new_bool_var(f"x_{slot}_{key}") for slot in slots for key in counts}
    for slot in slots:
        model.add_at_most_one(x[(slot, key)] for key in counts)
    for key, count in counts.items():
        model.add(sum(x[(slot, key)] for slot in slots) == count)
    for slot, a in locked.items():
        model.add(x[(slot, (a.institution_id, Function(a.function)))] == 1)
    cost: list[cp_model.LinearExprT] = []
    for day in range(5):
        morning = [x[((day, 0), key)] for key in counts if (day, 0) in slots]
        afternoon = [x[((day, 1), key)] for key in counts if (day, 1) in slots]
        if not morning or not afternoon:
            continue
        same = []
        for key in counts:
            both = model.new_bool_var(f"same_{day}_{key}")
            model.add(both <= x[((day, 0), key)])
            model.add(both <= x[((day, 1), key)])
            same.append(both)
        switch = model.new_bool_var(f"switch_{day}")
        model.add(switch >= sum(morning) + sum(afternoon) - 1 - sum(same))
        cost.append(w.midday_switch * switch)
    for slot, institution_id in previous.items():
        kept = [x[(slot, key)] for key in counts if key[0] == institution_id and slot in slots]
        cost.append(w.weekday_change * (1 - sum(kept)))
    model.minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 2.0
    solver.solve(model)
    return [
        locked.get(slot) or Assignment(pedagogue.id, slot, key[0], key[1])
        for (slot, key), var in x.items()
        if solver.value(var)
    ]


def _districts(problem: PlanningProblem) -> list[PlanningProblem]:
    """Split by district when pedagogues and institutions all carry one; else the whole."""
    if not all(p.district for p in problem.pedagogues) or not all(
        i.district for i in problem.institutions
    ):
        return [problem]
    names = sorted(
        {i.district for i in problem.institutions if i.district}
        | {p.district for p in problem.pedagogues if p.district}
    )
    if len(names) < 2:
        return [problem]
    parts = []
    for name in names:
        pedagogues = tuple(p for p in problem.pedagogues if p.district == name)
        institutions = tuple(i for i in problem.institutions if i.district == name)
        ids = {i.id for i in institutions}
        parts.append(
            PlanningProblem(
                pedagogues=pedagogues,
                institutions=institutions,
                support_children=tuple(
                    c for c in problem.support_children if c.institution_id in ids
                ),
                centre_meeting_slots=problem.centre_meeting_slots,
                locked=tuple(a for a in problem.locked if a.institution_id in ids),
                previous_plan=tuple(a for a in problem.previous_plan if a.institution_id in ids),
                max_institutions=problem.max_institutions,
                weights=problem.weights,
            )
        )
    return parts


def solve(
    problem: PlanningProblem, time_limit_s: float = 10.0, workers: int = 2, hint_greedy: bool = True
) -> PlanResult:
    """The best plan found within the time limit; never worse than the greedy plan."""
    started = time.perf_counter()
    parts = _districts(problem)
    assignments: list[Assignment] = []
    statuses, first_times = [], []
    primary_gap_parts: list[tuple[float, float]] = []
    for part in parts:
        share = max(0.2, time_limit_s * len(part.pedagogues) / max(1, len(problem.pedagogues)))
        baseline = greedy_assignments(part) if hint_greedy else None
        outcome = _choose_pairings(part, share, workers, baseline)
        if outcome is None:
            chosen = baseline or greedy_assignments(part)
            statuses.append("FEASIBLE")
            first_times.append(0.0)
            primary_gap_parts.append((evaluate(part, chosen), 0.0))
        else:
            counts, covering, status = outcome.counts, outcome.covering, outcome.status
            primary, primary_bound, first = (
                outcome.objective,
                outcome.bound,
                outcome.first_solution_s,
            )
            per_pedagogue: dict[str, dict[tuple[str, Function], int]] = defaultdict(dict)
            for (pedagogue_id, i, f), count in counts.items():
                per_pedagogue[pedagogue_id][(i, f)] = count
            placed: list[Assignment] = []
            for pedagogue in part.pedagogues:
                if per_pedagogue.get(pedagogue.id):
                    placed.extend(_place_week(part, pedagogue, per_pedagogue[pedagogue.id]))
            chosen = _label_support_children(part, placed, covering)
            if baseline is not None and evaluate(part, baseline) < evaluate(part, chosen):
                chosen = baseline
            statuses.append(status)
            first_times.append(first or 0.0)
            primary_gap_parts.append((primary, primary_bound))
        assignments.extend(chosen)
    objective = evaluate(problem, assignments)
    # The gap is that of the primary goals (demand, continuity); each pedagogue's week is then
    # placed exactly. Districts share no terms, so their bounds add up.
    primary = sum(value for value, _bound in primary_gap_parts)
    primary_bound = sum(bound for _value, bound in primary_gap_parts)
    bound = objective - max(0.0, primary - primary_bound)
    unmet, uncovered = _unmet(problem, assignments)
    status = "OPTIMAL" if all(s == "OPTIMAL" for s in statuses) else "FEASIBLE"
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

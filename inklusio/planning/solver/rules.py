"""What makes a plan valid (the hard rules) and how good it is (the objective)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from inklusio.planning.solver.model import (
    Assignment,
    Function,
    PlanningProblem,
    Slot,
    _current_pairs,
    pairs_of,
)


def evaluate(problem: PlanningProblem, assignments: Iterable[Assignment]) -> float:
    """The objective of any plan, so the solver and greedy are compared on one scale."""
    assignments = list(assignments)
    w = problem.weights
    resource: dict[str, int] = defaultdict(int)
    support_by_child_pedagogue: dict[str, set[str]] = defaultdict(set)
    support_slots: dict[tuple[str, str], int] = defaultdict(int)
    for a in assignments:
        if Function(a.function) == Function.RESOURCE:
            resource[a.institution_id] += 1
        else:
            support_slots[(a.pedagogue_id, a.institution_id)] += 1
            if a.child_id:
                support_by_child_pedagogue[a.child_id].add(a.pedagogue_id)
    unmet = sum(max(0, i.resource_demand_half_days - resource[i.id]) for i in problem.institutions)
    for child in problem.support_children:
        if not support_by_child_pedagogue.get(child.id):
            unmet += child.demand_half_days
    current = _current_pairs(problem)
    planned = pairs_of(assignments)
    cost = w.unmet_half_day * unmet
    cost += w.new_pair * len(planned - current) + w.dropped_pair * len(current - planned)
    where = {(a.pedagogue_id, a.slot): a.institution_id for a in assignments}
    for p in problem.pedagogues:
        for day in range(5):
            morning, afternoon = where.get((p.id, (day, 0))), where.get((p.id, (day, 1)))
            if morning and afternoon and morning != afternoon:
                cost += w.midday_switch
    previous = {(a.pedagogue_id, a.slot, a.institution_id) for a in problem.previous_plan}
    now = {(a.pedagogue_id, a.slot, a.institution_id) for a in assignments}
    cost += w.weekday_change * len(previous - now)
    return float(cost)


def check_hard_rules(problem: PlanningProblem, assignments: Iterable[Assignment]) -> list[str]:
    """Every broken hard rule, in words; an empty list means the plan is valid."""
    assignments = list(assignments)
    problems: list[str] = []
    by_id = {p.id: p for p in problem.pedagogues}
    seen: set[tuple[str, Slot]] = set()
    per_pedagogue: dict[str, list[Assignment]] = defaultdict(list)
    child_pedagogues: dict[str, set[str]] = defaultdict(set)
    children = {c.id: c for c in problem.support_children}
    for a in assignments:
        pedagogue = by_id[a.pedagogue_id]
        if (a.pedagogue_id, a.slot) in seen:
            problems.append(f"{a.pedagogue_id} twice in {a.slot}")
        seen.add((a.pedagogue_id, a.slot))
        if a.slot in pedagogue.unavailable_slots or a.slot in problem.centre_meeting_slots:
            problems.append(f"{a.pedagogue_id} planned in unavailable {a.slot}")
        per_pedagogue[a.pedagogue_id].append(a)
        if a.child_id:
            child_pedagogues[a.child_id].add(a.pedagogue_id)
            if children[a.child_id].institution_id != a.institution_id:
                problems.append(f"child {a.child_id} served outside its institution")
    for pedagogue_id, items in per_pedagogue.items():
        if len(items) > by_id[pedagogue_id].max_half_days:
            problems.append(f"{pedagogue_id} over contract")
        functions: dict[str, set[Function]] = defaultdict(set)
        for a in items:
            functions[a.institution_id].add(Function(a.function))
        if len(functions) > problem.max_institutions:
            problems.append(f"{pedagogue_id} in {len(functions)} institutions")
        if any(len(f) > 1 for f in functions.values()):
            problems.append(f"{pedagogue_id} in both functions at one institution")
    for child_id, pedagogues in child_pedagogues.items():
        if len(pedagogues) > 1:
            problems.append(f"child {child_id} has {len(pedagogues)} pedagogues")
    planned = set(assignments)
    for locked in problem.locked:
        if locked not in planned:
            problems.append(f"locked {locked} not kept")
    return problems

"""The greedy baseline: fast, keeps every hard rule, and the hint the CP-SAT stage starts from."""

from __future__ import annotations

import time
from collections import defaultdict

from inklusio.planning.solver.model import (
    Assignment,
    Function,
    PedagogueInput,
    PlanningProblem,
    PlanResult,
    Slot,
    _candidates,
    _unmet,
    count_pairs_changed,
)
from inklusio.planning.solver.rules import evaluate


def greedy_assignments(problem: PlanningProblem) -> list[Assignment]:
    """A fast plan that keeps every hard rule: locked slots, support children, then resource."""
    free = {p.id: set(problem.available_slots(p)) for p in problem.pedagogues}
    used: dict[str, int] = defaultdict(int)
    places: dict[str, dict[str, Function]] = {p.id: {} for p in problem.pedagogues}
    assignments: list[Assignment] = []
    by_id = {p.id: p for p in problem.pedagogues}
    previous = {(a.pedagogue_id, a.slot): a.institution_id for a in problem.previous_plan}

    def take(
        pedagogue: PedagogueInput,
        institution_id: str,
        function: Function,
        count: int,
        child: str | None = None,
    ) -> int:
        placed = 0

        def preference(slot: Slot) -> tuple[int, int, Slot]:
            other = (slot[0], 1 - slot[1])
            same_day = any(
                a.pedagogue_id == pedagogue.id
                and a.slot == other
                and a.institution_id == institution_id
                for a in assignments
            )
            return (
                0 if previous.get((pedagogue.id, slot)) == institution_id else 1,
                0 if same_day else 1,
                slot,
            )

        while (
            placed < count and free[pedagogue.id] and used[pedagogue.id] < pedagogue.max_half_days
        ):
            slot = min(free[pedagogue.id], key=preference)
            free[pedagogue.id].discard(slot)
            used[pedagogue.id] += 1
            assignments.append(Assignment(pedagogue.id, slot, institution_id, function, child))
            placed += 1
        if placed:
            places[pedagogue.id][institution_id] = function
        return placed

    def can_serve(pedagogue: PedagogueInput, institution_id: str, function: Function) -> bool:
        held = places[pedagogue.id]
        if institution_id in held:
            return held[institution_id] == function
        return len(held) < problem.max_institutions and institution_id in _candidates(
            problem, pedagogue
        )

    def room(pedagogue: PedagogueInput) -> int:
        return min(len(free[pedagogue.id]), pedagogue.max_half_days - used[pedagogue.id])

    for locked in problem.locked:
        pedagogue = by_id[locked.pedagogue_id]
        free[pedagogue.id].discard(locked.slot)
        used[pedagogue.id] += 1
        places[pedagogue.id][locked.institution_id] = Function(locked.function)
        assignments.append(locked)

    def ranked(institution_id: str, function: Function) -> list[PedagogueInput]:
        return sorted(
            problem.pedagogues,
            key=lambda p: (
                0 if p.current_attachments.get(institution_id) == function else 1,
                0 if institution_id in places[p.id] else 1,
                -room(p),
                p.id,
            ),
        )

    locked_children = {a.child_id for a in problem.locked if a.child_id}
    for child in sorted(problem.support_children, key=lambda c: (-c.demand_half_days, c.id)):
        if child.id in locked_children:
            continue
        for pedagogue in ranked(child.institution_id, Function.SUPPORT):
            if (
                can_serve(pedagogue, child.institution_id, Function.SUPPORT)
                and room(pedagogue) >= child.demand_half_days
            ):
                take(
                    pedagogue,
                    child.institution_id,
                    Function.SUPPORT,
                    child.demand_half_days,
                    child.id,
                )
                break
    resource_done: dict[str, int] = defaultdict(int)
    for a in problem.locked:
        if Function(a.function) == Function.RESOURCE:
            resource_done[a.institution_id] += 1
    for institution in sorted(
        problem.institutions, key=lambda i: (-i.resource_demand_half_days, i.id)
    ):
        missing = institution.resource_demand_half_days - resource_done[institution.id]
        for pedagogue in ranked(institution.id, Function.RESOURCE):
            if missing <= 0:
                break
            if can_serve(pedagogue, institution.id, Function.RESOURCE) and room(pedagogue) > 0:
                missing -= take(pedagogue, institution.id, Function.RESOURCE, missing)
    return assignments


def greedy(problem: PlanningProblem) -> PlanResult:
    started = time.perf_counter()
    assignments = greedy_assignments(problem)
    unmet, uncovered = _unmet(problem, assignments)
    objective = evaluate(problem, assignments)
    elapsed = time.perf_counter() - started
    return PlanResult(
        assignments=tuple(assignments),
        unmet=unmet,
        uncovered_children=uncovered,
        status="FEASIBLE",
        objective=objective,
        best_bound=0.0,
        gap=1.0 if objective else 0.0,
        solve_time_s=elapsed,
        first_solution_time_s=elapsed,
        pairs_changed=count_pairs_changed(problem, assignments),
    )

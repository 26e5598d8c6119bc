"""Re-planning after an absence: the smallest change, or the half-day is reported lost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from inklusio.planning.solver.model import (
    Assignment,
    Function,
    PlanningProblem,
    PlanResult,
    ReplanResult,
    Slot,
    _current_pairs,
    _unmet,
    pairs_of,
)


def replan(
    problem: PlanningProblem,
    plan: PlanResult | Iterable[Assignment],
    new_absences: Mapping[str, frozenset[Slot]],
) -> ReplanResult:
    """The smallest change that covers an absence: a colleague already paired with the
    institution steps in, else a two-step swap between institutions; what is left is lost.
    `unmet` is what the result leaves of the week's demand, counted as for a calculation.

    A support child's half-days are not handed to another pedagogue: the child keeps one
    pedagogue, and the institution is told in advance instead. Locked half-days of colleagues
    (`problem.locked`: manual edits, course sessions) are never swapped away.
    """
    assignments = list(plan.assignments if isinstance(plan, PlanResult) else plan)
    by_id = {p.id: p for p in problem.pedagogues}
    absent = {(pid, slot) for pid, slots in new_absences.items() for slot in slots}
    removed = [a for a in assignments if (a.pedagogue_id, a.slot) in absent]
    kept = [a for a in assignments if (a.pedagogue_id, a.slot) not in absent]
    at: dict[tuple[str, Slot], Assignment] = {(a.pedagogue_id, a.slot): a for a in kept}
    load: dict[str, int] = defaultdict(int)
    for a in kept:
        load[a.pedagogue_id] += 1
    paired = _current_pairs(problem) | pairs_of(assignments)
    # A locked half-day (a manual edit, a course session) stays where it is: no swap moves it.
    fixed = {(a.pedagogue_id, a.slot) for a in problem.locked}

    def free(pedagogue_id: str, slot: Slot) -> bool:
        p = by_id[pedagogue_id]
        return (
            (pedagogue_id, slot) not in at
            and (pedagogue_id, slot) not in absent
            and slot not in p.unavailable_slots
            and slot not in problem.centre_meeting_slots
            and load[pedagogue_id] < p.max_half_days
        )

    def fits(pedagogue_id: str, institution_id: str, function: Function) -> bool:
        """Stepping in keeps the hard rules: at most `max_institutions` institutions in the
        week, and never both functions in one institution."""
        own = [a for a in at.values() if a.pedagogue_id == pedagogue_id]
        if any(a.institution_id == institution_id and a.function != function for a in own):
            return False
        institutions = {a.institution_id for a in own} | {institution_id}
        return len(institutions) <= problem.max_institutions

    changes: list[tuple[Assignment | None, Assignment | None]] = []
    lost: list[Assignment] = []
    for gone in sorted(removed, key=lambda a: (a.slot, a.institution_id)):
        changes.append((gone, None))
        function = Function(gone.function)
        if function == Function.SUPPORT:
            lost.append(gone)
            continue
        colleagues = sorted(
            q.id
            for q in problem.pedagogues
            if q.id != gone.pedagogue_id and (q.id, gone.institution_id, function) in paired
        )
        stand_in = next(
            (
                q
                for q in colleagues
                if free(q, gone.slot) and fits(q, gone.institution_id, function)
            ),
            None,
        )
        if stand_in is not None:
            new = Assignment(stand_in, gone.slot, gone.institution_id, function)
            at[(stand_in, gone.slot)] = new
            load[stand_in] += 1
            changes.append((None, new))
            continue
        swapped = False
        for q in colleagues:
            busy = at.get((q, gone.slot))
            if (
                busy is None
                or busy.child_id is not None
                or (q, gone.slot) in fixed
                or not fits(q, gone.institution_id, function)
            ):
                continue
            replacement = next(
                (
                    r.id
                    for r in problem.pedagogues
                    if r.id not in {q, gone.pedagogue_id}
                    and (r.id, busy.institution_id, Function(busy.function)) in paired
                    and free(r.id, gone.slot)
                    and fits(r.id, busy.institution_id, Function(busy.function))
                ),
                None,
            )
            if replacement is None:
                continue
            moved = Assignment(q, gone.slot, gone.institution_id, function)
            covering = Assignment(
                replacement, gone.slot, busy.institution_id, Function(busy.function)
            )
            at[(q, gone.slot)] = moved
            at[(replacement, gone.slot)] = covering
            load[replacement] += 1
            changes.extend([(busy, moved), (None, covering)])
            swapped = True
            break
        if not swapped:
            lost.append(gone)
    result = tuple(sorted(at.values(), key=lambda a: (a.pedagogue_id, a.slot)))
    new_pairs = pairs_of(result) - paired
    unmet, uncovered = _unmet(problem, result)
    return ReplanResult(
        assignments=result,
        changes=tuple(changes),
        lost=tuple(lost),
        pairs_changed=len(new_pairs),
        unmet=unmet,
        uncovered_children=uncovered,
    )

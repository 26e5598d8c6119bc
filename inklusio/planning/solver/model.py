"""The planning problem and its answers as plain data, and helpers every stage shares."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Slot = tuple[int, int]  # (day 0–4, half 0 = morning / 1 = afternoon)
SLOTS: tuple[Slot, ...] = tuple((day, half) for day in range(5) for half in range(2))
# 32 institution hours a week / 3.5 hours a half-day ≈ 9 half-days (footnote 27, Ishøj).
HALF_DAY_HOURS = 3.5


class Function(enum.StrEnum):
    RESOURCE = "resource"
    SUPPORT = "support"


@dataclass(frozen=True)
class Weights:
    """Soft goals in one currency; a hard rule is never traded against them."""

    # An unmet half-day means a child or a room goes without the help it was promised.
    unmet_half_day: int = 100
    # Institutions do not want their pedagogue changed: a new pairing costs the most after demand.
    new_pair: int = 20
    # Dropping a current pairing breaks an ongoing relationship, slightly cheaper than a new one.
    dropped_pair: int = 10
    # Switching institution at midday costs travel and a broken half-day.
    midday_switch: int = 3
    # The same weekdays as last week let institutions plan around the visits.
    weekday_change: int = 1


@dataclass(frozen=True)
class PedagogueInput:
    id: str
    max_half_days: int
    unavailable_slots: frozenset[Slot] = frozenset()
    current_attachments: Mapping[str, Function] = field(default_factory=dict)
    district: str | None = None


@dataclass(frozen=True)
class InstitutionInput:
    id: str
    resource_demand_half_days: int
    district: str | None = None


@dataclass(frozen=True)
class SupportChildInput:
    id: str
    institution_id: str
    demand_half_days: int


@dataclass(frozen=True)
class Assignment:
    pedagogue_id: str
    slot: Slot
    institution_id: str
    function: Function
    child_id: str | None = None


@dataclass(frozen=True)
class PlanningProblem:
    pedagogues: tuple[PedagogueInput, ...]
    institutions: tuple[InstitutionInput, ...]
    support_children: tuple[SupportChildInput, ...] = ()
    centre_meeting_slots: frozenset[Slot] = frozenset()
    locked: tuple[Assignment, ...] = ()
    previous_plan: tuple[Assignment, ...] = ()
    max_institutions: int = 3
    weights: Weights = Weights()

    def available_slots(self, pedagogue: PedagogueInput) -> list[Slot]:
        blocked = pedagogue.unavailable_slots | self.centre_meeting_slots
        return [slot for slot in SLOTS if slot not in blocked]

    def capacity(self, pedagogue: PedagogueInput) -> int:
        return min(pedagogue.max_half_days, len(self.available_slots(pedagogue)))


@dataclass(frozen=True)
class PlanResult:
    assignments: tuple[Assignment, ...]
    unmet: dict[str, int]  # institution id -> unmet half-days (resource and support)
    uncovered_children: tuple[str, ...]
    status: str
    objective: float
    best_bound: float
    gap: float
    solve_time_s: float
    first_solution_time_s: float | None
    pairs_changed: int


@dataclass(frozen=True)
class ShortageFact:
    scope: str  # "municipality" | "district" | "institution"
    key: str
    demand_half_days: int
    capacity_half_days: int
    missing_half_days: int


@dataclass(frozen=True)
class ReplanResult:
    assignments: tuple[Assignment, ...]
    changes: tuple[tuple[Assignment | None, Assignment | None], ...]
    lost: tuple[Assignment, ...]
    pairs_changed: int
    # Of the revision's own assignments against the week's demand, as `PlanResult.unmet`.
    unmet: dict[str, int]
    uncovered_children: tuple[str, ...]


# --- Shared helpers ----------------------------------------------------------------------


def _support_demand(problem: PlanningProblem) -> dict[str, int]:
    demand: dict[str, int] = defaultdict(int)
    for child in problem.support_children:
        demand[child.institution_id] += child.demand_half_days
    return demand


def pairs_of(assignments: Iterable[Assignment]) -> set[tuple[str, str, Function]]:
    return {(a.pedagogue_id, a.institution_id, Function(a.function)) for a in assignments}


def _current_pairs(problem: PlanningProblem) -> set[tuple[str, str, Function]]:
    return {
        (p.id, institution, Function(function))
        for p in problem.pedagogues
        for institution, function in p.current_attachments.items()
    }


def count_pairs_changed(problem: PlanningProblem, assignments: Iterable[Assignment]) -> int:
    """New pairings plus dropped pairings against the current attachments."""
    current = _current_pairs(problem)
    planned = pairs_of(assignments)
    return len(planned - current) + len(current - planned)


def _label_support_children(
    problem: PlanningProblem, assignments: list[Assignment], covering: dict[str, str]
) -> list[Assignment]:
    """Give each support half-day the child it is for: each child's half-days go to its one pedagogue."""
    remaining: dict[tuple[str, str], list[SupportChildInput]] = defaultdict(list)
    for child in problem.support_children:
        pedagogue_id = covering.get(child.id)
        if pedagogue_id is not None:
            remaining[(pedagogue_id, child.institution_id)].extend([child] * child.demand_half_days)
    labelled = []
    for a in sorted(assignments, key=lambda a: (a.pedagogue_id, a.slot)):
        if Function(a.function) == Function.SUPPORT and a.child_id is None:
            queue = remaining.get((a.pedagogue_id, a.institution_id))
            if queue:
                a = Assignment(
                    a.pedagogue_id, a.slot, a.institution_id, a.function, queue.pop(0).id
                )
        labelled.append(a)
    return labelled


def _unmet(
    problem: PlanningProblem, assignments: Iterable[Assignment]
) -> tuple[dict[str, int], tuple[str, ...]]:
    """Each institution's half-days short of the week's demand: resource half-days below its
    demand, and each support child's half-days below its grant (all of them for a child no
    one is planned for); and the children no one is planned for. A plan of `solve` gives a
    child all its half-days or none, so there the two agree; a re-planned revision
    (`replan`) can leave a child some of its half-days, and what it lost is counted."""
    resource: dict[str, int] = defaultdict(int)
    given: dict[str, int] = defaultdict(int)
    for a in assignments:
        if Function(a.function) == Function.RESOURCE:
            resource[a.institution_id] += 1
        if a.child_id:
            given[a.child_id] += 1
    unmet = {
        i.id: max(0, i.resource_demand_half_days - resource[i.id]) for i in problem.institutions
    }
    for child in problem.support_children:
        short = max(0, child.demand_half_days - given[child.id])
        if short:
            unmet[child.institution_id] = unmet.get(child.institution_id, 0) + short
    uncovered = tuple(c.id for c in problem.support_children if not given[c.id])
    return {key: value for key, value in unmet.items() if value}, uncovered


def _candidates(problem: PlanningProblem, pedagogue: PedagogueInput) -> set[str]:
    """Institutions a pedagogue may be planned in: current ones and those of their district."""
    candidates = set(pedagogue.current_attachments)
    for institution in problem.institutions:
        if pedagogue.district is None or institution.district in (None, pedagogue.district):
            candidates.add(institution.id)
    candidates.update(a.institution_id for a in problem.locked if a.pedagogue_id == pedagogue.id)
    return candidates

"""The corps' weekly plan as a constraint-optimisation problem, solved with OR-Tools CP-SAT.

Pure Python (no Django): the planning app turns records into a `PlanningProblem` and stores
the `PlanResult`. Time is counted in half-days (Monday–Friday, morning and afternoon).

The formulation avoids the slow naive slot-by-slot model in three ways:
- attachment variables y[p, i, f] (pedagogue p serves institution i in function f) carry the
  structural rules (≤ 3 institutions, never both functions), and slot variables are only made
  for a pedagogue's *candidate* institutions (current attachments and their own district);
- coverage is capped at demand, so equivalent plans that merely over-serve are cut away;
- the greedy plan is given as a hint, so the solver is never worse than greedy, and large
  municipalities are decomposed by district and solved district by district.
"""

from __future__ import annotations

import enum
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

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
    problem: PlanningProblem, assignments: list[Assignment]
) -> tuple[dict[str, int], tuple[str, ...]]:
    resource: dict[str, int] = defaultdict(int)
    covered_children = {a.child_id for a in assignments if a.child_id}
    for a in assignments:
        if Function(a.function) == Function.RESOURCE:
            resource[a.institution_id] += 1
    unmet = {
        i.id: max(0, i.resource_demand_half_days - resource[i.id]) for i in problem.institutions
    }
    uncovered = tuple(c.id for c in problem.support_children if c.id not in covered_children)
    for child in problem.support_children:
        if child.id in uncovered:
            unmet[child.institution_id] = (
                unmet.get(child.institution_id, 0) + child.demand_half_days
            )
    return {key: value for key, value in unmet.items() if value}, uncovered


# --- Shortage, before solving ---------------------------------------------------------------


def explain_shortage(problem: PlanningProblem) -> list[ShortageFact]:
    """Where demand exceeds what the corps can give, in half-days, computed from capacities."""
    facts: list[ShortageFact] = []
    support = _support_demand(problem)
    demand = {
        i.id: i.resource_demand_half_days + support.get(i.id, 0) for i in problem.institutions
    }
    capacity = {p.id: problem.capacity(p) for p in problem.pedagogues}
    total_demand, total_capacity = sum(demand.values()), sum(capacity.values())
    if total_demand > total_capacity:
        facts.append(
            ShortageFact(
                "municipality", "", total_demand, total_capacity, total_demand - total_capacity
            )
        )
    districts = {i.district for i in problem.institutions if i.district}
    for district in sorted(districts):
        district_demand = sum(demand[i.id] for i in problem.institutions if i.district == district)
        district_capacity = sum(
            capacity[p.id] for p in problem.pedagogues if p.district == district
        )
        has_pedagogues = any(p.district for p in problem.pedagogues)
        if has_pedagogues and district_demand > district_capacity:
            facts.append(
                ShortageFact(
                    "district",
                    district,
                    district_demand,
                    district_capacity,
                    district_demand - district_capacity,
                )
            )
    for institution in problem.institutions:
        reachable = [p for p in problem.pedagogues if institution.id in _candidates(problem, p)]
        if demand[institution.id] and not reachable:
            facts.append(
                ShortageFact(
                    "institution", institution.id, demand[institution.id], 0, demand[institution.id]
                )
            )
    return facts


def _candidates(problem: PlanningProblem, pedagogue: PedagogueInput) -> set[str]:
    """Institutions a pedagogue may be planned in: current ones and those of their district."""
    candidates = set(pedagogue.current_attachments)
    for institution in problem.institutions:
        if pedagogue.district is None or institution.district in (None, pedagogue.district):
            candidates.add(institution.id)
    candidates.update(a.institution_id for a in problem.locked if a.pedagogue_id == pedagogue.id)
    return candidates


# --- Greedy baseline ---------------------------------------------------------------------------


def greedy_assignments(problem: PlanningProblem) -> list[Assignment]:
    """A fast plan that keeps every hard rule: locked slots, support children, then resource."""
    free = {p.id: set(problem.available_slots(p)) for p in problem.pedagogues}
    used = defaultdict(int)
    places: dict[str, dict[str, Function]] = {p.id: {} for p in problem.pedagogues}
    assignments: list[Assignment] = []
    by_id = {p.id: p for p in problem.pedagogues}
    previous = {(a.pedagogue_id, a.slot): a.institution_id for a in problem.previous_plan}

    def take(
        pedagogue: PedagogueInput, institution_id: str, function: Function, count: int, child=None
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
    resource_done = defaultdict(int)
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


# --- CP-SAT -------------------------------------------------------------------------------------


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self):
        super().__init__()
        self.first: float | None = None
        self.started = time.perf_counter()

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


def _choose_pairings(
    problem: PlanningProblem, time_limit_s: float, workers: int, hint: list[Assignment] | None
):
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
    locked_counts: dict[tuple[str, str, Function], int] = defaultdict(int)
    for a in problem.locked:
        locked_counts[(a.pedagogue_id, a.institution_id, Function(a.function))] += 1
    y: dict[tuple[str, str, Function], cp_model.IntVar] = {}
    n: dict[tuple[str, str, Function], cp_model.IntVar] = {}
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
                y[key] = model.NewBoolVar(f"y_{p.id}_{i}_{f}")
                n[key] = model.NewIntVar(0, capacity, f"n_{p.id}_{i}_{f}")
                model.Add(n[key] <= capacity * y[key])
                model.Add(n[key] >= y[key])
                if locked_counts.get(key):
                    model.Add(n[key] >= locked_counts[key])
            model.AddAtMostOne(y[(p.id, i, f)] for f in functions if (p.id, i, f) in y)
        mine = [key for key in y if key[0] == p.id]
        model.Add(sum(y[key] for key in mine) <= problem.max_institutions)
        model.Add(sum(n[key] for key in mine) <= capacity)

    unmet_terms = []
    for i in problem.institutions:
        covered = [n[key] for key in n if key[1] == i.id and key[2] == Function.RESOURCE]
        locked_here = sum(
            v for key, v in locked_counts.items() if key[1] == i.id and key[2] == Function.RESOURCE
        )
        model.Add(sum(covered) <= max(i.resource_demand_half_days, locked_here))
        shortfall = model.NewIntVar(0, i.resource_demand_half_days, f"unmet_{i.id}")
        model.Add(shortfall >= i.resource_demand_half_days - sum(covered))
        unmet_terms.append(shortfall)

    for child in problem.support_children:
        options = []
        for p in problem.pedagogues:
            key = (p.id, child.institution_id, Function.SUPPORT)
            if key in y:
                z[(p.id, child.id)] = var = model.NewBoolVar(f"z_{p.id}_{child.id}")
                model.AddImplication(var, y[key])
                options.append(var)
        uncovered = model.NewBoolVar(f"uncovered_{child.id}")
        model.Add(sum(options) + uncovered == 1)
        unmet_terms.append(child.demand_half_days * uncovered)
    for key in n:
        pedagogue_id, i, f = key
        if f == Function.SUPPORT:
            owed = [
                c.demand_half_days * z[(pedagogue_id, c.id)]
                for c in children_at[i]
                if (pedagogue_id, c.id) in z
            ]
            model.Add(n[key] == (sum(owed) if owed else locked_counts.get(key, 0)))

    current = _current_pairs(problem)
    cost = [w.unmet_half_day * sum(unmet_terms)]
    for key, attach in y.items():
        cost.append(w.dropped_pair * (1 - attach) if key in current else w.new_pair * attach)
    constant = w.dropped_pair * sum(1 for key in current if key not in y)
    model.Minimize(sum(cost) + constant)

    if hint:
        counts: dict[tuple[str, str, Function], int] = defaultdict(int)
        for a in hint:
            counts[(a.pedagogue_id, a.institution_id, Function(a.function))] += 1
        covering = {a.child_id: a.pedagogue_id for a in hint if a.child_id}
        for key, var in y.items():
            model.AddHint(var, 1 if counts.get(key) else 0)
            model.AddHint(n[key], counts.get(key, 0))
        for (pedagogue_id, child_id), var in z.items():
            model.AddHint(var, 1 if covering.get(child_id) == pedagogue_id else 0)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    callback = _FirstSolution()
    status = solver.Solve(model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    counts = {key: solver.Value(var) for key, var in n.items() if solver.Value(var)}
    covering = {
        child_id: pedagogue_id for (pedagogue_id, child_id), var in z.items() if solver.Value(var)
    }
    return (
        counts,
        covering,
        solver.StatusName(status),
        solver.ObjectiveValue(),
        solver.BestObjectiveBound(),
        callback.first,
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
    x = {(slot, key): model.NewBoolVar(f"x_{slot}_{key}") for slot in slots for key in counts}
    for slot in slots:
        model.AddAtMostOne(x[(slot, key)] for key in counts)
    for key, count in counts.items():
        model.Add(sum(x[(slot, key)] for slot in slots) == count)
    for slot, a in locked.items():
        model.Add(x[(slot, (a.institution_id, Function(a.function)))] == 1)
    cost = []
    for day in range(5):
        morning = [x[((day, 0), key)] for key in counts if (day, 0) in slots]
        afternoon = [x[((day, 1), key)] for key in counts if (day, 1) in slots]
        if not morning or not afternoon:
            continue
        same = []
        for key in counts:
            both = model.NewBoolVar(f"same_{day}_{key}")
            model.Add(both <= x[((day, 0), key)])
            model.Add(both <= x[((day, 1), key)])
            same.append(both)
        switch = model.NewBoolVar(f"switch_{day}")
        model.Add(switch >= sum(morning) + sum(afternoon) - 1 - sum(same))
        cost.append(w.midday_switch * switch)
    for slot, institution_id in previous.items():
        kept = [x[(slot, key)] for key in counts if key[0] == institution_id and slot in slots]
        cost.append(w.weekday_change * (1 - sum(kept)))
    model.Minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 2.0
    solver.Solve(model)
    return [
        locked.get(slot) or Assignment(pedagogue.id, slot, key[0], key[1])
        for (slot, key), var in x.items()
        if solver.Value(var)
    ]


def _districts(problem: PlanningProblem) -> list[PlanningProblem]:
    """Split by district when pedagogues and institutions all carry one; else the whole."""
    if not all(p.district for p in problem.pedagogues) or not all(
        i.district for i in problem.institutions
    ):
        return [problem]
    names = sorted(
        {i.district for i in problem.institutions} | {p.district for p in problem.pedagogues}
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
            counts, covering, status, primary, primary_bound, first = outcome
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


# --- Re-planning after an absence -----------------------------------------------------------


def replan(
    problem: PlanningProblem,
    plan: PlanResult | Iterable[Assignment],
    new_absences: Mapping[str, frozenset[Slot]],
) -> ReplanResult:
    """The smallest change that covers an absence: a colleague already paired with the
    institution steps in, else a two-step swap between institutions; what is left is lost.

    A support child's half-days are not handed to another pedagogue: the child keeps one
    pedagogue, and the institution is told in advance instead.
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
    return ReplanResult(
        assignments=result, changes=tuple(changes), lost=tuple(lost), pairs_changed=len(new_pairs)
    )

"""The planner's bound is a bound, its "optimal" is optimal, and the same week gives the same plan.

The evidence is an independent model of the whole week written here from the description of
the objective (`evaluate`'s docstring terms: unmet half-days, new and dropped pairings, midday
switches, half-days moved from last week) and of the hard rules (`tests/planning/hard_rules.py`),
not from the solver's code: it shares no function with the solver, models midday switches by
day patterns instead of the solver's linear bounds, and is solved to proven optimality on small
weeks. The plans searched are the planner's documented ones: a pedagogue works at their own
institutions or those of their district, and a support child gets all its half-days from one
pedagogue or none (`inklusio/planning/solver/full.py`).
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from inklusio.planning.generator import generate, with_previous_plan
from inklusio.planning.models import WeeklyPlan
from inklusio.planning.solver import (
    SLOTS,
    Assignment,
    Function,
    evaluate,
    greedy_assignments,
    solve,
)
from inklusio.planning.solver import full as solver_full
from tests.planning.hard_rules import broken_rules
from tests.planning.test_solver import problems


def _shifted_previous_week(problem):
    """Last week = the greedy plan a day later, so keeping last week's weekdays costs something."""
    plan = greedy_assignments(problem)
    moved = [
        Assignment(a.pedagogue_id, ((a.slot[0] + 1) % 5, a.slot[1]), a.institution_id, a.function)
        for a in plan
    ]
    return with_previous_plan(problem, moved)


def _true_optimum(problem):
    """The cheapest valid plan and its cost, by a model of the whole objective solved to proof."""
    w = problem.weights
    model = cp_model.CpModel()
    institutions = [i.id for i in problem.institutions]
    kinds = [Function.RESOURCE, Function.SUPPORT]
    free = {
        p.id: [s for s in SLOTS if s not in p.unavailable_slots | problem.centre_meeting_slots]
        for p in problem.pedagogues
    }
    allowed = {
        p.id: [
            i.id
            for i in problem.institutions
            if i.id in p.current_attachments or p.district is None or i.district == p.district
        ]
        for p in problem.pedagogues
    }
    work = {}
    for p in problem.pedagogues:
        for slot in free[p.id]:
            for place, kind in itertools.product(allowed[p.id], kinds):
                work[p.id, slot, place, kind] = model.new_bool_var("")
            model.add(
                sum(work[p.id, slot, i, k] for i, k in itertools.product(allowed[p.id], kinds)) <= 1
            )
        model.add(sum(v for key, v in work.items() if key[0] == p.id) <= p.max_half_days)
    pair = {}
    for p in problem.pedagogues:
        for place, kind in itertools.product(institutions, kinds):
            pair[p.id, place, kind] = model.new_bool_var("")
            days = [
                work[p.id, s, place, kind] for s in free[p.id] if (p.id, s, place, kind) in work
            ]
            model.add_max_equality(pair[p.id, place, kind], days or [0])
        for place in institutions:
            model.add(
                pair[p.id, place, Function.RESOURCE] + pair[p.id, place, Function.SUPPORT] <= 1
            )
        model.add(
            sum(pair[p.id, place, kind] for place, kind in itertools.product(institutions, kinds))
            <= problem.max_institutions
        )
    unmet = []
    for institution in problem.institutions:
        short = model.new_int_var(0, 100, "")
        given = sum(
            v for key, v in work.items() if key[2] == institution.id and key[3] == Function.RESOURCE
        )
        model.add_max_equality(short, [0, institution.resource_demand_half_days - given])
        unmet.append(short)
    served = {}
    for child in problem.support_children:
        served[child.id] = {p.id: model.new_bool_var("") for p in problem.pedagogues}
        model.add(sum(served[child.id].values()) <= 1)
        unmet.append(child.demand_half_days * (1 - sum(served[child.id].values())))
    for p in problem.pedagogues:
        for place in institutions:
            support = sum(
                work[p.id, s, place, Function.SUPPORT]
                for s in free[p.id]
                if (p.id, s, place, Function.SUPPORT) in work
            )
            owed = sum(
                c.demand_half_days * served[c.id][p.id]
                for c in problem.support_children
                if c.institution_id == place
            )
            model.add(support == owed)
    cost = [w.unmet_half_day * sum(unmet)]
    for p in problem.pedagogues:
        for (place, kind), var in ((key[1:], var) for key, var in pair.items() if key[0] == p.id):
            if p.current_attachments.get(place) == kind:
                cost.append(w.dropped_pair * (1 - var))
            else:
                cost.append(w.new_pair * var)
        for place in p.current_attachments:
            if place not in institutions:
                cost.append(w.dropped_pair)
        # Each day with both halves free takes exactly one pattern (morning, afternoon).
        for day in range(5):
            halves = [(day, 0), (day, 1)]
            if not all(h in free[p.id] for h in halves):
                continue
            choices = [None, *itertools.product(allowed[p.id], kinds)]
            patterns = {}
            for morning, afternoon in itertools.product(choices, repeat=2):
                patterns[morning, afternoon] = var = model.new_bool_var("")
                if morning and afternoon and morning[0] != afternoon[0]:
                    cost.append(w.midday_switch * var)
            model.add_exactly_one(patterns.values())
            for half, slot in enumerate(halves):
                for choice in choices[1:]:
                    model.add(
                        work[p.id, slot, *choice]
                        == sum(v for pattern, v in patterns.items() if pattern[half] == choice)
                    )
    for pedagogue_id, slot, place in {
        (a.pedagogue_id, a.slot, a.institution_id) for a in problem.previous_plan
    }:
        kept = [work[key] for k in kinds if (key := (pedagogue_id, slot, place, k)) in work]
        cost.append(w.weekday_change * (1 - sum(kept)))
    model.minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 300
    assert solver.solve(model) == cp_model.OPTIMAL
    plan = []
    for (pedagogue_id, slot, place, kind), var in sorted(work.items()):
        if solver.value(var):
            child = None
            if kind == Function.SUPPORT:
                child = next(
                    c.id
                    for c in problem.support_children
                    if c.institution_id == place
                    and solver.value(served[c.id][pedagogue_id])
                    and sum(1 for a in plan if a.child_id == c.id) < c.demand_half_days
                )
            plan.append(Assignment(pedagogue_id, slot, place, kind, child))
    assert solver.objective_value == pytest.approx(round(solver.objective_value))
    return plan, round(solver.objective_value)


SMALL_WEEKS = [
    (n_i, n_p, seed) for n_i, n_p in [(3, 2), (4, 2), (3, 3), (4, 3)] for seed in (1, 2, 3)
]


@pytest.mark.parametrize(("n_institutions", "n_pedagogues", "seed"), SMALL_WEEKS)
def test_the_planners_optimum_is_the_true_optimum_and_its_bound_never_above_it(
    n_institutions, n_pedagogues, seed
):
    problem = _shifted_previous_week(generate(n_institutions, n_pedagogues, seed))
    best_plan, optimum = _true_optimum(problem)
    # The independent model prices its own plan exactly as `evaluate` does, and the plan is valid.
    assert broken_rules(problem, best_plan) == set()
    assert evaluate(problem, best_plan) == optimum

    result = solve(problem, time_limit_s=5)

    assert broken_rules(problem, result.assignments) == set()
    assert result.best_bound <= optimum
    assert result.objective >= optimum
    assert result.status == "OPTIMAL"
    assert result.objective == optimum == result.best_bound


def test_a_plan_is_called_optimal_only_when_its_objective_meets_the_bound():
    problem = _shifted_previous_week(generate(40, 30, seed=3))

    result = solve(problem, time_limit_s=0.5)

    assert result.status != "OPTIMAL"
    assert result.status == "DETERMINISTIC_LIMIT"
    assert result.best_bound < result.objective
    assert result.gap == pytest.approx((result.objective - result.best_bound) / result.objective)


@pytest.mark.parametrize(("size", "budget"), [((10, 8), 2.0), ((40, 30), 1.0)])
def test_the_same_week_gives_the_same_plan(monkeypatch, size, budget):
    # The clock is only a safety net; here it is moved out of reach, so the deterministic limit
    # (work done, not seconds) is what stops a search, however busy the machine is.
    monkeypatch.setattr(solver_full, "WALL_EXTRA_S", 3600.0)
    problem = _shifted_previous_week(generate(*size, seed=2))

    first = solve(problem, time_limit_s=budget)
    second = solve(problem, time_limit_s=budget)

    assert first.assignments == second.assignments
    assert (first.status, first.objective, first.best_bound) == (
        second.status,
        second.objective,
        second.best_bound,
    )


def test_the_plan_page_says_in_danish_which_limit_stopped_the_solver(corps, client_for):
    WeeklyPlan.objects.filter(pk=corps.plan.pk).update(
        solver_status="DETERMINISTIC_LIMIT", objective=1000.0, best_bound=987.0, gap=0.013
    )

    page = client_for(corps.cora).get(corps.plan.get_absolute_url()).content.decode()

    assert "stoppede ved sin faste arbejdsgrænse" in page
    assert "højst 1,3 % fra den bedst mulige plan" in page
    assert "DETERMINISTIC_LIMIT" not in page


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_on_random_small_weeks_the_bound_is_never_above_the_true_optimum(problem, data):
    # Random attachments, contracts, absences, institution limits and last weeks, no districts.
    previous = data.draw(
        st.lists(
            st.builds(
                Assignment,
                st.sampled_from([p.id for p in problem.pedagogues]),
                st.sampled_from(SLOTS),
                st.sampled_from([i.id for i in problem.institutions]),
                st.just(Function.RESOURCE),
            ),
            max_size=6,
        )
    )
    problem = with_previous_plan(problem, previous)
    _best_plan, optimum = _true_optimum(problem)

    result = solve(problem, time_limit_s=5)

    assert result.best_bound <= optimum <= result.objective
    if result.status == "OPTIMAL":
        assert result.objective == optimum

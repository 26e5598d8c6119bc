"""The solver, greedy and re-planning keep every hard rule (property tests on random weeks).

The oracle is `tests/planning/hard_rules.py`, the rules written again from their description;
`check_hard_rules` is itself tested against it, and against one broken plan per rule."""

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inklusio.planning.generator import generate
from inklusio.planning.solver import (
    SLOTS,
    Assignment,
    Function,
    InstitutionInput,
    PedagogueInput,
    PlanningProblem,
    SupportChildInput,
    check_hard_rules,
    evaluate,
    explain_shortage,
    greedy,
    replan,
    solve,
)
from tests.planning import hard_rules
from tests.planning.hard_rules import broken_rules


@st.composite
def problems(draw):
    n_institutions = draw(st.integers(1, 4))
    institutions = tuple(
        InstitutionInput(id=f"i{k}", resource_demand_half_days=draw(st.integers(0, 8)))
        for k in range(n_institutions)
    )
    ids = [i.id for i in institutions]
    pedagogues = []
    for k in range(draw(st.integers(1, 4))):
        attached = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
        functions = {i: draw(st.sampled_from(list(Function))) for i in attached}
        pedagogues.append(
            PedagogueInput(
                id=f"p{k}",
                max_half_days=draw(st.integers(0, 9)),
                unavailable_slots=frozenset(draw(st.lists(st.sampled_from(SLOTS), max_size=4))),
                current_attachments=functions,
            )
        )
    children = tuple(
        SupportChildInput(
            id=f"c{k}",
            institution_id=draw(st.sampled_from(ids)),
            demand_half_days=draw(st.integers(1, 3)),
        )
        for k in range(draw(st.integers(0, 2)))
    )
    centre = frozenset(draw(st.lists(st.sampled_from(SLOTS), max_size=1)))
    return PlanningProblem(
        pedagogues=tuple(pedagogues),
        institutions=institutions,
        support_children=children,
        centre_meeting_slots=centre,
        max_institutions=draw(st.integers(1, 3)),
    )


FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(problems())
def test_every_solver_plan_keeps_the_hard_rules(problem):
    result = solve(problem, time_limit_s=2)
    assert broken_rules(problem, result.assignments) == set()
    assert result.objective <= greedy(problem).objective


@FAST
@given(problems())
def test_every_greedy_plan_keeps_the_hard_rules(problem):
    assert broken_rules(problem, greedy(problem).assignments) == set()


@FAST
@given(problems(), st.data())
def test_replanning_keeps_the_hard_rules_and_touches_only_the_absence(problem, data):
    plan = solve(problem, time_limit_s=2)
    pedagogue = data.draw(st.sampled_from(problem.pedagogues))
    day = data.draw(st.integers(0, 4))
    absent = frozenset(slot for slot in SLOTS if slot[0] == day)
    result = replan(problem, plan, {pedagogue.id: absent})
    assert result.pairs_changed == 0
    assert not [
        a for a in result.assignments if a.pedagogue_id == pedagogue.id and a.slot in absent
    ]
    unaffected = [
        a for a in plan.assignments if not (a.pedagogue_id == pedagogue.id and a.slot in absent)
    ]
    moved = {before for before, after in result.changes if before is not None and after is not None}
    assert set(unaffected) - moved <= set(result.assignments)
    # The absence itself is honoured; otherwise the plan keeps every hard rule.
    still_valid = PlanningProblem(
        pedagogues=tuple(
            PedagogueInput(
                p.id,
                p.max_half_days,
                p.unavailable_slots | (absent if p.id == pedagogue.id else frozenset()),
                p.current_attachments,
            )
            for p in problem.pedagogues
        ),
        institutions=problem.institutions,
        support_children=problem.support_children,
        centre_meeting_slots=problem.centre_meeting_slots,
        max_institutions=problem.max_institutions,
    )
    assert broken_rules(still_valid, result.assignments) == set()


def test_an_ishoj_sized_week_is_solved_to_proven_optimality():
    problem = generate(10, 8, seed=1)
    result = solve(problem, time_limit_s=10)
    assert result.status == "OPTIMAL"
    assert result.gap == 0
    # Proven on the whole objective: the plan's own `evaluate` meets the bound.
    assert evaluate(problem, result.assignments) == result.best_bound
    assert result.objective <= greedy(problem).objective
    assert broken_rules(problem, result.assignments) == set()


def test_locked_half_days_are_kept():
    problem = generate(10, 8, seed=2)
    pedagogue = problem.pedagogues[0]
    institution = next(iter(pedagogue.current_attachments))
    function = pedagogue.current_attachments[institution]
    slot = next(
        s for s in SLOTS if s not in pedagogue.unavailable_slots | problem.centre_meeting_slots
    )
    lock = Assignment(pedagogue.id, slot, institution, function)
    locked_problem = PlanningProblem(**{**problem.__dict__, "locked": (lock,)})
    assert lock in solve(locked_problem, time_limit_s=5).assignments


class TestShortage:
    def test_demand_above_capacity_is_explained_with_the_exact_missing_half_days(self):
        problem = PlanningProblem(
            pedagogues=(PedagogueInput("p0", 9), PedagogueInput("p1", 4)),
            institutions=(InstitutionInput("big", 10), InstitutionInput("small", 6)),
            support_children=(SupportChildInput("c0", "small", 3),),
            centre_meeting_slots=frozenset({(1, 1)}),
        )
        facts = explain_shortage(problem)
        whole = next(f for f in facts if f.scope == "municipality")
        assert (whole.demand_half_days, whole.capacity_half_days, whole.missing_half_days) == (
            19,
            13,
            6,
        )
        result = solve(problem, time_limit_s=5)
        assert sum(result.unmet.values()) == 6
        assert check_hard_rules(problem, result.assignments) == []

    def test_an_institution_no_pedagogue_can_reach_is_named(self):
        problem = PlanningProblem(
            pedagogues=(PedagogueInput("p0", 9, district="north"),),
            institutions=(InstitutionInput("far", 4, district="south"),),
        )
        facts = explain_shortage(problem)
        assert any(
            f.scope == "institution" and f.key == "far" and f.missing_half_days == 4 for f in facts
        )


class TestReplan:
    def test_a_colleague_already_at_the_institution_steps_in(self):
        problem = PlanningProblem(
            pedagogues=(
                PedagogueInput("anna", 9, current_attachments={"bogely": Function.RESOURCE}),
                PedagogueInput("bent", 9, current_attachments={"bogely": Function.RESOURCE}),
            ),
            institutions=(InstitutionInput("bogely", 2),),
        )
        plan = (
            Assignment("anna", (0, 0), "bogely", Function.RESOURCE),
            Assignment("anna", (0, 1), "bogely", Function.RESOURCE),
        )
        result = replan(problem, plan, {"anna": frozenset({(0, 0), (0, 1)})})
        assert result.lost == ()
        assert result.pairs_changed == 0
        assert {a.pedagogue_id for a in result.assignments} == {"bent"}
        assert [a.slot for a in result.assignments] == [(0, 0), (0, 1)]

    def test_without_a_paired_colleague_the_half_day_is_lost_not_given_to_a_stranger(self):
        problem = PlanningProblem(
            pedagogues=(
                PedagogueInput("anna", 9, current_attachments={"bogely": Function.RESOURCE}),
                PedagogueInput("carl", 9, current_attachments={"elverhoj": Function.RESOURCE}),
            ),
            institutions=(InstitutionInput("bogely", 1), InstitutionInput("elverhoj", 1)),
        )
        plan = (Assignment("anna", (2, 0), "bogely", Function.RESOURCE),)
        result = replan(problem, plan, {"anna": frozenset({(2, 0)})})
        assert [(a.institution_id, a.slot) for a in result.lost] == [("bogely", (2, 0))]
        assert result.assignments == ()

    def test_a_swap_moves_a_paired_colleague_and_backfills_their_place(self):
        problem = PlanningProblem(
            pedagogues=(
                PedagogueInput("anna", 9, current_attachments={"bogely": Function.RESOURCE}),
                PedagogueInput(
                    "bent",
                    9,
                    current_attachments={
                        "bogely": Function.RESOURCE,
                        "elverhoj": Function.RESOURCE,
                    },
                ),
                PedagogueInput("dora", 9, current_attachments={"elverhoj": Function.RESOURCE}),
            ),
            institutions=(InstitutionInput("bogely", 1), InstitutionInput("elverhoj", 1)),
        )
        plan = (
            Assignment("anna", (0, 0), "bogely", Function.RESOURCE),
            Assignment("bent", (0, 0), "elverhoj", Function.RESOURCE),
            Assignment("dora", (0, 0), "elverhoj", Function.RESOURCE),
        )
        # Bent is busy at Elverhøj, Dora is free: Bent moves to Bøgely and Dora backfills Elverhøj.
        result = replan(problem, plan[:2], {"anna": frozenset({(0, 0)})})
        assert result.pairs_changed == 0
        assert Assignment("bent", (0, 0), "bogely", Function.RESOURCE) in result.assignments
        assert Assignment("dora", (0, 0), "elverhoj", Function.RESOURCE) in result.assignments
        assert result.lost == ()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_solver_is_never_worse_than_greedy_on_larger_weeks(seed):
    problem = generate(40, 30, seed)
    result = solve(problem, time_limit_s=3)
    assert result.objective <= greedy(problem).objective
    assert check_hard_rules(problem, result.assignments) == []
    assert broken_rules(problem, result.assignments) == set()
    assert evaluate(problem, result.assignments) == result.objective


def test_a_stand_in_never_takes_a_pedagogue_past_the_institution_limit():
    """Found by the property test: p0 is attached to i0 but works in i1 this week; with one
    institution allowed, p0 may not step in at i0, so the half-day is reported lost."""

    problem = PlanningProblem(
        pedagogues=(
            PedagogueInput("p0", 3, frozenset(), {"i0": Function.RESOURCE}),
            PedagogueInput("p3", 1, frozenset(), {}),
        ),
        institutions=(InstitutionInput("i0", 1), InstitutionInput("i1", 2)),
        support_children=(),
        centre_meeting_slots=frozenset(),
        locked=(),
        previous_plan=(),
        max_institutions=1,
    )
    plan = solve(problem, time_limit_s=2)
    p3_days = {a.slot[0] for a in plan.assignments if a.pedagogue_id == "p3"}
    absent = frozenset(slot for slot in SLOTS if slot[0] in p3_days)
    result = replan(problem, plan, {"p3": absent})
    assert check_hard_rules(problem, result.assignments) == []
    assert [a.institution_id for a in result.lost] == ["i0"]


# --- check_hard_rules against the independent oracle -------------------------------------------


@st.composite
def any_plans(draw):
    """A week and any plan for it, valid or not: the solver's rule check must say exactly when
    the plan breaks a rule."""
    problem = draw(problems())
    functions = list(Function)

    def assignment():
        child = draw(st.sampled_from([None, *problem.support_children]))
        return Assignment(
            pedagogue_id=draw(st.sampled_from(problem.pedagogues)).id,
            slot=draw(st.sampled_from(SLOTS)),
            institution_id=draw(st.sampled_from(problem.institutions)).id,
            function=Function.SUPPORT if child else draw(st.sampled_from(functions)),
            child_id=child.id if child else None,
        )

    plan = [assignment() for _ in range(draw(st.integers(0, 12)))]
    locked = tuple(draw(st.lists(st.sampled_from(plan), max_size=2))) if plan else ()
    if draw(st.booleans()):
        locked += (assignment(),)
    return dataclasses.replace(problem, locked=locked), plan


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_plans())
def test_the_rule_check_finds_a_broken_rule_exactly_when_the_oracle_does(problem_and_plan):
    problem, plan = problem_and_plan
    assert bool(check_hard_rules(problem, plan)) == bool(broken_rules(problem, plan))


def _week(**changes) -> PlanningProblem:
    """Anna (4 half-days, away Monday morning) and Bent (9), four institutions, Mia's support
    at i1, the centre meeting on Tuesday afternoon, at most three institutions each."""
    week = PlanningProblem(
        pedagogues=(
            PedagogueInput("anna", 4, frozenset({(0, 0)})),
            PedagogueInput("bent", 9),
        ),
        institutions=tuple(InstitutionInput(f"i{k}", 2) for k in range(1, 5)),
        support_children=(SupportChildInput("mia", "i1", 3),),
        centre_meeting_slots=frozenset({(1, 1)}),
        max_institutions=3,
    )
    return dataclasses.replace(week, **changes)


R, S = Function.RESOURCE, Function.SUPPORT
VALID_WEEK = [
    Assignment("anna", (2, 0), "i1", R),
    Assignment("anna", (2, 1), "i2", R),
    Assignment("bent", (2, 0), "i1", S, "mia"),
    Assignment("bent", (2, 1), "i1", S, "mia"),
    Assignment("bent", (3, 0), "i3", R),
    Assignment("bent", (4, 0), "i4", R, None),
]
BROKEN_WEEKS = [
    (
        hard_rules.TWICE,
        _week(),
        [Assignment("anna", (2, 0), "i1", R), Assignment("anna", (2, 0), "i2", R)],
    ),
    (hard_rules.UNAVAILABLE, _week(), [Assignment("anna", (0, 0), "i1", R)]),
    (hard_rules.UNAVAILABLE, _week(), [Assignment("bent", (1, 1), "i1", R)]),
    (
        hard_rules.CONTRACT,
        _week(),
        [Assignment("anna", slot, "i1", R) for slot in [(2, 0), (2, 1), (3, 0), (3, 1), (4, 0)]],
    ),
    (
        hard_rules.INSTITUTIONS,
        _week(),
        [Assignment("bent", (day, 0), f"i{day}", R) for day in range(1, 5)],
    ),
    (
        hard_rules.BOTH_FUNCTIONS,
        _week(),
        [Assignment("bent", (2, 0), "i1", R), Assignment("bent", (2, 1), "i1", S)],
    ),
    (hard_rules.CHILD_ELSEWHERE, _week(), [Assignment("bent", (2, 0), "i2", S, "mia")]),
    (
        hard_rules.CHILD_SHARED,
        _week(),
        [Assignment("anna", (2, 0), "i1", S, "mia"), Assignment("bent", (2, 0), "i1", S, "mia")],
    ),
    (
        hard_rules.LOCKED,
        _week(locked=(Assignment("bent", (4, 1), "i1", R),)),
        [Assignment("bent", (4, 1), "i2", R)],
    ),
]


def test_a_valid_week_passes_both_checks():
    assert broken_rules(_week(), VALID_WEEK) == set()
    assert check_hard_rules(_week(), VALID_WEEK) == []


@pytest.mark.parametrize(
    ("rule", "problem", "plan"), BROKEN_WEEKS, ids=[rule for rule, _p, _a in BROKEN_WEEKS]
)
def test_a_plan_breaking_one_hard_rule_is_rejected(rule, problem, plan):
    assert broken_rules(problem, plan) == {rule}, "the example breaks exactly this rule"
    assert check_hard_rules(problem, plan), f"check_hard_rules accepted a plan breaking: {rule}"

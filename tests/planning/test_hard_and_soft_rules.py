"""What the planner's rule checker says about a broken week, and what the objective charges.

`check_hard_rules` answers in words: the corps leader's planning test and the property tests
print them when a plan is refused, so each broken rule has to name who, where and which rule.
`evaluate` is the one scale on which the solver and greedy plans are compared; each soft goal
costs its weight (`Weights`: 100 an unmet half-day, 20 a new pairing, 10 a dropped pairing,
3 a midday switch, 1 a changed weekday), so a week's cost can be worked out by hand.
"""

import dataclasses

import pytest

from inklusio.planning.solver import (
    Assignment,
    Function,
    InstitutionInput,
    PedagogueInput,
    PlanningProblem,
    SupportChildInput,
    check_hard_rules,
    evaluate,
)

R, S = Function.RESOURCE, Function.SUPPORT


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


LOCK = Assignment("bent", (4, 1), "i1", R)


class TestTheRuleCheckNamesWhatIsBroken:
    @pytest.mark.parametrize(
        ("problem", "plan", "said"),
        [
            pytest.param(
                _week(),
                [Assignment("anna", (2, 0), "i1", R), Assignment("anna", (2, 0), "i2", R)],
                ["anna twice in (2, 0)"],
                id="twice",
            ),
            pytest.param(
                _week(),
                [Assignment("anna", (0, 0), "i1", R)],
                ["anna planned in unavailable (0, 0)"],
                id="absent",
            ),
            pytest.param(
                _week(),
                [Assignment("bent", (1, 1), "i1", R)],
                ["bent planned in unavailable (1, 1)"],
                id="centre-meeting",
            ),
            pytest.param(
                _week(),
                [Assignment("bent", (2, 0), "i2", S, "mia")],
                ["child mia served outside its institution"],
                id="child-elsewhere",
            ),
            pytest.param(
                _week(),
                [Assignment("anna", s, "i1", R) for s in [(2, 0), (2, 1), (3, 0), (3, 1), (4, 0)]],
                ["anna over contract"],
                id="contract",
            ),
            pytest.param(
                _week(),
                [Assignment("bent", (day, 0), f"i{day}", R) for day in range(1, 5)],
                ["bent in 4 institutions"],
                id="institutions",
            ),
            pytest.param(
                _week(),
                [Assignment("bent", (2, 0), "i1", R), Assignment("bent", (2, 1), "i1", S)],
                ["bent in both functions at one institution"],
                id="both-functions",
            ),
            pytest.param(
                _week(),
                [
                    Assignment("anna", (2, 0), "i1", S, "mia"),
                    Assignment("bent", (2, 0), "i1", S, "mia"),
                ],
                ["child mia has 2 pedagogues"],
                id="child-shared",
            ),
            pytest.param(
                _week(locked=(LOCK,)),
                [Assignment("bent", (4, 1), "i2", R)],
                [f"locked {LOCK} not kept"],
                id="locked",
            ),
        ],
    )
    def test_one_broken_rule_one_sentence(self, problem, plan, said):
        assert check_hard_rules(problem, plan) == said

    def test_a_week_breaking_several_rules_gets_every_sentence_in_order(self):
        plan = [
            Assignment("anna", (0, 0), "i1", R),
            Assignment("anna", (0, 0), "i2", R),
            *[Assignment("anna", (day, 1), "i1", R) for day in (2, 3, 4)],
            Assignment("bent", (2, 0), "i2", S, "mia"),
            Assignment("bent", (2, 1), "i2", R),
        ]
        assert check_hard_rules(_week(locked=(LOCK,)), plan) == [
            "anna planned in unavailable (0, 0)",
            "anna twice in (0, 0)",
            "anna planned in unavailable (0, 0)",
            "child mia served outside its institution",
            "anna over contract",
            "bent in both functions at one institution",
            f"locked {LOCK} not kept",
        ]

    def test_the_limits_themselves_are_allowed(self):
        """Exactly the contract's half-days, exactly three institutions, a locked half-day kept
        and one child served on two half-days by the same pedagogue are all fine."""
        plan = [
            Assignment("anna", (2, 0), "i1", S, "mia"),
            Assignment("anna", (2, 1), "i1", S, "mia"),
            Assignment("anna", (3, 0), "i2", R),
            Assignment("anna", (3, 1), "i2", R),
            Assignment("bent", (3, 0), "i3", R),
            Assignment("bent", (4, 0), "i4", R),
            LOCK,
        ]
        assert check_hard_rules(_week(locked=(LOCK,)), plan) == []


def _costed_week(**changes) -> PlanningProblem:
    """Anna (attached to i1 as resource) and Bent (no attachment); i1 needs 2 resource
    half-days, i2 needs 1; Mia at i2 needs 3 half-days of support. Last week Anna was at i1
    on Monday and Tuesday mornings."""
    week = PlanningProblem(
        pedagogues=(
            PedagogueInput("anna", 9, current_attachments={"i1": R}),
            PedagogueInput("bent", 9),
        ),
        institutions=(InstitutionInput("i1", 2), InstitutionInput("i2", 1)),
        support_children=(SupportChildInput("mia", "i2", 3),),
        previous_plan=(
            Assignment("anna", (0, 0), "i1", R),
            Assignment("anna", (1, 0), "i1", R),
        ),
    )
    return dataclasses.replace(week, **changes)


class TestTheObjectiveChargesEachSoftGoalItsWeight:
    def test_an_empty_week_costs_every_unmet_half_day_the_dropped_pair_and_the_old_weekdays(self):
        # 3 resource + 3 support half-days unmet, Anna's pairing with i1 dropped, 2 weekdays gone.
        assert evaluate(_costed_week(), []) == 6 * 100 + 10 + 2 * 1

    def test_a_week_meeting_all_demand_costs_its_new_pairs_and_the_midday_switch(self):
        plan = [
            Assignment("anna", (0, 0), "i1", R),
            Assignment("anna", (0, 1), "i2", R),
            Assignment("anna", (1, 0), "i1", R),
            Assignment("bent", (2, 0), "i2", S, "mia"),
        ]
        # New pairs: Anna at i2, Bent at i2; Anna switches on Monday at midday.
        assert evaluate(_costed_week(), plan) == 2 * 20 + 3

    def test_more_than_the_demand_does_not_pay_for_another_institution(self):
        plan = [
            Assignment("anna", (0, 0), "i1", R),
            Assignment("anna", (0, 1), "i1", R),
            Assignment("anna", (1, 0), "i1", R),
            Assignment("bent", (2, 0), "i2", S),  # a support half-day for no child
        ]
        # i2's resource half-day and all of Mia's support unmet; Bent at i2 is a new pairing.
        assert evaluate(_costed_week(), plan) == 100 + 3 * 100 + 20

    def test_other_weekdays_cost_one_each_and_a_lone_morning_is_no_switch(self):
        plan = [Assignment("anna", (3, 0), "i1", R), Assignment("anna", (4, 0), "i1", R)]
        # i2 and Mia unmet (1 + 3); Monday and Tuesday mornings changed.
        assert evaluate(_costed_week(), plan) == 4 * 100 + 2 * 1

    def test_each_half_day_counts_once_towards_the_demand(self):
        plan = [Assignment("anna", (0, 0), "i1", R)]
        # One of i1's two half-days, none of i2's, none of Mia's; Tuesday morning changed.
        assert evaluate(_costed_week(), plan) == (1 + 1 + 3) * 100 + 1

    def test_the_weights_of_the_problem_are_the_ones_charged(self):
        from inklusio.planning.solver import Weights

        weights = Weights(
            unmet_half_day=1000, new_pair=7, dropped_pair=5, midday_switch=2, weekday_change=11
        )
        plan = [
            Assignment("bent", (0, 0), "i1", R),
            Assignment("bent", (0, 1), "i1", R),
            Assignment("bent", (1, 0), "i2", S, "mia"),
            Assignment("anna", (2, 0), "i2", R),
        ]
        # All demand met; three new pairings (Bent at i1 and i2, Anna at i2), Anna's pairing
        # with i1 dropped, both of her weekdays changed; nobody switches at midday.
        assert evaluate(_costed_week(weights=weights), plan) == 3 * 7 + 5 + 2 * 11

"""What the plan page says about a plan is true of it: a re-planned revision claims no proof it
does not have and shows its own uncovered need and shortage, no plan holds a visit on the
centre meeting or a public holiday, and an edit of a pedagogue who has left the corps is named
as left out."""

import datetime
import re

import holidays
import pytest

from inklusio.audit.models import AuditEntry
from inklusio.core.templatetags.danish_dates import day_month
from inklusio.people.models import Role
from inklusio.planning import services
from inklusio.planning.models import PlanSlot, WeeklyPlan, half_day_label
from inklusio.planning.problem import assignment, build_problem, monday_of
from inklusio.planning.solver import check_hard_rules, evaluate, full, greedy, stages
from tests.conftest import TODAY
from tests.planning.conftest import MONDAY

# The demand rule's default centre meeting: Tuesday afternoon.
CENTRE_MEETING = (1, 1)


def plan_of(corps, **extra) -> WeeklyPlan:
    return services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2, **extra)


def stored(plan) -> list:
    return [assignment(slot) for slot in plan.slots.select_related("institution", "child")]


def next_public_holiday() -> datetime.date:
    """The first weekday after TODAY that is a Danish public holiday."""
    day = TODAY
    while day.weekday() > 4 or day not in holidays.country_holidays("DK", years=day.year):
        day += datetime.timedelta(days=1)
    return day


def old_edit(corps, plan, day, half) -> PlanSlot:
    """A manual edit of Pete to Elverhøj stored before slot_set refused the half-day (or
    before the centre meeting moved there)."""
    return PlanSlot.objects.create(
        municipality=corps.ishoj,
        plan=plan,
        pedagogue=corps.pete,
        day=day,
        half=half,
        institution=corps.elverhoej,
        function="resource",
        locked=True,
    )


class TestReplannedRevisionStatus:
    """Bob falls ill on a half-day he visits Bøgely; no colleague is paired with Bøgely, so the
    half-day is lost. The revision is the plan with that visit taken out, not a plan calculated
    and proven the best possible: its "Løsning" says so, with no gap."""

    def test_the_revision_claims_no_proof_and_the_original_keeps_its_own(self, corps, client_for):
        plan = plan_of(corps)
        assert plan.solver_status == "OPTIMAL" and plan.gap == 0
        visit = plan.slots.filter(pedagogue=corps.bob, for_session=False).first()
        revision = services.replan_absence(
            actor=corps.cora,
            plan=plan,
            pedagogue=corps.bob,
            slots=frozenset({(visit.day, visit.half)}),
            kind="illness",
        )
        assert revision.lost
        assert (revision.best_bound, revision.gap, revision.solve_seconds) == (None, None, None)
        problem, _lookups = build_problem(corps.ishoj, MONDAY)
        assert revision.objective == evaluate(problem, stored(revision))
        client = client_for(corps.cora)
        page = client.get(revision.get_absolute_url()).content.decode()
        assert "Omplanlagt efter fravær (ikke beregnet som helhed)" in page
        assert "bevist" not in page and "fra den bedst mulige plan" not in page
        original = client.get(plan.get_absolute_url()).content.decode()
        assert "Den bedst mulige plan (bevist)" in original
        assert "fra den bedst mulige plan" in original


class TestNoManualEditOnAClosedHalfDay:
    def try_edit(self, corps, plan, day, half):
        return services.slot_set(
            actor=corps.cora,
            plan=plan,
            pedagogue=corps.pete,
            day=day,
            half=half,
            institution=corps.elverhoej,
            function="resource",
            version=plan.version,
        )

    def assert_nothing_saved(self, plan, version):
        plan.refresh_from_db()
        assert plan.version == version
        assert not plan.slots.exists()
        assert not AuditEntry.objects.filter(object_type="weeklyplan").exists()

    def test_the_centre_meeting_is_refused_by_the_half_day(self, corps):
        version = corps.plan.version
        with pytest.raises(services.PlanningError) as refused:
            self.try_edit(corps, corps.plan, *CENTRE_MEETING)
        assert str(refused.value) == (
            f"Tirsdag eftermiddag holder korpset centermøde, så {corps.pete} kan ikke "
            "planlægges i en institution den halve dag."
        )
        assert refused.value.field == "slot"
        self.assert_nothing_saved(corps.plan, version)

    def test_a_public_holiday_is_refused_by_the_half_day(self, corps):
        holiday = next_public_holiday()
        plan = WeeklyPlan.objects.create(
            municipality=corps.ishoj, week_start=monday_of(holiday), created_by=corps.cora
        )
        day = holiday.weekday()
        with pytest.raises(services.PlanningError) as refused:
            self.try_edit(corps, plan, day, 0)
        label = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag"][day]
        assert str(refused.value) == (
            f"{label} formiddag er helligdag, så {corps.pete} kan ikke planlægges i en "
            "institution den halve dag."
        )
        assert refused.value.field == "slot"
        self.assert_nothing_saved(plan, 1)

    def test_clearing_the_centre_meeting_is_allowed(self, corps):
        old_edit(corps, corps.plan, *CENTRE_MEETING)
        services.slot_set(
            actor=corps.cora,
            plan=corps.plan,
            pedagogue=corps.pete,
            day=CENTRE_MEETING[0],
            half=CENTRE_MEETING[1],
            institution=None,
            function="resource",
            version=corps.plan.version,
        )
        assert not corps.plan.slots.exists()


class TestOldEditOnAClosedHalfDay:
    """Pete was locked at Elverhøj on the centre meeting before slot_set refused it. A new
    calculation does not keep the edit (the whole-week model found it impossible, and the greedy
    plan it fell back on kept it, breaking a hard rule under a valid plan's status): it names it."""

    def test_a_new_calculation_drops_it_names_it_and_keeps_the_hard_rules(self, corps, client_for):
        plan = plan_of(corps)
        old_edit(corps, plan, *CENTRE_MEETING)
        recalculated = plan_of(corps, keep_locked_from=plan)
        problem, _lookups = build_problem(corps.ishoj, MONDAY)
        assert check_hard_rules(problem, stored(recalculated)) == []
        assert not recalculated.slots.filter(day=1, half=1).exists()
        assert [
            (item["day"], item["half"], item["reason"]) for item in recalculated.edits_dropped
        ] == [(1, 1, "centre_meeting")]
        page = client_for(corps.cora).get(recalculated.get_absolute_url()).content.decode()
        assert (
            f"Tirsdag eftermiddag {day_month(corps.plan.day(1))} holder korpset centermøde, så den "
            f"manuelle rettelse, der satte {corps.pete} i Elverhøj, er taget ud af planen."
        ) in page

    def test_a_holiday_edit_is_not_carried_over_as_a_lock(self, corps):
        holiday = next_public_holiday()
        plan = WeeklyPlan.objects.create(
            municipality=corps.ishoj, week_start=monday_of(holiday), created_by=corps.cora
        )
        old_edit(corps, plan, holiday.weekday(), 1)
        problem, lookups = build_problem(corps.ishoj, plan.week_start, locked_from=plan)
        assert problem.locked == ()
        assert [(slot.day, slot.half, why) for slot, why in lookups["edits_dropped"]] == [
            (holiday.weekday(), 1, "holiday")
        ]

    def test_a_replan_does_not_copy_it_and_names_it(self, corps):
        plan = plan_of(corps)
        old_edit(corps, plan, *CENTRE_MEETING)
        visit = plan.slots.filter(pedagogue=corps.bob, for_session=False).first()
        revision = services.replan_absence(
            actor=corps.cora,
            plan=plan,
            pedagogue=corps.bob,
            slots=frozenset({(visit.day, visit.half)}),
            kind="illness",
        )
        assert not revision.slots.filter(day=1, half=1).exists()
        assert [(item["day"], item["half"], item["reason"]) for item in revision.edits_dropped] == [
            (1, 1, "centre_meeting")
        ]
        assert (1, 1) not in {(item["day"], item["half"]) for item in revision.lost}


def bobs_visit(plan) -> PlanSlot:
    """A half-day Bob is planned at Bøgely by the planner (not for a course session)."""
    return plan.slots.filter(pedagogue__username="bob", function="resource", for_session=False)[0]


def replan(corps, plan, pedagogue, slots) -> WeeklyPlan:
    return services.replan_absence(
        actor=corps.cora, plan=plan, pedagogue=pedagogue, slots=frozenset(slots), kind="illness"
    )


def uncovered_need(page: str) -> str:
    """The plan page's "Udækket behov" line as the corps leader reads it ('' when none)."""
    found = re.search(r"<dt>Udækket behov</dt><dd>(.*?)</dd>", page)
    return found.group(1) if found else ""


class TestReplannedRevisionFigures:
    """The corps: Bob gives Bøgely its 6 resource half-days, Pete Elverhøj its 3 and Mia (at
    Bøgely) her 3 support half-days; the week's demand is met. A re-plan's "Udækket behov" and
    shortage are the revision's own, not the figures of the plan it came from."""

    def test_a_lost_resource_half_day_is_bogelys_uncovered_need(self, corps, client_for):
        plan = plan_of(corps)
        assert plan.unmet == {}
        visit = bobs_visit(plan)
        # No colleague is paired with Bøgely in the resource function: the half-day is lost.
        revision = replan(corps, plan, corps.bob, {(visit.day, visit.half)})
        assert [item["institution"] for item in revision.lost] == ["Bøgely"]
        assert revision.unmet == {"Bøgely": 3.5}
        page = client_for(corps.cora).get(revision.get_absolute_url()).content.decode()
        assert uncovered_need(page) == "Bøgely: 3,5 t"
        earlier = client_for(corps.cora).get(plan.get_absolute_url()).content.decode()
        assert uncovered_need(earlier) == ""

    def test_a_lost_support_half_day_is_counted_though_mia_keeps_the_others(
        self, corps, client_for
    ):
        plan = plan_of(corps)
        support = plan.slots.filter(function="support").order_by("day", "half")
        assert support.count() == 3 and support[0].child == corps.mia
        # Mia keeps her one pedagogue: the half-day is not handed to Bob, it is lost.
        revision = replan(corps, plan, support[0].pedagogue, {(support[0].day, support[0].half)})
        assert revision.slots.filter(child=corps.mia).count() == 2
        assert revision.unmet == {"Bøgely": 3.5}
        page = client_for(corps.cora).get(revision.get_absolute_url()).content.decode()
        assert uncovered_need(page) == "Bøgely: 3,5 t"

    def test_the_shortage_is_the_corps_capacity_with_the_absence(self, corps, client_for):
        plan = plan_of(corps)
        assert plan.shortage == []
        # Bob away all week: Pete's 9 half-days against Bøgely's 6 + Mia's 3 + Elverhøj's 3.
        week = {(day, half) for day in range(5) for half in (0, 1)}
        revision = replan(corps, plan, corps.bob, week)
        assert revision.shortage == [
            {
                "scope": "municipality",
                "where": "Hele kommunen",
                "demand_hours": 42.0,
                "capacity_hours": 31.5,
                "missing_hours": 10.5,
            }
        ]
        # All six of Bob's Bøgely half-days are lost (the session's too): 21 hours uncovered.
        assert revision.unmet == {"Bøgely": 21.0}
        page = client_for(corps.cora).get(revision.get_absolute_url()).content.decode()
        assert "Behovet er større end korpsets kapacitet" in page
        assert (
            "Hele kommunen: der mangler 10,5 timer (behov 42,0 timer, kapacitet 31,5 timer)."
        ) in page
        assert uncovered_need(page) == "Bøgely: 21,0 t"


def leave_the_corps(pedagogue, how: str) -> None:
    if how == "deactivated":
        pedagogue.is_active = False
    else:
        pedagogue.role = Role.STAFF
    pedagogue.save()


def left_corps_line(corps, slot: PlanSlot) -> str:
    return (
        f"{half_day_label(slot.day, slot.half)} {day_month(corps.plan.day(slot.day))}: "
        f"{corps.pete} er ikke længere i korpset, så den manuelle rettelse til Elverhøj er "
        "taget ud af planen."
    )


@pytest.mark.parametrize("how", ["deactivated", "no longer a pedagogue"])
class TestAnEditOfAPedagogueWhoLeftTheCorps:
    """Pete's half-day at Elverhøj was edited by hand (locked); then Pete left the corps. The
    planner knows only the corps as it is: a new calculation, its fallback and a re-plan
    leave the edit out and name it, instead of failing or dropping it unsaid."""

    @pytest.fixture
    def edited(self, corps, how):
        plan = plan_of(corps)
        edit = plan.slots.filter(pedagogue=corps.pete, institution=corps.elverhoej)[0]
        PlanSlot.objects.filter(pk=edit.pk).update(locked=True)
        leave_the_corps(corps.pete, how)
        return plan, edit

    def assert_named(self, corps, client_for, revision, edit):
        assert not revision.slots.filter(pedagogue=corps.pete).exists()
        assert [
            (item["day"], item["half"], item["institution"], item["reason"])
            for item in revision.edits_dropped
        ] == [(edit.day, edit.half, "Elverhøj", "left_corps")]
        page = client_for(corps.cora).get(revision.get_absolute_url()).content.decode()
        assert 'data-testid="edits-dropped"' in page
        assert left_corps_line(corps, edit) in page

    def test_a_new_calculation_leaves_it_out_and_names_it(self, corps, client_for, edited):
        plan, edit = edited
        recalculated = plan_of(corps, keep_locked_from=plan)
        problem, _lookups = build_problem(corps.ishoj, MONDAY)
        assert check_hard_rules(problem, stored(recalculated)) == []
        self.assert_named(corps, client_for, recalculated, edit)

    def test_the_fallback_plan_leaves_it_out_and_names_it(
        self, corps, client_for, edited, monkeypatch
    ):
        plan, edit = edited
        problem, lookups = build_problem(corps.ishoj, MONDAY, locked_from=plan)
        assert problem.locked == ()
        assert [(slot.pk, why) for slot, why in lookups["edits_dropped"]] == [
            (edit.pk, "left_corps")
        ]
        assert check_hard_rules(problem, greedy(problem).assignments) == []
        # The optimisation finds nothing in time: the plan is the greedy one.
        monkeypatch.setattr(stages, "_choose_pairings", lambda *args: None)
        monkeypatch.setattr(full, "solve_part", lambda *args: None)
        recalculated = plan_of(corps, keep_locked_from=plan)
        assert recalculated.solver_status == "NO_SOLUTION"
        self.assert_named(corps, client_for, recalculated, edit)

    def test_a_replan_covers_or_loses_their_half_days_and_names_the_edit(
        self, corps, client_for, edited
    ):
        plan, edit = edited
        petes = list(plan.slots.filter(pedagogue=corps.pete).order_by("day", "half"))
        visit = bobs_visit(plan)
        revision = replan(corps, plan, corps.bob, {(visit.day, visit.half)})
        self.assert_named(corps, client_for, revision, edit)
        # No colleague is paired with Elverhøj or with Mia: Pete's half-days are lost, and
        # their demand is uncovered (Bøgely: Bob's visit and Mia's 3 half-days).
        assert sorted((item["day"], item["half"]) for item in revision.lost) == sorted(
            [(visit.day, visit.half), *((s.day, s.half) for s in petes)]
        )
        assert revision.unmet == {"Bøgely": 14.0, "Elverhøj": 10.5}


def test_last_weeks_plan_of_a_pedagogue_who_left_is_no_obstacle(corps, monkeypatch):
    """Last week's plan (which the planner keeps the weekdays of) still has Pete in it."""
    last_week = services.plan_week(
        actor=corps.cora, week_start=MONDAY - datetime.timedelta(days=7), time_limit_s=2
    )
    assert last_week.slots.filter(pedagogue=corps.pete).exists()
    leave_the_corps(corps.pete, "deactivated")
    problem, _lookups = build_problem(corps.ishoj, MONDAY)
    assert str(corps.pete.pk) in {a.pedagogue_id for a in problem.previous_plan}
    assert check_hard_rules(problem, greedy(problem).assignments) == []
    plan = plan_of(corps)
    assert plan.slots.exists() and not plan.slots.filter(pedagogue=corps.pete).exists()
    monkeypatch.setattr(stages, "_choose_pairings", lambda *args: None)
    monkeypatch.setattr(full, "solve_part", lambda *args: None)
    fallback = plan_of(corps)
    assert fallback.solver_status == "NO_SOLUTION"
    assert fallback.slots.exists() and not fallback.slots.filter(pedagogue=corps.pete).exists()

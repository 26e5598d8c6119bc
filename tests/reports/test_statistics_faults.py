"""What the administration would read wrongly if a statistics table went slightly wrong: the
screening's lights and follow-ups per room and half year, plans past their follow-up date to
the day, the corps' hours by function, and the course figures, each with the institution and
year filters at their edges."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from inklusio.courses.models import Course, EffectMeasure, Participant, Session
from inklusio.organisation.models import Room
from inklusio.planning.models import PlanSlot, WeeklyPlan
from inklusio.plans.models import ActionPlan, PlanMeeting
from inklusio.reports.registry import build_table
from inklusio.screening.models import ScreeningRating, ScreeningRound
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db

Y = TODAY.year
WEEK = datetime.timedelta(weeks=1)
DAY = datetime.timedelta(days=1)
_serial = iter(range(1000))


def _child(cast, institution, name):
    """A child with a CPR number of its own (born 2021, whatever the name)."""
    n = next(_serial)
    return make_child(cast.ishoj, institution, name, f"{1 + n % 28:02d}0321{5000 + n:04d}")


# --- Screening ---------------------------------------------------------------------------------


def _screened(cast, institution, room_name, year, half, lights, closed=True):
    room = Room.objects.create(municipality=cast.ishoj, institution=institution, name=room_name)
    screening_round = ScreeningRound.objects.create(
        municipality=cast.ishoj,
        institution=institution,
        room=room,
        year=year,
        half=half,
        opened_on=TODAY,
        opened_by=cast.sara,
        closed_on=TODAY if closed else None,
    )
    for wellbeing, development, follow_up in lights:
        ScreeningRating.objects.create(
            municipality=cast.ishoj,
            round=screening_round,
            child=_child(cast, institution, room_name),
            wellbeing=wellbeing,
            development=development,
            follow_up=follow_up,
            rated_by=cast.sara,
            rated_on=TODAY,
        )
    return screening_round


@pytest.fixture
def screened(cast):
    """Closed rounds at Bøgely last year and this year, and at Elverhøj this year."""
    _screened(cast, cast.boegely, "Bikuben", Y - 1, 2, [("red", "green", "referral")] * 2)
    _screened(
        cast,
        cast.boegely,
        "Myretuen",
        Y,
        1,
        [
            ("yellow", "yellow", "meeting"),
            ("green", "red", "room"),
            ("yellow", "red", "referral"),  # red is worse than yellow, whatever the alphabet
            ("green", "green", ""),
        ],
    )
    _screened(cast, cast.boegely, "Abehuset", Y, 1, [("green", "yellow", "meeting")])
    _screened(cast, cast.elverhoej, "Bien", Y, 1, [("green", "green", "")])
    _screened(cast, cast.elverhoej, "Humlebien", Y, 1, [("red", "red", "referral")], closed=False)
    return cast


BIKUBEN = [f"2. halvår {Y - 1}", "Bøgely", "Bikuben", 0, 0, 2, 2, 2]
ABEHUSET = [f"1. halvår {Y}", "Bøgely", "Abehuset", 0, 1, 0, 1, 1]
MYRETUEN = [f"1. halvår {Y}", "Bøgely", "Myretuen", 1, 1, 2, 3, 4]
BIEN = [f"1. halvår {Y}", "Elverhøj", "Bien", 1, 0, 0, 0, 1]


class TestScreening:
    def test_each_closed_round_counts_its_worse_lights_and_follow_ups_in_order(self, screened):
        assert build_table("screening", screened.ishoj).rows == [BIKUBEN, ABEHUSET, MYRETUEN, BIEN]

    def test_the_institution_filter_keeps_only_its_rounds(self, screened):
        table = build_table("screening", screened.ishoj, institutions=[screened.elverhoej])
        assert table.rows == [BIEN]

    def test_the_first_and_the_last_year_chosen_are_included(self, screened):
        assert build_table("screening", screened.ishoj, year_from=Y).rows == [
            ABEHUSET,
            MYRETUEN,
            BIEN,
        ]
        assert build_table("screening", screened.ishoj, year_to=Y - 1).rows == [BIKUBEN]
        assert build_table("screening", screened.ishoj, year_from=Y + 1).rows == []

    def test_another_municipality_sees_none_of_it(self, screened):
        assert build_table("screening", screened.dragoer).rows == []


# --- Plans past their follow-up ----------------------------------------------------------------


def _plan(cast, institution, created_on, weeks, status=ActionPlan.Status.ACTIVE):
    created_at = datetime.datetime.combine(
        created_on, datetime.time(10), tzinfo=ZoneInfo("Europe/Copenhagen")
    )
    return ActionPlan.objects.create(
        municipality=cast.ishoj,
        child=_child(cast, institution, "Plan"),
        institution=institution,
        owner=cast.bob,
        title="Plan",
        problem="-",
        strategies="-",
        duration="-",
        follow_up_weeks=weeks,
        status=status,
        created_at=created_at,
    )


def _meeting(cast, plan, date, held=True):
    return PlanMeeting.objects.create(
        municipality=cast.ishoj, plan=plan, date=date, held=held, created_by=cast.bob
    )


@pytest.fixture
def plans(cast):
    """Bøgely: Mia's plan with a long follow-up, and a plan met 30 and 2 weeks ago with two
    weeks' follow-up: due today by its latest meeting. Elverhøj: a plan due today, one due
    yesterday (a meeting planned for yesterday was not held), one due six weeks ago, and a
    closed one long overdue."""
    ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(follow_up_weeks=520)
    met = _plan(cast, cast.boegely, TODAY - 40 * WEEK, 2)
    _meeting(cast, met, TODAY - 30 * WEEK)
    _meeting(cast, met, TODAY - 2 * WEEK)
    _plan(cast, cast.elverhoej, TODAY - 4 * WEEK, 4)
    late = _plan(cast, cast.elverhoej, TODAY - 4 * WEEK - DAY, 4)
    _meeting(cast, late, TODAY - DAY, held=False)
    _plan(cast, cast.elverhoej, TODAY - 10 * WEEK, 4)
    _plan(cast, cast.elverhoej, TODAY - 40 * WEEK, 4, status=ActionPlan.Status.CLOSED)
    return cast


class TestPlansFollowUp:
    def test_a_plan_is_overdue_from_the_day_after_its_follow_up_date(self, plans):
        assert build_table("plans-follow-up", plans.ishoj).rows == [
            ["Bøgely", 2, 0],
            ["Elverhøj", 3, 2],
        ]

    def test_the_institution_filter_keeps_only_its_plans(self, plans):
        table = build_table("plans-follow-up", plans.ishoj, institutions=[plans.elverhoej])
        assert table.rows == [["Elverhøj", 3, 2]]

    def test_a_draft_counts_as_open_and_a_closed_plan_not(self, plans):
        ActionPlan.objects.filter(institution=plans.boegely).update(status=ActionPlan.Status.DRAFT)
        ActionPlan.objects.filter(institution=plans.elverhoej).update(
            status=ActionPlan.Status.CLOSED
        )
        assert build_table("plans-follow-up", plans.ishoj).rows == [["Bøgely", 2, 0]]


# --- Hours by function ------------------------------------------------------------------------


@pytest.fixture
def published(cast):
    """Bob's published week: five resource half-days at Bøgely, one support half-day at
    Elverhøj (3.5 hours each)."""
    for day, half in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]:
        PlanSlot.objects.create(
            municipality=cast.ishoj, plan=cast.plan, pedagogue=cast.bob, day=day, half=half,
            institution=cast.boegely, function="resource",
        )  # fmt: skip
    PlanSlot.objects.create(
        municipality=cast.ishoj, plan=cast.plan, pedagogue=cast.bob, day=3, half=0,
        institution=cast.elverhoej, function="support", child=cast.emil,
    )  # fmt: skip
    WeeklyPlan.objects.filter(pk=cast.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
    return cast


class TestHoursSplit:
    def test_the_shares_are_rounded_to_whole_percent(self, published):
        year = str(published.plan.week_start.year)
        # 3.5 of 21 hours: 16.7 % support, 83.3 % resource.
        assert build_table("hours-split", published.ishoj).rows == [[year, 3.5, 17.5, 17, 83]]

    def test_the_institution_filter_keeps_only_its_hours(self, published):
        year = str(published.plan.week_start.year)
        support = build_table("hours-split", published.ishoj, institutions=[published.elverhoej])
        assert support.rows == [[year, 3.5, 0.0, 100, 0]]
        resource = build_table("hours-split", published.ishoj, institutions=[published.boegely])
        assert resource.rows == [[year, 0.0, 17.5, 0, 100]]

    def test_a_quiet_year_in_the_range_shows_zeros(self, published):
        year = published.plan.week_start.year
        rows = build_table("hours-split", published.ishoj, year_from=year - 1, year_to=year).rows
        assert rows == [[str(year - 1), 0.0, 0.0, 0, 0], [str(year), 3.5, 17.5, 17, 83]]

    def test_a_replaced_plan_does_not_count(self, published):
        WeeklyPlan.objects.filter(pk=published.plan.pk).update(status=WeeklyPlan.Status.REPLACED)
        assert build_table("hours-split", published.ishoj).rows == []


# --- Courses ----------------------------------------------------------------------------------


def _course(cast, institution, kind, start, closed_on=None):
    return Course.objects.create(
        municipality=cast.ishoj,
        institution=institution,
        kind=kind,
        title=f"{kind} {start}",
        goals="-",
        start=start,
        planned_end=start + 20 * WEEK,
        closed_on=closed_on,
        pedagogue=cast.bob,
        created_by=cast.bob,
    )


class TestCourseFigures:
    def test_staff_courses_are_counted_together_and_every_type_adds_to_the_total(self, cast):
        start = datetime.date(Y - 2, 3, 1)
        for kind in ["group", "individual", "individual", "reflection", "action_learning"]:
            _course(cast, cast.elverhoej, kind, start)
        rows = build_table("courses-by-type", cast.ishoj, institutions=[cast.elverhoej]).rows
        assert rows == [[str(Y - 2), 1, 2, 2, 5]]
        ranged = build_table("courses-by-type", cast.ishoj, year_from=Y - 3, year_to=Y - 2)
        assert ranged.rows == [[str(Y - 3), 0, 0, 0, 0], [str(Y - 2), 1, 2, 2, 5]]

    def test_children_are_counted_once_role_models_apart_and_staff_not_at_all(self, cast):
        start = datetime.date(Y - 2, 3, 1)
        first = _course(cast, cast.elverhoej, "group", start)
        second = _course(cast, cast.elverhoej, "group", start)
        anna, bo, role_model = (_child(cast, cast.elverhoej, n) for n in ("Anna", "Bo", "Rolf"))
        for course, child, role in [
            (first, anna, "case"),
            (second, anna, "case"),
            (first, bo, "case"),
            (first, role_model, "role_model"),
            (second, role_model, "role_model"),
        ]:
            Participant.objects.create(
                municipality=cast.ishoj, course=course, child=child, role=role
            )
        Participant.objects.create(
            municipality=cast.ishoj, course=first, staff_member=cast.sara, role="staff"
        )
        rows = build_table("children-reached", cast.ishoj, year_to=Y - 2).rows
        assert rows == [[str(Y - 2), 2, 3, 1]]
        # Four years ago one child without role models; three years ago no course at all.
        earlier = _course(cast, cast.elverhoej, "group", datetime.date(Y - 4, 3, 1))
        Participant.objects.create(municipality=cast.ishoj, course=earlier, child=bo, role="case")
        rows = build_table("children-reached", cast.ishoj, year_from=Y - 3, year_to=Y - 2).rows
        assert rows == [[str(Y - 3), 0, 0, 0], [str(Y - 2), 2, 3, 1]]
        rows = build_table("children-reached", cast.ishoj, year_from=Y - 4, year_to=Y - 4).rows
        assert rows == [[str(Y - 4), 1, 1, 0]]

    def test_cancellations_count_their_cause_and_the_rate_to_one_decimal(self, cast):
        course = _course(cast, cast.elverhoej, "group", datetime.date(Y - 2, 3, 1))
        days = (datetime.date(Y - 2, 4, 1) + n * DAY for n in range(100))
        for status, cause in [
            ("held", "illness"),  # a held session's cause is not a cancellation's
            ("held", ""),
            ("cancelled", "illness"),
            ("cancelled", "other"),
            ("cancelled", "other"),
            ("held", ""),
            ("planned", "illness"),
        ]:
            Session.objects.create(
                municipality=cast.ishoj, course=course, date=next(days), status=status, cause=cause
            )
        rows = build_table("cancellations", cast.ishoj, year_to=Y - 2).rows
        causes = list(Session.Cause.values)
        by_cause = dict.fromkeys(causes, 0) | {"illness": 1, "other": 2}
        assert rows == [[str(Y - 2), 6, 3, 3, 50.0, *[by_cause[c] for c in causes]]]
        Session.objects.filter(course=course, status="cancelled", cause="other").first().delete()
        rows = build_table("cancellations", cast.ishoj, year_to=Y - 2).rows
        assert rows[0][1:5] == [5, 3, 2, 40.0]
        Session.objects.filter(course=course, status="held").delete()
        Session.objects.filter(course=course, status="cancelled", cause="illness").delete()
        Session.objects.create(
            municipality=cast.ishoj, course=course, date=next(days), status="held", cause=""
        )
        Session.objects.create(
            municipality=cast.ishoj, course=course, date=next(days), status="held", cause=""
        )
        rows = build_table("cancellations", cast.ishoj, year_to=Y - 2).rows
        assert rows[0][1:5] == [3, 2, 1, 33.3]
        # The cast's session this year is only planned: no row for this year.
        assert [row[0] for row in build_table("cancellations", cast.ishoj).rows] == [str(Y - 2)]
        ranged = build_table("cancellations", cast.ishoj, year_from=Y - 3, year_to=Y - 3).rows
        assert ranged == [[str(Y - 3), 0, 0, 0, 0, *[0 for _c in causes]]]

    def test_two_closed_courses_give_their_quartiles_and_one_gives_its_own_weeks(self, cast):
        start = datetime.date(Y - 2, 3, 1)
        _course(cast, cast.elverhoej, "group", start, closed_on=start + 14 * DAY)
        _course(cast, cast.elverhoej, "group", start, closed_on=start + 42 * DAY)
        _course(cast, cast.elverhoej, "group", start)  # still running
        one_year_later = start.replace(year=Y - 1)
        _course(cast, cast.elverhoej, "group", one_year_later, closed_on=one_year_later + 7 * DAY)
        rows = build_table("course-duration", cast.ishoj, year_to=Y - 1).rows
        assert rows == [[str(Y - 2), 2, 3.0, 4.0, 5.0], [str(Y - 1), 1, 1.0, 1.0, 1.0]]
        _course(cast, cast.boegely, "group", start, closed_on=start + 70 * DAY)
        at_boegely = build_table(
            "course-duration", cast.ishoj, year_to=Y - 1, institutions=[cast.boegely]
        )
        assert at_boegely.rows == [[str(Y - 2), 1, 10.0, 10.0, 10.0]]

    def test_effect_is_the_mean_change_of_children_measured_at_both_ends(self, cast):
        start = datetime.date(Y - 2, 3, 1)
        group = _course(cast, cast.elverhoej, "group", start)
        individual = _course(cast, cast.elverhoej, "individual", start.replace(year=Y - 1))
        scores = [
            (group, {"start": (1, 2, 3, 4), "end": (2, 2, 5, 4)}),
            (group, {"start": (1, 1, 1, 1), "end": (1, 2, 1, 2)}),
            (group, {"start": (1, 1, 1, 1)}),  # not measured at the end
            (group, {"start": (1, 1, 1, 1)}),
            (individual, {"start": (3, 3, 3, 3), "end": (1, 4, 3, 3)}),
        ]
        for course, phases in scores:
            participant = Participant.objects.create(
                municipality=cast.ishoj,
                course=course,
                child=_child(cast, cast.elverhoej, "Effekt"),
                role="case",
            )
            for phase, values in phases.items():
                EffectMeasure.objects.create(
                    municipality=cast.ishoj,
                    participant=participant,
                    phase=phase,
                    assessed_by=cast.bob,
                    **dict(zip(EffectMeasure.DIMENSIONS, values, strict=True)),
                )
        # One more group child measured 1 → 2 on everything, in a third course: three changes
        # on play (0, 1, 1) give a mean of 0.67.
        third = _course(cast, cast.elverhoej, "group", start)
        participant = Participant.objects.create(
            municipality=cast.ishoj,
            course=third,
            child=_child(cast, cast.elverhoej, "E"),
            role="case",
        )
        for phase, value in (("start", 1), ("end", 2)):
            EffectMeasure.objects.create(
                municipality=cast.ishoj, participant=participant, phase=phase,
                assessed_by=cast.bob, **dict.fromkeys(EffectMeasure.DIMENSIONS, value),
            )  # fmt: skip
        labels = dict(Course.Kind.choices)
        rows = build_table("effect-measures", cast.ishoj, year_from=Y - 2, year_to=Y - 1).rows
        assert rows == [
            [str(labels["group"]), 3, 0.67, 0.67, 1.0, 0.67],
            [str(labels["individual"]), 1, -2.0, 1.0, 0.0, 0.0],
            [str(labels["reflection"]), 0, None, None, None, None],
            [str(labels["action_learning"]), 0, None, None, None, None],
        ]
        only_first = build_table("effect-measures", cast.ishoj, year_from=Y - 2, year_to=Y - 2)
        assert only_first.rows[1] == [str(labels["individual"]), 0, None, None, None, None]
        only_second = build_table("effect-measures", cast.ishoj, year_from=Y - 1, year_to=Y - 1)
        assert only_second.rows[0] == [str(labels["group"]), 0, None, None, None, None]


class TestPublishedFigures:
    def test_quartiles_of_fewer_than_five_closed_courses_are_hidden_and_of_five_shown(self, cast):
        start = datetime.date(Y - 2, 3, 1)
        for weeks in (2, 6):
            _course(cast, cast.elverhoej, "group", start, closed_on=start + weeks * WEEK)
        later = start.replace(year=Y - 1)
        for weeks in (1, 2, 3, 4, 5):
            _course(cast, cast.elverhoej, "group", later, closed_on=later + weeks * WEEK)
        table = build_table("course-duration", cast.ishoj, year_from=Y - 3, year_to=Y - 1)
        assert table.suppressed().rows == [
            [str(Y - 3), 0, None, None, None],
            [str(Y - 2), 2, "x", "x", "x"],
            [str(Y - 1), 5, 2.0, 3.0, 4.0],
        ]

    def test_means_of_fewer_than_five_children_are_hidden_and_the_count_rounded(self, cast):
        start = datetime.date(Y - 2, 3, 1)
        group = _course(cast, cast.elverhoej, "group", start)
        individual = _course(cast, cast.elverhoej, "individual", start)
        for course, children in ((group, 6), (individual, 2)):
            for _n in range(children):
                participant = Participant.objects.create(
                    municipality=cast.ishoj,
                    course=course,
                    child=_child(cast, cast.elverhoej, "Effekt"),
                    role="case",
                )
                for phase, value in (("start", 2), ("end", 3)):
                    EffectMeasure.objects.create(
                        municipality=cast.ishoj, participant=participant, phase=phase,
                        assessed_by=cast.bob, **dict.fromkeys(EffectMeasure.DIMENSIONS, value),
                    )  # fmt: skip
        labels = dict(Course.Kind.choices)
        table = build_table("effect-measures", cast.ishoj, year_from=Y - 2, year_to=Y - 2)
        assert table.suppressed().rows[:2] == [
            [str(labels["group"]), 5, 1.0, 1.0, 1.0, 1.0],
            [str(labels["individual"]), "<5", "x", "x", "x", "x"],
        ]

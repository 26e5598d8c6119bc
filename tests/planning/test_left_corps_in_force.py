"""A pedagogue who leaves the corps is not coming to the visits the plan in force still holds.

Bob is planned at Bøgely in the published week, and then leaves the corps: his user is
deactivated, or he moves to another role (here: staff at Elverhøj). Nothing is stored in the
published plan, as with an absence (test_absence_in_force.py): every view of it reads the
departure beside it. The plan page shows "Har forladt korpset" on his half-days in his row and in
Bøgely's, counts none of their hours, and tells the corps leader to calculate the week again; the
API marks the half-days `left_corps`; his calendar has none of them; his course session is listed
as not kept. The rule of who is in the corps is the planner's (`problem.in_corps`)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from inklusio.core.templatetags.danish_dates import day_month
from inklusio.people.models import Role
from inklusio.planning import services
from inklusio.planning.models import PlanSlot, WeeklyPlan, half_day_label
from tests.api.test_api_v1 import _bearer, _token
from tests.planning.conftest import HOW_THEY_LEAVE, MONDAY, leave_the_corps
from tests.planning.test_absence_in_force import (
    HALF_DAY_HOURS,
    cell,
    grids,
    other_cells,
    row,
    split_hours,
    uid,
)

LEFT = "Har forladt korpset"
LEGEND = "Har forladt korpset: pædagogen er ikke længere i korpset og kommer ikke."
HEADING = "Besøg, der bortfalder: pædagogen har forladt korpset"
REPLAN = (
    "Beregn ugen igen med de låste halve dage: de halve dage planlægges så med korpsets "
    "pædagoger, hvor det kan lade sig gøre, og resten vises som ikke dækket. Offentliggør "
    "derefter den nye version."
)
HOW = HOW_THEY_LEAVE


@pytest.fixture
def week(published_week):
    """The published week; `key` is a half-day it has Bob at Bøgely without a course session."""
    week = published_week
    week.slot = next(
        (s for s in week.bobs if s.institution == week.boegely and not s.for_session), None
    )
    assert week.slot is not None, "the solver plans Bob at Bøgely outside his session"
    week.key = (week.slot.day, week.slot.half)
    return week


def bob_leaves(week, how: str) -> None:
    """Bob leaves the corps, moved to staff at Elverhøj."""
    leave_the_corps(week.bob, how, to=week.elverhoej)


def planned_half_days(week) -> dict[str, str]:
    """Bob's feed's planned half-days: UID → summary."""
    response = week.client_for(week.bob).get(week.feed.get_absolute_url())
    assert response.status_code == 200
    return {
        str(event["UID"]): str(event["SUMMARY"])
        for event in Calendar.from_ical(response.content).walk("VEVENT")
        if "funktion)" in str(event["SUMMARY"])
    }


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("viewer", ["lene", "sara", "cora", "alice"])
def test_bogelys_row_shows_that_bob_left_instead_of_his_visits(week, viewer, how):
    user = getattr(week, viewer)
    before, page = grids(week, user)
    boegely_before = row(before["institutions"], "Bøgely")
    assert "Bob (R)" in cell(before["institutions"], "Bøgely", week.key)
    assert HEADING not in page

    bob_leaves(week, how)

    after, page = grids(week, user)
    on_the_day = cell(after["institutions"], "Bøgely", week.key)
    assert "Bob (R)" not in on_the_day
    assert f"Bob (R) – {LEFT}" in on_the_day
    at_boegely = [s for s in week.bobs if s.institution == week.boegely]
    assert row(after["institutions"], "Bøgely").hours == (
        boegely_before.hours - len(at_boegely) * HALF_DAY_HOURS
    )
    assert LEGEND in page
    assert HEADING in page
    line = (
        f"Bøgely, {half_day_label(*week.key)} {day_month(week.published.day(week.key[0]))}: "
        f"{week.bob} har forladt korpset."
    )
    assert line in page
    # Only the corps leader is told to calculate the week again.
    assert (REPLAN in page) == (viewer == "cora")
    # The published plan itself is unchanged: the departure is read beside it.
    assert PlanSlot.objects.filter(plan=week.published, pedagogue=week.bob).count() == len(
        week.bobs
    )


@pytest.mark.parametrize("how", HOW)
def test_bobs_row_shows_that_he_left_and_counts_no_hours(week, how):
    before, _page = grids(week, week.cora)
    assert cell(before["pedagogues"], str(week.bob), week.key) == ["Bøgely (R)"]

    bob_leaves(week, how)

    after, page = grids(week, week.cora)
    assert cell(after["pedagogues"], str(week.bob), week.key) == [LEFT]
    assert row(after["pedagogues"], str(week.bob)).hours == 0
    pete = str(week.pete)
    assert row(after["pedagogues"], pete) == row(before["pedagogues"], pete)
    assert other_cells(after["institutions"], "Elverhøj", week.key) == other_cells(
        before["institutions"], "Elverhøj", week.key
    )
    support, resource = split_hours(page)
    rows = sum(r.hours for r in after["pedagogues"])
    assert support + resource == rows
    assert rows == (week.published.slots.count() - len(week.bobs)) * HALF_DAY_HOURS


@pytest.mark.parametrize("how", HOW)
def test_bobs_session_is_listed_as_not_kept_as_he_left(week, how):
    session = week.session_boegely
    key = (session.date.weekday(), session.half)
    assert any((s.day, s.half) == key and s.for_session for s in week.bobs)
    before, _page = grids(week, week.lene)
    assert before["sessions_not_kept"] == []

    bob_leaves(week, how)

    for viewer in (week.lene, week.cora):
        after, page = grids(week, viewer)
        [missing] = after["sessions_not_kept"]
        assert (missing["session"], missing["reason"]) == (
            str(session.public_id),
            "pædagogen har forladt korpset",
        )
        assert "Forløbssamlinger, som planen ikke holder" in page


def test_a_moved_pedagogues_feed_has_none_of_the_plans_half_days(week):
    """A deactivated user's calendar address answers nothing; one who moved to another role
    keeps it, without the visits they are no longer going to."""
    before = planned_half_days(week)
    assert before[uid(week.published, week.key)] == "Bøgely (ressourcefunktion)"

    bob_leaves(week, "moved")

    assert planned_half_days(week) == {}


@pytest.mark.parametrize("how", HOW)
def test_the_api_marks_the_half_days_of_the_pedagogue_who_left(week, how):
    """`GET /api/v1/weekly-plans/{id}` (Lene's token): Bob's half-days are `left_corps` in the
    published plan, `absent` as it was; a plan no longer in force marks none."""
    api = Client(**_bearer(_token(week.lene, scope="read")))

    def marked(plan):
        answer = api.get(f"/api/v1/weekly-plans/{plan.public_id}")
        assert answer.status_code == 200
        slots = answer.json()["slots"]
        assert not [s for s in slots if s["absent"]]
        return {(s["pedagogue"], s["day"], s["half"]) for s in slots if s["left_corps"]}

    assert marked(week.published) == set()

    bob_leaves(week, how)

    at_boegely = {("bob", s.day, s.half) for s in week.bobs if s.institution == week.boegely}
    assert at_boegely and marked(week.published) == at_boegely
    # Replaced, the plan is no longer in force: its half-days are history, none lapses.
    WeeklyPlan.objects.filter(pk=week.published.pk).update(status=WeeklyPlan.Status.REPLACED)
    assert marked(week.published) == set()


class TestTheDepartedPedagogueNoLongerSeesThePlan:
    def test_deactivated(self, week):
        assert week.client_for(week.bob).get(week.published.get_absolute_url()).status_code == 200
        bob_leaves(week, "deactivated")
        response = week.client_for(week.bob).get(week.published.get_absolute_url())
        assert response.status_code in (302, 404)
        assert "Bøgely" not in response.content.decode()

    def test_moved_to_an_institution_of_his_own_sees_only_that_institution(self, week):
        bob_leaves(week, "moved")
        shown, _page = grids(week, week.bob)
        assert [r.label for r in shown["institutions"]] == ["Elverhøj"]
        assert str(week.bob) not in [r.label for r in shown["pedagogues"]]

    def test_moved_to_a_role_without_planning_sees_nothing(self, week):
        week.bob.role = Role.GUARDIAN
        week.bob.save()
        response = week.client_for(week.bob).get(week.published.get_absolute_url())
        assert response.status_code == 404


def test_the_planner_and_the_page_agree_on_who_is_in_the_corps(week):
    """The plan in force shows Bob's visits lapsing; calculating the week again from it, as
    the page tells the corps leader, plans Bob nowhere, and the new version, once published,
    shows nothing of him as lapsing."""
    bob_leaves(week, "moved")
    _shown, page = grids(week, week.cora)
    assert HEADING in page and REPLAN in page
    response = week.client_for(week.cora).post(
        reverse("planning-resolve", args=[week.published.public_id])
    )
    revision = WeeklyPlan.objects.get(week_start=MONDAY, status=WeeklyPlan.Status.PROPOSED)
    assert response.status_code == 302
    assert not revision.slots.filter(pedagogue=week.bob).exists()
    services.plan_publish(actor=week.cora, plan=revision)
    _shown, page = grids(week, week.cora, revision)
    assert HEADING not in page


@pytest.mark.parametrize("how", HOW)
def test_a_half_day_already_past_keeps_its_visit(week, how):
    """When Bob left is not recorded, so the days before today keep what the plan in force held
    then; only the half-days from today on lapse."""
    bob_leaves(week, how)
    the_day_after = week.published.day(week.key[0]) + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(the_day_after, datetime.time(12))):
        shown, page = grids(week, week.cora)
    on_the_day = cell(shown["institutions"], "Bøgely", week.key)
    assert "Bob (R)" in on_the_day and f"Bob (R) – {LEFT}" not in on_the_day
    past_line = (
        f"{half_day_label(*week.key)} {day_month(week.published.day(week.key[0]))}: {week.bob}"
    )
    assert past_line not in page
    later = [s for s in week.bobs if week.published.day(s.day) >= the_day_after]
    for slot in later:
        assert (
            f"{half_day_label(slot.day, slot.half)} {day_month(week.published.day(slot.day))}"
            in page
        )

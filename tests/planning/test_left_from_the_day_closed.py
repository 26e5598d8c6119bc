"""A pedagogue whose account was closed has left the corps from the day it was closed.

Bob is planned at Bøgely in the published week: all of Bøgely's resource half-days (its demand
of six), beside Pete's support half-days there. On Thursday of that week Cora reads the plan. The
administration closed Bob's account yesterday (Wednesday) or three days ago (Monday) — the day is
kept (`User.deactivated_on`) — so his visits from that day on lapse, not only those from today
on: they were not held. The plan page (his row, Bøgely's row, the notice, the hours by function,
the uncovered need, his course session), the API and the statistics' hours split all agree. An
account not closed, or closed and reopened, keeps every visit."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from inklusio.people import services as people_services
from inklusio.planning.models import PlanSlot
from inklusio.planning.statistics import hours_split
from tests.api.test_api_v1 import _bearer, _token
from tests.planning.conftest import MONDAY
from tests.planning.test_absence_in_force import HALF_DAY_HOURS, grids, row, split_hours

LEFT = "Har forladt korpset"
SLOT_KEYS = [(day, half) for day in range(5) for half in range(2)]
THURSDAY = MONDAY + datetime.timedelta(days=3)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=COPENHAGEN)


@pytest.fixture
def week(published_week):
    """The published week; Bob holds all of Bøgely's resource half-days, on Monday to
    Thursday."""
    week = published_week
    assert {s.institution for s in week.bobs} == {week.boegely}
    assert {s.function for s in week.bobs} == {"resource"}
    assert {s.day for s in week.bobs} == {0, 1, 2, 3}
    assert week.published.unmet == {}
    return week


def close_bob(week, on: datetime.date) -> None:
    with time_machine.travel(at_noon(on)):
        people_services.user_deactivate(actor=week.alice, user=week.bob)
    week.bob.refresh_from_db()
    assert week.bob.deactivated_on == on


def on_thursday(week, user=None):
    with time_machine.travel(at_noon(THURSDAY)):
        return grids(week, user or week.cora)


def unmet_shown(page: str) -> str:
    if "Udækket behov</dt>" not in page:
        return ""
    return page.split("Udækket behov</dt><dd>", 1)[1].split("</dd>", 1)[0]


def lapsing(week, closed: datetime.date) -> list[PlanSlot]:
    return [s for s in week.bobs if week.published.day(s.day) >= closed]


@pytest.mark.parametrize("days_ago", [1, 3], ids=["yesterday", "three-days-ago"])
def test_the_visits_lapse_from_the_day_the_account_was_closed(week, days_ago):
    closed = THURSDAY - datetime.timedelta(days=days_ago)
    close_bob(week, closed)

    shown, page = on_thursday(week)

    bobs_row = row(shown["pedagogues"], str(week.bob))
    for key, cell in zip(SLOT_KEYS, bobs_row.cells, strict=True):
        day = week.published.day(key[0])
        # Every half-day from the day he left says so, visit or not; the days before keep
        # the visit the plan held then.
        assert (LEFT in cell) == (day >= closed), (key, cell)
    held = [s for s in week.bobs if week.published.day(s.day) < closed]
    gone = lapsing(week, closed)
    assert len(gone) == len(week.bobs) - len(held) > 0
    assert bobs_row.hours == len(held) * HALF_DAY_HOURS
    for slot in held:
        assert bobs_row.cells[SLOT_KEYS.index((slot.day, slot.half))][0].startswith("Bøgely (R)")

    boegely = row(shown["institutions"], "Bøgely")
    for slot in gone:
        assert f"Bob (R) – {LEFT}" in boegely.cells[SLOT_KEYS.index((slot.day, slot.half))]
    petes_support = 3
    assert boegely.hours == (len(held) + petes_support) * HALF_DAY_HOURS
    assert len(shown["left_corps"]) == len(gone)

    # The hours by function count what the grid holds.
    support, resource = split_hours(page)
    assert support + resource == sum(r.hours for r in shown["pedagogues"])
    assert resource == (len(held) + 3) * HALF_DAY_HOURS  # with Pete's at Elverhøj

    # Bøgely's demand is six resource half-days, all of them Bob's: what lapses is uncovered.
    hours = len(gone) * HALF_DAY_HOURS
    assert unmet_shown(page) == f"Bøgely: {hours} t".replace(".", ",")

    # His session on Wednesday (2 December) lapsed with the rest: Bøgely's leader, who sees
    # the course, is told. (Closing the account ended his attachment to Bøgely, the corps'
    # only one there, so the corps leader no longer sees Bøgely's courses until someone is
    # attached again: people.services.user_deactivate.)
    shown_to_lene, _page = on_thursday(week, week.lene)
    assert [item["reason"] for item in shown_to_lene["sessions_not_kept"]] == [
        "pædagogen har forladt korpset"
    ]


@pytest.mark.parametrize("days_ago", [1, 3], ids=["yesterday", "three-days-ago"])
def test_the_api_marks_the_half_days_from_the_day_the_account_was_closed(week, days_ago):
    closed = THURSDAY - datetime.timedelta(days=days_ago)
    close_bob(week, closed)
    api = Client(**_bearer(_token(week.lene, scope="read")))
    with time_machine.travel(at_noon(THURSDAY)):
        answer = api.get(f"/api/v1/weekly-plans/{week.published.public_id}")
    assert answer.status_code == 200
    marked = {(s["day"], s["half"]) for s in answer.json()["slots"] if s["left_corps"]}
    assert marked == {(s.day, s.half) for s in lapsing(week, closed)}


def statistics_row(week) -> list:
    with time_machine.travel(at_noon(THURSDAY)):
        table = hours_split(week.ishoj)
    [found] = [r for r in table.rows if r[0] == str(MONDAY.year)]
    return found


@pytest.mark.parametrize("days_ago", [1, 3], ids=["yesterday", "three-days-ago"])
def test_the_statistics_do_not_count_the_lapsed_visits(week, days_ago):
    """`hours-split` (statistics): Pete's 3 support half-days, and the resource half-days
    held — Pete's 3 at Elverhøj and Bob's before he left."""
    assert statistics_row(week)[1:3] == [3 * HALF_DAY_HOURS, (3 + 6) * HALF_DAY_HOURS]
    closed = THURSDAY - datetime.timedelta(days=days_ago)
    close_bob(week, closed)
    held = len(week.bobs) - len(lapsing(week, closed))
    assert statistics_row(week)[1:3] == [3 * HALF_DAY_HOURS, (3 + held) * HALF_DAY_HOURS]


def test_the_statistics_of_a_week_before_the_account_was_closed_are_kept(week):
    close_bob(week, MONDAY + datetime.timedelta(weeks=1))
    with time_machine.travel(at_noon(MONDAY + datetime.timedelta(weeks=1, days=1))):
        table = hours_split(week.ishoj)
    [found] = [r for r in table.rows if r[0] == str(MONDAY.year)]
    assert found[1:3] == [3 * HALF_DAY_HOURS, (3 + 6) * HALF_DAY_HOURS]


def test_an_account_not_closed_keeps_every_visit(week):
    shown, page = on_thursday(week)
    assert row(shown["pedagogues"], str(week.bob)).hours == len(week.bobs) * HALF_DAY_HOURS
    assert shown["left_corps"] == []
    assert unmet_shown(page) == ""
    assert f"Bob (R) – {LEFT}" not in page


def test_a_reopened_account_keeps_every_visit(week):
    close_bob(week, MONDAY)
    with time_machine.travel(at_noon(MONDAY + datetime.timedelta(days=2))):
        people_services.user_reactivate(actor=week.alice, user=week.bob)
    week.bob.refresh_from_db()
    shown, page = on_thursday(week)
    assert row(shown["pedagogues"], str(week.bob)).hours == len(week.bobs) * HALF_DAY_HOURS
    assert shown["left_corps"] == []
    assert unmet_shown(page) == ""
    assert statistics_row(week)[1:3] == [3 * HALF_DAY_HOURS, (3 + 6) * HALF_DAY_HOURS]

"""An absence recorded in a published week shows at once wherever the published plan is read.

Cora re-plans the week after Bob falls ill on a half-day he is planned at Bøgely: the absence is
recorded at once, and the revision that covers it is a proposal until she publishes it. Until
then the published plan holds the week, and every view of it (the plan page of Lene, Bøgely's
leader, and of Sara, staff there; Bob's own row; Bob's calendar feed) shows Bob absent on that
half-day instead of the visit, the reason only to the corps and Bob. Nothing is stored in the
published plan: deleting the absence brings the visit back."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from inklusio.core.templatetags.danish_dates import day_month
from inklusio.people.models import Role
from inklusio.planning import services
from inklusio.planning.models import Absence, CalendarFeed, PlanSlot, WeeklyPlan
from tests.api.test_api_v1 import _bearer, _token
from tests.conftest import make_user
from tests.planning.conftest import MONDAY

HALF_DAY_HOURS = 3.5
LEGEND = "Fravær ved en institution: pædagogen er meldt fraværende den halve dag og kommer ikke."
SLOT_KEYS = [(day, half) for day in range(5) for half in range(2)]


@pytest.fixture
def week(corps, client_for):
    """The week published, with Lene as Bøgely's leader and Bob's calendar address; `key` is a
    half-day the published plan has Bob at Bøgely without a course session."""
    corps.client_for = client_for
    corps.lene = make_user("lene", corps.ishoj, Role.INSTITUTION_LEADER, institution=corps.boegely)
    corps.published = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
    services.plan_publish(actor=corps.cora, plan=corps.published)
    corps.slot = (
        PlanSlot.objects.filter(
            plan=corps.published,
            pedagogue=corps.bob,
            institution=corps.boegely,
            for_session=False,
        )
        .order_by("day", "half")
        .first()
    )
    assert corps.slot is not None, "the solver plans Bob at Bøgely outside his session"
    corps.key = (corps.slot.day, corps.slot.half)
    corps.feed = CalendarFeed.objects.create(municipality=corps.ishoj, user=corps.bob)
    return corps


def replan_bob_ill(week, key=None) -> WeeklyPlan:
    """Cora's "Omplanlæg" on the published plan: Bob ill on one half-day."""
    day, half = key or week.key
    response = week.client_for(week.cora).post(
        reverse("planning-replan", args=[week.published.public_id]),
        {"pedagogue": week.bob.pk, "kind": "illness", "slots": [f"{day}-{half}"]},
    )
    revision = WeeklyPlan.objects.get(based_on=week.published)
    assert response["Location"] == revision.get_absolute_url()
    week.published.refresh_from_db()
    assert (week.published.status, revision.status) == ("published", "proposed")
    return revision


def grids(week, user, plan=None):
    response = week.client_for(user).get((plan or week.published).get_absolute_url())
    assert response.status_code == 200
    return response.context["grids"], response.content.decode()


def row(rows, label):
    [found] = [r for r in rows if r.label == label]
    return found


def cell(rows, label, key):
    return row(rows, label).cells[SLOT_KEYS.index(key)]


def other_cells(rows, label, key):
    return [c for k, c in zip(SLOT_KEYS, row(rows, label).cells, strict=True) if k != key]


def feed_half_days(week) -> dict[str, str]:
    """The feed's planned half-days: UID → summary."""
    response = week.client_for(week.bob).get(week.feed.get_absolute_url())
    assert response.status_code == 200
    return {
        str(event["UID"]): str(event["SUMMARY"])
        for event in Calendar.from_ical(response.content).walk("VEVENT")
        if "funktion)" in str(event["SUMMARY"])
    }


def uid(plan, key) -> str:
    return f"{plan.public_id}-{key[0]}-{key[1]}@inklusio"


@pytest.mark.parametrize(
    ("viewer", "shown"),
    [
        ("lene", "Fravær"),  # Bøgely's leader
        ("sara", "Fravær"),  # staff at Bøgely
        ("bob", "Fravær: Sygdom"),  # the pedagogue himself
        ("cora", "Fravær: Sygdom"),  # the corps leader
        ("alice", "Fravær: Sygdom"),  # the administration
    ],
)
def test_the_institution_row_of_the_published_plan_shows_the_absence_instead_of_the_visit(
    week, viewer, shown
):
    user = getattr(week, viewer)
    before, _page = grids(week, user)
    boegely_before = row(before["institutions"], "Bøgely")
    assert "Bob (R)" in cell(before["institutions"], "Bøgely", week.key)

    replan_bob_ill(week)

    after, page = grids(week, user)
    boegely = row(after["institutions"], "Bøgely")
    on_the_day = cell(after["institutions"], "Bøgely", week.key)
    assert "Bob (R)" not in on_the_day
    assert f"Bob (R) – {shown}" in on_the_day
    assert other_cells(after["institutions"], "Bøgely", week.key) == other_cells(
        before["institutions"], "Bøgely", week.key
    )
    assert boegely.hours == boegely_before.hours - HALF_DAY_HOURS
    if shown == "Fravær":
        assert "Sygdom" not in page
    assert LEGEND in page
    # The published plan itself is unchanged: the absence is read beside it.
    assert PlanSlot.objects.filter(plan=week.published, pedagogue=week.bob, day=week.key[0],
                                   half=week.key[1], institution=week.boegely).exists()  # fmt: skip


def test_bobs_own_row_shows_his_absence_and_not_the_visit(week):
    before, _page = grids(week, week.bob)
    bob_before = row(before["pedagogues"], str(week.bob))
    assert cell(before["pedagogues"], str(week.bob), week.key) == ["Bøgely (R)"]

    replan_bob_ill(week)

    after, _page = grids(week, week.bob)
    assert cell(after["pedagogues"], str(week.bob), week.key) == ["Fravær: Sygdom"]
    assert other_cells(after["pedagogues"], str(week.bob), week.key) == other_cells(
        before["pedagogues"], str(week.bob), week.key
    )
    assert row(after["pedagogues"], str(week.bob)).hours == bob_before.hours - HALF_DAY_HOURS


def test_the_feed_leaves_the_absent_half_day_out_and_keeps_the_others(week):
    before = feed_half_days(week)
    assert before[uid(week.published, week.key)] == "Bøgely (ressourcefunktion)"

    revision = replan_bob_ill(week)

    after = feed_half_days(week)
    assert uid(week.published, week.key) not in after
    assert after == {k: v for k, v in before.items() if k != uid(week.published, week.key)}
    assert not [k for k in after if k.startswith(str(revision.public_id))], "not yet published"


def test_deleting_the_absence_brings_the_visit_back(week):
    feed_before = feed_half_days(week)
    leader_before, _page = grids(week, week.lene)
    bob_before, _page = grids(week, week.bob)
    replan_bob_ill(week)
    absence = Absence.objects.get(pedagogue=week.bob, start=week.published.day(week.key[0]))
    url = reverse(
        "planning-absence-delete",
        kwargs={"public_id": week.contract_bob.public_id, "absence_id": absence.pk},
    )
    client = week.client_for(week.cora)
    confirm = client.get(url).content.decode()
    day = week.published.day(week.key[0])
    assert "Den offentliggjorte ugeplan viser igen Bob Testesen i institutionen: " in confirm
    assert f"{day_month(day)} (Bøgely)" in confirm

    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Absence.objects.filter(pk=absence.pk).exists()

    leader_after, _page = grids(week, week.lene)
    assert leader_after["institutions"] == leader_before["institutions"]
    bob_after, _page = grids(week, week.bob)
    assert bob_after["pedagogues"] == bob_before["pedagogues"]
    assert feed_half_days(week) == feed_before


def test_deleting_one_of_two_absences_of_the_half_day_does_not_promise_the_visit(week):
    """Bob is also on holiday that whole day: deleting the illness leaves the visit hidden, and
    the confirm page does not say it comes back."""
    replan_bob_ill(week)
    illness = Absence.objects.get(pedagogue=week.bob, kind=Absence.Kind.ILLNESS)
    Absence.objects.create(
        municipality=week.ishoj,
        pedagogue=week.bob,
        start=illness.start,
        end=illness.end,
        kind=Absence.Kind.HOLIDAY,
        created_by=week.cora,
    )
    url = reverse(
        "planning-absence-delete",
        kwargs={"public_id": week.contract_bob.public_id, "absence_id": illness.pk},
    )
    client = week.client_for(week.cora)
    assert "Den offentliggjorte ugeplan viser igen" not in client.get(url).content.decode()
    client.post(url, {"confirm": "yes"})
    after, _page = grids(week, week.lene)
    on_the_day = cell(after["institutions"], "Bøgely", week.key)
    assert "Bob (R) – Fravær" in on_the_day and "Bob (R)" not in on_the_day


def test_the_revision_once_published_shows_its_own_half_days(week):
    revision = replan_bob_ill(week)
    services.plan_publish(actor=week.cora, plan=revision)

    shown, _page = grids(week, week.lene, revision)
    for key in SLOT_KEYS:
        planned = sorted(
            f"{s.pedagogue.first_name} ({'S' if s.function == 'support' else 'R'})"
            for s in PlanSlot.objects.filter(
                plan=revision, institution=week.boegely, day=key[0], half=key[1]
            )
        )
        assert sorted(cell(shown["institutions"], "Bøgely", key)) == planned
    assert not PlanSlot.objects.filter(
        plan=revision, pedagogue=week.bob, day=week.key[0], half=week.key[1]
    ).exists()
    in_feed = feed_half_days(week)
    assert in_feed and all(k.startswith(str(revision.public_id)) for k in in_feed)
    _grids, replaced_page = grids(week, week.lene, WeeklyPlan.objects.get(pk=week.published.pk))
    assert LEGEND not in replaced_page, "a replaced plan is no longer in force"


def test_a_session_on_the_absent_half_day_is_listed_as_not_kept(week):
    """Bob's course session at Bøgely on Wednesday morning: ill then, the published plan says
    the session is not kept, and why, to the corps and the institution."""
    session = week.session_boegely
    key = (session.date.weekday(), session.half)
    assert PlanSlot.objects.filter(
        plan=week.published, pedagogue=week.bob, day=key[0], half=key[1], for_session=True
    ).exists()
    before, _page = grids(week, week.lene)
    assert before["sessions_not_kept"] == []

    replan_bob_ill(week, key)

    for viewer in (week.lene, week.cora):
        after, page = grids(week, viewer)
        [missing] = after["sessions_not_kept"]
        assert (missing["session"], missing["reason"]) == (
            str(session.public_id),
            "pædagogen er fraværende",
        )
        assert "Forløbssamlinger, som planen ikke holder" in page


def test_a_proposal_shows_a_later_absence_beside_its_visit(week):
    """A proposal is not in force: an absence recorded after it was calculated is shown beside
    the half-day it still plans, so the corps leader sees the clash and calculates again."""
    proposal = services.plan_week(
        actor=week.cora, week_start=MONDAY, time_limit_s=2, keep_locked_from=week.published
    )
    at = PlanSlot.objects.filter(plan=proposal, pedagogue=week.bob, for_session=False).first()
    Absence.objects.create(
        municipality=week.ishoj,
        pedagogue=week.bob,
        start=proposal.day(at.day),
        end=proposal.day(at.day),
        part=("am", "pm")[at.half],
        kind=Absence.Kind.ILLNESS,
        created_by=week.cora,
    )
    shown, _page = grids(week, week.cora, proposal)
    assert cell(shown["pedagogues"], str(week.bob), (at.day, at.half)) == [
        f"{at.institution.name} (R)",
        "Fravær: Sygdom",
    ]
    assert "Bob (R)" in cell(shown["institutions"], at.institution.name, (at.day, at.half))
    # The published plan beside it, in force, shows the absence instead of any visit there.
    published, _page = grids(week, week.cora)
    assert cell(published["pedagogues"], str(week.bob), (at.day, at.half)) == ["Fravær: Sygdom"]


def test_the_half_days_an_absence_covers_in_a_week():
    """A whole day over a weekend, and an afternoon: what the grid and the planner read."""
    friday_to_monday = Absence(
        start=MONDAY - datetime.timedelta(days=3), end=MONDAY, part="day", kind="holiday"
    )
    assert friday_to_monday.half_days(MONDAY) == {(0, 0), (0, 1)}
    afternoon = Absence(start=MONDAY, end=MONDAY + datetime.timedelta(days=9), part="pm")
    assert afternoon.half_days(MONDAY) == {(day, 1) for day in range(5)}
    assert afternoon.half_days(MONDAY + datetime.timedelta(weeks=2)) == set()


def test_the_api_marks_the_absent_half_day_of_the_plan_in_force(week):
    """`GET /api/v1/weekly-plans/{id}`: the same answer as the plan page, for an integration
    (the corps leader's token, as the proposal is hers to read): Bob's half-day is `absent` in
    the published plan until the absence goes; the proposal that covers it marks nothing (its
    own half-days hold)."""
    api = Client(**_bearer(_token(week.cora, scope="read")))

    def absent_slots(plan):
        answer = api.get(f"/api/v1/weekly-plans/{plan.public_id}")
        assert answer.status_code == 200
        return {
            (s["pedagogue"], s["day"], s["half"]) for s in answer.json()["slots"] if s["absent"]
        }

    assert absent_slots(week.published) == set()
    revision = replan_bob_ill(week)
    assert absent_slots(week.published) == {(week.bob.username, *week.key)}
    assert absent_slots(revision) == set()
    Absence.objects.filter(pedagogue=week.bob).delete()
    assert absent_slots(week.published) == set()


def split_hours(page: str) -> tuple[float, float]:
    """Support and resource hours of the page's "Fordeling" line."""
    found = re.search(r"Støtte ([\d,]+) t \(\d+ %\), ressource ([\d,]+) t \(\d+ %\)", page)
    assert found is not None, "no Fordeling line"
    support, resource = (float(group.replace(",", ".")) for group in found.groups())
    return support, resource


def test_the_split_of_hours_leaves_the_absent_half_day_out_as_the_rows_do(week):
    """The "Fordeling" line of the plan in force counts the hours its grid shows: the half-day
    Bob is recorded absent on is in neither."""
    replan_bob_ill(week)
    shown, page = grids(week, week.cora)
    support, resource = split_hours(page)
    rows = sum(r.hours for r in shown["pedagogues"])
    assert support + resource == rows
    assert rows == (week.published.slots.count() - 1) * HALF_DAY_HOURS

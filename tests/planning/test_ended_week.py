"""A week that is over keeps its plan: the one the corps and the institutions worked by, and the
one the statistics count. It is not calculated again, edited, re-planned or published, through
the pages or the services; the current week still is."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from inklusio.planning import services
from inklusio.planning.models import PlanSlot, WeeklyPlan
from tests.planning.conftest import MONDAY
from tests.planning.test_slot_edit_conflicts import edit

ENDED = "Uge {week} er slut. Dens plan er den, korpset arbejdede efter"
NOTICE = "Ugen er slut: planen kan ikke længere beregnes igen, rettes eller offentliggøres."


def after_the_week(days: int = 7):
    """The clock at noon `days` after the planned week's Monday (7: the Monday after it)."""
    return time_machine.travel(
        datetime.datetime.combine(MONDAY + datetime.timedelta(days=days), datetime.time(12))
    )


@pytest.fixture
def week(corps):
    """Next week planned (a proposal) and, beside it, the same week published."""
    published = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
    services.plan_publish(actor=corps.cora, plan=published)
    corps.published = published
    corps.proposal = services.plan_week(
        actor=corps.cora, week_start=MONDAY, keep_locked_from=published, time_limit_s=2
    )
    return corps


def snapshot() -> list[tuple]:
    """Every plan and half-day stored, to show nothing was changed."""
    plans = sorted(WeeklyPlan.objects.values_list("pk", "status", "version"))
    slots = sorted(PlanSlot.objects.values_list("plan_id", "pedagogue_id", "day", "half"))
    return [*plans, *slots]


def test_the_page_says_the_week_is_over_and_offers_no_change(week, client_for):
    before = client_for(week.cora).get(week.proposal.get_absolute_url()).content.decode()
    assert NOTICE not in before and "Offentliggør planen" in before
    with after_the_week():
        page = client_for(week.cora).get(week.proposal.get_absolute_url()).content.decode()
    assert NOTICE in page
    for offer in ("Offentliggør planen", "Beregn igen med låste halve dage", "Gem og lås"):
        assert offer not in page


def test_recalculating_an_ended_week_is_refused(week, client_for):
    before = snapshot()
    with after_the_week():
        client = client_for(week.cora)
        answer = client.post(reverse("planning-resolve", args=[week.proposal.public_id]))
        shown = client.get(answer["Location"]).content.decode()
    assert ENDED.format(week=week.proposal.week_number) in shown
    assert snapshot() == before


def test_publishing_an_ended_weeks_proposal_is_refused(week, client_for):
    before = snapshot()
    with after_the_week():
        answer = client_for(week.cora).post(
            reverse("planning-publish", args=[week.proposal.public_id]), {"confirm": "yes"}
        )
    assert answer.status_code == 200
    assert ENDED.format(week=week.proposal.week_number) in answer.content.decode()
    assert snapshot() == before
    week.published.refresh_from_db()
    assert week.published.in_force


def test_a_half_day_of_an_ended_week_is_not_edited(week, client_for):
    proposal = week.proposal
    before = snapshot()
    with after_the_week():
        answer = edit(
            client_for(week.cora),
            proposal,
            proposal.version,
            pedagogue=week.pete,
            slot="4-1",
            institution=week.elverhoej,
        )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert ENDED.format(week=proposal.week_number) in page
    assert f'<option value="{week.pete.pk}" selected>' in page  # what was chosen is kept
    assert snapshot() == before


def test_an_absence_is_not_replanned_into_an_ended_week(week, client_for):
    before = snapshot()
    with after_the_week():
        answer = client_for(week.cora).post(
            reverse("planning-replan", args=[week.proposal.public_id]),
            {"pedagogue": week.bob.pk, "slots": ["0-0"], "kind": "illness"},
        )
    assert answer.status_code == 200
    assert ENDED.format(week=week.proposal.week_number) in answer.content.decode()
    assert snapshot() == before


def test_an_ended_week_is_not_planned_from_the_overview(week, client_for):
    with after_the_week():
        answer = client_for(week.cora).post(
            reverse("planning-overview"), {"week_start": MONDAY.isoformat(), "time_limit": 2}
        )
    assert answer.status_code == 200
    assert answer.context["form"].non_field_errors() == [
        ENDED.format(week=MONDAY.isocalendar().week)
        + ", og den ændres ikke bagefter. Vælg en kommende uge."
    ]
    assert f'value="{MONDAY.isoformat()}"' in answer.content.decode()


def test_the_week_under_way_is_still_planned_until_its_sunday(week):
    with after_the_week(days=6):  # Sunday
        revision = services.plan_week(
            actor=week.cora, week_start=MONDAY, keep_locked_from=week.proposal, time_limit_s=2
        )
        published = services.plan_publish(actor=week.cora, plan=revision)
    assert published.in_force

"""A published week plan stays in force until its revision is published. "Beregn igen" or an
absence re-plan started from it makes a proposal; until that is published the pedagogues' pages
and calendars keep the published plan, and publishing the proposal replaces it at once."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from inklusio.planning import services
from inklusio.planning.models import CalendarFeed, PlanSlot, WeeklyPlan
from tests.planning.conftest import MONDAY

REPLACED_NOTICE = "Denne plan er erstattet af en nyere udgave."
PROPOSAL_NOTICE = "Ugen har et forslag, der afløser denne plan, når det offentliggøres."


@pytest.fixture
def published(corps):
    plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
    services.plan_publish(actor=corps.cora, plan=plan)
    assert PlanSlot.objects.filter(plan=plan, pedagogue=corps.bob).exists()
    return plan


def plans_in_feed(client, feed) -> set[str]:
    """The plans whose half-days the feed carries (each half-day's UID starts with its plan's
    id)."""
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    return {
        str(event["UID"]).rsplit("-", 2)[0]
        for event in Calendar.from_ical(response.content).walk("VEVENT")
        if "funktion)" in str(event["SUMMARY"])
    }


def the_week_as_bob_sees_it(corps, client_for, client, plan, feed) -> tuple[str, set[str]]:
    page = client_for(corps.bob).get(plan.get_absolute_url())
    assert page.status_code == 200
    return page.content.decode(), plans_in_feed(client, feed)


def absence_replan(corps, client_for, plan) -> WeeklyPlan:
    bob_slot = PlanSlot.objects.filter(plan=plan, pedagogue=corps.bob).first()
    response = client_for(corps.cora).post(
        reverse("planning-replan", args=[plan.public_id]),
        {"pedagogue": corps.bob.pk, "kind": "illness", "slots": [f"{bob_slot.day}-0"]},
    )
    revision = WeeklyPlan.objects.get(based_on=plan)
    assert response["Location"] == revision.get_absolute_url()
    return revision


def calculate_again(corps, client_for, plan) -> WeeklyPlan:
    response = client_for(corps.cora).post(reverse("planning-resolve", args=[plan.public_id]))
    revision = WeeklyPlan.objects.get(based_on=plan)
    assert response["Location"] == revision.get_absolute_url()
    return revision


@pytest.mark.parametrize("replan", [absence_replan, calculate_again])
def test_the_published_plan_holds_the_week_until_its_revision_is_published(
    corps, published, client_for, client, replan
):
    feed = CalendarFeed.objects.create(municipality=corps.ishoj, user=corps.bob)
    revision = replan(corps, client_for, published)

    published.refresh_from_db()
    assert (published.status, revision.status) == ("published", "proposed")
    page, in_feed = the_week_as_bob_sees_it(corps, client_for, client, published, feed)
    assert "Offentliggjort" in page and REPLACED_NOTICE not in page
    assert in_feed == {str(published.public_id)}
    # The corps leader is told where the week's changes go now.
    leader_page = client_for(corps.cora).get(published.get_absolute_url()).content.decode()
    assert PROPOSAL_NOTICE in leader_page
    assert f'<a href="{revision.get_absolute_url()}">Gå til forslaget</a>' in leader_page
    assert PROPOSAL_NOTICE not in page

    services.plan_publish(actor=corps.cora, plan=revision)
    published.refresh_from_db()
    assert published.status == WeeklyPlan.Status.REPLACED
    page, in_feed = the_week_as_bob_sees_it(corps, client_for, client, published, feed)
    assert REPLACED_NOTICE in page
    assert in_feed == {str(revision.public_id)}
    assert list(
        WeeklyPlan.objects.filter(week_start=MONDAY, status=WeeklyPlan.Status.PUBLISHED)
    ) == [revision]


def test_the_week_keeps_one_proposal_while_the_published_plan_holds_it(
    corps, published, client_for
):
    """A second re-plan from the published plan would make a proposal beside the first: it is
    refused, naming the proposal, and the published plan is left as it is."""
    first = calculate_again(corps, client_for, published)
    with pytest.raises(services.WeekAlreadyProposed) as refused:
        services.plan_week(
            actor=corps.cora, week_start=MONDAY, time_limit_s=2, keep_locked_from=published
        )
    assert refused.value.proposal == first
    published.refresh_from_db()
    assert published.status == WeeklyPlan.Status.PUBLISHED
    assert list(WeeklyPlan.objects.filter(week_start=MONDAY, status="proposed")) == [first]


def test_a_half_day_edit_of_the_published_plan_beside_its_revision_is_refused(
    corps, published, client_for
):
    """The half-day form opened on the published plan: with a revision on its way, an edit of
    the published plan would not be in the revision, and be lost when it is published. It is
    refused above the form, naming the proposal where the change belongs; the typing is
    kept."""
    revision = absence_replan(corps, client_for, published)
    url = reverse("planning-slot-edit", args=[published.public_id])
    response = client_for(corps.cora).post(
        url,
        {
            "pedagogue": corps.pete.pk, "slot": "4-1", "institution": corps.elverhoej.pk,
            "function": "resource", "version": published.version,
        },
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["slot_form"]
    [message] = form.non_field_errors()
    assert message.startswith(f"Uge {MONDAY.isocalendar().week} har allerede et forslag")
    assert form["slot"].value() == "4-1"
    before = PlanSlot.objects.filter(plan=published, pedagogue=corps.pete, day=4, half=1)
    assert not before.filter(locked=True).exists()  # the published plan is unchanged
    assert revision.status == WeeklyPlan.Status.PROPOSED


def test_the_published_plan_offers_no_edits_while_its_proposal_is_open(
    corps, published, client_for
):
    """Every edit of the published plan is refused while a proposal takes its place: its page
    offers none (no re-plan, calculation or half-day edit), only the way to the proposal."""
    edits = [
        reverse(name, args=[published.public_id])
        for name in ("planning-replan", "planning-resolve", "planning-slot-edit")
    ]
    client = client_for(corps.cora)
    page = client.get(published.get_absolute_url()).content.decode()
    assert all(f'action="{url}' in page for url in edits)  # none open: all offered

    revision = calculate_again(corps, client_for, published)
    response = client.get(published.get_absolute_url())
    page = response.content.decode()
    assert not any(f'action="{url}' in page for url in edits)
    assert response.context["replan_form"] is None and response.context["slot_form"] is None
    assert PROPOSAL_NOTICE in page
    assert f'<a href="{revision.get_absolute_url()}">Gå til forslaget</a>' in page

"""Agreements waiting for the user's acknowledgement lead to where the answer is given: the
meeting's page at what was agreed, the form right below it. The start page's card led to the
list of plans, from which the meeting was another click away."""

import datetime

import pytest
from django.urls import reverse

from inklusio.plans import services
from inklusio.plans.models import PlanMeeting
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

CARD = 'data-testid="waiting-acknowledgements-count"'


def _card(start_page: str) -> tuple[str, str]:
    """The card's (figure, target)."""
    card = start_page.split(CARD)[1].split("</div>")[0]
    figure = card.split(">")[1].split("<")[0]
    return figure, card.split('<a href="')[1].split('"')[0]


def _listed(start_page: str) -> list[str]:
    """The targets of the start page's list "Kvittér for aftaler"."""
    listing = start_page.split('data-testid="waiting-acknowledgements"')[1].split("</ul>")[0]
    return [part.split('"')[0] for part in listing.split('<a href="')[1:]]


def _answered_there(client, target: str) -> None:
    """The target is the meeting's page, at what was agreed, with the form to answer after it."""
    path, anchor = target.split("#")
    page = client.get(path).content.decode()
    assert f'<h2 id="{anchor}">Det aftalte</h2>' in page
    after = page.split(f'id="{anchor}"')[1]
    assert "Kvittér for aftalerne" in after and 'name="action" value="acknowledge"' in after


def _second_meeting(cast, *participants) -> PlanMeeting:
    """A follow-up held yesterday with `participants`, whose agreements wait for them too."""
    meeting = services.plan_meeting_schedule(
        actor=cast.bob, plan=cast.plan_mia, kind="follow_up",
        date=TODAY - datetime.timedelta(days=1), start_time=datetime.time(9), place="",
        participants=[cast.bob, *participants],
    )  # fmt: skip
    goal = cast.plan_mia.goals.get()
    return services.plan_meeting_hold(
        actor=cast.bob, meeting=meeting, note="", goal_statuses={goal.pk: ("partly", "")}
    )


class TestTheStartPage:
    @pytest.mark.parametrize("who", ["sara", "gert"])
    def test_one_meeting_waiting_the_card_and_the_list_lead_to_its_agreements(
        self, cast, client_for, who
    ):
        """Sara (the institution's staff) and Gert (Mia's father) took part in Mia's meeting."""
        client = client_for(getattr(cast, who))
        start = client.get(reverse("start")).content.decode()
        target = cast.plan_meeting.get_acknowledge_url()
        assert _card(start) == ("1", target)
        assert _listed(start) == [target]
        _answered_there(client, target)

    def test_several_meetings_waiting_the_card_leads_to_their_list(self, cast, client_for):
        follow_up = _second_meeting(cast, cast.sara)
        start = client_for(cast.sara).get(reverse("start")).content.decode()
        assert _card(start) == ("2", "#kvitter-for-aftaler")
        assert '<h2 id="kvitter-for-aftaler">Kvittér for aftaler</h2>' in start
        assert sorted(_listed(start)) == sorted(
            [follow_up.get_acknowledge_url(), cast.plan_meeting.get_acknowledge_url()]
        )

    def test_once_answered_nothing_waits_and_the_card_leads_to_the_plans(self, cast, client_for):
        """Bob follows Mia's plan up, so his card stays, at 0."""
        services.plan_meeting_acknowledge(
            actor=cast.bob, meeting=cast.plan_meeting, answer="agreed"
        )
        start = client_for(cast.bob).get(reverse("start")).content.decode()
        assert _card(start) == ("0", reverse("plan-list"))
        assert 'data-testid="waiting-acknowledgements"' not in start

    def test_a_guardian_answered_sees_no_card(self, cast, client_for):
        services.plan_meeting_acknowledge(
            actor=cast.gert, meeting=cast.plan_meeting, answer="agreed"
        )
        start = client_for(cast.gert).get(reverse("start")).content.decode()
        assert CARD not in start and "Kvittér for aftaler" not in start


class TestTheOtherWaysIn:
    def test_i_dag_leads_to_the_agreements(self, cast, client_for):
        client = client_for(cast.sara)
        deadlines = client.get(reverse("today")).content.decode().split('data-testid="deadlines"')
        target = cast.plan_meeting.get_acknowledge_url()
        assert f'<a href="{target}">' in deadlines[1].split("</ul>")[0]
        _answered_there(client, target)

    def test_the_guardians_family_page_leads_to_the_agreements(self, cast, client_for):
        client = client_for(cast.gert)
        page = client.get(reverse("family-child", args=[cast.mia.public_id])).content.decode()
        button = page.split('data-testid="family-acknowledge"')[0].rsplit("<a ", 1)[1]
        target = cast.plan_meeting.get_acknowledge_url()
        assert f'href="{target}"' in button
        _answered_there(client, target)

    def test_a_partner_who_took_part_is_led_from_the_plans_to_the_agreements(
        self, cast, client_for
    ):
        """A partner's start page shows what they are invited to; the plans list names the
        meeting whose agreements wait for her."""
        follow_up = _second_meeting(cast, cast.pia)
        client = client_for(cast.pia)
        plans = client.get(reverse("plan-list")).content.decode()
        alert = plans.split("Du mangler at kvittere for aftaler")[1].split("</ul>")[0]
        assert f'<a href="{follow_up.get_acknowledge_url()}">' in alert
        _answered_there(client, follow_up.get_acknowledge_url())

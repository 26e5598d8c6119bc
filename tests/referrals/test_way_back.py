"""A referral's and a decision's page link back above the title, as a course's page does: to
Visitation for those who use it, else to the child's page in the user's own navigation, and
never to a page the user is refused."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _back_link(client, url: str) -> tuple[str, str] | None:
    """The (text, target) of the link above the page's title, if there is one."""
    response = client.get(url)
    assert response.status_code == 200
    above_title = response.content.decode().split('id="main-content"')[1].split("<h1>")[0]
    if "<a href=" not in above_title:
        return None
    target = above_title.split('<a href="')[1].split('"')[0]
    text = above_title.split(f'<a href="{target}">')[1].split("</a>")[0]
    return text, target


def _followed(client, target: str) -> int:
    return client.get(target).status_code


def _mia_has_left(cast):
    """Mia left daycare yesterday: her case stays open to those who had it for a while, but
    nobody can refer her, so a partner without other children has no Visitation."""
    cast.mia.left_on = TODAY - datetime.timedelta(days=1)
    cast.mia.save()


class TestTheReferralPage:
    @pytest.mark.parametrize(
        "who, referral",
        [("alice", "referral_mia"), ("carl", "draft_emil"), ("pia", "referral_mia")],
    )
    def test_those_who_use_visitation_go_back_to_it(self, cast, client_for, who, referral):
        client = client_for(getattr(cast, who))
        link = _back_link(client, getattr(cast, referral).get_absolute_url())
        assert link == ("Visitation", reverse("visitation-overview"))
        assert _followed(client, link[1]) == 200

    def test_a_partner_without_visitation_goes_back_to_the_childs_page(self, cast, client_for):
        _mia_has_left(cast)
        client = client_for(cast.pia)
        assert _followed(client, reverse("visitation-overview")) == 404
        link = _back_link(client, cast.referral_mia.get_absolute_url())
        assert link == ("Mia Testesen", cast.mia.get_absolute_url())
        assert _followed(client, link[1]) == 200

    @pytest.mark.parametrize("who", ["bob", "cora", "sara", "gert"])
    def test_those_who_may_not_see_the_referral_get_no_page(self, cast, client_for, who):
        response = client_for(getattr(cast, who)).get(cast.referral_mia.get_absolute_url())
        assert response.status_code == 404


class TestTheDecisionPage:
    @pytest.mark.parametrize("who", ["alice", "pia"])
    def test_those_who_use_visitation_go_back_to_it(self, cast, client_for, who):
        client = client_for(getattr(cast, who))
        link = _back_link(client, cast.decision_mia.get_absolute_url())
        assert link == ("Visitation", reverse("visitation-overview"))
        assert _followed(client, link[1]) == 200

    @pytest.mark.parametrize("who", ["bob", "cora"])
    def test_the_corps_goes_back_to_the_childs_page(self, cast, client_for, who):
        client = client_for(getattr(cast, who))
        assert _followed(client, reverse("visitation-overview")) == 404
        link = _back_link(client, cast.decision_mia.get_absolute_url())
        assert link == ("Mia Testesen", cast.mia.get_absolute_url())
        assert _followed(client, link[1]) == 200

    def test_a_guardian_goes_back_to_the_childs_family_page(self, cast, client_for):
        client = client_for(cast.gert)
        page = client.get(cast.decision_mia.get_absolute_url()).content.decode()
        assert f'href="{reverse("visitation-overview")}"' not in page
        family_page = reverse("family-child", args=[cast.mia.public_id])
        link = _back_link(client, cast.decision_mia.get_absolute_url())
        assert link == ("Mia Testesen", family_page)
        assert _followed(client, link[1]) == 200
        # The family page is where the guardian found the decision.
        assert cast.decision_mia.get_absolute_url() in client.get(family_page).content.decode()

    def test_a_partner_without_visitation_goes_back_to_the_childs_page(self, cast, client_for):
        _mia_has_left(cast)
        client = client_for(cast.pia)
        page = client.get(cast.decision_mia.get_absolute_url()).content.decode()
        assert f'href="{reverse("visitation-overview")}"' not in page
        link = _back_link(client, cast.decision_mia.get_absolute_url())
        assert link == ("Mia Testesen", cast.mia.get_absolute_url())
        assert _followed(client, link[1]) == 200

    @pytest.mark.parametrize("who", ["carl", "sara", "dora"])
    def test_those_who_may_not_see_the_decision_get_no_page(self, cast, client_for, who):
        response = client_for(getattr(cast, who)).get(cast.decision_mia.get_absolute_url())
        assert response.status_code == 404


def _child_row(client, url: str) -> str | None:
    """The target of the name in the page's row "Barn", if it is a link."""
    response = client.get(url)
    assert response.status_code == 200
    row = response.content.decode().split("<dt>Barn</dt>")[1].split("</dd>")[0]
    return row.split('<a href="')[1].split('"')[0] if "<a href=" in row else None


class TestTheChildRow:
    """The row "Barn" of a decision's and a referral's page names the child with a link to the
    child's page in the user's own navigation, as the way back does. A guardian's led to the
    staff's page for the child instead of the family page, the guardian's own."""

    def test_a_guardian_goes_to_the_childs_family_page(self, cast, client_for):
        client = client_for(cast.gert)
        family_page = reverse("family-child", args=[cast.mia.public_id])
        assert _child_row(client, cast.decision_mia.get_absolute_url()) == family_page
        assert _followed(client, family_page) == 200

    @pytest.mark.parametrize("who", ["alice", "cora", "bob", "pia"])
    def test_the_others_go_to_the_childs_page(self, cast, client_for, who):
        client = client_for(getattr(cast, who))
        assert _child_row(client, cast.decision_mia.get_absolute_url()) == (
            cast.mia.get_absolute_url()
        )
        assert _followed(client, cast.mia.get_absolute_url()) == 200

    @pytest.mark.parametrize(
        "who, referral, child",
        [
            ("alice", "referral_mia", "mia"),
            ("pia", "referral_mia", "mia"),
            ("carl", "draft_emil", "emil"),
        ],
    )
    def test_a_referrals_page_goes_to_the_childs_page(self, cast, client_for, who, referral, child):
        """Guardians see no referral (tested above): the row leads the committee, the leader and
        the partner who referred to the child's page."""
        client = client_for(getattr(cast, who))
        target = getattr(cast, child).get_absolute_url()
        assert _child_row(client, getattr(cast, referral).get_absolute_url()) == target
        assert _followed(client, target) == 200

    def test_a_guardian_whose_guardianship_ended_gets_no_decision(self, cast, ended, client_for):
        """Olga's guardianship of Mia ended a month ago: neither the decision nor a link to it."""
        response = client_for(ended.olga).get(cast.decision_mia.get_absolute_url())
        assert response.status_code == 404

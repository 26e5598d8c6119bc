"""A referral's page names, beside each decision, the committee meeting it was made at, with a
link for those who may see that meeting (the committee). The page had no way to the meeting."""

import pytest
from django.urls import reverse

from inklusio.referrals.models import Decision

pytestmark = pytest.mark.django_db


def _decisions(client, url: str) -> str:
    """The page's list of decisions."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().split('data-testid="decisions"')[1].split("</ul>")[0]


def _decision_for_emil(cast) -> Decision:
    """Emil's waiting referral refused at the meeting that granted Mia's (Carl, who referred
    him, sees the decision)."""
    mia = cast.decision_mia
    return Decision.objects.create(
        municipality=cast.ishoj, case_number="28.09.08-G01-0002-2026", child=cast.emil,
        referral=cast.waiting_emil, outcome=Decision.Outcome.REFUSED, offer=mia.offer,
        category="speech_language", reasons="Ingen ledig plads.", legal_basis=mia.legal_basis,
        period=mia.period, meeting=mia.meeting, decided_by=cast.alice, decided_on=mia.decided_on,
        contact_person=cast.alice,
    )  # fmt: skip


class TestTheReferralPage:
    def test_the_committee_is_led_to_the_meeting(self, cast, client_for):
        client = client_for(cast.alice)
        meeting = cast.decision_mia.meeting
        listed = _decisions(client, cast.referral_mia.get_absolute_url())
        assert f'<a href="{meeting.get_absolute_url()}">{meeting}</a>' in listed
        assert client.get(meeting.get_absolute_url()).status_code == 200

    def test_the_referring_partner_sees_the_decision_but_not_the_meeting(self, cast, client_for):
        client = client_for(cast.pia)
        meeting = cast.decision_mia.meeting
        listed = _decisions(client, cast.referral_mia.get_absolute_url())
        assert cast.decision_mia.get_absolute_url() in listed
        assert meeting.get_absolute_url() not in listed and str(meeting) not in listed
        assert client.get(meeting.get_absolute_url()).status_code == 404

    def test_the_referring_leader_sees_the_decision_but_not_the_meeting(self, cast, client_for):
        decision = _decision_for_emil(cast)
        client = client_for(cast.carl)
        listed = _decisions(client, cast.waiting_emil.get_absolute_url())
        assert decision.get_absolute_url() in listed
        assert decision.meeting.get_absolute_url() not in listed
        assert client.get(decision.meeting.get_absolute_url()).status_code == 404

    def test_a_decision_made_outside_a_meeting_names_none(self, cast, client_for):
        Decision.objects.filter(pk=cast.decision_mia.pk).update(meeting=None)
        listed = _decisions(client_for(cast.alice), cast.referral_mia.get_absolute_url())
        assert cast.decision_mia.get_absolute_url() in listed
        assert reverse("meeting-detail", args=[cast.decision_mia.meeting.public_id]) not in listed

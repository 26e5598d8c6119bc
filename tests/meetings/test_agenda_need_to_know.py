"""Need-to-know per case on consultative meetings: an agenda item about a named child is shown
only to those who need to know the child; anonymous items to everyone at the meeting.

Bøgely's meeting (arranged by alice, bob its resource pedagogue, pia invited) has Mia on the
agenda with her father's consent to discuss her with a psychologist. Added here: nina, a
pedagogue attached to Bøgely with no case of Mia's; tove, a speech consultant invited to the
meeting (the consent does not name her profession); ulla, a psychologist invited to the
meeting but not to Mia's case (the consent names her profession).
"""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditEntryChild
from inklusio.meetings.models import AgendaItem
from inklusio.people.models import PedagogueAttachment, Profession, Role
from tests.conftest import TODAY, make_user


@pytest.fixture
def outsiders(cast):
    nina = make_user("nina", cast.ishoj, Role.PEDAGOGUE)
    PedagogueAttachment.objects.create(
        municipality=cast.ishoj,
        pedagogue=nina,
        institution=cast.boegely,
        function=PedagogueAttachment.Function.RESOURCE,
    )
    tove = make_user("tove", cast.ishoj, Role.PARTNER, profession=Profession.SPEECH_CONSULTANT)
    ulla = make_user("ulla", cast.ishoj, Role.PARTNER, profession=Profession.PSYCHOLOGIST)
    cast.consultative_boegely.partners.add(tove, ulla)
    AgendaItem.objects.create(
        municipality=cast.ishoj,
        meeting=cast.consultative_boegely,
        kind="group",
        topic="Uro ved frokost",
        added_by=cast.alice,
    )
    return {"nina": nina, "tove": tove, "ulla": ulla}


def _page(client, user, meeting):
    client.force_login(user)
    response = client.get(reverse("consultative-detail", args=[meeting.public_id]))
    assert response.status_code == 200, user
    return response.content.decode()


class TestNamedItemsOnlyForThoseWhoNeedToKnow:
    def test_a_pedagogue_without_a_case_of_mias_sees_the_meeting_but_not_mia(
        self, cast, outsiders, client
    ):
        page = _page(client, outsiders["nina"], cast.consultative_boegely)
        assert "Uro ved frokost" in page  # the anonymous item is for everyone at the meeting
        assert "Mia Testesen" not in page and "Samling" not in page
        assert "1 punkt om et navngivet barn vises kun for mødets deltagere" in page

    def test_an_invited_partner_the_consent_does_not_name_does_not_see_mia(
        self, cast, outsiders, client
    ):
        page = _page(client, outsiders["tove"], cast.consultative_boegely)
        assert "Uro ved frokost" in page
        assert "Mia Testesen" not in page

    def test_an_invited_partner_the_consent_names_sees_mia(self, cast, outsiders, client):
        page = _page(client, outsiders["ulla"], cast.consultative_boegely)
        assert "Mia Testesen" in page and "Samling" in page

    @pytest.mark.parametrize("name", ["alice", "cora", "bob", "sara", "pia"])
    def test_participants_and_those_who_see_mia_see_her_item(self, cast, client, name):
        assert "Mia Testesen" in _page(client, getattr(cast, name), cast.consultative_boegely)

    def test_a_withdrawn_consent_ends_the_invited_partners_view(self, cast, outsiders, client):
        cast.consent_mia.withdrawn_on = TODAY - datetime.timedelta(days=1)
        cast.consent_mia.save()
        assert "Mia Testesen" not in _page(client, outsiders["ulla"], cast.consultative_boegely)
        # Pia still sees Mia: her own invitation to Mia's case is current.
        assert "Mia Testesen" in _page(client, cast.pia, cast.consultative_boegely)

    def test_a_hidden_item_is_not_logged_as_read(self, cast, outsiders, client):
        _page(client, outsiders["nina"], cast.consultative_boegely)
        assert not AuditEntryChild.objects.filter(
            entry__actor=outsiders["nina"], child_id=cast.mia.public_id
        ).exists()

    def test_nobody_without_need_to_know_adds_to_or_acts_on_mias_item(
        self, cast, outsiders, client
    ):
        for user in (outsiders["nina"], outsiders["tove"]):
            client.force_login(user)
            added = client.post(
                reverse("recommendation-add", args=[cast.item_mia.public_id]), {"text": "Råd"}
            )
            assert added.status_code == 404, user
            moved = client.post(
                reverse("recommendation-to-plan", args=[cast.recommendation_mia.public_id])
            )
            assert moved.status_code == 404, user
        assert cast.item_mia.recommendations.count() == 1

    def test_the_attendance_advice_names_no_hidden_child(self, cast, outsiders, client):
        page = _page(client, outsiders["nina"], cast.consultative_boegely)
        assert "Bob Testesen bør deltage: kender et barn på dagsordenen." in page


class TestEndedRelations:
    def test_an_arranger_or_resource_pedagogue_whose_relation_ended_sees_nothing(
        self, cast, ended, client
    ):
        """Arranging the meeting or being its resource pedagogue shows every item, but only
        while the person may see the meeting at all: petra's attachment to Bøgely ended
        yesterday, mads moved to Elverhøj."""
        meeting = cast.consultative_boegely
        meeting.resource_pedagogue, meeting.created_by = ended.petra, ended.mads
        meeting.save()
        url = reverse("consultative-detail", args=[meeting.public_id])
        for user in (ended.petra, ended.mads):
            client.force_login(user)
            assert client.get(url).status_code == 404, user
            item = reverse("recommendation-add", args=[cast.item_mia.public_id])
            assert client.post(item, {"text": "Råd"}).status_code == 404, user

    def test_a_partner_whose_invitation_to_mia_expired_sees_her_item_only_as_invited_to_the_meeting(
        self, cast, ended, client
    ):
        """Ida's invitation to Mia's case ended yesterday: the meeting alone does not show her
        Mia; invited to the meeting, she sees Mia's item because the consent names her
        profession."""
        url = reverse("consultative-detail", args=[cast.consultative_boegely.public_id])
        client.force_login(ended.ida)
        assert client.get(url).status_code == 404
        cast.consultative_boegely.partners.add(ended.ida)
        assert "Mia Testesen" in client.get(url).content.decode()

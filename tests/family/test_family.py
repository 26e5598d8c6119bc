"""The guardians' side of the case (issue 18, points 1, 2 and 4): Gert's page about Mia,
consent in his hands, and messages with the staff on Mia's plan."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.children import export
from inklusio.children.models import Guardianship
from inklusio.courses.models import Participant, Session
from inklusio.family import selectors, services
from inklusio.family.models import Message
from inklusio.family.tasks import message_notify
from inklusio.meetings import services as meeting_services
from inklusio.meetings.models import AgendaItem, DiscussionConsent
from inklusio.plans.models import ActionPlan, PlanMeeting
from inklusio.referrals import services as referral_services
from inklusio.referrals.errors import ConsentMissing
from inklusio.referrals.models import Offer, Referral
from tests.conftest import TODAY, make_child, saved_version

pytestmark = pytest.mark.django_db


def _page(client, user, child):
    client.force_login(user)
    return client.get(reverse("family-child", args=[child.public_id]))


def _end_custody(cast, on=TODAY):
    Guardianship.objects.filter(guardian__user=cast.gert).update(ended_on=on)


class TestTheGuardiansPage:
    def test_shows_the_offer_the_plan_what_to_do_at_home_and_what_comes_next(self, cast, client):
        ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(
            parent_collaboration="Læs en billedbog sammen hver aften"
        )
        PlanMeeting.objects.create(
            municipality=cast.ishoj,
            plan=cast.plan_mia,
            kind=PlanMeeting.Kind.FOLLOW_UP,
            date=TODAY + datetime.timedelta(days=14),
            place="Bøgely, personalestuen",
            created_by=cast.bob,
        )
        Session.objects.create(
            municipality=cast.ishoj, course=cast.course_boegely, date=TODAY + datetime.timedelta(3)
        )
        page = _page(client, cast.gert, cast.mia).content.decode()
        assert "Støttepædagog" in page  # the current grant
        assert "Laver dagsprogram" in page  # an agreement of the plan
        assert "Læs en billedbog sammen hver aften" in page
        assert "Bøgely, personalestuen" in page
        assert cast.course_boegely.title in page
        assert "Drøftelse på konsultative møder" in page  # his consent, with a withdraw button
        assert 'data-testid="withdraw-consent"' in page

    def test_names_the_childs_institution_and_room_once_each(self, cast, client):
        response = _page(client, cast.gert, cast.mia)
        lead = response.content.decode().split('<p class="font-lead">')[1].split("</p>")[0]
        assert lead == f"{cast.boegely.name}, {cast.mia.room.name}"  # not "Bøgely, Bøgely – …"

    def test_names_no_other_child_not_even_in_the_group_course(self, cast, client):
        noah = make_child(cast.ishoj, cast.boegely, "Noah", "0102224321")
        Participant.objects.create(
            municipality=cast.ishoj, course=cast.course_boegely, child=noah, role="role_model"
        )
        page = _page(client, cast.gert, cast.mia).content.decode()
        assert cast.course_boegely.title in page
        assert "Noah" not in page

    def test_the_page_is_logged_once_for_the_child(self, cast, client):
        client.force_login(cast.gert)
        before = AuditEntry.objects.count()
        assert client.get(reverse("family-child", args=[cast.mia.public_id])).status_code == 200
        reads = AuditEntry.objects.order_by("pk")[before:]
        assert [(e.action, e.child_id) for e in reads] == [(AuditAction.READ, cast.mia.public_id)]

    def test_staff_and_another_childs_guardian_get_404(self, cast, client):
        assert _page(client, cast.bob, cast.mia).status_code == 404
        assert _page(client, cast.gert, cast.emil).status_code == 404

    def test_access_ends_with_the_guardianship_for_every_get_and_post(self, cast, client):
        _end_custody(cast)
        client.force_login(cast.gert)
        mia, plan = cast.mia, cast.plan_mia
        assert client.get(reverse("family-child", args=[mia.public_id])).status_code == 404
        assert client.get(reverse("plan-messages", args=[plan.public_id])).status_code == 404
        posts = [
            (reverse("family-consent-give", args=[mia.public_id]), {"scope": "partner"}),
            (reverse("consent-withdraw", args=[cast.consent_mia.public_id]), {}),
            (reverse("plan-messages", args=[plan.public_id]), {"text": "Hallo?"}),
            (reverse("plan-messages-read", args=[plan.public_id]), {}),
        ]
        for url, body in posts:
            assert client.post(url, body).status_code == 404, url
        assert not Message.objects.exists()
        cast.consent_mia.refresh_from_db()
        assert cast.consent_mia.withdrawn_on is None

    def test_a_given_course_letter_is_the_guardians_and_only_while_custody_lasts(
        self, cast, client
    ):
        Participant.objects.filter(pk=cast.participant_mia.pk).update(letter_sent_on=TODAY)
        url = reverse("family-course-letter", args=[cast.participant_mia.public_id])
        client.force_login(cast.gert)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "Brev om forløbet" in _page(client, cast.gert, cast.mia).content.decode()
        _end_custody(cast)
        client.force_login(cast.gert)
        assert client.get(url).status_code == 404


class TestConsentInTheGuardiansHands:
    def test_a_guardian_gives_consent_and_its_wording_is_kept(self, cast, client):
        client.force_login(cast.gert)
        response = client.post(
            reverse("family-consent-give", args=[cast.mia.public_id]),
            {"scope": "discussion", "professions": ["psychologist", "speech_consultant"]},
        )
        assert response.status_code == 302
        consent = DiscussionConsent.objects.get(source=DiscussionConsent.Source.GUARDIAN)
        assert consent.given_by == "Gert Testesen"
        assert consent.given_on == TODAY
        assert consent.recorded_by == cast.gert
        assert consent.wording == (
            "Jeg giver samtykke til, at Mia Testesen drøftes med navn på institutionens "
            "konsultative møder med disse faggrupper: Psykolog, Tale-/hørekonsulent."
        )
        entry = AuditEntry.objects.filter(object_type="discussionconsent").latest("pk")
        assert (entry.action, entry.actor_id) == (AuditAction.CREATE, cast.gert.pk)
        assert entry.changes == {
            "scope": {"before": None, "after": "discussion"},
            "source": {"before": None, "after": "guardian"},
            "professions": {"before": None, "after": ["psychologist", "speech_consultant"]},
        }

    def test_a_consent_without_what_it_covers_is_refused_with_the_typed_values_kept(
        self, cast, client
    ):
        client.force_login(cast.gert)
        response = client.post(
            reverse("family-consent-give", args=[cast.mia.public_id]), {"scope": "discussion"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Angiv hvilke faggrupper barnet må drøftes med." in page
        assert re.search(r'value="discussion"[^>]*checked', page)
        assert not DiscussionConsent.objects.filter(source="guardian").exists()

    def test_withdrawal_takes_mia_off_the_agenda_at_once_and_shows_to_staff(self, cast, client):
        client.force_login(cast.gert)
        response = client.post(reverse("consent-withdraw", args=[cast.consent_mia.public_id]))
        assert response["Location"] == reverse("family-child", args=[cast.mia.public_id])
        cast.consent_mia.refresh_from_db()
        assert (cast.consent_mia.withdrawn_on, cast.consent_mia.withdrawn_by) == (TODAY, cast.gert)
        assert not AgendaItem.objects.filter(pk=cast.item_mia.pk).exists()
        with pytest.raises(meeting_services.ConsentRequired):
            meeting_services.agenda_item_add(
                actor=cast.alice,
                meeting=cast.consultative_boegely,
                kind="child",
                topic="Igen",
                child=cast.mia,
            )
        client.force_login(cast.bob)
        staff_page = client.get(reverse("child-detail", args=[cast.mia.public_id]))
        assert f"trukket tilbage {TODAY:%-d.%-m.%Y}" in staff_page.content.decode()

    def test_withdrawing_a_partner_consent_ends_the_partners_access_at_once(self, cast, client):
        consent = meeting_services.consent_give(
            actor=cast.gert, child=cast.mia, scope="partner", partner=cast.pia
        )
        assert "Pia Testesen" in consent.wording
        client.force_login(cast.pia)
        child_url = reverse("child-detail", args=[cast.mia.public_id])
        assert client.get(child_url).status_code == 200
        client.force_login(cast.gert)
        client.post(reverse("consent-withdraw", args=[consent.public_id]))
        client.force_login(cast.pia)
        assert client.get(child_url).status_code == 404
        assert client.get(reverse("plan-detail", args=[cast.plan_mia.public_id])).status_code == 404
        # A new consent naming her opens the invitation again.
        meeting_services.consent_give(
            actor=cast.gert, child=cast.mia, scope="partner", partner=cast.pia
        )
        assert client.get(child_url).status_code == 200

    def test_a_partner_consent_names_an_invited_partner_only(self, cast):
        with pytest.raises(meeting_services.MeetingRuleBroken):
            meeting_services.consent_give(
                actor=cast.gert, child=cast.mia, scope="partner", partner=cast.bob
            )

    def test_referral_consent_is_one_record_and_a_withdrawal_stops_the_submission(
        self, cast, client
    ):
        paper = {"consent_by": "Emils mor", "consent_date": TODAY, "consent_method": "written"}
        draft = referral_services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=paper,
            expected_version=saved_version(cast.draft_emil),
        )
        consent = DiscussionConsent.objects.get(referral=draft)
        assert (consent.scope, consent.source) == ("referral", "staff")
        assert draft.has_consent
        meeting_services.consent_withdraw(actor=cast.alice, consent=consent)
        draft.refresh_from_db()
        assert not draft.has_consent
        # Saving the draft again with the same form does not bring the consent back.
        referral_services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=draft,
            data=paper,
            expected_version=saved_version(draft),
        )
        assert not draft.has_consent
        with pytest.raises(ConsentMissing):
            referral_services.referral_submit(actor=cast.carl, referral=draft)
        client.force_login(cast.carl)
        page = client.get(reverse("referral-detail", args=[draft.public_id])).content.decode()
        assert "trukket tilbage" in page and "Intet samtykke i kraft" in page

    def test_a_guardian_may_consent_to_the_referral_in_inklusio(self, cast):
        draft = Referral.objects.create(
            municipality=cast.ishoj,
            child=cast.mia,
            offer=Offer.RESOURCE_COURSE,
            category="contact_behaviour",
            description="Har brug for et forløb.",
            referred_by=cast.pia,
        )
        with pytest.raises(ConsentMissing):
            referral_services.referral_submit(actor=cast.pia, referral=draft)
        meeting_services.consent_give(
            actor=cast.gert, child=cast.mia, scope="referral", referral=draft
        )
        referral_services.referral_submit(actor=cast.pia, referral=draft)
        draft.refresh_from_db()
        assert draft.status == Referral.Status.SUBMITTED


class TestMessages:
    def _send(self, client, user, plan, text):
        client.force_login(user)
        return client.post(reverse("plan-messages", args=[plan.public_id]), {"text": text})

    def test_a_guardians_message_reaches_the_staff_on_the_plan_and_counts_as_unread(
        self, cast, client
    ):
        response = self._send(client, cast.gert, cast.plan_mia, "Mia sov dårligt i nat")
        assert response.status_code == 302
        message = Message.objects.get()
        assert (message.author, message.plan) == (cast.gert, cast.plan_mia)
        for reader in (cast.bob, cast.sara):
            client.force_login(reader)
            thread = client.get(reverse("plan-messages", args=[cast.plan_mia.public_id]))
            assert "Mia sov dårligt i nat" in thread.content.decode()
        assert selectors.unread_count(cast.bob) == 1
        assert selectors.unread_count(cast.gert) == 0  # his own message
        client.force_login(cast.bob)
        start = client.get(reverse("start")).content.decode()
        assert 'data-testid="unread-messages">1<' in start
        client.post(reverse("plan-messages-read", args=[cast.plan_mia.public_id]))
        assert selectors.unread_count(cast.bob) == 0

    def test_others_cannot_read_or_write(self, cast, client):
        services.message_send(actor=cast.bob, plan=cast.plan_mia, text="Til Gert")
        for outsider in (cast.pia, cast.carl, cast.cora, cast.alice, cast.dora):
            client.force_login(outsider)
            url = reverse("plan-messages", args=[cast.plan_mia.public_id])
            assert client.get(url).status_code == 404, outsider
            assert client.post(url, {"text": "Hej"}).status_code == 404, outsider
            assert selectors.unread_count(outsider) == 0
        assert Message.objects.count() == 1

    def test_a_partner_who_took_part_in_the_plans_meeting_sees_the_plan_not_its_messages(
        self, cast, client
    ):
        """Messages are between the family and the staff: a partner at the meeting is not in."""
        cast.plan_meeting.participants.add(cast.pia)
        services.message_send(actor=cast.gert, plan=cast.plan_mia, text="Mia sov dårligt")
        client.force_login(cast.pia)
        assert client.get(cast.plan_mia.get_absolute_url()).status_code == 200
        url = reverse("plan-messages", args=[cast.plan_mia.public_id])
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Hej"}).status_code == 404
        assert selectors.unread_count(cast.pia) == 0
        assert Message.objects.count() == 1

    def test_the_email_says_only_that_a_message_is_waiting(self, cast, client):
        cast.bob.email, cast.sara.email = "bob@example.org", "sara@example.org"
        cast.bob.save()
        cast.sara.save()
        message = services.message_send(actor=cast.gert, plan=cast.plan_mia, text="Mia er syg")
        assert message_notify.call(message.pk) == 2
        assert sorted(m.to[0] for m in mail.outbox) == ["bob@example.org", "sara@example.org"]
        for sent in mail.outbox:
            assert "ny besked" in sent.subject.lower()
            for secret in ("Mia", "syg", "handleplan", cast.plan_mia.title):
                assert secret not in sent.subject + sent.body

    def test_bad_input_gets_a_danish_error_and_keeps_the_text(self, cast, client):
        response = self._send(client, cast.gert, cast.plan_mia, "x" * 2001)
        assert response.status_code == 200
        assert "2000" in response.content.decode()  # the limit, in the form's Danish error
        response = self._send(client, cast.gert, cast.plan_mia, "   ")
        assert "Skriv beskeden, før du sender den." in response.content.decode()
        assert not Message.objects.exists()

    def test_a_closed_plan_keeps_its_messages_and_takes_no_new_ones(self, cast, client):
        services.message_send(actor=cast.gert, plan=cast.plan_mia, text="Tak for samarbejdet")
        ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(status="closed", closed_on=TODAY)
        response = self._send(client, cast.gert, cast.plan_mia, "En til")
        assert response.status_code == 404
        # Closed while he was writing: the service, not only the page, says why.
        with pytest.raises(services.MessageRefused) as refused:
            services.message_send(actor=cast.gert, plan=cast.plan_mia, text="En til")
        assert str(refused.value) == (
            "Handleplanen er afsluttet; der kan ikke skrives flere beskeder."
        )
        client.force_login(cast.gert)
        thread = client.get(reverse("plan-messages", args=[cast.plan_mia.public_id]))
        assert "Tak for samarbejdet" in thread.content.decode()
        assert Message.objects.count() == 1

    def test_messages_are_in_the_childs_export_and_not_in_another_childs(self, cast):
        services.message_send(actor=cast.gert, plan=cast.plan_mia, text="Mia glæder sig")
        mia = json.dumps(export.child_export_data(cast.mia), ensure_ascii=False)
        emil = json.dumps(export.child_export_data(cast.emil), ensure_ascii=False)
        assert "Mia glæder sig" in mia
        assert "Mia glæder sig" not in emil

"""A relation grants access only while it is current: invitations, guardianships, attachments,
plan participation and ownership all end, and the access ends with them (issue 13, item 1)."""

import datetime

import pytest
from django.urls import reverse

from inklusio.children.models import Guardianship, PartnerInvitation
from inklusio.people.models import PedagogueAttachment
from inklusio.plans.models import Adjustment, PlanMeeting
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

YESTERDAY = TODAY - datetime.timedelta(days=1)
ADJUSTMENT = {
    "reason": "Ny rytme i garderoben",
    "agreement_text": "Billeder ved knagerne",
    "agreement_owner": "Stuen",
}


def mia_case_urls(cast) -> dict[str, str]:
    return {
        "child": reverse("child-detail", args=[cast.mia.public_id]),
        "decision": reverse("decision-detail", args=[cast.decision_mia.public_id]),
        "letter": reverse("letter-download", args=[cast.letter_mia.public_id]),
        "plan": reverse("plan-detail", args=[cast.plan_mia.public_id]),
        "plan-pdf": reverse("plan-pdf", args=[cast.plan_mia.public_id]),
        "plan-meeting": reverse("plan-meeting", args=[cast.plan_meeting.public_id]),
        "course": reverse("course-detail", args=[cast.course_boegely.public_id]),
        "api-child": reverse("api:get_child", kwargs={"child_id": cast.mia.public_id}),
    }


def statuses(client, urls) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in urls.items()}


def decisions_in_api(client) -> list[str]:
    return [row["id"] for row in client.get(reverse("api:list_decisions")).json()]


class TestExpiredPartnerInvitation:
    def test_pia_reads_mias_decision_and_letter_while_invited(self, cast, client_for):
        client = client_for(cast.pia)
        urls = mia_case_urls(cast)
        assert client.get(urls["decision"]).status_code == 200
        assert client.get(urls["letter"]).status_code == 200
        assert str(cast.decision_mia.public_id) in decisions_in_api(client)

    def test_an_expired_invitation_ends_the_decision_the_letter_and_the_api(self, cast, client_for):
        PartnerInvitation.objects.filter(partner=cast.pia).update(valid_until=YESTERDAY)
        client = client_for(cast.pia)
        urls = mia_case_urls(cast)
        assert client.get(urls["child"]).status_code == 404
        assert client.get(urls["decision"]).status_code == 404
        assert client.get(urls["letter"]).status_code == 404
        assert decisions_in_api(client) == []

    def test_an_invitation_not_yet_begun_gives_nothing(self, cast, client_for):
        PartnerInvitation.objects.filter(partner=cast.pia).update(
            valid_from=TODAY + datetime.timedelta(days=7)
        )
        client = client_for(cast.pia)
        assert set(statuses(client, mia_case_urls(cast)).values()) == {404}
        response = client.post(
            reverse("referral-addendum", args=[cast.referral_mia.public_id]), {"text": "Nyt"}
        )
        assert response.status_code == 404
        assert not cast.referral_mia.addenda.exists()

    def test_the_partner_whose_invitation_expired_yesterday_reaches_nothing(
        self, cast, ended, client_for
    ):
        assert set(statuses(client_for(ended.ida), mia_case_urls(cast)).values()) == {404}


class TestEndedGuardianship:
    def test_a_guardianship_that_ended_ends_the_parents_access(self, cast, client_for):
        client = client_for(cast.gert)
        urls = mia_case_urls(cast)
        assert client.get(urls["plan"]).status_code == 200
        Guardianship.objects.filter(guardian__user=cast.gert).update(ended_on=TODAY)
        seen = statuses(client, urls)
        assert seen == dict.fromkeys(urls, 404)
        assert decisions_in_api(client) == []

    def test_the_former_guardian_cannot_propose_a_plan_change(self, cast, client_for):
        Guardianship.objects.filter(guardian__user=cast.gert).update(ended_on=YESTERDAY)
        response = client_for(cast.gert).post(
            reverse("plan-adjust", args=[cast.plan_mia.public_id]), ADJUSTMENT
        )
        assert response.status_code == 404
        assert not Adjustment.objects.filter(reason=ADJUSTMENT["reason"]).exists()

    def test_a_guardianship_ending_later_still_counts(self, cast, client_for):
        Guardianship.objects.filter(guardian__user=cast.gert).update(
            ended_on=TODAY + datetime.timedelta(days=1)
        )
        assert client_for(cast.gert).get(mia_case_urls(cast)["child"]).status_code == 200

    def test_olga_whose_guardianship_ended_last_month_reaches_nothing(
        self, cast, ended, client_for
    ):
        assert set(statuses(client_for(ended.olga), mia_case_urls(cast)).values()) == {404}


class TestMovedStaff:
    def test_staff_who_moved_lose_the_plan_they_met_about(self, cast, ended, client_for):
        """Mads took part in Mia's plan meeting at Bøgely and now works at Elverhøj."""
        assert cast.plan_meeting.participants.filter(pk=ended.mads.pk).exists()
        client = client_for(ended.mads)
        assert set(statuses(client, mia_case_urls(cast)).values()) == {404}
        response = client.post(reverse("plan-adjust", args=[cast.plan_mia.public_id]), ADJUSTMENT)
        assert response.status_code == 404
        assert not Adjustment.objects.filter(reason=ADJUSTMENT["reason"]).exists()

    def test_sara_moving_to_elverhoej_loses_mias_plan_and_course(self, cast, client_for):
        cast.sara.institution = cast.elverhoej
        cast.sara.save()
        assert set(statuses(client_for(cast.sara), mia_case_urls(cast)).values()) == {404}


class TestEndedAttachment:
    def test_the_owner_and_course_pedagogue_loses_it_all_when_the_attachment_ends(
        self, cast, client_for
    ):
        client = client_for(cast.bob)
        urls = mia_case_urls(cast)
        assert set(statuses(client, urls).values()) == {200}
        PedagogueAttachment.objects.filter(pedagogue=cast.bob).update(ended_on=TODAY)
        assert statuses(client, urls) == dict.fromkeys(urls, 404)

    def test_posts_are_refused_once_the_attachment_has_ended(self, cast, client_for):
        PedagogueAttachment.objects.filter(pedagogue=cast.bob).update(ended_on=YESTERDAY)
        client = client_for(cast.bob)
        response = client.post(reverse("plan-adjust", args=[cast.plan_mia.public_id]), ADJUSTMENT)
        assert response.status_code == 404
        response = client.post(
            reverse("session-plan", args=[cast.course_boegely.public_id]),
            {"date": (TODAY + datetime.timedelta(days=3)).isoformat()},
        )
        assert response.status_code == 404
        assert not Adjustment.objects.filter(reason=ADJUSTMENT["reason"]).exists()
        assert cast.course_boegely.sessions.count() == 1

    def test_the_start_page_and_the_calendar_feed_drop_the_course_with_the_attachment(
        self, cast, client_for, client
    ):
        """Bob runs Bøgely's course: its title on his start page and its sessions in his
        calendar feed go when his attachment to Bøgely ends, like the course page."""
        from inklusio.planning.services import calendar_feed_create

        feed = reverse("planning-feed", args=[calendar_feed_create(actor=cast.bob).token])
        session = f"session-{cast.session_boegely.public_id}"
        start = client_for(cast.bob).get(reverse("start")).content.decode()
        assert cast.course_boegely.title in start
        assert session in client.get(feed).content.decode()

        PedagogueAttachment.objects.filter(pedagogue=cast.bob).update(ended_on=YESTERDAY)
        start = client_for(cast.bob).get(reverse("start")).content.decode()
        assert cast.course_boegely.title not in start
        assert session not in client.get(feed).content.decode()

    def test_petra_whose_attachment_ended_yesterday_reaches_nothing(self, cast, ended, client_for):
        assert cast.plan_meeting.participants.filter(pk=ended.petra.pk).exists()
        assert set(statuses(client_for(ended.petra), mia_case_urls(cast)).values()) == {404}


class TestPlanMeetingGracePeriod:
    def test_a_guardian_proposes_changes_only_within_the_grace_period(
        self, cast, client_for, settings
    ):
        settings.PLAN_MEETING_ACCESS_DAYS = 30
        PlanMeeting.objects.filter(pk=cast.plan_meeting.pk).update(
            date=TODAY - datetime.timedelta(days=31)
        )
        client = client_for(cast.gert)
        response = client.post(reverse("plan-adjust", args=[cast.plan_mia.public_id]), ADJUSTMENT)
        assert response.status_code == 404
        PlanMeeting.objects.filter(pk=cast.plan_meeting.pk).update(
            date=TODAY - datetime.timedelta(days=30)
        )
        response = client.post(reverse("plan-adjust", args=[cast.plan_mia.public_id]), ADJUSTMENT)
        assert response.status_code == 302
        assert Adjustment.objects.filter(reason=ADJUSTMENT["reason"]).exists()


class TestMovedLeader:
    def test_a_leader_leaves_the_invitations_made_at_the_old_institution_behind(
        self, cast, client_for
    ):
        """Carl invited Pia to Emil's case at Elverhøj and now leads Bøgely: the invitation is
        Elverhøj's leader's and the administration's, not his — not listed, not his to end."""
        from inklusio import access

        invitation = PartnerInvitation.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            partner=cast.pia,
            invited_by=cast.carl,
            reason="Sprogvurdering",
        )
        invitations = reverse("partner-invitations")
        assert "Sprogvurdering" in client_for(cast.carl).get(invitations).content.decode()
        assert access.can_end_invitation(cast.carl, invitation)

        cast.carl.institution = cast.boegely
        cast.carl.save()
        assert "Sprogvurdering" not in client_for(cast.carl).get(invitations).content.decode()
        assert not access.can_end_invitation(cast.carl, invitation)
        response = client_for(cast.carl).post(
            reverse("partner-invitation-end", args=[invitation.public_id])
        )
        assert response.status_code == 404
        invitation.refresh_from_db()
        assert invitation.ended_on is None


class TestChildWhoLeftLongAgo:
    """A child who left daycare more than LEFT_CHILD_ACCESS_DAYS ago is the administration's
    alone: the leader of the child's institution loses the case's referrals, decisions and
    handovers with the child."""

    def test_the_leader_loses_the_referrals_decisions_and_handovers(
        self, cast, client_for, settings
    ):
        from inklusio import access
        from inklusio.children.models import Child
        from inklusio.transitions.models import Handover

        settings.LEFT_CHILD_ACCESS_DAYS = 90
        # Mia's case at Carl's institution, and a handover to school Carl has not shared.
        Child.objects.filter(pk=cast.mia.pk).update(institution=cast.elverhoej)
        handover = Handover.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            kind=Handover.Kind.SCHOOL,
            school_name="Strandskolen",
            receiver=cast.pia,
            what_works="Faste pladser",
            next_steps="Besøg i skolen",
            handover_date=TODAY + datetime.timedelta(days=30),
            access_until=TODAY + datetime.timedelta(days=90),
            created_by=cast.carl,
        )
        client = client_for(cast.carl)
        pages = {
            "referral": cast.waiting_emil.get_absolute_url(),
            "decision": cast.decision_mia.get_absolute_url(),
            "handover": handover.get_absolute_url(),
        }

        def referrals_in_api() -> int:
            return len(client.get(reverse("api_v1:list_referrals")).json()["items"])

        assert statuses(client, pages) == dict.fromkeys(pages, 200)
        assert referrals_in_api() == 3  # Emil's draft and waiting referral, Mia's referral

        for child in (cast.mia, cast.emil):
            Child.objects.filter(pk=child.pk).update(left_on=TODAY - datetime.timedelta(days=89))
        assert statuses(client, pages) == dict.fromkeys(pages, 200)  # within the 90 days

        for child in (cast.mia, cast.emil):
            Child.objects.filter(pk=child.pk).update(left_on=TODAY - datetime.timedelta(days=91))
        assert statuses(client, pages) == dict.fromkeys(pages, 404)
        assert referrals_in_api() == 0
        assert not access.decisions_visible_to(cast.carl).exists()
        assert not access.handovers_visible_to(cast.carl).filter(child=cast.emil).exists()
        # The administration keeps the case.
        assert set(statuses(client_for(cast.alice), pages).values()) == {200}

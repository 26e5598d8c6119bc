"""Confirm pages and undo in visitation (issue 16, point 4): submitting a referral and sending
an appeal on to Ankestyrelsen are confirmed first; a referral is withdrawn (kept, logged) while
the committee has not decided it."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.people.models import Role
from inklusio.referrals.models import Appeal, Referral, WaitingListEntry
from inklusio.referrals.services import referral_withdraw
from inklusio.referrals.services.referrals import NotAllowedNow
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_user

pytestmark = pytest.mark.django_db


def _with_consent(referral):
    """Emil's mother's written consent to the referral, recorded by staff (the one record of a
    referral's consent is a `meetings.DiscussionConsent` of scope referral)."""
    from inklusio.meetings import services as meeting_services
    from inklusio.meetings.models import DiscussionConsent

    meeting_services.consent_record(
        actor=referral.referred_by,
        child=referral.child,
        given_by="Emils mor",
        given_on=TODAY,
        scope=DiscussionConsent.Scope.REFERRAL,
        referral=referral,
    )


class TestSubmitConfirmPage:
    def test_get_says_what_happens_and_what_cannot_be_undone(self, cast, client_for):
        _with_consent(cast.draft_emil)
        url = reverse("referral-submit", args=[cast.draft_emil.public_id])
        page = client_for(cast.carl).get(url).content.decode()
        assert "sendes til visitationsudvalget" in page
        assert "Kan ikke fortrydes" in page
        assert "En indsendt indstilling kan ikke blive kladde igen" in page
        assert "Bekræft: Indsend til visitationsudvalget" in page and "Fortryd" in page
        cast.draft_emil.refresh_from_db()
        assert cast.draft_emil.status == Referral.Status.DRAFT

    def test_the_detail_page_links_to_the_confirm_page_instead_of_posting(self, cast, client_for):
        page = client_for(cast.carl).get(cast.draft_emil.get_absolute_url()).content.decode()
        submit = reverse("referral-submit", args=[cast.draft_emil.public_id])
        assert f'href="{submit}"' in page
        assert f'action="{submit}"' not in page

    def test_a_post_without_confirm_changes_nothing(self, cast, client_for):
        _with_consent(cast.draft_emil)
        url = reverse("referral-submit", args=[cast.draft_emil.public_id])
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.carl).post(url, {})
        assert response.status_code == 200
        assert "Intet er sket endnu" in response.content.decode()
        assert written == []
        cast.draft_emil.refresh_from_db()
        assert cast.draft_emil.status == Referral.Status.DRAFT

    def test_a_post_with_confirm_submits_and_logs_once(self, cast, client_for):
        _with_consent(cast.draft_emil)
        url = reverse("referral-submit", args=[cast.draft_emil.public_id])
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.carl).post(url, {"confirm": "yes"})
        assert response.status_code == 302
        cast.draft_emil.refresh_from_db()
        assert cast.draft_emil.status == Referral.Status.SUBMITTED
        [entry] = written
        assert entry.changes["status"] == {"before": "draft", "after": "submitted"}

    def test_without_consent_the_page_says_so_before_anyone_confirms(self, cast, client_for):
        url = reverse("referral-submit", args=[cast.draft_emil.public_id])
        page = client_for(cast.carl).get(url).content.decode()
        assert "kan ikke indsendes uden forældrenes samtykke" in page


class TestWithdraw:
    def test_the_confirm_page_says_the_record_is_kept(self, cast, client_for):
        url = reverse("referral-withdraw", args=[cast.waiting_emil.public_id])
        page = client_for(cast.carl).get(url).content.decode()
        assert "Trukket tilbage" in page
        assert "Indstillingen slettes ikke" in page
        assert "tages det af listen" in page
        assert "kan ikke genoptages" in page

    def test_a_post_without_confirm_withdraws_nothing_and_keeps_the_reason(self, cast, client_for):
        url = reverse("referral-withdraw", args=[cast.waiting_emil.public_id])
        response = client_for(cast.carl).post(url, {"reason": "Familien flytter"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Intet er sket endnu" in page and "Familien flytter" in page
        cast.waiting_emil.refresh_from_db()
        assert cast.waiting_emil.status == Referral.Status.SUBMITTED

    def test_a_draft_is_withdrawn_kept_and_logged(self, cast, client_for):
        url = reverse("referral-withdraw", args=[cast.draft_emil.public_id])
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.carl).post(url, {"confirm": "yes", "reason": ""})
        assert response.status_code == 302
        referral = Referral.objects.get(pk=cast.draft_emil.pk)  # kept, not deleted
        assert referral.status == Referral.Status.WITHDRAWN
        assert referral.withdrawn_by == cast.carl
        assert referral.withdrawn_at is not None
        [entry] = written
        assert entry.action == AuditAction.CHANGE
        assert entry.changes["status"] == {"before": "draft", "after": "withdrawn"}
        assert entry.child_id == cast.emil.public_id
        page = client_for(cast.carl).get(referral.get_absolute_url()).content.decode()
        assert 'data-testid="withdrawn"' in page
        assert "Ret kladde" not in page  # a withdrawn draft is no longer edited or submitted

    def test_a_submitted_referral_needs_a_reason_and_leaves_the_waiting_list(
        self, cast, client_for
    ):
        url = reverse("referral-withdraw", args=[cast.waiting_emil.public_id])
        client = client_for(cast.carl)
        response = client.post(url, {"confirm": "yes", "reason": "  "})
        assert response.context["form"].errors["reason"] == [
            "Skriv, hvorfor indstillingen trækkes tilbage; udvalget får begrundelsen."
        ]
        assert Referral.objects.get(pk=cast.waiting_emil.pk).status == Referral.Status.SUBMITTED

        with new_audit_rows(writes_only=True) as written:
            client.post(url, {"confirm": "yes", "reason": "Familien er flyttet til Greve"})
        referral = Referral.objects.get(pk=cast.waiting_emil.pk)
        assert referral.status == Referral.Status.WITHDRAWN
        assert referral.withdrawal_reason == "Familien er flyttet til Greve"
        entry = WaitingListEntry.objects.get(pk=cast.queued_emil.pk)
        assert entry.status == WaitingListEntry.Status.REMOVED
        assert entry.removed_reason == "Indstillingen er trukket tilbage."
        [row] = written  # one row for the withdrawal and the line it left
        assert row.changes["waiting_list"]["before"] == [str(cast.queued_emil.public_id)]
        assert "Greve" not in str(row.changes)  # free text stays out of the log
        page = client.get(referral.get_absolute_url()).content.decode()
        assert "Familien er flyttet til Greve" in page

    def test_a_decided_referral_cannot_be_withdrawn(self, cast, client_for):
        url = reverse("referral-withdraw", args=[cast.referral_mia.public_id])
        assert client_for(cast.alice).get(url).status_code == 404
        assert client_for(cast.alice).post(url, {"confirm": "yes"}).status_code == 404
        with pytest.raises(NotAllowedNow, match="kan ikke trækkes tilbage"):
            referral_withdraw(actor=cast.alice, referral=cast.referral_mia, reason="Fejl")
        assert Referral.objects.get(pk=cast.referral_mia.pk).status == Referral.Status.DECIDED

    def test_a_withdrawn_referral_is_not_offered_to_the_committee(self, cast, client_for):
        referral_withdraw(actor=cast.carl, referral=cast.waiting_emil, reason="Flyttet")
        page = client_for(cast.alice).get(cast.meeting.get_absolute_url()).content.decode()
        assert "Har brug for en lille gruppe." not in page
        url = reverse("referral-withdraw", args=[cast.waiting_emil.public_id])
        assert client_for(cast.carl).get(url).status_code == 404  # once only

    def test_ended_and_moved_users_cannot_withdraw(self, cast, client_for):
        # Carl referred Emil; moved to another institution, the referral is no longer his to see.
        url = reverse("referral-withdraw", args=[cast.waiting_emil.public_id])
        cast.carl.institution = cast.boegely
        cast.carl.save()
        assert client_for(cast.carl).get(url).status_code == 404
        assert client_for(cast.carl).post(url, {"confirm": "yes", "reason": "x"}).status_code == 404
        cast.carl.is_active = False
        cast.carl.institution = cast.elverhoej
        cast.carl.save()
        assert client_for(cast.carl).post(url, {"confirm": "yes", "reason": "x"}).status_code in {
            302,
            404,
        }
        assert Referral.objects.get(pk=cast.waiting_emil.pk).status == Referral.Status.SUBMITTED

    def test_another_leader_of_the_institution_may_not_withdraw_carls_referral(
        self, cast, client_for
    ):
        other = make_user("lone", cast.ishoj, Role.INSTITUTION_LEADER, institution=cast.elverhoej)
        url = reverse("referral-withdraw", args=[cast.waiting_emil.public_id])
        assert client_for(other).get(url).status_code == 404


class TestAppealConfirm:
    URL = "appeal-uphold"

    def test_get_says_the_case_goes_to_ankestyrelsen_and_cannot_be_taken_back(
        self, cast, client_for
    ):
        page = client_for(cast.alice).get(reverse(self.URL, args=[cast.appeal_mia.public_id]))
        text = page.content.decode()
        assert "Klagen sendes til Ankestyrelsen med sagens akter" in text
        assert "Kan ikke fortrydes" in text
        assert "kan kommunen ikke længere ændre afgørelsen" in text
        assert "Bekræft: Send til Ankestyrelsen" in text

    def test_without_confirm_nothing_is_sent_and_the_reasons_are_kept(self, cast, client_for):
        url = reverse(self.URL, args=[cast.appeal_mia.public_id])
        response = client_for(cast.alice).post(
            url, {"on": TODAY.isoformat(), "reasons": "Behovet er dækket"}
        )
        assert response.status_code == 200
        assert "Intet er sket endnu" in response.content.decode()
        assert "Behovet er dækket" in response.content.decode()
        appeal = Appeal.objects.get(pk=cast.appeal_mia.pk)
        assert appeal.status == Appeal.Status.RECEIVED and appeal.forwarded_on is None

    def test_with_confirm_it_is_forwarded(self, cast, client_for):
        url = reverse(self.URL, args=[cast.appeal_mia.public_id])
        day = TODAY - datetime.timedelta(days=1)
        response = client_for(cast.alice).post(
            url, {"on": day.isoformat(), "reasons": "Behovet er dækket", "confirm": "yes"}
        )
        assert response.status_code == 302
        appeal = Appeal.objects.get(pk=cast.appeal_mia.pk)
        assert appeal.status == Appeal.Status.FORWARDED and appeal.forwarded_on == day


class TestRetentionOfWithdrawn:
    def test_a_withdrawn_referral_is_due_for_deletion_like_a_draft(self, cast):
        """A withdrawn referral came to nothing: it is due its period after the withdrawal."""
        from inklusio.retention import rules

        months = 12
        later = TODAY + datetime.timedelta(days=400)
        due = {item.pk for item in rules._due_referrals(cast.ishoj.pk, later, months, [])}
        assert cast.waiting_emil.pk not in due  # submitted: the committee still has it
        referral_withdraw(actor=cast.carl, referral=cast.waiting_emil, reason="Flyttet")
        due = {item.pk for item in rules._due_referrals(cast.ishoj.pk, later, months, [])}
        assert cast.waiting_emil.pk in due
        early = TODAY + datetime.timedelta(days=300)
        due = {item.pk for item in rules._due_referrals(cast.ishoj.pk, early, months, [])}
        assert cast.waiting_emil.pk not in due

"""Partners by invitation (issue 18.3): the administration's directory, invitations to one
child, plan or meeting for a limited time and purpose, and a partner who sees only that.

Quinn is a new psychologist in the directory (PPR Ishøj); Pia is the cast's partner invited to
Mia's case. Mia is at Bøgely (no leader in the cast), Emil at Elverhøj (Carl leads it), Xenia
in Dragør (Dora)."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from inklusio import access
from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.children.models import PartnerInvitation
from inklusio.core.errors import DomainError, EditConflict
from inklusio.meetings.models import DiscussionConsent
from inklusio.partners import services
from inklusio.partners.models import PartnerOrganisation, PartnerProfile
from inklusio.people.models import Role
from inklusio.plans.models import ActionPlan
from tests.conftest import TODAY, make_user
from tests.login.test_two_factor import enrol
from tests.partners.directory import organisation, profile

YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)
IN_A_MONTH = TODAY + datetime.timedelta(days=30)
Scope = PartnerInvitation.Scope


@pytest.fixture
def quinn(cast):
    user = make_user("quinn", cast.ishoj, Role.PARTNER, profession="psychologist")
    user.email = "quinn@ppr.invalid"
    user.save()
    profile(cast, user)
    return user


def invite(cast, quinn, target, **extra):
    return services.invitation_create(
        actor=cast.alice,
        target=target,
        partner=quinn,
        reason="Udredning af sprog",
        valid_until=extra.pop("valid_until", IN_A_MONTH),
        **extra,
    )


def status(client, user, name, target):
    client.force_login(user)
    return client.get(reverse(name, args=[target.public_id])).status_code


class TestPlanScope:
    def test_the_partner_sees_the_plan_and_nothing_else_of_the_child(self, cast, client, quinn):
        invite(cast, quinn, cast.plan_mia)
        other_plan = ActionPlan.objects.create(
            municipality=cast.ishoj,
            child=cast.mia,
            institution=cast.boegely,
            owner=cast.bob,
            title="Mias anden plan",
            problem="Søvn",
            strategies="Ro",
            duration="3 måneder",
        )
        assert status(client, quinn, "plan-detail", cast.plan_mia) == 200
        assert status(client, quinn, "plan-detail", other_plan) == 404
        assert status(client, quinn, "child-detail", cast.mia) == 404
        assert status(client, quinn, "referral-detail", cast.referral_mia) == 404
        assert status(client, quinn, "decision-detail", cast.decision_mia) == 404
        assert status(client, quinn, "letter-download", cast.letter_mia) == 404
        assert status(client, quinn, "consultative-detail", cast.consultative_boegely) == 404
        listed = client.get(reverse("plan-list")).content.decode()
        assert cast.plan_mia.title in listed and "Mias anden plan" not in listed

    def test_the_plan_read_is_logged_with_the_child(self, cast, client, quinn):
        invite(cast, quinn, cast.plan_mia)
        status(client, quinn, "plan-detail", cast.plan_mia)
        entry = AuditEntry.objects.filter(actor=quinn, action=AuditAction.READ).latest("id")
        assert entry.object_type == "actionplan"
        assert entry.child_id == cast.mia.public_id


class TestMeetingScopes:
    def test_a_consultative_meeting_invitation_is_that_meeting_only(self, cast, client, quinn):
        invite(cast, quinn, cast.consultative_boegely)
        assert status(client, quinn, "consultative-detail", cast.consultative_boegely) == 200
        assert status(client, quinn, "plan-detail", cast.plan_mia) == 404
        assert status(client, quinn, "child-detail", cast.mia) == 404

    def test_a_plan_meeting_invitation_is_that_meeting_only(self, cast, client, quinn):
        invite(cast, quinn, cast.plan_meeting)
        assert status(client, quinn, "plan-meeting", cast.plan_meeting) == 200
        read = AuditEntry.objects.filter(actor=quinn, action=AuditAction.READ).latest("id")
        assert (read.object_type, read.object_id) == (
            "planmeeting",
            str(cast.plan_meeting.public_id),
        )
        assert status(client, quinn, "plan-detail", cast.plan_mia) == 404
        assert status(client, quinn, "child-detail", cast.mia) == 404

    def test_the_meeting_page_names_the_plan_without_a_link_it_may_not_follow(
        self, cast, client, quinn
    ):
        invite(cast, quinn, cast.plan_meeting)
        client.force_login(quinn)
        page = client.get(reverse("plan-meeting", args=[cast.plan_meeting.public_id]))
        assert cast.plan_mia.title in page.content.decode()
        assert cast.plan_mia.get_absolute_url() not in page.content.decode()
        client.force_login(cast.alice)
        page = client.get(reverse("plan-meeting", args=[cast.plan_meeting.public_id]))
        assert cast.plan_mia.get_absolute_url() in page.content.decode()


class TestMeetingParticipants:
    """Taking part in a plan meeting opens the plan for a while, so the people a manager may
    add are those whose relation to the plan is in force."""

    def offered(self, cast):
        from inklusio.plans.selectors import people_for_meetings

        return set(people_for_meetings(cast.plan_mia))

    def test_a_partner_invited_to_the_plan_or_the_case_is_offered(self, cast, quinn):
        assert quinn not in self.offered(cast)
        invite(cast, quinn, cast.plan_mia)
        assert quinn in self.offered(cast)

    def test_an_expired_or_ended_invitation_is_not(self, cast, quinn):
        invitation = invite(cast, quinn, cast.mia)
        assert quinn in self.offered(cast)
        PartnerInvitation.objects.filter(pk=invitation.pk).update(valid_until=YESTERDAY)
        assert quinn not in self.offered(cast)
        PartnerInvitation.objects.filter(pk=invitation.pk).update(
            valid_until=IN_A_MONTH, ended_on=TODAY
        )
        assert quinn not in self.offered(cast)

    def test_an_invitation_to_another_thing_is_not(self, cast, quinn):
        invite(cast, quinn, cast.plan_meeting)
        invite(cast, quinn, cast.consultative_boegely)
        assert quinn not in self.offered(cast)

    def test_a_guardian_whose_custody_ended_is_not(self, cast):
        guardianship = cast.mia.guardianships.filter(guardian__user__isnull=False).first()
        assert guardianship.guardian.user in self.offered(cast)
        guardianship.ended_on = TODAY
        guardianship.save()
        assert guardianship.guardian.user not in self.offered(cast)


class TestChildScope:
    def test_the_case_as_before(self, cast, client, quinn):
        invite(cast, quinn, cast.mia)
        assert status(client, quinn, "child-detail", cast.mia) == 200
        assert status(client, quinn, "plan-detail", cast.plan_mia) == 200
        assert status(client, quinn, "child-detail", cast.emil) == 404
        assert status(client, quinn, "child-detail", cast.xenia) == 404


class TestTheInvitationEnds:
    """Every way an invitation stops: Quinn is refused the plan and the child alike."""

    @pytest.fixture
    def invited(self, cast, quinn):
        return invite(cast, quinn, cast.plan_mia), invite(cast, quinn, cast.mia)

    def refused(self, cast, client, quinn):
        return (
            status(client, quinn, "plan-detail", cast.plan_mia) == 404
            and status(client, quinn, "child-detail", cast.mia) == 404
        )

    def test_expired_yesterday(self, cast, client, quinn, invited):
        PartnerInvitation.objects.filter(partner=quinn).update(valid_until=YESTERDAY)
        assert self.refused(cast, client, quinn)

    def test_last_day_is_today(self, cast, client, quinn, invited):
        PartnerInvitation.objects.filter(partner=quinn).update(valid_until=TODAY)
        assert status(client, quinn, "plan-detail", cast.plan_mia) == 200

    def test_not_yet_started(self, cast, client, quinn, invited):
        PartnerInvitation.objects.filter(partner=quinn).update(valid_from=TOMORROW)
        assert self.refused(cast, client, quinn)

    def test_ended_early(self, cast, client, quinn, invited):
        for invitation in invited:
            services.invitation_end(actor=cast.alice, invitation=invitation, reason="Afklaret")
        assert self.refused(cast, client, quinn)
        ended = PartnerInvitation.objects.get(pk=invited[0].pk)
        assert (ended.ended_on, ended.ended_by, ended.end_reason) == (TODAY, cast.alice, "Afklaret")

    def test_deactivated_partner(self, cast, client, quinn, invited):
        services.partner_deactivate(actor=cast.alice, profile=quinn.partner_profile)
        quinn.refresh_from_db()
        assert not quinn.is_active
        # Signed out at once (an inactive account has no session), and no rule reaches anything.
        assert status(client, quinn, "plan-detail", cast.plan_mia) == 302
        assert not access.plans_visible_to(quinn).exists()
        assert not access.children_visible_to(quinn).exists()
        assert PartnerInvitation.objects.filter(partner=quinn, ended_on=TODAY).count() == 2

    def test_deactivating_the_partner_is_logged_with_the_invitations_it_ended(
        self, cast, quinn, invited
    ):
        services.partner_deactivate(actor=cast.alice, profile=quinn.partner_profile)
        entry = AuditEntry.objects.get(
            actor=cast.alice, action=AuditAction.CHANGE, object_type="partnerprofile"
        )
        assert entry.changes == {
            "deactivated_on": {"before": None, "after": TODAY.isoformat()},
            "is_active": {"before": True, "after": False},
            "invitations_ended": {"before": 0, "after": 2},
            "sessions_ended": {"before": 0, "after": 0},
            "version": {"before": 1, "after": 2},
        }

    def test_a_signed_in_partner_is_signed_out_on_the_next_request(
        self, cast, client, quinn, invited
    ):
        """Signed in with the municipality's login (whose backend, mozilla-django-oidc's, does
        not check is_active when it reads the session's user) and with a password, in two
        browsers: after the administration deactivates the partner, the next request of each is
        sent to the login page, and the log says how many sessions ended."""
        plan = reverse("plan-detail", args=[cast.plan_mia.public_id])
        browsers = [Client(), Client()]
        browsers[0].force_login(quinn, backend="inklusio.people.oidc.OIDCBackend")
        browsers[1].force_login(quinn, backend="inklusio.people.backends.InklusioBackend")
        assert [browser.get(plan).status_code for browser in browsers] == [200, 200]

        client.force_login(cast.alice)
        response = client.post(
            reverse("partner-person-deactivate", args=[quinn.partner_profile.public_id]),
            {"confirm": "yes"},
        )
        assert response.status_code == 302

        for browser in browsers:
            answer = browser.get(plan)
            assert answer.status_code == 302
            assert answer["Location"].startswith(reverse("login"))
            assert browser.get(reverse("start"))["Location"].startswith(reverse("login"))
        entry = AuditEntry.objects.get(
            actor=cast.alice, action=AuditAction.CHANGE, object_type="partnerprofile"
        )
        assert entry.changes["sessions_ended"] == {"before": 0, "after": 2}

    def test_consent_withdrawn(self, cast, client, quinn, invited):
        DiscussionConsent.objects.create(
            municipality=cast.ishoj,
            child=cast.mia,
            scope=DiscussionConsent.Scope.PARTNER,
            partner=quinn,
            given_by="Gert Testesen",
            given_on=TODAY - datetime.timedelta(days=10),
            withdrawn_on=TODAY,
            recorded_by=cast.alice,
        )
        assert self.refused(cast, client, quinn)

    def test_other_municipality(self, cast, client, quinn, invited):
        dragoer_partner = make_user("ulla", cast.dragoer, Role.PARTNER, profession="psychologist")
        PartnerInvitation.objects.filter(partner=quinn).update(partner=dragoer_partner)
        assert status(client, dragoer_partner, "plan-detail", cast.plan_mia) == 404
        assert status(client, dragoer_partner, "child-detail", cast.mia) == 404


class TestInviting:
    def test_invite_form_keeps_what_was_typed_on_a_refusal(self, cast, client, quinn):
        client.force_login(cast.alice)
        too_late = TODAY + datetime.timedelta(days=400)
        response = client.post(
            reverse("partner-invite-plan", args=[cast.plan_mia.public_id]),
            {"partner": quinn.pk, "reason": "Sprogvurdering", "valid_until": too_late.isoformat()},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "højst gælde 12 måneder frem" in page
        assert "Sprogvurdering" in page
        assert not PartnerInvitation.objects.filter(partner=quinn).exists()

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            ({"valid_until": None}, "Angiv hvornår invitationen slutter"),
            ({"valid_from": IN_A_MONTH, "valid_until": TOMORROW}, "kan ikke starte efter"),
            ({"reason": " "}, "Skriv formålet"),
        ],
    )
    def test_period_and_purpose_are_required(self, cast, quinn, extra, message):
        kwargs = {"reason": "Udredning", "valid_until": IN_A_MONTH, **extra}
        with pytest.raises(DomainError, match=message):
            services.invitation_create(
                actor=cast.alice, target=cast.plan_mia, partner=quinn, **kwargs
            )

    def test_only_active_partners_from_the_directory(self, cast, quinn):
        with pytest.raises(DomainError, match="aktiv samarbejdspartner"):
            invite(cast, cast.pia, cast.plan_mia)  # Pia is not in the directory
        services.organisation_deactivate(actor=cast.alice, organisation=organisation(cast))
        with pytest.raises(DomainError, match="aktiv samarbejdspartner"):
            invite(cast, quinn, cast.plan_mia)

    def test_a_pedagogue_is_told_she_may_not_invite_partners(self, cast, quinn):
        with pytest.raises(services.NotAllowed) as refusal:
            services.invitation_create(
                actor=cast.bob,
                target=cast.plan_mia,
                partner=quinn,
                reason="Udredning",
                valid_until=IN_A_MONTH,
            )
        assert str(refusal.value) == "Du kan ikke invitere samarbejdspartnere hertil."

    def test_the_email_names_no_child(self, cast, quinn, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invite(cast, quinn, cast.plan_mia)
        (message,) = mail.outbox
        assert message.to == ["quinn@ppr.invalid"]
        assert "Du er inviteret" in message.subject
        assert "Mia" not in message.body and cast.plan_mia.title not in message.body
        assert "Log ind" in message.body

    def test_the_leader_invites_to_own_institution_only(self, cast, client, quinn):
        client.force_login(cast.carl)
        body = {"partner": quinn.pk, "reason": "Motorik", "valid_until": IN_A_MONTH.isoformat()}
        emil = client.post(reverse("partner-invite-child", args=[cast.emil.public_id]), body)
        assert emil.status_code == 302
        mia = client.post(reverse("partner-invite-child", args=[cast.mia.public_id]), body)
        assert mia.status_code == 404
        assert list(
            PartnerInvitation.objects.filter(partner=quinn).values_list("child", flat=True)
        ) == [cast.emil.pk]

    @pytest.mark.parametrize("name", ["bob", "sara", "cora", "pia", "gert", "carl", "dora"])
    def test_others_may_not_invite_to_mias_plan_or_end(self, cast, client, quinn, name):
        invitation = invite(cast, quinn, cast.plan_mia)
        client.force_login(getattr(cast, name))
        body = {"partner": quinn.pk, "reason": "X", "valid_until": IN_A_MONTH.isoformat()}
        for url in (
            reverse("partner-invite-plan", args=[cast.plan_mia.public_id]),
            reverse("partner-invite-child", args=[cast.mia.public_id]),
            reverse("partner-invite-meeting", args=[cast.consultative_boegely.public_id]),
            reverse("partner-invite-plan-meeting", args=[cast.plan_meeting.public_id]),
        ):
            assert client.post(url, body).status_code == 404, url
        end = reverse("partner-invitation-end", args=[invitation.public_id])
        assert client.post(end, {"confirm": "yes", "reason": "X"}).status_code == 404
        assert PartnerInvitation.objects.filter(partner=quinn).count() == 1
        assert PartnerInvitation.objects.get(partner=quinn).ended_on is None

    @pytest.mark.parametrize(
        ("valid_from", "valid_until", "field", "message"),
        [
            (
                IN_A_MONTH,
                TOMORROW,
                "valid_until",
                "Invitationen kan ikke starte efter den slutter.",
            ),
            (None, YESTERDAY, "valid_until", "Slutdatoen er overskredet; vælg en dato fra i dag."),
            (
                None,
                TODAY + datetime.timedelta(days=800),
                "valid_until",
                "En invitation kan højst gælde 12 måneder frem",
            ),
        ],
    )
    def test_a_period_that_cannot_be_is_refused_by_its_date_field(
        self, cast, client, quinn, valid_from, valid_until, field, message
    ):
        """The leader sees what is wrong next to the date they typed, not only above the form,
        and nothing they typed is lost."""
        client.force_login(cast.carl)
        body = {
            "partner": quinn.pk,
            "reason": "Motorik",
            "valid_from": valid_from.isoformat() if valid_from else "",
            "valid_until": valid_until.isoformat(),
        }
        response = client.post(reverse("partner-invite-child", args=[cast.emil.public_id]), body)
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert list(errors) == [field]
        assert errors[field][0].startswith(message)
        assert 'value="Motorik"' in response.content.decode()
        assert not PartnerInvitation.objects.filter(partner=quinn).exists()

    def test_the_invite_form_says_once_what_the_invitation_is_to(self, cast, client):
        """Named as on the partner's start page: the child's case names the child once (it said
        «Mia Hansen». Barn: Mia Hansen.), a plan its child and a meeting its own name."""
        client.force_login(cast.alice)

        def said(name, obj):
            response = client.get(reverse(name, args=[obj.public_id]))
            return response.content.decode().split('data-testid="invite-target">')[1].split("<")[0]

        mia = cast.mia.full_name
        assert said("partner-invite-child", cast.mia) == (
            f"Invitationen gælder kun «Barnets sag: {mia}»."
        )
        assert said("partner-invite-plan", cast.plan_mia) == (
            f"Invitationen gælder kun «Handleplan: {cast.plan_mia} ({mia})»."
        )
        assert said("partner-invite-meeting", cast.consultative_boegely) == (
            f"Invitationen gælder kun «{cast.consultative_boegely}»."
        )

    def test_a_target_whose_name_begins_with_its_kind_is_named_once(self, cast, client, quinn):
        """«Handleplan for Mia (Mia …)», not «Handleplan: Handleplan for Mia (Mia …)»: on the
        partner's start page and in the administration's list of invitations."""
        cast.plan_mia.title = "Handleplan for Mia"
        cast.plan_mia.save(update_fields=["title"])
        invite(cast, quinn, cast.plan_mia)
        invite(cast, quinn, cast.consultative_boegely)
        mia = cast.mia.full_name
        client.force_login(quinn)
        start = " ".join(client.get(reverse("start")).content.decode().split())
        client.force_login(cast.alice)
        listed = " ".join(client.get(reverse("partner-invitations")).content.decode().split())
        for page in (start, listed):
            assert f"Handleplan for Mia ({mia})" in page
            assert "Handleplan: Handleplan" not in page
            assert str(cast.consultative_boegely) in page
            assert "Konsultativt møde: Konsultativt møde" not in page

    def test_ending_early_needs_a_reason_and_confirmation(self, cast, client, quinn):
        invitation = invite(cast, quinn, cast.plan_mia)
        client.force_login(cast.alice)
        url = reverse("partner-invitation-end", args=[invitation.public_id])
        response = client.post(url, {"confirm": "yes", "reason": ""})
        assert "Skriv hvorfor invitationen afsluttes" in response.content.decode()
        assert client.post(url, {"confirm": "yes", "reason": "Sagen er lukket"}).status_code == 302
        assert PartnerInvitation.objects.get(pk=invitation.pk).end_reason == "Sagen er lukket"

    def test_the_inviting_leader_may_end_their_invitation(self, cast, client, quinn):
        invitation = services.invitation_create(
            actor=cast.carl,
            target=cast.emil,
            partner=quinn,
            reason="Motorik",
            valid_until=IN_A_MONTH,
        )
        services.invitation_end(actor=cast.carl, invitation=invitation, reason="Afklaret")
        assert PartnerInvitation.objects.get(pk=invitation.pk).ended_by == cast.carl


class TestDirectory:
    def test_creating_a_partner_makes_a_user_who_chooses_a_password(
        self, cast, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            created = services.partner_create(
                actor=cast.alice,
                data={
                    "first_name": "Rikke",
                    "last_name": "Tale",
                    "email": "rikke@tale.invalid",
                    "phone": "12345678",
                    "profession": "speech_consultant",
                    "organisation": organisation(cast),
                },
            )
        user = created.user
        assert (user.role, user.municipality, user.is_active) == (Role.PARTNER, cast.ishoj, True)
        assert not user.has_usable_password()
        (message,) = mail.outbox
        assert message.to == ["rikke@tale.invalid"]
        assert "/adgangskode/ny/" in message.body
        assert AuditEntry.objects.filter(
            actor=cast.alice, action=AuditAction.CREATE, object_type="partnerprofile"
        ).exists()

    def test_a_partner_is_created_even_when_the_mail_server_is_down(
        self, cast, client, settings, django_capture_on_commit_callbacks
    ):
        # A mail server that refuses connections (nothing listens on port 9 here).
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        client.force_login(cast.alice)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("partner-person-create"),
                {
                    "first_name": "Rikke",
                    "last_name": "Tale",
                    "email": "rikke@tale.invalid",
                    "profession": "speech_consultant",
                    "organisation": organisation(cast).pk,
                },
            )
        assert response.status_code == 302
        assert PartnerProfile.objects.filter(user__email="rikke@tale.invalid").exists()

    @pytest.mark.parametrize(("first", "last"), [("Rikke", " "), ("", "Tale")])
    def test_a_partner_needs_both_names(self, cast, first, last):
        with pytest.raises(DomainError) as refusal:
            services.partner_create(
                actor=cast.alice,
                data={
                    "first_name": first,
                    "last_name": last,
                    "email": "rikke@tale.invalid",
                    "profession": "speech_consultant",
                    "organisation": organisation(cast),
                },
            )
        assert str(refusal.value) == "Skriv samarbejdspartnerens fornavn og efternavn."

    def test_an_organisation_name_already_in_the_directory_is_refused(self, cast, client):
        organisation(cast)
        client.force_login(cast.alice)
        response = client.post(
            reverse("partner-organisation-create"),
            {"name": "ppr ishøj", "kind": "ppr", "email": "", "phone": ""},
        )
        # Said by the name typed, which is kept.
        assert response.context["form"].errors == {
            "name": ["Der findes allerede en organisation med det navn."]
        }
        assert 'value="ppr ishøj"' in response.content.decode()
        assert PartnerOrganisation.objects.filter(municipality=cast.ishoj).count() == 1

    def test_deactivating_an_organisation_is_logged(self, cast):
        services.organisation_deactivate(actor=cast.alice, organisation=organisation(cast))
        entry = AuditEntry.objects.get(
            actor=cast.alice, action=AuditAction.CHANGE, object_type="partnerorganisation"
        )
        assert entry.changes == {
            "deactivated_on": {"before": None, "after": TODAY.isoformat()},
            "version": {"before": 1, "after": 2},
        }

    def test_the_same_email_twice_is_refused(self, cast, quinn):
        with pytest.raises(DomainError, match="allerede en bruger"):
            services.partner_create(
                actor=cast.alice,
                data={
                    "first_name": "Q",
                    "last_name": "Q",
                    "email": "QUINN@ppr.invalid",
                    "profession": "psychologist",
                    "organisation": organisation(cast),
                },
            )

    def test_a_conflicting_edit_is_refused_with_an_explanation(self, cast, client):
        found = organisation(cast)
        services.organisation_update(
            actor=cast.alice,
            organisation=found,
            data={"name": "PPR Ishøj Syd", "kind": "ppr", "email": "", "phone": ""},
            expected_version=1,
        )
        with pytest.raises(EditConflict):
            services.organisation_update(
                actor=cast.alice,
                organisation=found,
                data={"name": "PPR", "kind": "ppr", "email": "", "phone": ""},
                expected_version=1,
            )
        client.force_login(cast.alice)
        response = client.post(
            reverse("partner-organisation-edit", args=[found.public_id]),
            {"name": "PPR Nord", "kind": "ppr", "email": "", "phone": "", "version": "1"},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Nogen har gemt ændringer" in page and "PPR Nord" in page

    @pytest.mark.parametrize("name", ["bob", "carl", "cora", "sara", "pia", "gert", "dora"])
    def test_only_the_administration_keeps_the_directory(self, cast, client, quinn, name):
        found = organisation(cast)
        client.force_login(getattr(cast, name))
        person = quinn.partner_profile
        body = {"name": "Ny", "kind": "ppr", "confirm": "yes", "version": "1"}
        for url in (
            reverse("partner-organisation-edit", args=[found.public_id]),
            reverse("partner-organisation-deactivate", args=[found.public_id]),
            reverse("partner-person-edit", args=[person.public_id]),
            reverse("partner-person-deactivate", args=[person.public_id]),
        ):
            assert client.post(url, body).status_code == 404, url
        created = client.post(reverse("partner-organisation-create"), body)
        assert created.status_code == (302 if name == "dora" else 404)  # Dora: in Dragør
        assert PartnerOrganisation.objects.filter(municipality=cast.ishoj).count() == 1
        assert PartnerProfile.objects.get().is_active


class TestPages:
    def test_the_partner_start_page_lists_the_invitations_and_nothing_else(
        self, cast, client, quinn
    ):
        invite(cast, quinn, cast.plan_mia)
        client.force_login(quinn)
        page = client.get(reverse("start")).content.decode()
        assert cast.plan_mia.title in page and "Udredning af sprog" in page
        assert 'data-testid="child-count"' not in page

    def test_the_leader_sees_the_invitations_of_the_institution(self, cast, client, quinn):
        services.invitation_create(
            actor=cast.carl, target=cast.emil, partner=quinn, reason="Motorik", valid_until=TOMORROW
        )
        invite(cast, quinn, cast.plan_mia)
        client.force_login(cast.carl)
        page = client.get(reverse("partner-invitations")).content.decode()
        assert "Motorik" in page and "Udredning af sprog" not in page
        client.force_login(cast.alice)
        expired = client.get(reverse("partner-invitations") + "?status=expired").content.decode()
        assert "Motorik" not in expired

    def test_the_leader_sees_invitations_to_the_institutions_plans_made_by_others(
        self, cast, client, quinn
    ):
        emils_plan = ActionPlan.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            institution=cast.elverhoej,
            owner=cast.carl,
            title="Emils handleplan",
            problem="Motorik",
            strategies="Leg",
            duration="3 måneder",
        )
        services.invitation_create(
            actor=cast.alice,
            target=emils_plan,
            partner=quinn,
            reason="Motorisk vurdering",
            valid_until=IN_A_MONTH,
        )
        client.force_login(cast.carl)
        page = client.get(reverse("partner-invitations")).content.decode()
        assert "Motorisk vurdering" in page


class TestSecondFactorOnThePartnersPage:
    """A partner who lost their phone: the administration resets the second factor from the
    partner's page in the directory (the users page lists staff only), by the users page's
    rule and with its audit row, and comes back to the partner's page."""

    def page(self, client, quinn) -> str:
        response = client.get(
            reverse("partner-person-edit", args=[quinn.partner_profile.public_id])
        )
        assert response.status_code == 200
        return response.content.decode()

    def test_the_administration_resets_it_from_the_partners_page(self, cast, client, quinn):
        enrol(quinn)
        client.force_login(cast.alice)
        url = reverse("partner-person-edit", args=[quinn.partner_profile.public_id])
        page = self.page(client, quinn)
        assert 'data-testid="second-factor-reset"' in page
        assert reverse("second-factor-reset", kwargs={"username": "quinn"}) in page

        response = client.post(
            reverse("second-factor-reset", kwargs={"username": "quinn"}), {"next": url}
        )
        assert response["Location"] == url
        assert not TOTPDevice.objects.filter(user=quinn).exists()
        assert not StaticDevice.objects.filter(user=quinn).exists()
        entry = AuditEntry.objects.get(actor=cast.alice, object_type="second_factor")
        assert (entry.action, entry.object_id) == (AuditAction.DELETE, str(quinn.pk))
        page = client.get(url, follow=True).content.decode()
        assert "Anden faktor for Quinn Testesen er nulstillet" in page
        assert 'data-testid="no-second-factor"' in page

    def test_without_a_second_factor_there_is_nothing_to_reset(self, cast, client, quinn):
        client.force_login(cast.alice)
        page = self.page(client, quinn)
        assert 'data-testid="second-factor-reset"' not in page
        assert "Samarbejdspartneren har ikke sat anden faktor op." in page

    def test_another_address_to_go_back_to_is_not_followed(self, cast, client, quinn):
        enrol(quinn)
        client.force_login(cast.alice)
        response = client.post(
            reverse("second-factor-reset", kwargs={"username": "quinn"}),
            {"next": "https://elsewhere.example/"},
        )
        assert response["Location"] == reverse("second-factor-users")

    def test_another_municipality_can_neither_see_nor_reset_it(self, cast, client, quinn):
        enrol(quinn)
        client.force_login(cast.dora)
        url = reverse("partner-person-edit", args=[quinn.partner_profile.public_id])
        assert client.get(url).status_code == 404
        reset = reverse("second-factor-reset", kwargs={"username": "quinn"})
        assert client.post(reset, {"next": url}).status_code == 404
        assert TOTPDevice.objects.filter(user=quinn).exists()

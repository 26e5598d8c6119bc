"""What the administration, an inviter and the audit log notice of the partner directory and
of invitations (issue 18.3): the exact refusals, the days at the limits, the stored values and
the audit rows. Written against small faults in inklusio/partners/services.py (issue 12).

Quinn is a psychologist in the directory (PPR Ishøj); Rikke is created in the tests."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from inklusio.audit.models import AuditAction
from inklusio.children.models import PartnerInvitation
from inklusio.core.errors import EditConflict
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.partners import services
from inklusio.partners.models import PartnerOrganisation, PartnerProfile
from inklusio.people.models import Role, User
from inklusio.retention.rules import add_months
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_user
from tests.partners.directory import organisation, profile

YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)
IN_A_MONTH = TODAY + datetime.timedelta(days=30)
LATEST = add_months(TODAY, 12)


@pytest.fixture
def quinn(cast):
    user = make_user("quinn", cast.ishoj, Role.PARTNER, profession="psychologist")
    user.email = "quinn@ppr.invalid"
    user.phone = "11223344"
    user.save()
    profile(cast, user)
    return user


def rikke(cast, **changes):
    data = {
        "first_name": "Rikke",
        "last_name": "Tale",
        "email": "rikke@tale.invalid",
        "phone": "12345678",
        "profession": "speech_consultant",
        "organisation": organisation(cast),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not ...}


def refusal(call, **kwargs) -> str:
    with pytest.raises(services.DomainError) as refused:
        call(**kwargs)
    return str(refused.value)


def invite(cast, partner, target, actor=None, **extra):
    return services.invitation_create(
        actor=actor or cast.alice,
        target=target,
        partner=partner,
        reason=extra.pop("reason", "Udredning af sprog"),
        valid_until=extra.pop("valid_until", IN_A_MONTH),
        **extra,
    )


def the_change(rows):
    (row,) = [row for row in rows if row.action in (AuditAction.CREATE, AuditAction.CHANGE)]
    return row


class TestOnlyTheAdministrationKeepsTheDirectory:
    MESSAGE = "Kun forvaltningen fører listen over samarbejdspartnere."

    def test_a_leader_is_told_so_for_every_change(self, cast, quinn):
        found = organisation(cast)
        person = quinn.partner_profile
        calls = [
            (services.organisation_create, {"data": {"name": "Ny", "kind": "ppr"}}),
            (
                services.organisation_update,
                {"organisation": found, "data": {"name": "Ny"}, "expected_version": 1},
            ),
            (services.organisation_deactivate, {"organisation": found}),
            (services.partner_create, {"data": rikke(cast)}),
            (
                services.partner_update,
                {"profile": person, "data": rikke(cast), "expected_version": 1},
            ),
            (services.partner_deactivate, {"profile": person}),
        ]
        for call, kwargs in calls:
            assert refusal(call, actor=cast.carl, **kwargs) == self.MESSAGE, call.__name__
        assert PartnerOrganisation.objects.get().name == "PPR Ishøj"
        assert PartnerOrganisation.objects.get().is_active
        assert PartnerProfile.objects.get().is_active


class TestOrganisations:
    @pytest.mark.parametrize("data", [{"kind": "ppr"}, {"name": "   ", "kind": "ppr"}])
    def test_an_organisation_needs_a_name(self, cast, data):
        message = refusal(services.organisation_create, actor=cast.alice, data=data)
        assert message == "Skriv organisationens navn."
        assert not PartnerOrganisation.objects.exists()

    def test_a_name_in_the_directory_is_refused_whatever_the_case_and_spaces(self, cast):
        organisation(cast)
        message = refusal(
            services.organisation_create,
            actor=cast.alice,
            data={"name": "  ppr IShøj  ", "kind": "ppr"},
        )
        assert message == "Der findes allerede en organisation med det navn."
        assert PartnerOrganisation.objects.count() == 1

    def test_another_municipality_may_use_the_same_name(self, cast):
        organisation(cast)
        services.organisation_create(actor=cast.dora, data={"name": "PPR Ishøj", "kind": "ppr"})
        assert PartnerOrganisation.objects.filter(name="PPR Ishøj").count() == 2

    def test_renaming_to_another_organisations_name_is_refused(self, cast):
        organisation(cast)
        other = services.organisation_create(
            actor=cast.alice, data={"name": "Terapeuterne", "kind": "therapists"}
        )
        message = refusal(
            services.organisation_update,
            actor=cast.alice,
            organisation=other,
            data={"name": "PPR Ishøj", "kind": "therapists"},
            expected_version=other.version,
        )
        assert message == "Der findes allerede en organisation med det navn."
        other.refresh_from_db()
        assert (other.name, other.version) == ("Terapeuterne", 1)

    def test_an_organisation_keeps_its_own_name_on_an_edit(self, cast):
        found = organisation(cast)
        with new_audit_rows() as rows:
            updated = services.organisation_update(
                actor=cast.alice,
                organisation=found,
                data={"name": "PPR Ishøj", "kind": "ppr", "email": "", "phone": "43 57 00 00"},
                expected_version=found.version,
            )
        assert (updated.name, updated.phone, updated.email, updated.version) == (
            "PPR Ishøj",
            "43 57 00 00",
            "",
            2,
        )
        assert the_change(rows).changes == {
            "email": {"before": "•••", "after": ""},
            "phone": {"before": "", "after": "•••"},
            "version": {"before": 1, "after": 2},
        }

    def test_creating_stores_empty_contact_fields_and_logs_the_organisation(self, cast):
        with new_audit_rows() as rows:
            created = services.organisation_create(
                actor=cast.alice, data={"name": "Terapeuterne", "kind": "therapists"}
            )
        created.refresh_from_db()
        assert (created.municipality, created.name, created.kind) == (
            cast.ishoj,
            "Terapeuterne",
            "therapists",
        )
        assert (created.email, created.phone, created.is_active) == ("", "", True)
        row = the_change(rows)
        assert (row.action, row.object_type, row.object_id) == (
            AuditAction.CREATE,
            "partnerorganisation",
            str(created.public_id),
        )
        assert row.changes == {
            "email": {"before": None, "after": ""},
            "kind": {"before": None, "after": "therapists"},
            "name": {"before": None, "after": "Terapeuterne"},
            "phone": {"before": None, "after": ""},
        }

    def test_deactivating_twice_is_refused(self, cast):
        found = organisation(cast)
        deactivated = services.organisation_deactivate(actor=cast.alice, organisation=found)
        assert (deactivated.deactivated_on, deactivated.version) == (TODAY, 2)
        message = refusal(services.organisation_deactivate, actor=cast.alice, organisation=found)
        assert message == "Organisationen er allerede deaktiveret."
        found.refresh_from_db()
        assert (found.deactivated_on, found.version) == (TODAY, 2)


class TestCreatingAPartner:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"first_name": ...}, "Skriv samarbejdspartnerens fornavn og efternavn."),
            ({"last_name": ...}, "Skriv samarbejdspartnerens fornavn og efternavn."),
            (
                {"email": ...},
                "Skriv samarbejdspartnerens e-mailadresse; den bruges til login.",
            ),
            (
                {"email": "  "},
                "Skriv samarbejdspartnerens e-mailadresse; den bruges til login.",
            ),
            ({"profession": ...}, "Vælg samarbejdspartnerens faggruppe."),
            ({"profession": "astronaut"}, "Vælg samarbejdspartnerens faggruppe."),
            ({"organisation": ...}, "Vælg den organisation, samarbejdspartneren arbejder i."),
            ({"organisation": None}, "Vælg den organisation, samarbejdspartneren arbejder i."),
        ],
    )
    def test_a_missing_field_is_named(self, cast, changes, message):
        assert refusal(services.partner_create, actor=cast.alice, data=rikke(cast, **changes)) == (
            message
        )
        assert not PartnerProfile.objects.exists()

    def test_an_organisation_of_another_municipality_is_refused(self, cast):
        dragoer = PartnerOrganisation.objects.create(
            municipality=cast.dragoer, name="PPR Dragør", kind="ppr"
        )
        message = refusal(
            services.partner_create, actor=cast.alice, data=rikke(cast, organisation=dragoer)
        )
        assert message == "Vælg den organisation, samarbejdspartneren arbejder i."

    def test_an_email_someone_signs_in_with_is_refused(self, cast):
        make_user("rikke@tale.invalid", cast.dragoer, Role.PEDAGOGUE)
        message = refusal(
            services.partner_create, actor=cast.alice, data=rikke(cast, email="RIKKE@tale.invalid")
        )
        assert message == "Der findes allerede en bruger med den e-mailadresse."

    def test_an_inactive_organisation_is_refused(self, cast):
        services.organisation_deactivate(actor=cast.alice, organisation=organisation(cast))
        message = refusal(services.partner_create, actor=cast.alice, data=rikke(cast))
        assert message == "Organisationen er deaktiveret; vælg en aktiv organisation."
        assert not User.objects.filter(email="rikke@tale.invalid").exists()

    def test_what_was_typed_is_stored_trimmed_and_signs_in_with_the_lowercase_email(self, cast):
        created = services.partner_create(
            actor=cast.alice,
            data=rikke(
                cast,
                first_name=" Rikke ",
                last_name=" Tale ",
                email=" Rikke@Tale.invalid ",
                phone=" 12345678 ",
            ),
        )
        user = User.objects.get(pk=created.user_id)
        assert (user.username, user.email) == ("rikke@tale.invalid", "Rikke@Tale.invalid")
        assert (user.first_name, user.last_name, user.phone) == ("Rikke", "Tale", "12345678")
        assert (user.profession, user.role, user.municipality) == (
            "speech_consultant",
            Role.PARTNER,
            cast.ishoj,
        )
        created.refresh_from_db()
        assert (created.organisation, created.created_by, created.municipality) == (
            organisation(cast),
            cast.alice,
            cast.ishoj,
        )

    def test_a_partner_without_a_phone_has_none(self, cast):
        created = services.partner_create(actor=cast.alice, data=rikke(cast, phone=...))
        assert User.objects.get(pk=created.user_id).phone == ""

    def test_the_creation_is_logged_with_name_contact_profession_and_organisation(self, cast):
        with new_audit_rows() as rows:
            created = services.partner_create(actor=cast.alice, data=rikke(cast))
        row = the_change(rows)
        assert (row.action, row.object_type, row.object_id) == (
            AuditAction.CREATE,
            "partnerprofile",
            str(created.public_id),
        )
        assert row.changes == {
            "email": {"before": None, "after": "•••"},
            "first_name": {"before": None, "after": "Rikke"},
            "last_name": {"before": None, "after": "Tale"},
            "organisation": {"before": None, "after": "PPR Ishøj"},
            "phone": {"before": None, "after": "•••"},
            "profession": {"before": None, "after": "speech_consultant"},
        }

    def test_the_password_link_in_the_email_works(
        self, cast, client, settings, django_capture_on_commit_callbacks
    ):
        settings.BASE_URL = "https://inklusio.ishoj.invalid"
        with django_capture_on_commit_callbacks(execute=True):
            created = services.partner_create(actor=cast.alice, data=rikke(cast))
        user = User.objects.get(pk=created.user_id)
        (message,) = mail.outbox
        assert message.subject == "Ny adgangskode til Inklusio"
        assert message.to == ["rikke@tale.invalid"]
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        link = message.body.split("Vælg en ny adgangskode her:\n", 1)[1].splitlines()[0]
        prefix = f"https://inklusio.ishoj.invalid/adgangskode/ny/{uid}/"
        assert link.startswith(prefix), link
        token = link.removeprefix(prefix).rstrip("/")
        assert default_token_generator.check_token(user, token)


def quinns_data(quinn, **changes):
    data = {
        "first_name": quinn.first_name,
        "last_name": quinn.last_name,
        "email": quinn.email,
        "phone": quinn.phone,
        "profession": quinn.profession,
        "organisation": quinn.partner_profile.organisation,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not ...}


class TestEditingAPartner:
    def test_every_field_is_changed_trimmed_and_logged(self, cast, quinn):
        terapeuter = services.organisation_create(
            actor=cast.alice, data={"name": "Terapeuterne", "kind": "therapists"}
        )
        with new_audit_rows() as rows:
            updated = services.partner_update(
                actor=cast.alice,
                profile=quinn.partner_profile,
                data={
                    "first_name": " Quirin ",
                    "last_name": " Psykolog ",
                    "email": " quirin@terapi.invalid ",
                    "phone": " 99887766 ",
                    "profession": "therapist",
                    "organisation": terapeuter,
                },
                expected_version=1,
            )
        user = User.objects.get(pk=quinn.pk)
        assert (user.first_name, user.last_name, user.email, user.phone, user.profession) == (
            "Quirin",
            "Psykolog",
            "quirin@terapi.invalid",
            "99887766",
            "therapist",
        )
        updated = PartnerProfile.objects.get(pk=updated.pk)
        assert (updated.organisation, updated.version) == (terapeuter, 2)
        assert the_change(rows).changes == {
            "email": {"before": "•••", "after": "•••"},
            "first_name": {"before": "Quinn", "after": "Quirin"},
            "last_name": {"before": "Testesen", "after": "Psykolog"},
            "organisation": {"before": "PPR Ishøj", "after": "Terapeuterne"},
            "phone": {"before": "•••", "after": "•••"},
            "profession": {"before": "psychologist", "after": "therapist"},
            "version": {"before": 1, "after": 2},
        }

    def test_a_partner_keeps_their_own_email_and_a_phone_left_out(self, cast, quinn):
        data = quinns_data(quinn, last_name="Psykolog", phone=...)
        services.partner_update(
            actor=cast.alice, profile=quinn.partner_profile, data=data, expected_version=1
        )
        user = User.objects.get(pk=quinn.pk)
        assert (user.last_name, user.email, user.phone) == (
            "Psykolog",
            "quinn@ppr.invalid",
            "11223344",
        )

    def test_another_users_email_is_refused(self, cast, quinn):
        message = refusal(
            services.partner_update,
            actor=cast.alice,
            profile=quinn.partner_profile,
            data=quinns_data(quinn, email="BOB"),
            expected_version=1,
        )
        assert message == "Der findes allerede en bruger med den e-mailadresse."

    def test_an_edit_must_say_which_version_it_started_from(self, cast, quinn):
        """Without it the edit could not be checked against one saved meanwhile: no caller may
        leave it out (the forms refuse a post without it before the service is asked)."""
        with pytest.raises(TypeError, match="expected_version"):
            services.partner_update(  # type: ignore[call-arg]
                actor=cast.alice, profile=quinn.partner_profile, data=quinns_data(quinn)
            )
        assert PartnerProfile.objects.get().version == 1

    def test_an_outdated_edit_is_refused_with_what_changed(self, cast, quinn):
        services.partner_update(
            actor=cast.alice,
            profile=quinn.partner_profile,
            data=quinns_data(quinn, last_name="Psykolog"),
            expected_version=1,
        )
        with pytest.raises(EditConflict) as conflict:
            services.partner_update(
                actor=cast.alice,
                profile=quinn.partner_profile,
                data=quinns_data(quinn, first_name="Quirin"),
                expected_version=1,
            )
        assert conflict.value.changed_fields == {
            "last_name": {"before": "Testesen", "after": "Psykolog", "by": "Alice Testesen"}
        }
        assert User.objects.get(pk=quinn.pk).first_name == "Quinn"

    def test_a_deactivated_partner_cannot_be_edited(self, cast, quinn):
        services.partner_deactivate(actor=cast.alice, profile=quinn.partner_profile)
        message = refusal(
            services.partner_update,
            actor=cast.alice,
            profile=quinn.partner_profile,
            data=quinns_data(quinn, last_name="Psykolog"),
            expected_version=quinn.partner_profile.version,
        )
        assert message == "Samarbejdspartneren er deaktiveret og kan ikke rettes."
        assert User.objects.get(pk=quinn.pk).last_name == "Testesen"


class TestDeactivatingAPartner:
    def test_running_and_future_invitations_end_and_the_others_are_left_alone(self, cast, quinn):
        running = invite(cast, quinn, cast.plan_mia)
        future = invite(cast, quinn, cast.mia, valid_from=TOMORROW)
        expired = invite(cast, quinn, cast.emil)
        PartnerInvitation.objects.filter(pk=expired.pk).update(valid_until=YESTERDAY)
        ended = invite(cast, quinn, cast.consultative_boegely)
        services.invitation_end(actor=cast.alice, invitation=ended, reason="Afklaret")
        PartnerInvitation.objects.filter(pk=ended.pk).update(ended_on=YESTERDAY)
        with new_audit_rows() as rows:
            deactivated = services.partner_deactivate(
                actor=cast.alice, profile=quinn.partner_profile
            )
        assert (deactivated.deactivated_on, deactivated.version) == (TODAY, 2)

        def state(invitation):
            found = PartnerInvitation.objects.get(pk=invitation.pk)
            return found.ended_on, found.ended_by, found.end_reason

        by_deactivation = (TODAY, cast.alice, "Samarbejdspartneren er deaktiveret")
        assert state(running) == by_deactivation
        assert state(future) == by_deactivation
        assert state(expired) == (None, None, "")
        assert state(ended) == (YESTERDAY, cast.alice, "Afklaret")
        assert the_change(rows).changes["invitations_ended"] == {"before": 0, "after": 2}

    def test_another_partners_invitations_run_on(self, cast, quinn):
        profile(cast)  # Pia in the directory
        invite(cast, quinn, cast.plan_mia)
        pias = invite(cast, cast.pia, cast.plan_mia)
        services.partner_deactivate(actor=cast.alice, profile=quinn.partner_profile)
        assert PartnerInvitation.objects.get(pk=pias.pk).ended_on is None
        assert User.objects.get(pk=cast.pia.pk).is_active

    def test_deactivating_twice_is_refused(self, cast, quinn):
        services.partner_deactivate(actor=cast.alice, profile=quinn.partner_profile)
        message = refusal(
            services.partner_deactivate, actor=cast.alice, profile=quinn.partner_profile
        )
        assert message == "Samarbejdspartneren er allerede deaktiveret."
        assert PartnerProfile.objects.get(user=quinn).version == 2


class TestInvitationTargets:
    @pytest.mark.parametrize(
        ("target", "scope", "field", "child"),
        [
            ("mia", "child", "child", "mia"),
            ("plan_mia", "plan", "plan", "mia"),
            ("plan_meeting", "plan_meeting", "plan_meeting", "mia"),
            ("consultative_boegely", "meeting", "meeting", None),
        ],
    )
    def test_the_invitation_names_its_target_and_the_child_it_is_about(
        self, cast, quinn, target, scope, field, child
    ):
        thing = getattr(cast, target)
        with new_audit_rows() as rows:
            invitation = invite(cast, quinn, thing)
        invitation = PartnerInvitation.objects.get(pk=invitation.pk)
        assert invitation.scope == scope
        assert getattr(invitation, field) == thing
        expected_child = getattr(cast, child) if child else None
        assert invitation.child == expected_child
        row = the_change(rows)
        assert row.child_id == (expected_child.public_id if expected_child else None)


class TestInvitationPeriod:
    """The last day lies between today and 12 months ahead; it may not come before the first."""

    @pytest.mark.parametrize(
        ("valid_from", "valid_until"),
        [(None, TODAY), (None, LATEST), (IN_A_MONTH, IN_A_MONTH), (TOMORROW, IN_A_MONTH)],
    )
    def test_the_days_at_the_limits_are_accepted(self, cast, quinn, valid_from, valid_until):
        invitation = invite(
            cast, quinn, cast.plan_mia, valid_from=valid_from, valid_until=valid_until
        )
        invitation.refresh_from_db()
        assert (invitation.valid_from, invitation.valid_until) == (valid_from, valid_until)

    @pytest.mark.parametrize(
        ("valid_from", "valid_until", "message"),
        [
            (None, None, "Angiv hvornår invitationen slutter."),
            (None, YESTERDAY, "Slutdatoen er overskredet; vælg en dato fra i dag."),
            (
                None,
                LATEST + datetime.timedelta(days=1),
                "En invitation kan højst gælde 12 måneder frem (til " + short_date(LATEST) + ").",
            ),
            (
                IN_A_MONTH + datetime.timedelta(days=1),
                IN_A_MONTH,
                "Invitationen kan ikke starte efter den slutter.",
            ),
        ],
    )
    def test_a_day_past_a_limit_is_refused(self, cast, quinn, valid_from, valid_until, message):
        assert (
            refusal(
                invite,
                cast=cast,
                partner=quinn,
                target=cast.plan_mia,
                valid_from=valid_from,
                valid_until=valid_until,
            )
            == message
        )
        assert not PartnerInvitation.objects.filter(partner=quinn).exists()

    def test_the_latest_end_is_twelve_months_from_today(self, cast):
        assert services.latest_end() == LATEST
        assert services.latest_end(TOMORROW) == add_months(TOMORROW, 12)


class TestInviting:
    def test_a_partner_outside_the_directory_is_refused(self, cast, quinn):
        assert refusal(invite, cast=cast, partner=cast.pia, target=cast.plan_mia) == (
            "Vælg en aktiv samarbejdspartner fra listen."
        )

    def test_a_blank_purpose_is_refused(self, cast, quinn):
        message = refusal(invite, cast=cast, partner=quinn, target=cast.plan_mia, reason="  ")
        assert message == "Skriv formålet med invitationen."

    def test_the_same_thing_twice_is_refused_with_the_partners_name(self, cast, quinn):
        invite(cast, quinn, cast.plan_mia)
        message = refusal(invite, cast=cast, partner=quinn, target=cast.plan_mia)
        assert message == (
            "Quinn Testesen er allerede inviteret hertil. Afslut den invitation først."
        )
        invite(cast, quinn, cast.mia)
        message = refusal(invite, cast=cast, partner=quinn, target=cast.mia)
        assert message == (
            "Quinn Testesen er allerede inviteret hertil. Afslut den invitation først."
        )

    def test_the_case_the_plan_and_the_meeting_of_one_child_are_separate(self, cast, quinn):
        invite(cast, quinn, cast.mia)
        invite(cast, quinn, cast.plan_mia)
        invite(cast, quinn, cast.plan_meeting)
        invite(cast, quinn, cast.emil)
        assert PartnerInvitation.objects.filter(partner=quinn).count() == 4

    def test_an_ended_or_expired_invitation_does_not_block_a_new_one(self, cast, quinn):
        first = invite(cast, quinn, cast.plan_mia)
        services.invitation_end(actor=cast.alice, invitation=first, reason="Afklaret")
        second = invite(cast, quinn, cast.plan_mia)
        PartnerInvitation.objects.filter(pk=second.pk).update(valid_until=YESTERDAY)
        third = invite(cast, quinn, cast.plan_mia)
        assert len({first.pk, second.pk, third.pk}) == 3

    def test_the_invitation_keeps_the_trimmed_purpose_and_the_inviter_and_is_logged(
        self, cast, quinn
    ):
        with new_audit_rows() as rows:
            invitation = invite(
                cast,
                quinn,
                cast.emil,
                actor=cast.carl,
                reason="  Motorik  ",
                valid_from=TOMORROW,
            )
        invitation = PartnerInvitation.objects.get(pk=invitation.pk)
        assert (invitation.reason, invitation.invited_by, invitation.municipality) == (
            "Motorik",
            cast.carl,
            cast.ishoj,
        )
        assert (invitation.ended_on, invitation.ended_by, invitation.end_reason) == (None, None, "")
        row = the_change(rows)
        assert (row.action, row.object_type, row.actor) == (
            AuditAction.CREATE,
            "partnerinvitation",
            cast.carl,
        )
        assert row.changes == {
            "reason": {"before": None, "after": "•••"},
            "scope": {"before": None, "after": "child"},
            "valid_from": {"before": None, "after": TOMORROW.isoformat()},
            "valid_until": {"before": None, "after": IN_A_MONTH.isoformat()},
        }


class TestTheInvitationEmail:
    def test_the_email_says_where_to_sign_in(
        self, cast, quinn, settings, django_capture_on_commit_callbacks
    ):
        settings.BASE_URL = "https://inklusio.ishoj.invalid"
        with django_capture_on_commit_callbacks(execute=True):
            invite(cast, quinn, cast.plan_mia)
        (message,) = mail.outbox
        assert (message.subject, message.to, message.from_email) == (
            "Du er inviteret som samarbejdspartner i Inklusio",
            ["quinn@ppr.invalid"],
            settings.DEFAULT_FROM_EMAIL,
        )
        assert message.body == (
            "Du er inviteret til at samarbejde om en sag i Inklusio for en begrænset periode.\n\n"
            "Log ind for at se, hvad invitationen gælder, og hvor længe:\n"
            "https://inklusio.ishoj.invalid" + reverse("start")
        )

    def test_the_invitation_stands_when_the_mail_server_is_down(
        self, cast, quinn, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        with django_capture_on_commit_callbacks(execute=True):
            invite(cast, quinn, cast.plan_mia)
        assert PartnerInvitation.objects.filter(partner=quinn).count() == 1


class TestEndingAnInvitation:
    def test_a_pedagogue_is_told_she_may_not_end_it(self, cast, quinn):
        invitation = invite(cast, quinn, cast.plan_mia)
        message = refusal(
            services.invitation_end, actor=cast.bob, invitation=invitation, reason="Slut"
        )
        assert message == "Du kan ikke afslutte denne invitation."
        assert PartnerInvitation.objects.get(pk=invitation.pk).ended_on is None

    def test_a_blank_reason_is_refused(self, cast, quinn):
        invitation = invite(cast, quinn, cast.plan_mia)
        message = refusal(
            services.invitation_end, actor=cast.alice, invitation=invitation, reason="   "
        )
        assert message == "Skriv hvorfor invitationen afsluttes før tid."

    def test_ending_twice_is_refused(self, cast, quinn):
        invitation = invite(cast, quinn, cast.emil, actor=cast.carl)
        services.invitation_end(actor=cast.carl, invitation=invitation, reason="Afklaret")
        PartnerInvitation.objects.filter(pk=invitation.pk).update(ended_on=YESTERDAY)
        message = refusal(
            services.invitation_end, actor=cast.alice, invitation=invitation, reason="Igen"
        )
        assert message == "Invitationen er allerede afsluttet."
        found = PartnerInvitation.objects.get(pk=invitation.pk)
        assert (found.ended_on, found.ended_by, found.end_reason) == (
            YESTERDAY,
            cast.carl,
            "Afklaret",
        )

    def test_the_end_is_stored_trimmed_and_logged_with_the_child(self, cast, quinn):
        invitation = invite(cast, quinn, cast.plan_mia)
        with new_audit_rows() as rows:
            ended = services.invitation_end(
                actor=cast.alice, invitation=invitation, reason="  Sagen er lukket  "
            )
        found = PartnerInvitation.objects.get(pk=ended.pk)
        assert (found.ended_on, found.ended_by, found.end_reason) == (
            TODAY,
            cast.alice,
            "Sagen er lukket",
        )
        row = the_change(rows)
        assert (row.action, row.object_type, row.child_id) == (
            AuditAction.CHANGE,
            "partnerinvitation",
            cast.mia.public_id,
        )
        assert row.changes == {
            "ended_on": {"before": None, "after": TODAY.isoformat()},
            "reason": {"before": "", "after": "•••"},
        }

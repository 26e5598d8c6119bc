"""What a person and the audit log notice of the sign-in services: the exact refusals of API
tokens at their limits, the token's stored values and audit row, the binding to the identity
provider, and the second factor's refusals. Written against small faults in
inklusio/people/services.py (issue 12)."""

import datetime

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.people import api_tokens, services, twofactor
from inklusio.people.models import ApiToken, User
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def make_token(cast, **changes):
    kwargs = {
        "actor": cast.bob,
        "owner": cast.bob,
        "name": "Skema",
        "scope": "read",
        "expires_on": TODAY + datetime.timedelta(days=30),
    }
    kwargs.update(changes)
    return services.api_token_create(**kwargs)


def token_refusal(cast, **changes) -> tuple[str, str]:
    with pytest.raises(services.ApiTokenRefused) as refused:
        make_token(cast, **changes)
    return str(refused.value), refused.value.field


class TestApiTokens:
    @pytest.mark.parametrize("days", [0, 366])
    def test_today_and_a_year_ahead_are_accepted(self, cast, days):
        token, _secret = make_token(cast, expires_on=TODAY + datetime.timedelta(days=days))
        assert ApiToken.objects.get(pk=token.pk).expires_on == TODAY + datetime.timedelta(days=days)

    @pytest.mark.parametrize(
        ("days", "message"),
        [
            (-1, "Udløbsdatoen er passeret. Vælg en dag fra i dag."),
            (367, "En API-nøgle kan højst gælde et år. Vælg en tidligere udløbsdato."),
        ],
    )
    def test_the_day_before_today_or_after_a_year_is_refused(self, cast, days, message):
        day = TODAY + datetime.timedelta(days=days)
        assert token_refusal(cast, expires_on=day) == (message, "expires_on")
        assert not ApiToken.objects.filter(name="Skema").exists()

    def test_an_unknown_scope_is_refused(self, cast):
        assert token_refusal(cast, scope="admin") == (
            "Vælg om nøglen kun må læse eller også skrive.",
            "scope",
        )

    def test_an_inactive_or_foreign_owner_or_one_without_municipality_gets_none(self, cast):
        message = ("Brugeren kan ikke få en API-nøgle.", "owner")
        assert token_refusal(cast, actor=cast.alice, owner=cast.dora) == message
        User.objects.filter(pk=cast.sara.pk).update(is_active=False)
        cast.sara.refresh_from_db()
        assert token_refusal(cast, actor=cast.alice, owner=cast.sara) == message
        nowhere = User.objects.create_user(username="nowhere", role="administrator")
        assert token_refusal(cast, actor=nowhere, owner=nowhere) == message
        assert not ApiToken.objects.filter(name="Skema").exists()

    def test_the_token_is_stored_with_its_owner_and_logged_without_its_secret(self, cast):
        with new_audit_rows() as rows:
            token, full = make_token(
                cast, actor=cast.alice, owner=cast.bob, name="  " + "n" * 120, scope="read_write"
            )
        token = ApiToken.objects.get(pk=token.pk)
        assert (token.owner, token.created_by, token.municipality) == (
            cast.bob,
            cast.alice,
            cast.ishoj,
        )
        assert (token.name, token.scope) == ("n" * 100, "read_write")
        prefix, secret = api_tokens.split(full)
        assert prefix == token.prefix
        assert api_tokens.matches(secret, token.secret_hash)
        (row,) = rows
        assert (row.action, row.object_type, row.actor) == (
            AuditAction.CREATE,
            "apitoken",
            cast.alice,
        )
        assert row.changes == {
            "owner": "bob",
            "scope": "read_write",
            "expires_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        }

    def test_revoking_twice_keeps_the_first_revocation(self, cast):
        token, _secret = make_token(cast)
        first = services.api_token_revoke(actor=cast.bob, token=token)
        with new_audit_rows() as rows:
            again = services.api_token_revoke(actor=cast.alice, token=token)
        assert (again.revoked_at, again.revoked_by) == (first.revoked_at, cast.bob)
        assert ApiToken.objects.get(pk=token.pk).revoked_by == cast.bob
        assert rows[0].changes == {
            "revoked_at": {"before": None, "after": first.revoked_at.isoformat()}
        }


class TestSingleSignOnBinding:
    def test_binding_is_logged_and_binding_again_to_the_same_subject_changes_nothing(self, cast):
        with new_audit_rows() as rows:
            services.user_bind_oidc_subject(actor=cast.bob, user=cast.bob, subject="sub-1")
            services.user_bind_oidc_subject(actor=cast.bob, user=cast.bob, subject="sub-1")
        assert User.objects.get(pk=cast.bob.pk).oidc_subject == "sub-1"
        (row,) = rows
        assert row.changes == {"oidc_subject": {"before": None, "after": "sub-1"}}

    def test_another_subject_is_refused_with_what_to_do(self, cast):
        services.user_bind_oidc_subject(actor=cast.bob, user=cast.bob, subject="sub-1")
        with pytest.raises(services.SubjectAlreadyBound) as refused:
            services.user_bind_oidc_subject(actor=cast.bob, user=cast.bob, subject="sub-2")
        assert str(refused.value) == (
            "Din bruger i Inklusio er knyttet til et andet login hos kommunens "
            "identitetsudbyder. Kontakt kommunens administrator af Inklusio."
        )
        assert User.objects.get(pk=cast.bob.pk).oidc_subject == "sub-1"

    def test_unbinding_is_logged_once(self, cast):
        services.user_bind_oidc_subject(actor=cast.bob, user=cast.bob, subject="sub-1")
        with new_audit_rows() as rows:
            services.user_unbind_oidc_subject(actor=cast.alice, user=cast.bob)
            services.user_unbind_oidc_subject(actor=cast.alice, user=cast.bob)
        assert User.objects.get(pk=cast.bob.pk).oidc_subject is None
        (row,) = rows
        assert (row.actor, row.changes) == (
            cast.alice,
            {"oidc_subject": {"before": "sub-1", "after": None}},
        )


def code_for(key: str) -> str:
    return f"{totp(bytes.fromhex(key)):06d}"


class TestSecondFactor:
    def test_a_wrong_code_at_enrolment_is_refused_and_logged(self, cast):
        key = twofactor.secrets.token_hex(20)
        wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
        with new_audit_rows() as rows, pytest.raises(services.SecondFactorRefused) as refused:
            services.second_factor_enrol(actor=cast.bob, key=key, token=wrong)
        assert str(refused.value) == (
            "Koden passer ikke. Skriv den sekscifrede kode, som appen viser lige nu."
        )
        assert [(row.action, row.object_type, row.changes) for row in rows] == [
            (AuditAction.LOGIN_FAILED, "second_factor", {"step": "enrol"})
        ]
        assert not TOTPDevice.objects.filter(user=cast.bob).exists()

    def test_enrolment_sets_up_the_app_and_ten_recovery_codes(self, cast):
        key = twofactor.secrets.token_hex(20)
        with new_audit_rows() as rows:
            codes = services.second_factor_enrol(
                actor=cast.bob, key=key, token=" " + code_for(key)[:3] + " " + code_for(key)[3:]
            )
        device = TOTPDevice.objects.get(user=cast.bob)
        assert (device.key, device.digits, device.tolerance, device.confirmed) == (
            key,
            6,
            1,
            True,
        )
        assert StaticDevice.objects.get(user=cast.bob).confirmed
        stored = set(
            StaticToken.objects.filter(device__user=cast.bob).values_list("token", flat=True)
        )
        assert stored == set(codes) and len(codes) == 10
        assert [(row.action, row.changes) for row in rows] == [
            (AuditAction.CREATE, {"step": "enrol", "recovery_codes": 10})
        ]

    def test_a_wrong_recovery_code_is_refused_and_logged(self, cast):
        key = twofactor.secrets.token_hex(20)
        services.second_factor_enrol(actor=cast.bob, key=key, token=code_for(key))
        with new_audit_rows() as rows, pytest.raises(services.SecondFactorRefused) as refused:
            services.second_factor_verify(actor=cast.bob, token="ikke-en-kode")
        assert str(refused.value) == "Koden passer ikke. Prøv igen med en ny kode fra appen."
        assert [row.changes for row in rows] == [
            {"step": "verify", "method": "recovery_code", "throttled": False}
        ]

    def test_after_a_wrong_code_the_right_one_waits_and_says_so(self, cast):
        key = twofactor.secrets.token_hex(20)
        services.second_factor_enrol(actor=cast.bob, key=key, token=code_for(key))
        wrong = f"{(int(code_for(key)) + 500_000) % 1_000_000:06d}"
        with pytest.raises(services.SecondFactorRefused):
            services.second_factor_verify(actor=cast.bob, token=wrong)
        with new_audit_rows() as rows, pytest.raises(services.SecondFactorRefused) as refused:
            services.second_factor_verify(actor=cast.bob, token=wrong)
        assert str(refused.value) == (
            "Der er tastet forkerte koder for mange gange. Vent et øjeblik og prøv igen."
        )
        assert [row.changes for row in rows] == [
            {"step": "verify", "method": "totp", "throttled": True}
        ]

    def test_a_reset_without_a_second_factor_says_there_was_none(self, cast):
        with new_audit_rows() as rows:
            services.second_factor_reset(actor=cast.alice, user=cast.bob)
        assert [(row.action, row.changes) for row in rows] == [
            (AuditAction.DELETE, {"step": "reset", "had_second_factor": False})
        ]


class TestPasswords:
    @pytest.mark.parametrize(
        ("service", "step"),
        [(services.password_change, "change"), (services.password_reset, "reset")],
    )
    def test_the_new_password_works_and_the_step_is_logged(self, cast, service, step):
        with new_audit_rows() as rows:
            service(actor=cast.bob, password="Ny-adgangskode-2026")
        assert User.objects.get(pk=cast.bob.pk).check_password("Ny-adgangskode-2026")
        assert [(row.action, row.object_type, row.changes) for row in rows] == [
            (AuditAction.CHANGE, "password", {"step": step})
        ]
        assert "Ny-adgangskode" not in str(list(AuditEntry.objects.values()))

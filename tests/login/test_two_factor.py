"""The second factor: after the password, staff give a code from their authenticator app (or a
one-time recovery code) before they reach anything; staff without one set it up first, a
guardian may skip it; every step is in the audit log, no secret in it."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inklusio.audit.models import AuditEntry
from inklusio.people import services, twofactor
from tests.conftest import PASSWORD
from tests.core.test_health_and_settings import PRODUCTION

ROOT = Path(__file__).resolve().parents[2]
WRONG_CODE = "Koden passer ikke"


@pytest.fixture(autouse=True)
def required(settings):
    settings.REQUIRE_2FA = True


def code_for(key: str) -> str:
    """The code an authenticator app shows now for this key (hex), as django-otp computes it."""
    return f"{totp(bytes.fromhex(key)):06d}"


def enrol(user) -> tuple[str, list[str]]:
    """Sets up a second factor for `user` through the service, as the enrolment page does."""
    key = twofactor.secrets.token_hex(20)
    codes = services.second_factor_enrol(actor=user, key=key, token=code_for(key))
    return key, codes


def sign_in(client, username):
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def later(seconds: int):
    """The throttle and the code's time step move on with the suite's clock."""
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds))


def child_page(cast):
    return reverse("child-detail", kwargs={"public_id": cast.mia.public_id})


def second_factor_log(user):
    return list(
        AuditEntry.objects.filter(object_type="second_factor", object_id=str(user.pk))
        .order_by("id")
        .values_list("action", "changes")
    )


def no_secret_in_log(*secrets: str):
    every_entry = json.dumps(list(AuditEntry.objects.values()), default=str)
    for secret in secrets:
        assert secret not in every_entry


class TestVerification:
    def test_after_the_password_a_child_page_waits_for_the_code(self, cast, client):
        key, _codes = enrol(cast.bob)
        sign_in(client, "bob")
        response = client.get(child_page(cast))
        verify = reverse("two-factor-verify")
        assert response.status_code == 302
        assert response["Location"].startswith(verify)
        page = client.get(response["Location"]).content.decode()
        assert "Bekræft med din anden faktor" in page
        assert "Mia" not in page

        with later(31):  # the enrolment used the current step; the app has shown a new one
            response = client.post(response["Location"], {"token": code_for(key)})
            assert response.status_code == 302
            assert response["Location"] == child_page(cast)
            assert client.get(child_page(cast)).status_code == 200
        assert second_factor_log(cast.bob)[-1] == ("login", {"step": "verify", "method": "totp"})
        no_secret_in_log(key)

    def test_a_wrong_code_is_refused_in_danish_and_logged(self, cast, client):
        _key, _codes = enrol(cast.bob)
        sign_in(client, "bob")
        response = client.post(reverse("two-factor-verify"), {"token": "000000"})
        assert response.status_code == 200
        assert WRONG_CODE in response.content.decode()
        assert client.get(child_page(cast)).status_code == 302
        assert second_factor_log(cast.bob)[-1] == (
            "login_failed",
            {"step": "verify", "method": "totp", "throttled": False},
        )

    def test_after_a_wrong_code_the_next_try_must_wait_a_moment(self, cast, client):
        key, _codes = enrol(cast.bob)
        sign_in(client, "bob")
        with later(31):
            client.post(reverse("two-factor-verify"), {"token": "000000"})
            page = client.post(reverse("two-factor-verify"), {"token": code_for(key)})
            assert "for mange gange" in page.content.decode()
        with later(33):
            response = client.post(reverse("two-factor-verify"), {"token": code_for(key)})
            assert response.status_code == 302
        assert client.get(child_page(cast)).status_code == 200

    def test_a_recovery_code_works_once(self, cast, client):
        _key, codes = enrol(cast.bob)
        assert len(codes) == 10 and len(set(codes)) == 10
        sign_in(client, "bob")
        response = client.post(reverse("two-factor-verify"), {"token": codes[0].upper()})
        assert response.status_code == 302
        page = client.get(response["Location"], follow=True).content.decode()
        assert "Du har 9 tilbage" in page
        assert client.get(child_page(cast)).status_code == 200
        assert second_factor_log(cast.bob)[-1] == (
            "login",
            {"step": "verify", "method": "recovery_code", "recovery_codes_left": 9},
        )
        client.post(reverse("logout"))

        sign_in(client, "bob")
        with later(2):
            refused = client.post(reverse("two-factor-verify"), {"token": codes[0]})
            assert WRONG_CODE in refused.content.decode()
        with later(5):
            assert client.post(reverse("two-factor-verify"), {"token": codes[1]}).status_code == 302
        assert StaticToken.objects.filter(device__user=cast.bob).count() == 8
        no_secret_in_log(*codes)

    def test_a_guardian_who_set_up_a_second_factor_is_asked_for_it(self, cast, client):
        enrol(cast.gert)
        sign_in(client, "gert")
        assert client.get(child_page(cast))["Location"].startswith(reverse("two-factor-verify"))

    def test_an_unverified_session_cannot_replace_the_second_factor(self, cast, client):
        key, _codes = enrol(cast.bob)
        sign_in(client, "bob")
        response = client.get(reverse("two-factor-enrol"))
        assert response["Location"].startswith(reverse("two-factor-verify"))
        client.post(reverse("two-factor-enrol"), {"token": "123456"})
        assert TOTPDevice.objects.get(user=cast.bob).key == key

    def test_the_api_answers_401_until_the_code_is_given(self, cast, client):
        enrol(cast.bob)
        sign_in(client, "bob")
        assert client.get(reverse("api:list_children")).status_code == 401

    def test_a_session_from_the_municipalitys_identity_provider_counts_as_verified(
        self, cast, client
    ):
        enrol(cast.bob)
        client.force_login(cast.bob)
        assert client.get(child_page(cast)).status_code == 302
        session = client.session
        session["inklusio_login_method"] = "oidc"
        session.save()
        assert client.get(child_page(cast)).status_code == 200


class TestEnrolment:
    def test_staff_without_a_second_factor_set_one_up_before_any_child_page(self, cast, client):
        sign_in(client, "bob")
        enrol_url = reverse("two-factor-enrol")
        for url in (reverse("start"), child_page(cast), reverse("child-list")):
            assert client.get(url)["Location"].startswith(enrol_url), url
        assert client.post(child_page(cast) + "rediger/", {})["Location"].startswith(enrol_url)

        page = client.get(enrol_url + "?next=" + child_page(cast))
        html = page.content.decode()
        assert 'src="data:image/svg+xml' in html
        assert "Spring over" not in html
        assert "Hovedmenu" not in html  # no menu of pages that would not open yet
        key = client.session[twofactor.PENDING_KEY]
        assert twofactor.manual_key(key) in html

        response = client.post(enrol_url, {"token": code_for(key), "next": child_page(cast)})
        codes_url = response["Location"]
        assert codes_url.startswith(reverse("two-factor-recovery-codes"))
        shown = client.get(codes_url).content.decode()
        codes = list(
            StaticToken.objects.filter(device__user=cast.bob).values_list("token", flat=True)
        )
        assert len(codes) == 10 and all(code in shown for code in codes)
        again = client.get(codes_url).content.decode()
        assert not any(code in again for code in codes)
        assert "vises ikke igen" in again
        assert client.get(child_page(cast)).status_code == 200
        assert "Hovedmenu" in client.get(enrol_url).content.decode()
        assert second_factor_log(cast.bob) == [("create", {"step": "enrol", "recovery_codes": 10})]
        no_secret_in_log(key, *codes)

    def test_no_page_of_the_matrix_opens_before_it_is_set_up(self, cast, client):
        from tests.core.test_access_matrix import MATRIX, _url

        sign_in(client, "bob")
        enrol_url = reverse("two-factor-enrol")
        for item in MATRIX:
            if "bob" not in item.allowed or item.view in twofactor._OPEN_WHILE[twofactor.ENROL]:
                continue
            response = getattr(client, item.method)(_url(cast, item))
            if item.view.startswith(("api:", "api_v1:")):
                assert response.status_code == 401, item.view
            else:
                assert response["Location"].startswith(enrol_url), item.view

    def test_a_wrong_code_sets_nothing_up(self, cast, client):
        sign_in(client, "bob")
        client.get(reverse("two-factor-enrol"))
        response = client.post(reverse("two-factor-enrol"), {"token": "12345x"})
        assert WRONG_CODE in response.content.decode()
        assert not TOTPDevice.objects.filter(user=cast.bob).exists()
        assert second_factor_log(cast.bob) == [("login_failed", {"step": "enrol"})]
        assert client.get(child_page(cast))["Location"].startswith(reverse("two-factor-enrol"))

    def test_a_guardian_may_skip_it(self, cast, client):
        sign_in(client, "gert")
        assert client.get(child_page(cast)).status_code == 200
        page = client.get(reverse("two-factor-enrol")).content.decode()
        assert "Spring over" in page and "frivillig" not in page
        account = client.get(reverse("account")).content.decode()
        assert "Den er frivillig for dig" in account

    def test_in_development_staff_may_sign_in_with_the_password_alone(self, cast, client, settings):
        settings.REQUIRE_2FA = False
        sign_in(client, "bob")
        assert client.get(child_page(cast)).status_code == 200
        assert "Spring over" in client.get(reverse("two-factor-enrol")).content.decode()

    def test_setting_it_up_again_replaces_the_app_and_the_codes(self, cast, client):
        _old_key, old_codes = enrol(cast.bob)
        client.force_login(cast.bob)
        session = client.session
        session[twofactor.STATE_KEY] = f"ok:{cast.bob.pk}"
        session.save()
        client.get(reverse("two-factor-enrol"))
        key = client.session[twofactor.PENDING_KEY]
        with later(31):
            assert (
                client.post(reverse("two-factor-enrol"), {"token": code_for(key)}).status_code
                == 302
            )
        assert list(TOTPDevice.objects.filter(user=cast.bob).values_list("key", flat=True)) == [key]
        assert not StaticToken.objects.filter(token__in=old_codes).exists()


class TestAdministrationReset:
    def test_the_administration_resets_a_lost_second_factor(self, cast, client):
        enrol(cast.bob)
        client.force_login(cast.alice)
        session = client.session
        session[twofactor.STATE_KEY] = f"ok:{cast.alice.pk}"
        session.save()
        listing = client.get(reverse("second-factor-users")).content.decode()
        assert "Bob Testesen" in listing and "Sat op" in listing
        url = reverse("second-factor-reset", kwargs={"username": "bob"})
        response = client.post(url, follow=True)
        assert "er nulstillet" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=cast.bob).exists()
        assert not StaticDevice.objects.filter(user=cast.bob).exists()
        entry = AuditEntry.objects.get(object_type="second_factor", action="delete")
        assert entry.actor == cast.alice and entry.object_id == str(cast.bob.pk)
        assert entry.changes == {"step": "reset", "had_second_factor": True}
        client.post(reverse("logout"))
        sign_in(client, "bob")
        assert client.get(reverse("start"))["Location"].startswith(reverse("two-factor-enrol"))

    def test_no_one_else_resets_a_second_factor(self, cast, client, settings):
        settings.REQUIRE_2FA = False
        enrol(cast.bob)
        url = reverse("second-factor-reset", kwargs={"username": "bob"})
        for user in (cast.cora, cast.carl, cast.gert):
            client.force_login(user)
            assert client.get(reverse("second-factor-users")).status_code == 404
            assert client.post(url).status_code == 404
        client.force_login(cast.dora)  # the administration of another municipality
        assert "Bob" not in client.get(reverse("second-factor-users")).content.decode()
        assert client.post(url).status_code == 404
        client.force_login(cast.alice)
        own = reverse("second-factor-reset", kwargs={"username": "alice"})
        assert client.post(own).status_code == 404
        assert TOTPDevice.objects.filter(user=cast.bob).exists()


def test_production_refuses_to_turn_the_second_factor_off():
    env = {
        **os.environ,
        "INKLUSIO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/inklusio",
        "INKLUSIO_CPR_KEYS": PRODUCTION["INKLUSIO_CPR_KEYS"],
        "INKLUSIO_CPR_HASH_KEY": PRODUCTION["INKLUSIO_CPR_HASH_KEY"],
        "INKLUSIO_REQUIRE_2FA": "false",
    }
    script = "import inklusio.settings as s; print(s.REQUIRE_2FA)"
    refused = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "INKLUSIO_REQUIRE_2FA cannot be off in production" in refused.stderr
    del env["INKLUSIO_REQUIRE_2FA"]
    default = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert default.stdout.strip() == "True", default.stderr

"""Lockout (django-axes): five wrong passwords for one username from one address, and the right
password is refused too until the cool-off has passed; every refused try is in the audit log
once, and neither the lockout table nor the log keeps the name typed or the password."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user
from django.urls import reverse
from django.utils import timezone

from inklusio.audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD

LOCKED_MESSAGE = "Af sikkerhedshensyn kan du ikke logge ind med dette brugernavn"


def sign_in(client, username, password, address="10.0.0.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in_as(client):
    return get_user(client)


def fail(client, username, times, address="10.0.0.7"):
    """Wrong passwords; the answers' statuses (200: the login page with its error)."""
    return [
        sign_in(client, username, "wrong-" + PASSWORD, address).status_code for _ in range(times)
    ]


@pytest.fixture(autouse=True)
def lockout_limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


class TestLockout:
    def test_four_wrong_passwords_then_the_right_one_signs_in(self, cast, client):
        assert fail(client, "bob", 4) == [200] * 4
        response = sign_in(client, "bob", PASSWORD)
        assert response.status_code == 302
        assert signed_in_as(client) == cast.bob

    def test_after_five_wrong_passwords_the_right_one_is_refused_with_a_danish_message(
        self, cast, client
    ):
        assert fail(client, "bob", 5) == [200, 200, 200, 200, 429]
        response = sign_in(client, "bob", PASSWORD)
        assert response.status_code == 429
        page = response.content.decode()
        assert LOCKED_MESSAGE in page and "15 minutter" in page
        assert not signed_in_as(client).is_authenticated

    def test_the_lock_lifts_when_the_cool_off_has_passed(self, cast, client):
        fail(client, "bob", 5)
        locked_at = timezone.now()

        def minutes_later(minutes):
            return time_machine.travel(locked_at + datetime.timedelta(minutes=minutes))

        with minutes_later(14):
            assert sign_in(client, "bob", PASSWORD).status_code == 429
        with minutes_later(14 + 14):  # past the first 15 minutes: the try at 14 restarted them
            assert sign_in(client, "bob", PASSWORD).status_code == 429
        with minutes_later(14 + 14 + 16):
            response = sign_in(client, "bob", PASSWORD)
            assert response.status_code == 302
            assert signed_in_as(client) == cast.bob

    def test_a_success_clears_the_count(self, cast, client):
        fail(client, "bob", 4)
        assert sign_in(client, "bob", PASSWORD).status_code == 302
        client.post(reverse("logout"))
        fail(client, "bob", 4)
        assert sign_in(client, "bob", PASSWORD).status_code == 302

    def test_the_limit_and_the_cool_off_are_settings(self, cast, client, settings):
        settings.AXES_FAILURE_LIMIT = 2
        settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=60)
        assert fail(client, "bob", 2) == [200, 429]
        response = sign_in(client, "bob", PASSWORD)
        assert response.status_code == 429 and "60 minutter" in response.content.decode()
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
            assert sign_in(client, "bob", PASSWORD).status_code == 302


class TestOnlyThatUserFromThatAddress:
    def test_the_same_user_from_another_address_may_sign_in(self, cast, client):
        fail(client, "bob", 5, address="10.0.0.7")
        assert sign_in(client, "bob", PASSWORD, address="10.0.0.7").status_code == 429
        assert sign_in(client, "bob", PASSWORD, address="10.0.0.8").status_code == 302

    def test_another_user_from_the_same_address_may_sign_in(self, cast, client):
        fail(client, "bob", 5)
        assert sign_in(client, "sara", PASSWORD).status_code == 302
        assert signed_in_as(client) == cast.sara

    def test_behind_a_trusted_proxy_the_forwarded_address_counts(self, cast, client, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        for _ in range(5):
            client.post(
                reverse("login"),
                {"username": "bob", "password": "wrong"},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR="192.0.2.5",
            )
        locked = client.post(
            reverse("login"),
            {"username": "bob", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.5",
        )
        assert locked.status_code == 429
        # Another client behind the same proxy is not locked out with the first.
        other = client.post(
            reverse("login"),
            {"username": "bob", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.6",
        )
        assert other.status_code == 302

    def test_an_unknown_name_is_locked_the_same_way(self, cast, client):
        """Same answer whether the account exists or not: the lock tells nothing about it."""
        assert fail(client, "nobody", 5) == fail(client, "bob", 5) == [200] * 4 + [429]


class TestFailuresInTheAuditLog:
    def test_every_refused_try_is_logged_once_locked_or_not(self, cast, client):
        fail(client, "bob", 5)
        sign_in(client, "bob", PASSWORD)  # the right password, refused by the lock
        sign_in(client, "bob", "wrong-" + PASSWORD)
        entries = AuditEntry.objects.filter(object_type="user").order_by("id")
        assert [(e.action, e.object_label) for e in entries] == [
            (AuditAction.LOGIN_FAILED, "bob")
        ] * 7
        assert all(e.ip_address == "10.0.0.7" for e in entries)

    def test_the_lockout_table_keeps_neither_the_name_typed_nor_the_password(self, cast, client):
        typed = "hemmelig-adgangskode-i-navnefeltet"
        fail(client, typed, 2)
        attempt = AccessAttempt.objects.get()
        stored = " ".join(
            str(getattr(attempt, f.attname)) for f in AccessAttempt._meta.concrete_fields
        )
        assert attempt.failures_since_start == 2 and attempt.ip_address == "10.0.0.7"
        assert typed not in stored and PASSWORD not in stored
        assert attempt.username.startswith("user#")

    def test_counts_older_than_the_cool_off_are_removed_by_the_next_try(self, cast, client):
        fail(client, "bob", 2)
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
            fail(client, "sara", 1, address="10.0.0.9")
            assert AccessAttempt.objects.count() == 1
            assert AccessAttempt.objects.get().ip_address == "10.0.0.9"

"""Shared municipal PCs: a session left alone for INKLUSIO_IDLE_TIMEOUT_MINUTES ends, the person
lands on the login page with a Danish message, and the log says why; closing the browser ends
the session too (its cookie carries no expiry)."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user
from django.urls import reverse
from django.utils import timezone

from inklusio.audit.models import AuditEntry
from tests.conftest import PASSWORD

TIMED_OUT = "Du er logget ud, fordi du ikke har brugt Inklusio i 30 minutter."


@pytest.fixture(autouse=True)
def thirty_minutes(settings):
    settings.IDLE_TIMEOUT_MINUTES = 30


def minutes_later(start, minutes):
    return time_machine.travel(start + datetime.timedelta(minutes=minutes))


def child_page(cast):
    return reverse("child-detail", kwargs={"public_id": cast.mia.public_id})


class TestIdleTimeout:
    def test_each_request_keeps_the_session_alive(self, cast, client):
        client.force_login(cast.bob)
        start = timezone.now()
        client.get(reverse("start"))
        for minutes in (20, 40, 60, 80):
            with minutes_later(start, minutes):
                assert client.get(child_page(cast)).status_code == 200, minutes
        assert get_user(client) == cast.bob

    def test_after_thirty_idle_minutes_the_login_page_says_why(self, cast, client):
        client.force_login(cast.bob)
        start = timezone.now()
        client.get(reverse("start"))
        with minutes_later(start, 31):
            response = client.get(child_page(cast))
            assert response.status_code == 302
            assert response["Location"] == f"{reverse('login')}?next={child_page(cast)}"
            page = client.get(response["Location"]).content.decode()
            assert TIMED_OUT in page
            assert not get_user(client).is_authenticated
            assert client.get(child_page(cast)).status_code == 302
        entry = AuditEntry.objects.filter(action="logout").get()
        assert entry.actor == cast.bob
        assert entry.changes == {"ended_by": "idle_timeout", "idle_minutes": 30}

    def test_a_post_after_the_timeout_changes_nothing(self, cast, client):
        client.force_login(cast.alice)
        start = timezone.now()
        client.get(reverse("start"))
        edit = reverse("child-edit", kwargs={"public_id": cast.mia.public_id})
        with minutes_later(start, 45):
            response = client.post(edit, {"first_name": "Ændret"})
            assert response["Location"].startswith(reverse("login"))
        cast.mia.refresh_from_db()
        assert cast.mia.first_name == "Mia"

    def test_the_timeout_is_a_setting(self, cast, client, settings):
        settings.IDLE_TIMEOUT_MINUTES = 5
        client.force_login(cast.gert)
        start = timezone.now()
        client.get(reverse("start"))
        with minutes_later(start, 4):
            assert client.get(reverse("start")).status_code == 200
        with minutes_later(start, 10):
            response = client.get(reverse("start"), follow=True)
            assert "ikke har brugt Inklusio i 5 minutter" in response.content.decode()


def test_the_session_cookie_ends_with_the_browser(cast, client):
    response = client.post(
        reverse("login"), {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""

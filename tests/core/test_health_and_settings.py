import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_app_and_database(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "app": "up", "database": "up"}


def _production_settings(**extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "INKLUSIO_ENV": "production", **extra}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEMO_LOGINS_ENABLED)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_production_needs_a_secret_key():
    result = _production_settings(DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_turns_debug_and_demo_logins_off_and_cookies_secure():
    result = _production_settings(DJANGO_SECRET_KEY="x" * 50, ALLOWED_HOSTS="inklusio.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "False"]


def test_demo_accounts_cannot_sign_in_when_demo_logins_are_off(cast, client, settings):
    from inklusio.people.models import Role
    from tests.conftest import PASSWORD, make_user

    make_user("demo-forvaltning", cast.ishoj, Role.ADMINISTRATOR)
    settings.DEMO_LOGINS_ENABLED = False
    assert not client.login(username="demo-forvaltning", password=PASSWORD)
    settings.DEMO_LOGINS_ENABLED = True
    assert client.login(username="demo-forvaltning", password=PASSWORD)


def test_danish_by_default_and_english_when_chosen(cast, client):
    client.force_login(cast.alice)
    danish = client.get(reverse("start")).content.decode()
    assert ">Forside<" in danish and ">Visitation<" in danish
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("start")).content.decode()
    assert ">Home<" in english and ">Children<" in english
    assert 'lang="en"' in english

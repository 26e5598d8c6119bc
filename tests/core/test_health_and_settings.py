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


STRONG_KEY = "k3Jd9-" * 10
PRODUCTION = {
    "INKLUSIO_ENV": "production",
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "inklusio.example",
    "DATABASE_URL": "postgres://inklusio@db.example/inklusio",
    "INKLUSIO_CPR_KEYS": ",".join(
        [
            "bmV3LXByb2R1Y3Rpb24ta2V5LTMyLWJ5dGVzLWxvbmc=",
            "b2xkLXByb2R1Y3Rpb24ta2V5LTMyLWJ5dGVzLWxvbmc=",
        ]
    ),
    "INKLUSIO_CPR_HASH_KEY": "h4sh-" * 8,
}


def _production_settings(**extra) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION, **extra}
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


def test_production_refuses_a_weak_key_debug_and_sqlite():
    for weak in ("x" * 60, "short-but-random-9f8e7d", "django-insecure-" + STRONG_KEY):
        result = _production_settings(DJANGO_SECRET_KEY=weak)
        assert result.returncode != 0 and "too weak" in result.stderr, weak
    debug = _production_settings(DJANGO_DEBUG="true")
    assert debug.returncode != 0 and "DJANGO_DEBUG cannot be on" in debug.stderr
    sqlite = _production_settings(DATABASE_URL="sqlite:////tmp/inklusio.sqlite3")
    assert sqlite.returncode != 0 and "Production needs PostgreSQL" in sqlite.stderr


def test_production_needs_cpr_keys_that_are_keys():
    for missing in ("INKLUSIO_CPR_KEYS", "INKLUSIO_CPR_HASH_KEY"):
        result = _production_settings(**{missing: ""})
        assert result.returncode != 0 and "must be set" in result.stderr, missing
    bad = _production_settings(INKLUSIO_CPR_KEYS="not-a-fernet-key")
    assert bad.returncode != 0 and "must be a Fernet key" in bad.stderr
    short = _production_settings(INKLUSIO_CPR_HASH_KEY="short")
    assert short.returncode != 0 and "too short" in short.stderr


def test_production_turns_debug_and_demo_logins_off_and_cookies_secure():
    result = _production_settings()
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


def test_readyz_is_ready_on_a_migrated_database_with_a_writable_file_store(db, client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "up",
        "migrations": "applied",
        "files": "writable",
    }


def test_readyz_refuses_traffic_when_files_cannot_be_stored(db, client, settings):
    from django.utils.functional import empty

    from inklusio.core.storage import private_storage

    settings.PRIVATE_STORAGE_ROOT = "/dev/null/cannot-be-a-folder"
    private_storage._wrapped = empty
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["files"] == "unwritable"


def test_production_logs_are_json_lines():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('inklusio').warning('job failed', extra={'kind': 'annual-report'})"
    )
    env = {**os.environ, **PRODUCTION}
    logged = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stderr.strip()
    import json

    line = json.loads(logged.splitlines()[-1])
    assert line["message"] == "job failed" and line["kind"] == "annual-report"
    assert line["levelname"] == "WARNING"


def test_pages_forbid_inline_and_foreign_scripts_and_are_never_cached(cast, client_for):
    response = client_for(cast.alice).get(reverse("child-detail", args=[cast.mia.public_id]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["Cache-Control"] == "no-store, private"
    letter = client_for(cast.alice).get(
        reverse("letter-download", args=[cast.letter_mia.public_id])
    )
    assert letter["Cache-Control"] == "no-store, private"


def test_api_docs_need_a_sign_in_and_load_nothing_from_elsewhere(cast, client):
    assert client.get("/api/docs").status_code == 302
    assert client.get("/api/openapi.json").status_code == 302
    client.force_login(cast.alice)
    docs = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "http://" not in docs and "https://" not in docs

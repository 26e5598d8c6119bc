"""The single sign-on settings as inklusio/settings.py reads them from the environment, each in
a fresh interpreter (settings are read once, at start-up)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, inklusio.settings as s; print(json.dumps({'enabled': s.OIDC_ENABLED, "
    "'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'], "
    "'backends': s.AUTHENTICATION_BACKENDS, 'field': s.OIDC_USER_FIELD}))"
)
SSO = {
    "OIDC_RP_CLIENT_ID": "inklusio",
    "OIDC_RP_CLIENT_SECRET": "hemmelig",
    "OIDC_OP_ISSUER": "https://login.example.dk/adfs",
}


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "INKLUSIO_OIDC"))}
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": "sqlite:///unused.sqlite3", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_off_without_a_client_id():
    result = json.loads(_settings().stdout)
    assert result["enabled"] is False
    assert result["form_action"] == ["'self'"]


def test_on_with_client_id_secret_and_issuer():
    result = json.loads(_settings(**SSO).stdout)
    assert result["enabled"] is True
    # The logout form may be redirected on to the provider's end_session_endpoint.
    assert result["form_action"] == ["'self'", "https://login.example.dk"]
    assert result["backends"][-1] == "inklusio.people.oidc.OIDCBackend"
    assert result["field"] == "email"


def test_an_explicit_logout_endpoint_elsewhere_is_allowed_too():
    result = json.loads(
        _settings(**SSO, OIDC_OP_LOGOUT_ENDPOINT="https://logout.example.dk/end").stdout
    )
    assert result["form_action"] == [
        "'self'",
        "https://login.example.dk",
        "https://logout.example.dk",
    ]


def test_the_username_claim_compares_with_usernames():
    result = json.loads(_settings(**SSO, INKLUSIO_OIDC_USER_CLAIM="preferred_username").stdout)
    assert result["field"] == "username"


def test_a_client_id_without_issuer_or_secret_refuses_to_start():
    result = _settings(OIDC_RP_CLIENT_ID="inklusio")
    assert result.returncode != 0
    assert "OIDC_RP_CLIENT_ID needs OIDC_RP_CLIENT_SECRET and OIDC_OP_ISSUER" in result.stderr


def test_production_refuses_an_issuer_without_https():
    result = _settings(
        **{**SSO, "OIDC_OP_ISSUER": "http://login.example.dk"},
        INKLUSIO_ENV="production",
        DJANGO_SECRET_KEY="x" * 30 + "abcdefghijklmnopqrstuvwxyz",
        DATABASE_URL="postgres://inklusio@127.0.0.1/inklusio",
    )
    assert result.returncode != 0
    assert "OIDC_OP_ISSUER must be an https:// address in production" in result.stderr

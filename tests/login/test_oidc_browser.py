"""Single sign-on as a person does it, in Chromium: the login page's button, the local provider
(tests/oidc_provider) consenting at once, and back signed in; a refusal; the logout."""

import copy

import pytest

from inklusio.audit.models import AuditEntry
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider

pytestmark = pytest.mark.e2e

BUTTON = "Log ind med kommunens login"


@pytest.fixture
def provider(settings, cast):
    local = LocalProvider(claims={"email": "bob@ishoj.test", "email_verified": True}).start()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = local.issuer
    # As inklusio/settings.py does with OIDC_OP_ISSUER set at start-up.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], local.issuer]
    settings.CONTENT_SECURITY_POLICY = policy
    cast.bob.email = "bob@ishoj.test"
    cast.bob.save(update_fields=["email"])
    yield local
    local.stop()


def test_the_button_signs_in_through_the_provider_and_logout_ends_both(
    cast, provider, live_server, page, screenshot_dir
):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    button = page.get_by_role("link", name=BUTTON)
    assert button.is_visible()
    page.screenshot(path=screenshot_dir / "login-with-sso.png", full_page=True)

    button.click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("button", name="Log af").first.is_visible()
    assert AuditEntry.objects.filter(action="login", actor=cast.bob).count() == 1
    cast.bob.refresh_from_db()
    assert cast.bob.oidc_subject == "sub-bob"

    page.get_by_role("button", name="Log af").first.click()
    page.wait_for_url(f"{live_server.url}/login/")
    [logout] = provider.logouts
    assert logout["post_logout_redirect_uri"] == f"{live_server.url}/login/"
    assert logout["id_token_hint"].count(".") == 2  # the id_token it issued
    assert AuditEntry.objects.filter(action="logout", actor=cast.bob).count() == 1
    page.goto(f"{live_server.url}/boern/")
    assert page.url.endswith("/login/?next=/boern/")  # signed out here too
    assert [e for e in console_errors if "Content Security Policy" in e] == []


def test_an_unknown_person_sees_the_danish_refusal(
    cast, provider, live_server, page, screenshot_dir
):
    provider.claims["email"] = "ny.medarbejder@ishoj.test"
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name=BUTTON).click()
    heading = page.get_by_role("heading", name="Du er ikke logget ind")
    heading.wait_for()
    alert = page.get_by_role("alert").inner_text()
    assert "der findes ingen aktiv bruger i Inklusio til dig" in alert
    page.screenshot(path=screenshot_dir / "sso-refused.png", full_page=True)
    refusal = AuditEntry.objects.get(action="login_failed")
    assert refusal.changes == {"method": "oidc", "refused": "unknown_user"}
    page.get_by_role("link", name="Tilbage til log ind").click()
    assert page.get_by_role("link", name=BUTTON).is_visible()

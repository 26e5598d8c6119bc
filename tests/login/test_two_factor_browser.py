"""The second factor as a pedagogue meets it in Chromium: set up at the first sign-in (QR code
and key), recovery codes shown once, then asked for a code at the next sign-in."""

import base64
import datetime

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import login

pytestmark = pytest.mark.e2e


def code_from_manual_key(manual_key: str) -> str:
    """What the authenticator app computes from the key typed into it."""
    key = base64.b32decode(manual_key.replace(" ", ""))
    return f"{totp(key):06d}"


def test_set_up_then_sign_in_with_a_code(cast, live_server, page, screenshot_dir, settings):
    settings.REQUIRE_2FA = True
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    login(page, live_server, "bob")
    expect(page.get_by_role("heading", name="Opsæt anden faktor")).to_be_visible()
    qr = page.get_by_role("img", name="QR-kode til autentificeringsappen")
    assert qr.evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=screenshot_dir / "two-factor-enrol.png", full_page=True)
    manual_key = page.get_by_test_id("manual-key").inner_text()

    page.fill("#id_token", "000000")
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_text("Koden passer ikke")).to_be_visible()
    page.fill("#id_token", code_from_manual_key(manual_key))
    page.get_by_role("button", name="Bekræft").click()
    expect(page.get_by_role("heading", name="Dine gendannelseskoder")).to_be_visible()
    assert len(page.get_by_test_id("recovery-codes").locator("li").all()) == 10
    page.screenshot(path=screenshot_dir / "two-factor-recovery-codes.png", full_page=True)
    page.get_by_role("link", name="Fortsæt").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    page.locator(".portal-user").get_by_role("button", name="Log af").click()

    # The code just used is spent; the app shows the next one half a minute later.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        login(page, live_server, "bob")
        expect(page.get_by_role("heading", name="Bekræft med din anden faktor")).to_be_visible()
        page.screenshot(path=screenshot_dir / "two-factor-verify.png", full_page=True)
        page.goto(f"{live_server.url}/boern/{cast.mia.public_id}/")
        expect(page.get_by_role("heading", name="Bekræft med din anden faktor")).to_be_visible()
        page.fill("#id_token", code_from_manual_key(manual_key))
        page.get_by_role("button", name="Bekræft").click()
        expect(page.get_by_role("heading", name="Mia Testesen")).to_be_visible()
    assert [e for e in console_errors if "Content Security Policy" in e] == []

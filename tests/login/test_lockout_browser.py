"""The lockout as a person at the login page sees it, in Chromium."""

import pytest

from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.e2e


def test_five_wrong_passwords_then_the_right_one_shows_the_lockout_page(
    cast, live_server, page, screenshot_dir, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    for _ in range(4):
        login(page, live_server, "bob", "wrong-" + PASSWORD)
        assert page.get_by_role("heading", name="Log ind", exact=True).is_visible()
    login(page, live_server, "bob", "wrong-" + PASSWORD)
    login(page, live_server, "bob", PASSWORD)
    heading = page.get_by_role("heading", name="Log ind er midlertidigt spærret")
    assert heading.is_visible()
    assert "i 15 minutter" in page.get_by_role("alert").inner_text()
    page.screenshot(path=screenshot_dir / "locked-out.png", full_page=True)
    # The 429 itself is reported in the console; nothing may be refused by the CSP.
    assert [e for e in console_errors if "Content Security Policy" in e] == []
    assert any("429" in e for e in console_errors)
    page.goto(live_server.url + "/")
    assert page.url.endswith("/login/?next=/")  # not signed in

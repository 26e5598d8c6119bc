"""The users page as the administration sees it in headless Chromium, on a laptop and a phone."""

import pytest

from inklusio.people.models import Role
from tests.conftest import login, make_user

pytestmark = pytest.mark.e2e

# How many lines each username on the page takes: an inline <code> broken across lines has one
# box per line.
USERNAME_LINES = """() => [...document.querySelectorAll('[data-testid=user] code')]
    .map(code => [code.textContent, code.getClientRects().length])"""


def test_usernames_stay_on_one_line_on_a_phone(cast, live_server, page, screenshot_dir):
    make_user("anne-marie.kristensen-holm", cast.ishoj, Role.STAFF, institution=cast.elverhoej)
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/konto/brugere/")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        lines = dict(page.evaluate(USERNAME_LINES))
        assert lines["anne-marie.kristensen-holm"] == 1, width
        assert set(lines.values()) == {1}, (width, lines)
        # The table scrolls in its own region; the page itself does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=screenshot_dir / f"users-{width}.png", full_page=True)

"""Every role on a phone (375 px) and a small laptop (1024 px): the menu is reachable, "Log af"
works, and no page scrolls sideways."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.e2e

PHONE, LAPTOP = 375, 1024


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _too_wide(page, width: int) -> list[str]:
    """What sticks out, outside the tables (which scroll inside themselves), for the message."""
    return page.evaluate(
        """width => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('table'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)""",
        width,
    )


@pytest.mark.parametrize("username", ["alice", "bob", "gert"])
def test_on_a_phone_the_menu_leads_everywhere_and_logs_out(
    cast, live_server, page, screenshot_dir, username
):
    page.set_viewport_size({"width": PHONE, "height": 800})
    login(page, live_server, username)
    assert _page_width(page) <= PHONE
    menu = page.get_by_test_id("compact-menu")
    menu.locator("summary").click()
    page.screenshot(path=screenshot_dir / f"{username}-menu.png")
    links = menu.get_by_role("link")
    assert links.count() >= 2  # the start page and at least one section
    addresses = [links.nth(i).get_attribute("href") for i in range(links.count())]
    links.nth(1).click()
    for address in addresses:
        page.goto(live_server.url + address)
        assert _page_width(page) <= PHONE, (address, _too_wide(page, PHONE))
    page.get_by_test_id("compact-menu").locator("summary").click()
    page.get_by_test_id("compact-menu").get_by_role("button", name="Log af").click()
    assert page.url.endswith("/login/")


def test_the_administrators_menu_fits_a_small_laptop(cast, live_server, page, screenshot_dir):
    page.set_viewport_size({"width": LAPTOP, "height": 800})
    login(page, live_server, "alice")
    for path in ("/", "/forloeb/", "/visitation/", "/statistik/"):
        page.goto(live_server.url + path)
        assert _page_width(page) <= LAPTOP, (path, _too_wide(page, LAPTOP))
    assert page.get_by_role("navigation", name="Hovedmenu").first.is_visible()
    page.screenshot(path=screenshot_dir / "alice-1024.png")

"""The header's search on a phone (375 px) and a laptop (1280 px): typed in the header of any
page, posted, the results grouped on a page that does not scroll sideways; the address holds a
token, never the typed number."""

import pytest

from tests.conftest import login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [375, 1280])
def test_the_header_search_finds_a_child_by_cpr_number(
    cast, live_server, page, screenshot_dir, width
):
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, "alice")
    page.goto(live_server.url + "/handleplaner/")
    search = page.get_by_role("searchbox", name="Søg i Inklusio")
    assert search.is_visible()  # in the header itself, not behind the menu button
    search.fill("150322-4123")
    with page.expect_navigation():
        search.press("Enter")
    assert "/soeg/?soegning=" in page.url and "150322" not in page.url
    children = page.get_by_test_id("search-group-children")
    assert children.get_by_role("link", name=cast.mia.full_name).is_visible()
    assert page.get_by_test_id("search-shown").inner_text() == "Søgning: “150322-xxxx”"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshot_dir / f"search-{width}.png", full_page=True)
    with page.expect_navigation():
        children.get_by_role("link", name=cast.mia.full_name).click()
    assert page.get_by_role("heading", name=cast.mia.full_name).first.is_visible()


def test_a_list_filtered_and_sorted_on_a_phone(cast, live_server, page, screenshot_dir):
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server, "alice")
    page.goto(live_server.url + "/boern/")
    filters = page.get_by_test_id("list-filter")
    filters.get_by_label("Institution").select_option(label="Elverhøj")
    with page.expect_navigation():
        filters.get_by_role("button", name="Filtrér").click()
    rows = page.locator("#child-rows")
    assert rows.get_by_role("link", name=cast.emil.full_name).is_visible()
    assert rows.get_by_role("link", name=cast.mia.full_name).count() == 0
    with page.expect_navigation():
        rows.get_by_role("link", name="Navn").click()  # sorted by name: a second click reverses
    assert "sort=-name" in page.url and f"institution={cast.elverhoej.pk}" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=screenshot_dir / "children-filtered-375.png", full_page=True)

"""The administration reads the dry run, confirms it and sets a period, in a real browser."""

import pytest
from playwright.sync_api import expect

from inklusio.children.models import Child
from tests.conftest import login
from tests.retention.test_retention import DUE, closed_case, on  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e


def test_the_administration_confirms_the_dry_run(closed_case, live_server, page, screenshot_dir):  # noqa: F811
    with on(DUE):
        login(page, live_server, "alice")
        page.get_by_role("link", name="Sletning", exact=True).click()
        dry_run = page.get_by_test_id("dry-run")
        assert "Børn: 1" in dry_run.inner_text()
        assert "Mia" not in page.content()
        page.screenshot(path=screenshot_dir / "dry-run.png", full_page=True)

        page.get_by_role("button", name="Slet 1 sag nu").click()
        expect(page.locator("body")).to_contain_text("1 sag er slettet.")
        assert (
            "Barnets sag efter sagens afslutning" in page.get_by_test_id("deletions").inner_text()
        )
        assert not Child.objects.filter(pk=closed_case.mia.pk).exists()

        page.get_by_role("link", name="Slettefrister").click()
        page.fill("#id_child_case_months", "12")
        page.get_by_role("button", name="Gem").click()
        expect(page.locator("body")).to_contain_text(
            "Slettefristen skal være mellem 36 og 120 måneder."
        )
        assert page.input_value("#id_child_case_months") == "12"
        page.screenshot(path=screenshot_dir / "settings.png", full_page=True)

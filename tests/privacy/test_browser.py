"""Alice registers a parent's request for access from the child's page and finds it, with its
deadline, in the register; an overdue request stands out there."""

import datetime

import pytest

from inklusio.privacy.models import DataRequest, add_months
from tests.conftest import TODAY, login

pytestmark = pytest.mark.e2e


def test_alice_registers_a_request_and_sees_the_deadline(cast, live_server, page, screenshot_dir):
    DataRequest.objects.create(
        municipality=cast.ishoj,
        child=cast.emil,
        requester="Emils mor",
        received_on=TODAY - datetime.timedelta(days=45),
        deadline=add_months(TODAY - datetime.timedelta(days=45), 1),
        registered_by=cast.alice,
    )
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/boern/{cast.emil.public_id}/")
    page.get_by_role("link", name="Registrér en anmodning om indsigt").click()
    page.get_by_label("Anmoder").fill("Emils far")
    page.get_by_label("Modtaget den").fill(TODAY.isoformat())
    page.get_by_role("button", name="Registrér").click()
    page.get_by_text("Anmodningen er registreret.").wait_for()
    due = add_months(TODAY, 1)
    assert f"{due.day}." in page.locator("dl").inner_text()
    page.screenshot(path=screenshot_dir / "request.png", full_page=True)
    page.get_by_role("link", name="Alle indsigtsanmodninger").click()
    overdue = page.locator("tr.overdue")
    assert overdue.count() == 1
    assert "Emils mor" in overdue.inner_text() and "Frist overskredet" in overdue.inner_text()
    page.screenshot(path=screenshot_dir / "overview.png", full_page=True)

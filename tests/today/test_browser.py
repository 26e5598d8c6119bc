"""Bob opens his today list from the menu, at a desk and on a phone, and turns his e-mail
reminders off."""

import pytest

from inklusio.today.models import ReminderSetting
from tests.conftest import login

pytestmark = pytest.mark.e2e


def test_bob_finds_his_week_and_turns_reminders_off(cast, week, live_server, page, screenshot_dir):
    login(page, live_server, "bob")
    proposals = page.get_by_test_id("waiting-proposals")
    assert "Mia Testesen" in proposals.inner_text()
    assert page.get_by_test_id("today-events").inner_text() == "1"
    page.screenshot(path=screenshot_dir / "start-1280.png", full_page=True)
    page.get_by_role("navigation", name="Hovedmenu").first.get_by_role(
        "link", name="I dag"
    ).first.click()
    page.get_by_role("heading", name="I dag og denne uge", level=1).wait_for()
    today = page.get_by_test_id("today")
    assert "Legegruppe" in today.inner_text()
    week_part = page.get_by_test_id("this-week").inner_text()
    assert "Opfølgningsmøde" in week_part and "Konsultativt møde" in week_part
    deadlines = page.get_by_test_id("deadlines").inner_text()
    assert "Forslag til justering" in deadlines and "Mia Testesen" in deadlines
    page.screenshot(path=screenshot_dir / "today-1280.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width} px)"
    page.screenshot(path=screenshot_dir / "today-375.png", full_page=True)
    page.get_by_role("link", name="Påmindelser på e-mail").click()
    page.get_by_label("Send mig en e-mail, når noget venter på mig").uncheck()
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Du får ikke længere påmindelser på e-mail.").wait_for()
    assert ReminderSetting.objects.get(user=cast.bob).email is False


def test_alice_sees_the_committees_deadlines(cast, week, live_server, page, screenshot_dir):
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/i-dag/")
    deadlines = page.get_by_test_id("deadlines")
    overdue = deadlines.locator("li.overdue").all_inner_texts()
    assert any("Klage skal genvurderes" in text and "Overskredet" in text for text in overdue)
    assert "Afgørelsesbrev ikke sendt" in deadlines.inner_text()
    assert "Visitationsmøde" in page.get_by_test_id("this-week").inner_text()
    page.screenshot(path=screenshot_dir / "today-administration-1280.png", full_page=True)

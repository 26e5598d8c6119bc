"""An action plan in a real browser: written, agreed, acknowledged, adjusted, compared."""

import pytest

from tests.conftest import TODAY, login

pytestmark = pytest.mark.e2e


def test_plan_agreed_acknowledged_and_adjusted(cast, live_server, page, screenshot_dir):
    login(page, live_server, "bob")
    page.goto(f"{live_server.url}/handleplaner/ny/?barn={cast.mia.public_id}")
    page.fill("#id_title", "Mia i samling")
    page.fill("#id_problem", "Mia trækker sig i samling.")
    page.fill("#id_strategies", "Billedstøtte og en fast voksen.")
    page.fill("#id_duration", "Et halvt år")
    page.fill("#id_goals-0-text", "Mia deltager i samling")
    page.fill("#id_goals-0-success_criterion", "Sidder med 4 af 5 dage")
    page.fill("#id_agreements-0-text", "Laver billedprogram")
    page.fill("#id_agreements-0-owner", "Sara")
    page.get_by_role("button", name="Gem").click()
    assert page.locator("h1").inner_text() == "Mia i samling"

    page.get_by_role("link", name="Indkald til møde").click()
    # Held the day the plan was written: a meeting is never dated before its plan.
    page.fill("#id_date", TODAY.isoformat())
    for name in ("Bob Testesen", "Sara Testesen", "Gert Testesen"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="Gem").click()
    page.get_by_role("button", name="Mødet er holdt").click()
    meeting_url = page.url
    page.get_by_label("Har læst og er enig").check()
    page.get_by_role("button", name="Send mit svar").click()

    page.context.clear_cookies()
    login(page, live_server, "gert")
    page.goto(meeting_url)
    page.get_by_label("Har læst og er enig").check()
    page.get_by_role("button", name="Send mit svar").click()
    rows = page.get_by_test_id("acknowledgements").inner_text()
    assert rows.count("Har læst og er enig") == 2 and "Mangler" in rows  # Sara has not answered
    page.screenshot(path=str(screenshot_dir / "acknowledgements.png"), full_page=True)

    page.get_by_role("link", name="Mia i samling").click()
    page.get_by_role("link", name="Foreslå en justering").click()
    page.fill("#id_reason", "Samlingen er for lang")
    page.fill("#id_agreement_text", "Mia må gå efter 10 minutter")
    page.fill("#id_agreement_owner", "Stuens voksne")
    page.get_by_role("button", name="Gem").click()

    page.context.clear_cookies()
    login(page, live_server, "bob")
    page.goto(meeting_url)
    page.get_by_role("link", name="Mia i samling").click()
    assert "Samlingen er for lang" in page.get_by_test_id("proposal").inner_text()
    page.get_by_role("link", name="Se ændringen og behandl forslaget").click()
    proposed = page.get_by_test_id("proposed-changes").inner_text()
    assert "+ Mia må gå efter 10 minutter – Stuens voksne" in proposed  # shown before it happens
    page.get_by_role("button", name="Godkend forslaget").click()
    assert "Mia må gå efter 10 minutter" in page.get_by_test_id("agreements").inner_text()
    page.get_by_role("link", name="se ændringer").click()
    diff = page.get_by_test_id("diff").inner_text()
    assert "+ Mia må gå efter 10 minutter – Stuens voksne" in diff
    page.screenshot(path=str(screenshot_dir / "diff.png"), full_page=True)

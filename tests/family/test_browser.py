"""A guardian on a phone (375 px) in a real browser: reads Mia's plan and acknowledges it,
withdraws a consent and writes to the staff (issue 18)."""

import pytest
from playwright.sync_api import expect

from inklusio.family.models import Message
from inklusio.meetings.models import DiscussionConsent
from inklusio.plans.models import Acknowledgement
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def test_guardian_reads_acknowledges_withdraws_and_writes_on_a_phone(
    cast, live_server, browser, screenshot_dir
):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "gert")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")

    with page.expect_navigation():
        page.locator(".summary-cards").get_by_role("link", name="Mit barn").click()
    assert page.locator("h1").inner_text() == cast.mia.full_name
    assert "Laver dagsprogram" in page.get_by_test_id("family-plan").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / "guardian-page-375.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_test_id("family-acknowledge").click()
    page.get_by_label("Har læst og er enig").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send mit svar").click()
    assert Acknowledgement.objects.filter(user=cast.gert, answer="agreed").exists()
    page.screenshot(path=str(screenshot_dir / "guardian-acknowledged-375.png"), full_page=True)

    page.goto(f"{live_server.url}/familie/barn/{cast.mia.public_id}/")
    assert "Du har svaret: har læst og er enig" in page.get_by_test_id("family-plan").inner_text()
    with page.expect_navigation():
        # The consent to discussion with a psychologist (Mia also has one to her handover).
        withdraw = f"/samtykke/{cast.consent_mia.public_id}/"
        page.locator(f"form[action*='{withdraw}'] [data-testid=withdraw-consent]").click()
    expect(page.locator("body")).to_contain_text("barnet er fjernet fra kommende dagsordener")
    assert "Trukket tilbage" in page.get_by_test_id("family-consents").inner_text()
    assert DiscussionConsent.objects.get(pk=cast.consent_mia.pk).withdrawn_by == cast.gert
    _no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / "guardian-consent-withdrawn-375.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_test_id("family-messages").first.click()
    page.fill("#id_text", "Mia har sovet dårligt i denne uge.")
    with page.expect_navigation():
        page.get_by_test_id("send-message").click()
    assert "Mia har sovet dårligt i denne uge." in page.get_by_test_id("thread").inner_text()
    assert Message.objects.get().author == cast.gert
    _no_sideways_scroll(page)
    page.screenshot(path=str(screenshot_dir / "guardian-message-375.png"), full_page=True)
    context.close()

    # The plan's owner at his desk (1280 px): the message waits on his start page, and Mia's
    # page shows the withdrawn consent.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.get_by_test_id("unread-messages").inner_text() == "1"
    page.goto(f"{live_server.url}/boern/{cast.mia.public_id}/")
    assert "trukket tilbage" in page.get_by_test_id("child-consents").inner_text()
    page.screenshot(path=str(screenshot_dir / "staff-child-consents-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/familie/beskeder/{cast.plan_mia.public_id}/")
    assert "ny" in page.get_by_test_id("thread").inner_text()
    page.screenshot(path=str(screenshot_dir / "staff-thread-1280.png"), full_page=True)
    context.close()

"""The chain in a real browser: a leader refers, the committee decides and writes the letter."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inklusio.referrals.models import Decision, Referral
from tests.conftest import TODAY, login
from tests.referrals.test_waiting_list import fill_group, queue

pytestmark = pytest.mark.e2e


def test_from_referral_to_decision_letter(cast, live_server, page, screenshot_dir):
    login(page, live_server, "carl")
    page.get_by_role("link", name="Visitation", exact=True).click()
    page.get_by_role("link", name="Ny indstilling").click()
    page.select_option("#id_child", label="Emil Testesen")
    page.check("input[name=offer][value=support_pedagogue]")
    page.select_option("#id_category", value="speech_language")
    page.fill("#id_description", "Emil taler kun i korte sætninger.")
    page.get_by_role("button", name="Gem kladde").click()
    # Emil (the cast) already has an open draft of this kind: the form asks why, text kept.
    expect(page.locator("body")).to_contain_text("allerede en åben indstilling")
    assert page.input_value("#id_description") == "Emil taler kun i korte sætninger."
    page.fill("#id_duplicate_reason", "Den gamle kladde trækkes tilbage.")
    page.get_by_role("button", name="Gem kladde").click()
    assert "Kladde" in page.get_by_test_id("referral-status").inner_text()

    # Submitting is confirmed on its own page; without consent the page says so first.
    with page.expect_navigation():
        page.get_by_role("link", name="Indsend til visitationsudvalget").click()
    expect(page.locator("body")).to_contain_text("uden forældrenes samtykke")
    with page.expect_navigation():
        page.get_by_role("link", name="Fortryd").click()
    page.get_by_role("link", name="Ret kladde").click()
    page.fill("#id_consent_by", "Emils mor")
    page.fill("#id_consent_date", "2026-11-01")
    page.select_option("#id_consent_method", value="digital")
    page.get_by_role("button", name="Gem kladde").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Indsend til visitationsudvalget").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Bekræft: Indsend til visitationsudvalget").click()
    assert "Indsendt" in page.get_by_test_id("referral-status").inner_text()
    page.screenshot(path=str(screenshot_dir / "referral.png"), full_page=True)
    referral = Referral.objects.get(
        child=cast.emil, referred_by=cast.carl, description__startswith="Emil taler"
    )

    page.context.clear_cookies()
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}{cast.meeting.get_absolute_url()}")
    assert page.get_by_test_id("free-support-places").inner_text() == "6"
    page.screenshot(path=str(screenshot_dir / "meeting.png"), full_page=True)
    row = page.locator("tr", has=page.get_by_role("link", name="Emil Testesen")).filter(
        has_text="Støttepædagog"
    )
    row.get_by_role("link", name="Afgør").click()
    page.check("input[name=outcome][value=granted]")
    page.fill("#id_reasons", "Emils sproglige vanskeligheder kræver fast støtte.")
    page.select_option("#id_legal_basis", label="Dagtilbudslovens § 4")
    page.fill("#id_start", "2026-12-01")
    page.get_by_role("button", name="Registrér").click()
    decision = Decision.objects.get(referral=referral)
    assert decision.end.isoformat() == "2027-11-30"
    page.get_by_role("button", name="Dan afgørelsesbrev").click()
    assert page.get_by_role("link", name="Brev v1 (PDF)").is_visible()
    # Sent today (a day to come is refused): the family may appeal for four weeks.
    page.fill("input[name=on]", TODAY.isoformat())
    page.get_by_role("button", name="Registrér som sendt").click()
    deadline = TODAY + datetime.timedelta(weeks=4)
    expect(page.get_by_test_id("appeal-deadline").first).to_have_text(
        f"{deadline.day}.{deadline.month}.{deadline.year}"
    )
    page.screenshot(path=str(screenshot_dir / "decision.png"), full_page=True)
    href = page.get_by_role("link", name="Brev v1 (PDF)").get_attribute("href")
    letter = page.request.get(f"{live_server.url}{href}")
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")


def test_withdrawing_is_confirmed_on_a_phone(cast, live_server, page, screenshot_dir):
    """The confirm page at 375 px: what happens, what cannot be undone, Bekræft/Fortryd, no
    sideways scroll, and it works without JavaScript (a plain form)."""
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server, "carl")
    page.goto(f"{live_server.url}{cast.waiting_emil.get_absolute_url()}")
    with page.expect_navigation():
        page.get_by_role("link", name="Træk indstillingen tilbage").click()
    assert (
        "Kan ikke fortrydes"
        in page.get_by_test_id("confirm-irreversible").locator("..").inner_text()
    )
    confirm = page.get_by_role("button", name="Bekræft: Træk tilbage")
    assert confirm.is_visible() and page.get_by_role("link", name="Fortryd").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(screenshot_dir / "withdraw-confirm-375.png"), full_page=True)
    page.fill("#id_reason", "Familien er flyttet")
    with page.expect_navigation():
        confirm.click()
    assert "Trukket tilbage" in page.get_by_test_id("referral-status").inner_text()
    assert Referral.objects.get(pk=cast.waiting_emil.pk).status == Referral.Status.WITHDRAWN


def test_a_refused_start_date_and_move_come_back_by_their_fields(
    cast, live_server, page, screenshot_dir
):
    """The decision page's 'Barnet er startet' and the waiting list's 'Flyt i køen' are small
    forms on a page: a value they refuse comes back by its field, as typed."""
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}{cast.decision_mia.get_absolute_url()}")
    page.fill("#id_placed_on", "0001-01-01")
    page.get_by_role("button", name="Barnet er startet").click()
    date = page.locator(".form-group", has=page.locator("#id_placed_on"))
    expect(date.locator(".form-error-message")).to_contain_text(
        "Angiv en dato mellem 1950 og 2099."
    )
    assert page.input_value("#id_placed_on") == "0001-01-01"
    expect(page.locator("#id_placed_on")).to_be_focused()
    page.screenshot(path=str(screenshot_dir / "placed-refused.png"), full_page=True)
    page.fill("#id_placed_on", "2026-11-02")
    page.get_by_role("button", name="Barnet er startet").click()
    expect(page.locator("body")).to_contain_text("Barnet er registreret som startet")
    expect(page.locator("dl")).to_contain_text("2.11.2026")

    # Emil's queue gets a second child: the only child in a queue is offered no move.
    fill_group(cast)
    queue(cast, ["Anna"])
    page.goto(f"{live_server.url}{reverse('waiting-list')}")
    row = page.locator("tr", has=page.get_by_role("link", name="Emil Testesen"))
    move = row.locator("form[action$='/flyt/']")
    row.get_by_text("Flyt i køen").click()
    move.get_by_label("Ny plads i køen").fill("3")
    move.get_by_label("Begrundelse").fill("Akut behov efter udredning")
    move.get_by_role("button", name="Flyt").click()
    # Shown again open, the place refused by its field and the reason kept.
    place = move.locator(".form-group", has=page.get_by_label("Ny plads i køen"))
    expect(place.locator(".form-error-message")).to_be_visible()
    expect(place.locator(".form-error-message")).to_contain_text("Vælg en plads mellem 1 og 2.")
    assert move.get_by_label("Ny plads i køen").input_value() == "3"
    expect(move.get_by_label("Ny plads i køen")).to_be_focused()
    assert move.get_by_label("Begrundelse").input_value() == "Akut behov efter udredning"
    page.screenshot(path=str(screenshot_dir / "move-refused.png"), full_page=True)

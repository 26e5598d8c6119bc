"""Lise, the leader of Bøgely, invites Quinn (a psychologist in the directory) to Mia's action
plan; Quinn signs in and sees that plan on her start page, and not Mia's case."""

import datetime

import pytest
from playwright.sync_api import expect

from inklusio.children.models import PartnerInvitation
from inklusio.people.models import Role
from tests.conftest import TODAY, login, make_user
from tests.partners.directory import profile

pytestmark = pytest.mark.e2e


def test_a_leader_invites_a_partner_to_a_plan(cast, live_server, browser, screenshot_dir):
    make_user("lise", cast.ishoj, Role.INSTITUTION_LEADER, institution=cast.boegely)
    quinn = make_user("quinn", cast.ishoj, Role.PARTNER, profession="psychologist")
    profile(cast, quinn)
    until = TODAY + datetime.timedelta(days=60)

    leader = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = leader.new_page()
    login(page, live_server, "lise")
    page.goto(f"{live_server.url}/handleplaner/{cast.plan_mia.public_id}/")
    with page.expect_navigation():
        page.get_by_test_id("invite-partner").click()
    page.get_by_label("Samarbejdspartner").select_option(
        label="Quinn Testesen (Psykolog, PPR Ishøj)"
    )
    page.get_by_label("Formål").fill("Sprogvurdering")
    with page.expect_navigation():
        page.get_by_role("button", name="Invitér").click()
    # No end date: refused in Danish, with what was typed kept.
    expect(page.locator("body")).to_contain_text("Angiv hvornår invitationen slutter")
    assert page.get_by_label("Formål").input_value() == "Sprogvurdering"
    page.get_by_label("Gælder til og med").fill(until.isoformat())
    page.screenshot(path=screenshot_dir / "invite-form.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Invitér").click()
    page.get_by_text("Samarbejdspartneren er inviteret").wait_for()
    invitation = PartnerInvitation.objects.get(partner=quinn)
    assert (invitation.scope, invitation.plan, invitation.valid_until) == (
        "plan",
        cast.plan_mia,
        until,
    )
    leader.close()

    partner = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = partner.new_page()
    login(page, live_server, "quinn")
    table = page.get_by_test_id("my-invitations")
    assert cast.plan_mia.title in table.inner_text()
    assert "Sprogvurdering" in table.inner_text()
    assert page.get_by_test_id("child-count").count() == 0
    page.screenshot(path=screenshot_dir / "partner-start.png", full_page=True)
    with page.expect_navigation():
        table.get_by_role("link").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == cast.plan_mia.title
    for path in (f"/boern/{cast.mia.public_id}/", "/visitation/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404 or cast.mia.first_name not in page.content(), path
    partner.close()

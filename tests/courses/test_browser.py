"""A course from the leader's task to the closing evaluation, in a real browser."""

import pytest
from playwright.sync_api import expect

from inklusio.courses.models import Course, Session
from inklusio.people.models import Role
from tests.conftest import login, make_child, make_user

pytestmark = pytest.mark.e2e


def rate(page, name, value):
    page.check(f"input[name={name}][value='{value}']")


def test_a_group_course_from_task_to_closing(cast, live_server, page, screenshot_dir):
    make_user("lea", cast.ishoj, Role.INSTITUTION_LEADER, institution=cast.boegely)
    for index, name in enumerate(["Ali", "Bo"]):
        make_child(cast.ishoj, cast.boegely, name, f"0101224{index:03d}")

    login(page, live_server, "lea")
    page.get_by_role("link", name="Ressourceforløb", exact=True).click()
    page.get_by_role("link", name="Ny ressourceopgave").click()
    rate(page, "usage", "pedagogue_coordinator")
    page.fill("#id_problem", "Nogle børn står uden for legen i frileg.")
    page.get_by_role("button", name="Gem").click()
    assert "Ressourceopgave i Bøgely" in page.locator("h1").inner_text()
    task_url = page.url

    page.context.clear_cookies()
    login(page, live_server, "bob")
    page.goto(task_url)
    page.get_by_role("link", name="Start et forløb").click()
    rate(page, "kind", "group")
    page.fill("#id_title", "Legegruppe i Solsikken")
    page.fill("#id_goals", "Alle fire børn er med i en leg hver dag.")
    page.fill("#id_start", "2026-10-01")
    rate(page, "coordinator", "pedagogue")
    page.get_by_role("button", name="Gem").click()
    assert page.locator("h1").inner_text() == "Legegruppe i Solsikken"

    for child, role in [
        ("Mia Testesen", "case"),
        ("Ali Testesen", "role_model"),
        ("Bo Testesen", "role_model"),
    ]:
        page.select_option("#id_child", label=child)
        rate(page, "role", role)
        page.get_by_role("button", name="Tilføj deltager").click()
    assert page.get_by_test_id("participant").count() == 3
    assert page.get_by_test_id("participant").filter(has_text="Rollemodel").count() == 2

    # The parents' letter given: a date the form refuses comes back by the date in Mia's row,
    # as typed; Ali's and Bo's rows keep their empty forms.
    mia = page.get_by_test_id("participant").filter(has_text="Mia Testesen")
    mia.locator("input[name=on]").fill("0001-01-01")
    mia.get_by_role("button", name="Registrér").click()
    date = mia.locator(".form-group", has=page.locator("input[name=on]"))
    expect(date.locator(".form-error-message")).to_contain_text(
        "Angiv en dato mellem 1950 og 2099."
    )
    assert date.locator("input[name=on]").input_value() == "0001-01-01"
    expect(date.locator("input[name=on]")).to_be_focused()
    assert page.locator(".form-error-message").count() == 1
    page.screenshot(path=str(screenshot_dir / "letter-refused.png"), full_page=True)
    mia.locator("input[name=on]").fill("2026-10-02")
    mia.get_by_role("button", name="Registrér").click()
    expect(mia).to_contain_text("Sendt (Digital Post/Aula) den 2.10.2026")

    page.get_by_role("link", name="Vurdér ved start").click()
    for name in ("participation", "play", "conflicts", "wellbeing"):
        rate(page, name, "2")
    page.get_by_role("button", name="Gem").click()

    for day in ("2026-10-06", "2026-10-13", "2026-10-20"):
        page.fill("#id_date", day)
        page.get_by_role("button", name="Planlæg samling").click()
    for outcome in ("held", "held", "cancelled"):
        # Each step waits for the next page to load, so the next click never lands on the last.
        with page.expect_navigation():
            page.get_by_test_id("session").filter(has_text="Planlagt").first.get_by_role(
                "link", name="Registrér"
            ).click()
        if outcome == "held":
            with page.expect_navigation():
                page.get_by_role("button", name="Registrér som gennemført").click()
        else:
            rate(page, "cause", "called_to_centre")
            with page.expect_navigation():
                page.get_by_role("button", name="Registrér som aflyst").click()
    assert page.get_by_test_id("held-share").inner_text() == "67 %"

    page.get_by_role("link", name="Vurdér ved afslutning").click()
    for name in ("participation", "play", "conflicts", "wellbeing"):
        rate(page, name, "4")
    page.get_by_role("button", name="Gem").click()
    page.get_by_role("link", name="Afslut med evaluering").click()
    page.fill("#id_closed_on", "2027-03-31")
    rate(page, "goals_reached", "yes")
    rate(page, "methods_in_practice", "partly")
    page.fill("#id_evaluation", "Mia leger nu med Ali og Bo uden voksenstøtte.")
    page.screenshot(path=str(screenshot_dir / "closing.png"), full_page=True)
    page.get_by_role("button", name="Afslut forløbet").click()
    expect(page.locator("body")).to_contain_text("Afsluttet")
    assert "2 → 4 (+2)" in page.get_by_test_id("effects").inner_text()
    page.screenshot(path=str(screenshot_dir / "course.png"), full_page=True)

    course = Course.objects.get(title="Legegruppe i Solsikken")
    assert course.closed_on.isoformat() == "2027-03-31"
    statuses = sorted(course.sessions.values_list("status", flat=True))
    assert statuses == [Session.Status.CANCELLED, Session.Status.HELD, Session.Status.HELD]

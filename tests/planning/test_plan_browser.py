"""The weekly plan page in a real browser (issue 19, point 5): the whole week at 1280 px and on
an A4 landscape page, the grids reachable by keyboard, sessions, absences and the centre meeting
named in the grid."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from inklusio.organisation.models import Institution
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.planning import services
from inklusio.planning.models import Absence
from tests.conftest import login, make_user
from tests.planning.conftest import MONDAY

pytestmark = pytest.mark.e2e

# A4 landscape is 297 mm wide; the print stylesheet leaves 10 mm margins: 277 mm at 96 px/inch.
A4_LANDSCAPE_CONTENT_PX = int(277 / 25.4 * 96)
LONG_NAMES = ["Tvillingehuset", "Trækronerne", "Firkløveren", "Regnbuen", "Piletræet", "Ørnebo"]


@pytest.fixture
def busy_week(corps):
    """Eight pedagogues over eight institutions with Ishøj's longest names, Pete ill on
    Monday, and Bob's course session on Wednesday morning: a solved week."""
    for index, name in enumerate(LONG_NAMES):
        institution = Institution.objects.create(
            municipality=corps.ishoj, name=name, kind="integrated", size=60 + 10 * index
        )
        pedagogue = make_user(f"paedagog{index}", corps.ishoj, Role.PEDAGOGUE)
        PedagogueAttachment.objects.create(
            municipality=corps.ishoj,
            pedagogue=pedagogue,
            institution=institution,
            function="resource",
        )
    Absence.objects.create(
        municipality=corps.ishoj,
        pedagogue=corps.pete,
        start=MONDAY,
        end=MONDAY,
        kind=Absence.Kind.ILLNESS,
        created_by=corps.cora,
    )
    corps.week = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
    return corps


def overflow(page, selector):
    """How many pixels the element is wider than the room it has (0: no sideways scroll)."""
    return page.eval_on_selector(selector, "el => el.scrollWidth - el.clientWidth")


def day_header_right_edges(page):
    return page.eval_on_selector_all(
        "[data-testid=pedagogue-grid] .week-grid__day",
        "els => els.map(el => el.getBoundingClientRect().right)",
    )


def test_the_whole_week_fits_1280_px_and_the_grids_are_keyboard_reachable(
    busy_week, live_server, page, screenshot_dir
):
    login(page, live_server, "cora")
    page.goto(f"{live_server.url}{busy_week.week.get_absolute_url()}")
    page.screenshot(path=str(screenshot_dir / "plan-1280.png"), full_page=True)

    assert page.viewport_size["width"] == 1280
    edges = day_header_right_edges(page)
    assert len(edges) == 5, "Monday to Friday"
    assert max(edges) <= 1280
    assert overflow(page, "[data-testid=pedagogue-grid-region]") == 0
    assert overflow(page, "[data-testid=institution-grid-region]") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    grid = page.get_by_test_id("pedagogue-grid")
    pete = grid.locator("tr", has_text="Pete Testesen")
    assert pete.locator("td").nth(0).inner_text() == "Fravær: Sygdom"
    assert pete.locator("td").nth(3).inner_text() == "Centermøde"
    bob = grid.locator("tr", has_text="Bob Testesen")
    assert "Samling kl. 09:00: Legegruppe" in bob.locator("td").nth(4).inner_text()
    assert "Forslag" in page.locator(".font-lead").inner_text()

    # Keyboard: Tab reaches the pedagogue grid's region.
    reached = False
    for _press in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "pedagogue-grid-region":
            reached = True
            break
    assert reached, "the week grid is reachable with Tab"
    results = Axe().run(page, options={"runOnly": ["scrollable-region-focusable"]})
    assert results.violations_count == 0, results.generate_report()


def test_a_narrow_window_scrolls_the_grid_in_a_focusable_region(busy_week, live_server, page):
    """Below the design system's 992 px the grid scrolls sideways inside its region, which
    the keyboard can reach (axe rule scrollable-region-focusable)."""
    page.set_viewport_size({"width": 800, "height": 900})
    login(page, live_server, "cora")
    page.goto(f"{live_server.url}{busy_week.week.get_absolute_url()}")
    assert overflow(page, "[data-testid=pedagogue-grid-region]") > 0, "it does scroll here"
    results = Axe().run(page, options={"runOnly": ["scrollable-region-focusable"]})
    assert results.violations_count == 0, results.generate_report()


def test_on_a_phone_the_week_scrolls_inside_its_grids_not_the_page(
    busy_week, live_server, page, screenshot_dir
):
    """At 375 px (a phone) the week's grids scroll sideways inside their own regions; the page
    itself does not, so the forms and the weights below keep the screen's width."""
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server, "cora")
    page.goto(f"{live_server.url}{busy_week.week.get_absolute_url()}")
    page.screenshot(path=str(screenshot_dir / "plan-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert overflow(page, "[data-testid=pedagogue-grid-region]") > 0, "the grid scrolls"
    assert overflow(page, "[data-testid=institution-grid-region]") > 0
    assert page.get_by_role("button", name="Omplanlæg").bounding_box()["x"] < 375


SPLIT_WORDS = """() => {
  const split = [];
  for (const grid of document.querySelectorAll('.week-grid')) {
    const walker = document.createTreeWalker(grid, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(word[0]);
      }
    }
  }
  return split;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_no_word_in_the_grids_is_broken_across_lines(busy_week, live_server, page, width):
    """Narrow half-day cells broke the institutions' names inside ("Tvillingehu|set"); a
    name wraps between words, and on a phone the grid scrolls a little further instead."""
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "cora")
    page.goto(f"{live_server.url}{busy_week.week.get_absolute_url()}")
    assert page.evaluate(SPLIT_WORDS) == []
    if width == 1280:
        assert overflow(page, "[data-testid=pedagogue-grid-region]") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_printed_on_a4_landscape_all_five_days_fit_the_page(
    busy_week, live_server, page, screenshot_dir
):
    login(page, live_server, "cora")
    page.goto(f"{live_server.url}{busy_week.week.get_absolute_url()}")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_LANDSCAPE_CONTENT_PX, "height": 760})
    assert not page.locator("header.header").is_visible()
    assert not page.get_by_role("button", name="Omplanlæg").is_visible()
    edges = day_header_right_edges(page)
    assert len(edges) == 5 and max(edges) <= A4_LANDSCAPE_CONTENT_PX
    assert overflow(page, "[data-testid=pedagogue-grid-region]") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_LANDSCAPE_CONTENT_PX
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (screenshot_dir / "plan-a4-landscape.pdf").write_bytes(pdf)
    page.screenshot(path=str(screenshot_dir / "plan-print.png"), full_page=True)
    # The stylesheet's @page asks for A4 landscape: 842 × 595 points.
    width, height = (
        float(n) for n in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups()
    )
    assert (round(width), round(height)) == (842, 595)


def test_two_tabs_editing_one_half_day_the_later_save_is_refused(
    corps, live_server, page, screenshot_dir
):
    """Two tabs opened on the same plan: the later save does not replace the earlier one; it
    comes back scrolled to the form, with the conflict message, the choices made and what the
    half-day holds now."""
    login(page, live_server, "cora")
    url = f"{live_server.url}{corps.plan.get_absolute_url()}"
    first, second = page, page.context.new_page()
    first.goto(url)
    second.goto(url)

    def edit(tab, institution):
        # The re-plan form beside it has a "pedagogue" field too: pick within this form.
        form = tab.locator("#ret-halv-dag form")
        form.locator("select[name=pedagogue]").select_option(label="Pete Testesen")
        form.locator("select[name=slot]").select_option(label="Fredag eftermiddag")
        form.locator("select[name=institution]").select_option(label=institution)
        form.get_by_role("button", name="Gem og lås").click()

    edit(first, "Elverhøj")
    assert "Ændringen er gemt og låst" in first.content()
    edit(second, "Bøgely")
    second.screenshot(path=str(screenshot_dir / "plan-slot-conflict.png"))
    alert = second.locator("#ret-halv-dag .alert-error")
    assert "Nogen har gemt ændringer, mens du redigerede." in alert.inner_text()
    assert alert.is_visible() and alert.bounding_box()["y"] < second.viewport_size["height"]
    assert "Elverhøj (Ressourcefunktion)" in second.get_by_test_id("slot-saved-now").inner_text()
    chosen = second.locator("#ret-halv-dag select[name=institution] option:checked")
    assert chosen.inner_text() == "Bøgely"
    assert "Elverhøj (R) – låst" in second.get_by_test_id("pedagogue-grid").inner_text()


def test_a_refused_absence_is_brought_into_view_by_its_field(cast, live_server, page):
    """The absence form sits below both grids: shown again, it is scrolled to, its error by
    the half-days and the pedagogue and reason still chosen."""
    login(page, live_server, "cora")
    page.goto(f"{live_server.url}{cast.plan.get_absolute_url()}")
    form = page.locator("form[action$='/fravaer/']")
    form.get_by_label("Pædagog").select_option(label="Bob Testesen")
    form.get_by_label("Årsag").select_option(label="Sygdom")
    form.get_by_role("button", name="Omplanlæg").click()
    half_days = form.locator(".form-group", has=page.locator("input[name=slots]"))
    expect(half_days.locator(".form-error-message")).to_contain_text("Vælg mindst én halv dag.")
    expect(half_days.locator(".form-error-message")).to_be_in_viewport()
    assert form.get_by_label("Pædagog").input_value() == str(cast.bob.pk)
    assert form.get_by_label("Årsag").input_value() == "illness"


def test_the_published_week_tells_the_institution_its_pedagogue_is_absent(
    corps, live_server, page, screenshot_dir
):
    """Cora has re-planned the published week after Pete fell ill on a half-day he is planned
    at Elverhøj; the revision is still a proposal. Carl, Elverhøj's leader, reads the published
    plan: Pete is absent that half-day (no reason given), not coming."""
    published = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
    services.plan_publish(actor=corps.cora, plan=published)
    slot = published.slots.filter(pedagogue=corps.pete, institution=corps.elverhoej).first()
    assert slot is not None, "the solver plans Pete at Elverhøj"
    services.replan_absence(
        actor=corps.cora,
        plan=published,
        pedagogue=corps.pete,
        slots=frozenset({(slot.day, slot.half)}),
        kind=Absence.Kind.ILLNESS,
    )

    login(page, live_server, "carl")
    page.goto(f"{live_server.url}{published.get_absolute_url()}")
    page.screenshot(path=str(screenshot_dir / "plan-published-absence.png"), full_page=True)

    assert "Offentliggjort" in page.locator(".font-lead").inner_text()
    column = 2 * slot.day + slot.half
    elverhoej = page.get_by_test_id("institution-grid").locator("tr", has_text="Elverhøj")
    expect(elverhoej.locator("td").nth(column)).to_have_text("Pete (R) – Fravær")
    pete = page.get_by_test_id("pedagogue-grid").locator("tr", has_text="Pete Testesen")
    expect(pete.locator("td").nth(column)).to_have_text("Fravær")
    assert "Sygdom" not in page.content()


def test_a_pedagogue_who_left_shows_in_the_published_week_and_it_still_fits_1280_px(
    busy_week, live_server, page, screenshot_dir
):
    """Paedagog0 is deactivated after the week is published: the notice names the lapsing
    visits with the re-plan advice, the cells say "Har forladt korpset", and the longer text
    does not push the week beyond the window."""
    services.plan_publish(actor=busy_week.cora, plan=busy_week.week)
    departed = User.objects.get(username="paedagog0")
    assert busy_week.week.slots.filter(pedagogue=departed).exists()
    departed.is_active = False
    departed.save()

    login(page, live_server, "cora")
    page.goto(f"{live_server.url}{busy_week.week.get_absolute_url()}")
    page.screenshot(path=str(screenshot_dir / "plan-left-corps.png"), full_page=True)

    notice = page.get_by_test_id("left-corps")
    expect(notice).to_contain_text("Besøg, der bortfalder: pædagogen har forladt korpset")
    expect(notice).to_contain_text("Paedagog0 Testesen har forladt korpset.")
    expect(notice).to_contain_text("Beregn ugen igen med de låste halve dage")
    row = page.get_by_test_id("pedagogue-grid").locator("tr", has_text="Paedagog0 Testesen")
    expect(row).to_contain_text("Har forladt korpset")
    expect(page.get_by_test_id("institution-grid")).to_contain_text(
        "Paedagog0 (R) – Har forladt korpset"
    )
    assert max(day_header_right_edges(page)) <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

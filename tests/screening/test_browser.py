"""Sara screens Solsikken on her phone (375 px), by keyboard where it counts: the round's form
lists the room's children, a yellow light without a follow-up is refused at the child with
what she chose kept, and the saved round shows the way to the consultative meeting."""

import pytest

from inklusio.screening.models import ScreeningRating
from tests.conftest import login, make_child

pytestmark = pytest.mark.e2e


def test_sara_fills_in_the_round_on_a_phone(cast, live_server, page, screenshot_dir):
    noah = make_child(
        cast.ishoj, cast.boegely, "Noah", "0203234561", room=cast.screening_boegely.room
    )
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server, "sara")
    page.goto(f"{live_server.url}/tidlig-opsporing/{cast.screening_boegely.public_id}/")
    noah_box = page.locator("fieldset.screening-child", has_text="Noah Testesen")
    # Keyboard: to Noah's well-being lights, then the arrow keys choose within the group.
    noah_box.get_by_role("radio", name="Grøn").first.focus()
    page.keyboard.press("Space")
    noah_box.locator("fieldset", has_text="Udvikling").get_by_role("radio", name="Gul").check()
    # No sideways scroll at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=screenshot_dir / "round-375.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Gem vurderingerne").click()
    assert "Gul eller rød: vælg en opfølgning" in noah_box.inner_text()
    assert (
        noah_box.locator("fieldset", has_text="Udvikling")
        .get_by_role("radio", name="Gul")
        .is_checked()
    )
    page.screenshot(path=screenshot_dir / "round-refused-375.png", full_page=True)
    noah_box.get_by_label("Opfølgning ved gul eller rød").select_option("room")
    noah_box.get_by_label("Handling på stuen (kort)").fill("Fast voksen ved aflevering")
    with page.expect_navigation():
        page.get_by_role("button", name="Gem vurderingerne").click()
    page.get_by_text("Vurderingerne er gemt.").wait_for()
    rating = ScreeningRating.objects.get(child=noah)
    assert (rating.wellbeing, rating.development, rating.follow_up) == ("green", "yellow", "room")
    assert page.get_by_role("link", name="Sæt barnet på det konsultative møde").count() == 1
    page.screenshot(path=screenshot_dir / "round-saved-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshot_dir / "round-1280.png", full_page=True)

"""`/filer/` (the user's files and background jobs) is in the main menu for the roles that order
background work: the administration and the corps leader, who order statistics workbooks and
annual reports; the others have no reason to go there and do not get the link."""

from django.urls import reverse


def _menu(page: str) -> str:
    """The desktop main menu (the compact phone menu lists the same entries)."""
    return page.split('class="mainmenu"', 1)[1].split("</ul>", 1)[0]


def _compact_menu(page: str) -> str:
    return page.split('class="compact-menu-list"', 1)[1].split("</ul>", 1)[0]


def test_the_roles_that_order_files_find_them_in_the_menu(cast, client_for):
    link = f'href="{reverse("job-list")}"'
    for user in (cast.alice, cast.cora, cast.dora):
        page = client_for(user).get(reverse("start")).content.decode()
        assert link in _menu(page) and link in _compact_menu(page), user.username
        assert "Mine filer" in _menu(page)
    for user in (cast.bob, cast.carl, cast.sara, cast.pia, cast.gert):
        page = client_for(user).get(reverse("start")).content.decode()
        assert link not in page, user.username


def test_the_link_is_marked_current_on_the_files_page(cast, client_for):
    page = client_for(cast.cora).get(reverse("job-list")).content.decode()
    assert f'class="current"><a href="{reverse("job-list")}"' in _menu(page)

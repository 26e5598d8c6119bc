"""The main menu's entries are kept in the session for settings.MENU_SECONDS (issue 14): working
them out asks up to eight access rules on every page. The menu is links, not access: a page
refuses at once what its rule no longer allows, and the menu follows within MENU_SECONDS."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inklusio.people.models import PedagogueAttachment
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _menu(page: str) -> str:
    return page.split('class="mainmenu"', 1)[1].split("</ul>", 1)[0]


def _plans_link() -> str:
    return f'href="{reverse("plan-list")}"'


def test_an_ended_attachment_ends_the_pages_at_once_and_the_menu_entry_within_the_time(
    cast, client_for, settings
):
    settings.MENU_SECONDS = 60
    client = client_for(cast.bob)
    assert _plans_link() in _menu(client.get(reverse("start")).content.decode())
    plan = cast.plan_mia
    assert client.get(reverse("plan-detail", args=[plan.public_id])).status_code == 200

    PedagogueAttachment.objects.filter(pedagogue=cast.bob).update(ended_on=TODAY)

    assert client.get(reverse("plan-detail", args=[plan.public_id])).status_code == 404
    assert _plans_link() in _menu(client.get(reverse("start")).content.decode())
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert _plans_link() not in _menu(client.get(reverse("start")).content.decode())


def test_the_second_page_asks_no_rule_for_the_menu(cast, client_for, settings):
    """Staff's menu asks the plans', messages', meetings' and courses' rules; the page about the
    municipality's institutions asks none of them itself."""
    settings.MENU_SECONDS = 60
    client = client_for(cast.sara)
    first = _page_queries(client, "institution-list")
    second = _page_queries(client, "institution-list")
    assert any("plans_actionplan" in sql for sql in first)
    assert not any("plans_actionplan" in sql for sql in second)
    assert len(second) < len(first)


def test_with_no_time_the_menu_is_worked_out_on_every_page(cast, client_for, settings):
    settings.MENU_SECONDS = 0
    client = client_for(cast.sara)
    _page_queries(client, "institution-list")
    assert any("plans_actionplan" in sql for sql in _page_queries(client, "institution-list"))


def test_another_user_in_the_same_browser_gets_their_own_menu(cast, client_for, settings):
    settings.MENU_SECONDS = 60
    client = client_for(cast.alice)
    assert f'href="{reverse("audit-log")}"' in _menu(client.get(reverse("start")).content.decode())
    client.force_login(cast.gert)
    page = client.get(reverse("start")).content.decode()
    assert f'href="{reverse("audit-log")}"' not in page
    assert f'href="{reverse("family-home")}"' in _menu(page)


def test_a_page_reads_the_user_and_the_municipality_in_one_query(cast, client_for):
    client = client_for(cast.sara)
    queries = _page_queries(client, "institution-list")
    assert not any('FROM "organisation_municipality"' in sql for sql in queries)
    assert any(
        'FROM "people_user"' in sql and "organisation_municipality" in sql for sql in queries
    )


def _page_queries(client, name: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_a_session_naming_an_entry_that_is_gone_shows_the_others(cast, client_for, settings):
    """A session kept from before a release that removed a page must not break every page."""
    settings.MENU_SECONDS = 60
    client = client_for(cast.sara)
    client.get(reverse("start"))
    session = client.session
    session["menu"]["names"].append("a-page-that-is-gone")
    session.save()
    page = client.get(reverse("start"))
    assert page.status_code == 200
    assert f'href="{reverse("child-list")}"' in _menu(page.content.decode())

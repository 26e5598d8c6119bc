"""The access log counts its entries up to a limit (issue 14): its page must not cost more with
every entry the municipality writes. Up to MAX_PAGES pages it pages as any list; beyond, it says
there are more and how to find them (a period), and its count query stops at the limit."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inklusio.audit import views
from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.audit.services import audit_record
from inklusio.core.saved_search import SEARCH_PARAMETER

pytestmark = pytest.mark.django_db

HINT = "Der er ældre poster. Søg på en periode"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 5)
    monkeypatch.setattr(views, "MAX_PAGES", 3)


def _fill_log_to(cast, total: int) -> None:
    missing = total - AuditEntry.objects.filter(municipality_id=cast.alice.municipality_id).count()
    for number in range(missing):
        audit_record(actor=cast.alice, action=AuditAction.SEARCH, search_term=f"søgning {number}")


def _page(client, number: int) -> str:
    return client.get(reverse("audit-log"), {"side": number}).content.decode()


def test_a_log_within_the_limit_pages_as_any_list(cast, client_for, small_pages):
    client = client_for(cast.alice)
    _fill_log_to(cast, 9)  # the first page's own read entry makes it 10: two pages
    first = _page(client, 1)
    assert "Side 1 af 2" in first and "Næste" in first
    second = _page(client, 2)
    assert "Side 2 af " in second and "af over" not in second  # each read adds an entry
    assert HINT not in first + second


def test_a_longer_log_says_there_are_more_and_how_to_find_them(cast, client_for, small_pages):
    client = client_for(cast.alice)
    _fill_log_to(cast, 40)
    first = _page(client, 1)
    assert "Side 1 af over 3" in first and HINT not in first
    last = _page(client, 3)
    assert "Side 3 af over 3" in last and "Næste" not in last and HINT in last
    assert "Side 3 af over 3" in _page(client, 7)  # beyond the last: the last


def test_the_count_stops_at_the_limit(cast, client_for, small_pages):
    client = client_for(cast.alice)
    _fill_log_to(cast, 40)
    with CaptureQueriesContext(connection) as queries:
        _page(client, 1)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 16" in counts[0], counts


def _next_link(page: str) -> str:
    link = re.search(r'<a href="([^"]*)"[^>]*>Næste</a>', page)
    assert link, "no link to the next page"
    return html.unescape(link[1])


def test_the_page_links_keep_the_search_and_say_the_page_once(cast, client_for, small_pages):
    """Found in a QA pass: each click on "Næste" added another `side=` to the address."""
    client = client_for(cast.alice)
    _fill_log_to(cast, 40)
    searched = client.post(reverse("audit-log"), {"user": "alice", "action": "search"})
    token = parse_qs(urlsplit(searched["Location"]).query)[SEARCH_PARAMETER]
    address = searched["Location"]
    for _click in range(2):
        address = reverse("audit-log") + _next_link(client.get(address).content.decode())
    query = parse_qs(urlsplit(address).query)
    assert query == {SEARCH_PARAMETER: token, "side": ["3"]}
    assert "Side 3 af over 3" in client.get(address).content.decode()

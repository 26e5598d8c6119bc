"""The load benchmark's floor views (`bench/load.py`) exist only with INKLUSIO_BENCH_VIEWS: the
application's own URLs never route to them; with them, the empty page is an application page
like any other (signed in, with the user's menu) and nothing more."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_production_urls_have_no_floor_views(client):
    for path in ("/bench/bare", "/bench/one-query", "/bench/signed-in"):
        assert client.get(path).status_code == 404


@override_settings(ROOT_URLCONF="inklusio.core.bench_urls")
def test_the_empty_page_is_the_signed_in_users_frame_without_content(cast, client, client_for):
    assert client.get("/bench/bare").content == b"ok"
    assert client.get("/bench/signed-in").status_code == 302
    page = client_for(cast.sara).get("/bench/signed-in")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="mainmenu"' in html and f'href="{reverse("child-list")}"' in html
    assert cast.mia.first_name not in html

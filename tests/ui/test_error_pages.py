"""Error pages in Danish, in the house layout, without a word about any child."""

from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from inklusio.core import error_pages


def test_a_missing_page_is_danish_with_the_menu_and_the_way_home(cast, client_for):
    response = client_for(cast.bob).get("/findes-ikke/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="da">' in page
    assert "Siden findes ikke" in page
    assert 'aria-label="Hovedmenu"' in page
    assert "Not Found" not in page


def test_another_municipalitys_child_looks_missing_and_is_not_named(cast, client_for):
    response = client_for(cast.dora).get(cast.mia.get_absolute_url())
    assert response.status_code == 404
    page = response.content.decode()
    assert "Siden findes ikke" in page
    assert cast.mia.first_name not in page
    assert cast.mia.cpr not in page


def test_the_missing_page_follows_the_chosen_language(cast, client_for):
    client = client_for(cast.bob)
    client.cookies["django_language"] = "en"
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()


def test_a_form_sent_after_its_session_ended_is_refused_in_danish(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.bob)
    response = client.post("/logout/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formularen kunne ikke sendes" in page
    assert "CSRF verification failed" not in page


def test_a_refused_action_is_danish_and_hides_the_developer_text(cast, rf):
    request = rf.get("/")
    request.user, request.session = cast.bob, SessionStore()
    response = error_pages.permission_denied(
        request, PermissionDenied("Audit entries cannot be changed.")
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Ingen adgang" in page
    assert "Audit entries" not in page


def test_a_request_for_an_unknown_host_is_refused_in_danish(db, client):
    response = client.get("/login/", HTTP_HOST="angriber.example")
    assert response.status_code == 400
    assert "Forespørgslen kunne ikke behandles" in response.content.decode()


def test_a_missing_page_before_the_session_still_renders(rf):
    response = error_pages.page_not_found(rf.get("/findes-ikke/"), Exception())
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def test_a_server_error_is_danish_and_needs_neither_session_nor_user(rf):
    response = error_pages.server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="da">' in page
    assert "Der opstod en fejl" in page
    assert "Traceback" not in page


def test_pages_give_an_empty_icon_so_the_browser_asks_for_no_favicon(cast, client_for, rf):
    """Without one, every first visit asked for /favicon.ico and the log showed a 404."""
    empty_icon = '<link rel="icon" href="data:,">'
    assert empty_icon in client_for(cast.bob).get(reverse("start")).content.decode()
    assert empty_icon in error_pages.server_error(rf.get("/")).content.decode()

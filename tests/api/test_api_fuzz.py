"""Schemathesis against the v1 schema, in-process (WSGI), as a guardian, a pedagogue, a partner
and an administrator of the cast — all but the guardian with a read-and-write token,
the guardian (who holds no token) with a signed-in browser session and its CSRF token: no
server error, every answer as the schema says, and no child (nor institution) outside what the
caller may see in any answer.

Bounded (FUZZ_EXAMPLES per operation and role, default 5) so the run takes a few minutes; CI
may raise it with INKLUSIO_FUZZ_EXAMPLES."""

import datetime
import os

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.conf import settings as django_settings  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.middleware.csrf import CSRF_SESSION_KEY  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from inklusio import access  # noqa: E402
from inklusio.api import api_v1  # noqa: E402
from inklusio.children.models import Child  # noqa: E402
from inklusio.organisation.models import Institution  # noqa: E402
from inklusio.people import services as people_services  # noqa: E402
from tests.conftest import TODAY  # noqa: E402

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

FUZZ_EXAMPLES = int(os.environ.get("INKLUSIO_FUZZ_EXAMPLES", "5"))
# A guardian, a pedagogue, a partner invited to one child's case, the administration.
ROLES = ["gert", "bob", "pia", "alice"]

schema = schemathesis.openapi.from_dict(api_v1.get_openapi_schema())
schema.app = get_wsgi_application()


def _outsiders(cast, user) -> set[str]:
    """The ids of every child and institution in the database the user may not see."""
    children = {str(c) for c in Child.objects.values_list("public_id", flat=True)}
    visible = {str(c) for c in access.children_visible_to(user).values_list("public_id", flat=True)}
    institutions = {str(i) for i in Institution.objects.values_list("public_id", flat=True)}
    own = {
        str(i)
        for i in Institution.objects.filter(municipality_id=user.municipality_id).values_list(
            "public_id", flat=True
        )
    }
    return (children - visible) | (institutions - own)


@pytest.fixture
def keep_the_test_connection():
    """Django's WSGI handler closes the database connection after each request; inside a test
    that is the test's transaction. Django's test client unhooks the same signal, and hooks it
    again after its request, so this comes after any use of it (the guardian's sign-in)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def caller(request, cast):
    """The user, what to send with each call (headers, cookies) and the ids they may not see."""
    user = getattr(cast, request.param)
    if not access.may_hold_api_token(user):
        return user, _browser_session(user), _outsiders(cast, user)
    _row, secret = people_services.api_token_create(
        actor=user,
        owner=user,
        name="Fuzz",
        scope="read_write",
        expires_on=TODAY + datetime.timedelta(days=30),
    )
    return user, {"headers": {"Authorization": f"Bearer {secret}"}}, _outsiders(cast, user)


def _browser_session(user) -> dict:
    """A signed-in session as the browser holds it, with the CSRF secret a write must echo
    (kept in the session: settings.CSRF_USE_SESSIONS)."""
    browser = Client()
    browser.force_login(user)
    # A page with a form puts the CSRF secret in the session.
    browser.get(reverse("family-home"), follow=True)
    session_cookie = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
    csrf_secret = browser.session[CSRF_SESSION_KEY]
    return {
        "headers": {"X-CSRFToken": csrf_secret},
        "cookies": {django_settings.SESSION_COOKIE_NAME: session_cookie},
    }


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_holds_for_every_role(case, caller, keep_the_test_connection):
    user, credentials, outsiders = caller
    if "cookies" in credentials and case.headers:
        # A generated bearer header would make the API judge the call on it, not the session.
        case.headers.pop("Authorization", None)
    response = case.call(**credentials)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    text = response.text if "json" in response.headers.get("Content-Type", [""])[0] else ""
    leaked = sorted(ident for ident in outsiders if ident in text)
    assert not leaked, f"{user.username} got ids outside their rights: {leaked}"


def test_every_list_without_filters_stays_within_the_callers_rights(caller, client):
    """The generated examples mostly carry filters (and often a refused cursor); each list
    plain, as an integration's first sync calls it, is checked here for every role."""
    user, credentials, outsiders = caller
    if "cookies" in credentials:
        client.force_login(user)
    authorization = credentials["headers"].get("Authorization")
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    lists = [
        path
        for path, operations in api_v1.get_openapi_schema()["paths"].items()
        if "get" in operations and "{" not in path
    ]
    assert len(lists) >= 14
    for path in lists:
        response = client.get(path, **extra)
        assert response.status_code in {200, 404}, (path, response.status_code)
        leaked = sorted(ident for ident in outsiders if ident in response.content.decode())
        assert not leaked, f"{user.username} got ids outside their rights from {path}: {leaked}"

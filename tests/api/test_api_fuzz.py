"""Schemathesis against the v1 schema, in-process (WSGI), as a guardian, a pedagogue and an
administrator of the cast, each with a read-and-write token: no server error, every answer as
the schema says, and no child (nor institution) outside what the caller may see in any answer.

Bounded (FUZZ_EXAMPLES per operation and role, default 5) so the run takes a few minutes; CI
may raise it with INKLUSIO_FUZZ_EXAMPLES."""

import datetime
import os

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections  # noqa: E402
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
ROLES = ["gert", "bob", "alice"]  # a guardian, a pedagogue, the administration

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


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Django's WSGI handler closes the database connection after each request; inside a test
    that is the test's transaction. Django's test client unhooks the same signal."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def caller(request, cast):
    user = getattr(cast, request.param)
    _row, secret = people_services.api_token_create(
        actor=user,
        owner=user,
        name="Fuzz",
        scope="read_write",
        expires_on=TODAY + datetime.timedelta(days=30),
    )
    return user, {"Authorization": f"Bearer {secret}"}, _outsiders(cast, user)


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_holds_for_every_role(case, caller):
    user, headers, outsiders = caller
    response = case.call(headers=headers)
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
    user, headers, outsiders = caller
    lists = [
        path
        for path, operations in api_v1.get_openapi_schema()["paths"].items()
        if "get" in operations and "{" not in path
    ]
    assert len(lists) >= 14
    for path in lists:
        response = client.get(path, HTTP_AUTHORIZATION=headers["Authorization"])
        assert response.status_code in {200, 404}, (path, response.status_code)
        leaked = sorted(ident for ident in outsiders if ident in response.content.decode())
        assert not leaked, f"{user.username} got ids outside their rights from {path}: {leaked}"

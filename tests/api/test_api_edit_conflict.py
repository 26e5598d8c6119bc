"""An edit refused because someone saved meanwhile is answered 409 in Danish, with the fields
they changed, not with the exception's English developer text."""

import json

from django.test import RequestFactory

from inklusio.api.v1 import api_v1
from inklusio.core.errors import EditConflict


def test_an_edit_conflict_is_answered_409_in_danish_with_the_changed_fields():
    request = RequestFactory().patch("/api/v1/courses/x")
    conflict = EditConflict(
        current=object(),
        changed_fields={
            "title": {"before": "Legegruppe", "after": "Legegruppen", "by": "Bob Pedersen"},
            "goals": {"before": "", "after": "Flere børn med"},
        },
    )
    response = api_v1.on_exception(request, conflict)
    assert response.status_code == 409
    body = json.loads(response.content)
    assert body["detail"] == (
        "Nogen har gemt ændringer, mens du redigerede. Intet er gemt: hent den gemte udgave, "
        "og send din ændring igen med dens versionsnummer."
    )
    assert "Edit conflict" not in response.content.decode()
    assert body["errors"] == [
        {"field": "title", "message": "Ændret af Bob Pedersen imens."},
        {"field": "goals", "message": "Ændret af en anden imens."},
    ]

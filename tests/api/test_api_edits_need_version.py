"""The API changes no existing record unseen, as the pages do not.

Its writes today create a record (a draft referral, an absence) or register a planned session
once (held or cancelled; a second registration is refused, tests/api/test_api_v1.py). None
edits a record's fields, so none takes a version. An endpoint that does, added later, must
require in its body the version the client read, so a save on top of someone else's is refused
(EditConflict: 409) and one without it is refused by the schema (422, in Danish)."""

from __future__ import annotations

from typing import Any

from inklusio.api.v1 import api_v1

WRITES = {"post", "put", "patch"}

# Writes that edit no existing record's fields: what each does instead.
NOT_EDITS = {
    ("post", "/api/v1/referral-drafts"): "creates a draft referral",
    ("post", "/api/v1/absences"): "creates an absence",
    ("post", "/api/v1/sessions/{public_id}/held"): "registers a planned session, once",
    ("post", "/api/v1/sessions/{public_id}/cancel"): "registers a planned session, once",
}


def _body(schema: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    found = body.get("schema", {})
    while "$ref" in found:
        found = schema["components"]["schemas"][found["$ref"].rsplit("/", 1)[1]]
    return found


def test_every_write_that_edits_a_record_requires_the_version_the_client_read():
    schema = api_v1.get_openapi_schema()
    edits = [
        (method, path, _body(schema, operation))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in WRITES and (method, path) not in NOT_EDITS
    ]
    unversioned = [
        f"{method.upper()} {path}"
        for method, path, body in edits
        if "version" not in body.get("required", [])
        or body.get("properties", {}).get("version", {}).get("type") != "integer"
    ]
    assert unversioned == []


def test_the_writes_that_are_no_edits_are_still_there():
    """The list above names real endpoints: one removed or renamed is taken off it."""
    schema = api_v1.get_openapi_schema()
    writes = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITES
    }
    assert set(NOT_EDITS) <= writes

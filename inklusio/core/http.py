"""Responses that carry a generated file (PDF, calendar, spreadsheet), and the type of a
signed-in request."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.http import content_disposition_header

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from inklusio.people.models import User

PDF = "application/pdf"
ICS = "text/calendar; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def file_response(
    data: bytes | memoryview, filename: str, content_type: str, *, download: bool = True
) -> HttpResponse:
    """`download=False` opens the file in the browser (letters to read), else it is saved."""
    response = HttpResponse(bytes(data), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(download, filename)
    return response


def public_id_in(query: QueryDict, name: str) -> UUID | None:
    """The public id a link passes in its query string (`?barn=…`): None when it is missing or
    not a UUID, so a mangled link opens the page without it instead of failing."""
    try:
        return UUID(query.get(name) or "")
    except ValueError:
        return None


class AuthenticatedHttpRequest(HttpRequest):
    """For annotations only: a request that has passed `login_required` (or the API's auth),
    so its user is a signed-in `User`, never `AnonymousUser`. Django never builds one. Like
    every request here it also carries django-htmx's `htmx` (HtmxMiddleware)."""

    user: User
    htmx: HtmxDetails

"""What every v1 endpoint shares: the error shape, cursor pages, the changed-since filter,
`updated_at` from the audit trail, and ETags.

Errors are JSON `{"detail": <Danish message>, "errors": [{"field", "message"}]}`.

Pages are ordered by (created_at, row) where a record has a creation time, else by row; the
cursor is a signed, opaque token of the last row's key, so a page never repeats or skips a
row that was there when the first page was read, and a forged cursor is refused (400).

Most records have no `updated_at` column: every change goes through a service that writes an
audit row naming the object, so the last change is read from the audit trail (one query per
page) and `changed_since` selects records created, or named in a change, since then.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core import signing
from django.db.models import Max, Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.core.errors import DomainError, EditConflict

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_CURSOR_SALT = "inklusio.api.v1.cursor"
_CHANGES = (AuditAction.CREATE, AuditAction.CHANGE)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class ApiRefusal(Exception):
    """A refusal with a Danish message and optionally the field it concerns."""

    def __init__(self, status: int, message: str, field: str | None = None):
        self.status = status
        self.message = message
        self.field = field
        super().__init__(message)


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


# --- pydantic's errors in Danish ----------------------------------------------------------------

_MESSAGES = {
    "missing": N_("Feltet skal udfyldes."),
    "uuid_parsing": N_("Ugyldigt id."),
    "uuid_type": N_("Ugyldigt id."),
    "date_parsing": N_("Ugyldig dato; skriv den som ÅÅÅÅ-MM-DD."),
    "date_from_datetime_parsing": N_("Ugyldig dato; skriv den som ÅÅÅÅ-MM-DD."),
    "date_from_datetime_inexact": N_("Ugyldig dato; skriv den som ÅÅÅÅ-MM-DD."),
    "date_type": N_("Ugyldig dato; skriv den som ÅÅÅÅ-MM-DD."),
    "datetime_parsing": N_("Ugyldigt tidspunkt; skriv det som ÅÅÅÅ-MM-DDTTT:MM:SS+01:00."),
    "datetime_from_date_parsing": N_(
        "Ugyldigt tidspunkt; skriv det som ÅÅÅÅ-MM-DDTTT:MM:SS+01:00."
    ),
    "datetime_type": N_("Ugyldigt tidspunkt; skriv det som ÅÅÅÅ-MM-DDTTT:MM:SS+01:00."),
    "int_parsing": N_("Skal være et helt tal."),
    "int_type": N_("Skal være et helt tal."),
    "greater_than_equal": N_("Tallet er for lille."),
    "less_than_equal": N_("Tallet er for stort."),
    "string_too_long": N_("Teksten er for lang."),
    "string_too_short": N_("Feltet skal udfyldes."),
    "string_type": N_("Skal være en tekst."),
    "list_type": N_("Skal være en liste."),
    "bool_parsing": N_("Skal være true eller false."),
    "bool_type": N_("Skal være true eller false."),
    "json_invalid": N_("Indholdet er ikke gyldig JSON."),
    "model_attributes_type": N_("Indholdet skal være et JSON-objekt."),
    "dict_type": N_("Indholdet skal være et JSON-objekt."),
    "model_type": N_("Indholdet skal være et JSON-objekt."),
}


def _danish(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind in {"enum", "literal_error"}:
        # pydantic lists the values as "'a', 'b' or 'c'": the last joiner in Danish.
        expected = (error.get("ctx") or {}).get("expected", "")
        expected = re.sub(r" or (?=[^,]*$)", " eller ", expected)
        return _("Ugyldig værdi; vælg en af: %(values)s.") % {"values": expected}
    return _(_MESSAGES.get(kind, N_("Ugyldig værdi.")))


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "payload", "header"}]
    return ".".join(parts) or "body"


def _validation_error(api: NinjaAPI) -> Callable[[HttpRequest, ValidationError], HttpResponse]:
    def handle(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": _danish(e)} for e in exc.errors
        ]
        return error_response(api, request, 422, _("Der er fejl i det sendte."), errors)

    return handle


_STATUS_MESSAGES = {
    400: N_("Forespørgslen kan ikke forstås."),
    401: N_("Log ind, eller send en gyldig API-nøgle (Authorization: Bearer …)."),
    403: N_("Handlingen er ikke tilladt."),
    404: N_("Findes ikke, eller du har ikke adgang."),
    405: N_("Metoden understøttes ikke her."),
    429: N_("For mange forespørgsler; prøv igen om lidt."),
}


def install_error_handlers(api: NinjaAPI) -> None:
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, _(_STATUS_MESSAGES[404]))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if isinstance(exc, AuthenticationError) or status == 401:
            message = _(
                "Ikke logget ind, eller API-nøglen er ugyldig, udløbet eller tilbagekaldt. "
                "Send en gyldig nøgle i Authorization: Bearer …"
            )
        elif status == 403 and "CSRF" in str(exc):
            message = _("CSRF-kontrollen fejlede: send X-CSRFToken med en browsersession.")
        else:
            message = _(_STATUS_MESSAGES.get(status, N_("Forespørgslen blev afvist.")))
        return error_response(api, request, status, message)

    def refusal(request: HttpRequest, exc: ApiRefusal) -> HttpResponse:
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        return error_response(api, request, exc.status, exc.message, errors)

    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        """A service's rule (the same Danish message the page shows), by its field if any."""
        field = getattr(exc, "field", None)
        message = getattr(exc, "message", None) or str(exc)
        errors = [{"field": field, "message": message}] if field else []
        return error_response(api, request, 422, message, errors)

    def edit_conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
        """Saved meanwhile by someone else: in Danish, as the forms say it, with the fields they
        changed (the exception's own text is for developers)."""
        errors = [
            {
                "field": name,
                "message": _("Ændret af %(by)s imens.") % {"by": change["by"]}
                if isinstance(change, dict) and change.get("by")
                else _("Ændret af en anden imens."),
            }
            for name, change in (exc.changed_fields or {}).items()
        ]
        message = _(
            "Nogen har gemt ændringer, mens du redigerede. Intet er gemt: hent den gemte udgave, "
            "og send din ændring igen med dens versionsnummer."
        )
        return error_response(api, request, 409, message, errors)

    _handle(api, Http404, not_found)
    _handle(api, HttpError, http_error)
    _handle(api, ValidationError, _validation_error(api))
    _handle(api, ApiRefusal, refusal)
    _handle(api, DomainError, domain)
    _handle(api, EditConflict, edit_conflict)


_E = TypeVar("_E", bound=Exception)


def _handle(
    api: NinjaAPI, exc_class: type[_E], handler: Callable[[HttpRequest, _E], HttpResponse]
) -> None:
    # ninja annotates a handler's exception as `_E | type[_E]`, but it always passes the
    # instance (NinjaAPI.on_exception): the handlers here take the exception they get.
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]


# --- ETags ---------------------------------------------------------------------------------------


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["detail"],
}
_ERRORS = {
    "400": "Forespørgslen kan ikke forstås (fx en ugyldig cursor).",
    "401": "Ikke logget ind, eller API-nøglen er ugyldig, udløbet eller tilbagekaldt.",
    "403": "Nøglen må kun læse, eller CSRF mangler ved en browsersession.",
    "404": "Findes ikke, eller du har ikke adgang.",
    "409": "Nogen har ændret det samme imens.",
    "422": "Der er fejl i det sendte; errors nævner feltet.",
}


class JsonObjectParser(Parser):
    """Every write takes a JSON object: an array, a number or a bare string is refused like a
    body that is no JSON at all (400), where ninja would read it as an object with every field
    left at its default."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError("the body is not a JSON object")
        return body


class VersionedApi(NinjaAPI):
    """Every successful GET answer carries an ETag of its body; a client that sends it back in
    If-None-Match gets 304 and no body (the read is still logged: it was served). The schema
    documents the error answers every operation may give, in the one error shape."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, description in _ERRORS.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
                        },
                    )
                if method == "get":
                    responses.setdefault("304", {"description": "Uændret siden If-None-Match."})
        return schema

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method == "GET" and response.status_code == 200:
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = etag
            if etag in request.headers.get("If-None-Match", ""):
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                return not_modified
        return response


# --- Cursor pages --------------------------------------------------------------------------------


def _has_field(model: type[Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _key_field(model: type[Model]) -> str:
    return "public_id" if _has_field(model, "public_id") else "pk"


def changed_since(queryset: QuerySet[Any], since: datetime.datetime | None) -> QuerySet[Any]:
    """Records created at or after `since`, or named in an audited change since then."""
    if since is None:
        return queryset
    if timezone.is_naive(since):
        since = timezone.make_aware(since)
    model = queryset.model
    key = _key_field(model)
    changed = list(
        AuditEntry.objects.filter(
            object_type=model._meta.model_name, action__in=_CHANGES, at__gte=since
        )
        .values_list("object_id", flat=True)
        .distinct()
    )
    keys: list[Any] = []
    for value in changed:
        try:
            keys.append(model._meta.get_field(key).to_python(value) if key != "pk" else int(value))
        except (ValueError, TypeError, Exception):  # noqa: S112 - an id of another shape
            continue
    rule = Q(**{f"{key}__in": keys})
    if _has_field(model, "created_at"):
        rule |= Q(created_at__gte=since)
    return queryset.filter(rule)


def _bad_cursor() -> ApiRefusal:
    return ApiRefusal(400, _("Ugyldig cursor; start forfra uden cursor."), "cursor")


def paginate(
    queryset: QuerySet[Any], *, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page of `queryset` after `cursor`, and the cursor of the next page (None at the end)."""
    model = queryset.model
    timed = _has_field(model, "created_at")
    order = ("created_at", "pk") if timed else ("pk",)
    queryset = queryset.order_by(*order)
    salt = f"{_CURSOR_SALT}:{model._meta.label_lower}"
    if cursor:
        try:
            last = signing.loads(cursor, salt=salt)
            if timed:
                at, pk = parse_datetime(last[0]), int(last[1])
                if at is None:
                    raise ValueError
                queryset = queryset.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
            else:
                queryset = queryset.filter(pk__gt=int(last[0]))
        except (signing.BadSignature, ValueError, TypeError, IndexError, KeyError) as error:
            raise _bad_cursor() from error
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    tail = rows[-1]
    value = [tail.created_at.isoformat(), tail.pk] if timed else [tail.pk]
    return rows, signing.dumps(value, salt=salt)


def last_changes(rows: Iterable[Model]) -> dict[Any, datetime.datetime]:
    """Each row's newest audited create or change, in one query: the `updated_at` of a page."""
    rows = list(rows)
    if not rows:
        return {}
    model = type(rows[0])
    key = _key_field(model)
    ids = {str(getattr(row, key)): row.pk for row in rows}
    found = (
        AuditEntry.objects.filter(
            object_type=model._meta.model_name, object_id__in=list(ids), action__in=_CHANGES
        )
        .values("object_id")
        .annotate(last=Max("at"))
    )
    return {ids[entry["object_id"]]: entry["last"] for entry in found if entry["object_id"] in ids}


def updated_at(row: Model, changes: dict[Any, datetime.datetime]) -> datetime.datetime | None:
    created = getattr(row, "created_at", None)
    changed = changes.get(row.pk)
    candidates = [t for t in (created, changed) if t is not None]
    return max(candidates) if candidates else None


def page_out(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int,
    since: datetime.datetime | None,
    render: Callable[[Any, datetime.datetime | None], Any],
) -> tuple[list[Any], dict[str, Any]]:
    """The page's rows (for logging) and the answer: items rendered with their `updated_at`."""
    rows, next_cursor = paginate(changed_since(queryset, since), cursor=cursor, limit=limit)
    changes = last_changes(rows)
    items = [render(row, updated_at(row, changes)) for row in rows]
    return rows, {"items": items, "next_cursor": next_cursor}


def require_write(request: HttpRequest) -> None:
    from inklusio import access

    if not access.api_may_write(request):
        raise ApiRefusal(
            403, _("API-nøglen må kun læse. Opret en nøgle med rettigheden Læse og skrive.")
        )


_Out = TypeVar("_Out")


def single(row: Model, render: Callable[[Any, datetime.datetime | None], _Out]) -> _Out:
    """One record rendered with its `updated_at`."""
    return render(row, updated_at(row, last_changes([row])))


def period_filter(
    queryset: QuerySet[Any],
    field: str,
    start: datetime.date | None,
    end: datetime.date | None,
) -> QuerySet[Any]:
    """`from`/`to` (both days included) on the record's own date."""
    if start is not None and end is not None and end < start:
        raise ApiRefusal(422, _("Slutdatoen ligger før startdatoen."), "period_to")
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lte": end})
    return queryset

"""Who calls: a personal API token (`Authorization: Bearer ink_…`) or the browser session.

A call with an Authorization header is judged on its token alone, so a token call never rides
on a session cookie and needs no CSRF token; a session call that writes needs one (ninja's
cookie check). A refused token answers 401 with a Danish message (errors.py)."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from inklusio import access
from inklusio.people import api_tokens
from inklusio.people.models import ApiToken

# Last use is kept to the minute: a busy integration does not write on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _token_for(key: str) -> ApiToken | None:
    parts = api_tokens.split(key)
    if parts is None:
        return None
    prefix, secret = parts
    token: ApiToken | None = ApiToken.objects.select_related("owner").filter(prefix=prefix).first()
    if token is None or not api_tokens.matches(secret, token.secret_hash):
        return None
    owner = token.owner
    if (
        not token.is_usable
        or not access.may_hold_api_token(owner)
        or owner.municipality_id != token.municipality_id
    ):
        return None
    return token


def _note_use(token: ApiToken) -> None:
    """Bookkeeping like Django's `last_login`: shown on the token page, not a change of data."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = _token_for(token)
        if found is None:
            return None
        _note_use(found)
        request.user = found.owner
        request.api_token = found  # type: ignore[attr-defined]
        return found.owner


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; not tried for calls that bring a token."""

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None

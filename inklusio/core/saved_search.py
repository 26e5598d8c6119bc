"""Searches that may hold a CPR number are sent by POST and shown at an address that names only a
random token (POST-redirect-GET): the criteria stay in the user's session, so reloading, going
back and paging work while no CPR number reaches a URL, the browser history or an access log.

The caller stores criteria already made safe (a CPR number hashed or masked): sessions are kept
in the database.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "inklusio_searches"
SEARCH_PARAMETER = "soegning"
# The newest searches per session; an older token is answered as "no search".
KEEP = 20


def remember_search(session: SessionBase, kind: str, criteria: dict[str, Any]) -> str:
    """Keep the criteria of one search and return the token its results are shown under."""
    token = secrets.token_urlsafe(12)
    saved: dict[str, Any] = dict(session.get(SESSION_KEY, {}))
    saved[token] = {"kind": kind, "criteria": criteria}
    session[SESSION_KEY] = dict(list(saved.items())[-KEEP:])
    return token


def recall_search(session: SessionBase, kind: str, token: str | None) -> dict[str, Any] | None:
    """The criteria kept under the token, or None when there is none of this kind."""
    if not token:
        return None
    found = session.get(SESSION_KEY, {}).get(token)
    if not isinstance(found, dict) or found.get("kind") != kind:
        return None
    criteria: dict[str, Any] = found["criteria"]
    return criteria

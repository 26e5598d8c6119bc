"""How django-axes counts failed sign-ins (settings AXES_*): by the address the audit log
records and by a keyed hash of the name typed, never the name itself (it may be a mistyped
password), as the audit log keeps refused sign-ins."""

import hashlib
import hmac
from typing import Any

from django.http import HttpRequest

from inklusio.audit.middleware import _client_ip
from inklusio.audit.services import audit_hash_key


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, behind INKLUSIO_TRUSTED_PROXIES proxies, as in the audit log."""
    return _client_ip(request)


def username_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The keyed hash of the username tried; the same name always gives the same key."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username", "")
    digest = hmac.new(audit_hash_key(), str(username).encode(), hashlib.sha256).hexdigest()
    return f"user#{digest}"

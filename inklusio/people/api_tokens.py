"""API token secrets: made at random, kept only as a keyed hash, found by a public prefix.

A token reads `ink_<prefix>_<secret>`. The prefix (8 characters, stored in clear and unique) finds
the row without a scan; the secret (32 random url-safe bytes) is compared by its HMAC-SHA256
under a key derived from SECRET_KEY, in constant time. Someone holding a copy of the database
can neither use a stored hash as a token nor test guesses against it without the key.
"""

import hmac
import secrets

from django.utils.crypto import salted_hmac

PREFIX = "ink_"
_SALT = "inklusio.people.api_tokens"


def new_key() -> tuple[str, str, str]:
    """A new (prefix, secret, whole token)."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    return prefix, secret, f"{PREFIX}{prefix}_{secret}"


def hash_secret(secret: str) -> str:
    return salted_hmac(_SALT, secret, algorithm="sha256").hexdigest()


def split(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token as typed, or None if it has not the token's shape."""
    if not token.startswith(PREFIX):
        return None
    prefix, _sep, secret = token[len(PREFIX) :].partition("_")
    if len(prefix) != 8 or not secret:
        return None
    return prefix, secret


def matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)

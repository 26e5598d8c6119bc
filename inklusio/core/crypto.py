"""CPR numbers at rest: encrypted with a key from the environment, found by a keyed hash.

The database holds a child's CPR number only as a Fernet token (AES-128-CBC with an
HMAC-SHA256 tag, `cryptography`) under the first key of `settings.CPR_KEYS`; every listed key
decrypts, so a key is rotated by prepending a new one and running `manage.py rotate_cpr_key`.
Uniqueness and exact searches use an HMAC-SHA256 of the digits under `settings.CPR_HASH_KEY`,
a separate key: someone holding a copy of the database can neither decrypt the numbers nor test
guessed ones against the hashes. See docs/operations.md, "CPR numbers at rest".
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

_NON_DIGITS = re.compile(r"\D")
# Built once per key list; tests that rotate keys change the settings, which changes the key.
_fernets: dict[tuple[str, ...], MultiFernet] = {}


class CPRDecryptionError(Exception):
    """A stored CPR token that no configured key opens: a key was removed too early."""


def _fernet() -> MultiFernet:
    keys = tuple(settings.CPR_KEYS)
    fernet = _fernets.get(keys)
    if fernet is None:
        if not keys:
            raise ImproperlyConfigured("INKLUSIO_CPR_KEYS holds no key")
        try:
            fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError as error:
            raise ImproperlyConfigured(
                "INKLUSIO_CPR_KEYS: every key must be a Fernet key (32 url-safe base64 bytes, "
                "e.g. from `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)"
            ) from error
        if getattr(settings, "CPR_KEYS_ARE_DEVELOPMENT_KEYS", False):
            logger.warning(
                "INKLUSIO_CPR_KEYS or INKLUSIO_CPR_HASH_KEY is not set: CPR numbers are encrypted "
                "and hashed with the fixed development keys (never in production)"
            )
        _fernets[keys] = fernet
    return fernet


def cpr_digits(cpr: str) -> str:
    return _NON_DIGITS.sub("", cpr)


def encrypt_cpr(cpr: str) -> str:
    return _fernet().encrypt(cpr_digits(cpr).encode()).decode()


def decrypt_cpr(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise CPRDecryptionError("no key in INKLUSIO_CPR_KEYS opens this CPR number") from error


def reencrypt_cpr(token: str) -> str:
    """The token decrypted with whichever key opens it and encrypted again under the first."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise CPRDecryptionError("no key in INKLUSIO_CPR_KEYS opens this CPR number") from error


def cpr_lookup_hash(cpr: str) -> str:
    """The keyed hash a CPR number is found and kept unique by (64 hex digits)."""
    key = settings.CPR_HASH_KEY.encode()
    return hmac.new(key, cpr_digits(cpr).encode(), hashlib.sha256).hexdigest()

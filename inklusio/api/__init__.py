"""The REST API: `/api/v1/` (inklusio.api.v1, tokens and sessions, docs/api.md) and the
first, unversioned `/api/` (inklusio.api.legacy, sessions only), kept unchanged for the
integrations that use it."""

from inklusio.api.legacy import api
from inklusio.api.v1 import api_v1

__all__ = ["api", "api_v1"]

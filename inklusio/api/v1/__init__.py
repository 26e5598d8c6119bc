"""API v1 (`/api/v1/`, docs/api.md): read endpoints for every part of the domain, three writes
through the existing services, cursor pages, changed-since filters, ETags and Danish errors.

Every endpoint asks `inklusio.access` (through the apps' selectors) exactly as the pages do,
and logs the children it shows (one entry per answer) as the pages do."""

from django.contrib.auth.decorators import login_required

from inklusio.api.v1 import (
    children,
    courses,
    meetings,
    organisation,
    planning,
    plans,
    referrals,
    statistics,
)
from inklusio.api.v1.auth import BrowserSessionAuth, TokenAuth
from inklusio.api.v1.common import JsonObjectParser, VersionedApi, install_error_handlers

api_v1 = VersionedApi(
    title="Inklusio API",
    version="1.0",
    description=(
        "Adgang følger de samme regler som brugerfladen; al læsning af børns data logges. "
        "Log ind med en personlig API-nøgle (Authorization: Bearer ink_…), oprettet under "
        "Min konto → API-nøgler, eller med browserens session (skrivning kræver da CSRF)."
    ),
    auth=[TokenAuth(), BrowserSessionAuth()],
    parser=JsonObjectParser(),
    urls_namespace="api_v1",
    # The schema and its docs are for the municipality's own integrators: signed in only.
    docs_decorator=login_required,
)
install_error_handlers(api_v1)

for module in (organisation, children, referrals, plans, courses, meetings, planning, statistics):
    api_v1.add_router("/", module.router)

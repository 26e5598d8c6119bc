"""Every statistics table of `reports.registry`, with the suppression every page shows
(`Table.suppressed`: counts of children below five hidden, others rounded down to fives)."""

from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from inklusio import access
from inklusio.api.v1.common import ApiRefusal
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.organisation.models import Institution
from inklusio.reports.registry import TABLES, TITLES, build_table

router = Router(tags=["Statistik"])


class TableName(Schema):
    name: str
    title: str


class TableOut(Schema):
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str


def _allowed(request: AuthenticatedHttpRequest) -> None:
    if not access.can_view_statistics(request.user):
        raise Http404


@router.get("/statistics", response=list[TableName])
def list_statistics(request: AuthenticatedHttpRequest) -> list[TableName]:
    _allowed(request)
    return [TableName(name=name, title=str(TITLES[name])) for name in sorted(TABLES)]


class TableFilters(Schema):
    year_from: int | None = Field(default=None, ge=2000, le=2100)
    year_to: int | None = Field(default=None, ge=2000, le=2100)
    institution: list[UUID] = Field(default_factory=list)


@router.get("/statistics/{name}", response=TableOut)
def get_statistics_table(
    request: AuthenticatedHttpRequest, name: str, filters: Query[TableFilters]
) -> TableOut:
    _allowed(request)
    if name not in TABLES:
        raise Http404
    institutions = list(
        Institution.objects.in_municipality_of(request.user).filter(
            public_id__in=filters.institution
        )
    )
    if len(institutions) != len(set(filters.institution)):
        raise ApiRefusal(422, _("En af institutionerne findes ikke."), "institution")
    municipality = request.user.municipality
    if municipality is None:  # not after _allowed: statistics are a municipality's
        raise Http404
    table = build_table(
        name,
        municipality,
        year_from=filters.year_from,
        year_to=filters.year_to,
        institutions=institutions,
    ).suppressed()
    return TableOut(
        name=name,
        title=table.title,
        columns=[str(c) for c in table.columns],
        rows=[
            [v if isinstance(v, int | float) or v is None else str(v) for v in row]
            for row in table.rows
        ],
        note=" ".join(part for part in (table.note, table.disclosure_note) if part),
    )

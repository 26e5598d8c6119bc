"""The annual report and the whole workbook take seconds to make: they are made by the worker."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.core.http import PDF, XLSX
from inklusio.jobs.registry import JobOutput, job_kind
from inklusio.organisation.models import Institution
from inklusio.reports.exports import tables_xlsx
from inklusio.reports.registry import TABLES, build_table
from inklusio.reports.report import annual_report_pdf


@job_kind("annual-report", title=_("Årsrapport (PDF)"), may_request=access.can_view_statistics)
def annual_report(user: Any, params: dict[str, Any]) -> JobOutput:
    year = int(params["year"])
    return JobOutput(annual_report_pdf(user.municipality, year), f"aarsrapport-{year}.pdf", PDF)


@job_kind(
    "statistics-workbook",
    title=_("Alle statistiktabeller (XLSX)"),
    may_request=access.can_view_statistics,
)
def statistics_workbook(user: Any, params: dict[str, Any]) -> JobOutput:
    institutions = list(
        Institution.objects.in_municipality_of(user).filter(
            public_id__in=params.get("institutions", [])
        )
    )
    tables = {
        name: build_table(
            name,
            user.municipality,
            year_from=params.get("year_from"),
            year_to=params.get("year_to"),
            institutions=institutions,
        )
        for name in sorted(TABLES)
    }
    return JobOutput(tables_xlsx(tables), "statistik.xlsx", XLSX)


def workbook_params(filters: dict[str, Any]) -> dict[str, Any]:
    """The statistics filter as JSON-safe job parameters."""
    return {
        "year_from": filters.get("year_from"),
        "year_to": filters.get("year_to"),
        "institutions": sorted(str(i.public_id) for i in filters.get("institutions") or []),
    }

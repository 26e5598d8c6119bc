"""The annual report: the tables, their charts and a short text written from the figures."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.core.pdf import render_pdf
from inklusio.organisation.models import Municipality
from inklusio.reports.charts import bar_chart
from inklusio.reports.registry import (
    ROUNDING_BASE,
    SMALL_NUMBER,
    Table,
    build_table,
    published_count,
)

# (table, whole history up to the year, or the year alone)
REPORT_TABLES = [
    ("courses-by-type", "history"),
    ("children-reached", "history"),
    ("cancellations", "history"),
    ("course-duration", "history"),
    ("effect-measures", "year"),
    ("referrals", "history"),
    ("support-categories", "history"),
    ("hours-split", "year"),
]


def children(n: int) -> str:
    """A count of children as the report prints it: the table's rounded figure, in words."""
    if n <= 0:
        return str(n)
    if n < SMALL_NUMBER:
        return _("færre end 5")
    low = published_count(n)
    return f"{low}–{low + ROUNDING_BASE - 1}"


def _row(table: Table, key: str) -> list[Any] | None:
    return next((row for row in table.rows if str(row[0]) == key), None)


def narrative(municipality: Municipality, year: int) -> list[str]:
    """Plain sentences for the report, from the same tables as the rest of it."""
    paragraphs = []
    courses = _row(
        build_table("courses-by-type", municipality, year_from=year, year_to=year), str(year)
    )
    if courses and courses[4]:
        _year, group, individual, staff, total = courses
        paragraphs.append(
            _(
                "I %(year)s blev der gennemført %(total)s ressourceforløb: %(group)s gruppeforløb, "
                "%(individual)s individuelle forløb og %(staff)s refleksions- og aktionslæringsforløb."
            )
            % {
                "year": year,
                "total": total,
                "group": group,
                "individual": individual,
                "staff": staff,
            }
        )
    reached = _row(
        build_table("children-reached", municipality, year_from=year, year_to=year), str(year)
    )
    if reached and reached[2]:
        paragraphs.append(
            _(
                "%(children)s forskellige børn i udsat position deltog i forløbene "
                "(%(participations)s deltagelser, da nogle børn deltog i mere end ét forløb), "
                "og %(models)s børn deltog som rollemodeller."
            )
            % {
                "children": children(reached[1]),
                "participations": children(reached[2]),
                "models": children(reached[3]),
            }
        )
    sessions = _row(
        build_table("cancellations", municipality, year_from=year, year_to=year), str(year)
    )
    if sessions and sessions[1]:
        paragraphs.append(
            _("Af %(planned)s planlagte samlinger blev %(cancelled)s aflyst (%(rate)s %%).")
            % {
                "planned": sessions[1],
                "cancelled": sessions[3],
                "rate": str(sessions[4]).replace(".", ","),
            }
        )
    label = f"{year}/{(year + 1) % 100:02d}"
    visitation = _row(build_table("referrals", municipality, year_from=year, year_to=year), label)
    if visitation and (visitation[1] or visitation[2]):
        paragraphs.append(
            _(
                "I visitationsperioden %(period)s blev %(referred)s børn indstillet til støttepædagog, "
                "og %(granted)s børn blev visiteret."
            )
            % {
                "period": label,
                "referred": children(visitation[1]),
                "granted": children(visitation[2]),
            }
        )
    return paragraphs


def default_year(municipality: Municipality) -> int:
    """The year the report form offers: last year, the last finished one, when it had courses,
    else this year when it has any, else last year. Never an older year, though one has
    courses: staff report on the year just ended (a municipality that began this year, or the
    demo with its evaluation years, would otherwise be offered a year long past)."""
    this_year = timezone.localdate().year
    recent = build_table("courses-by-type", municipality, year_from=this_year - 1).rows
    years = {int(row[0]) for row in recent if row[-1]}
    return this_year if this_year in years and this_year - 1 not in years else this_year - 1


def report_context(municipality: Municipality, year: int) -> dict[str, Any]:
    sections = []
    for name, scope in REPORT_TABLES:
        year_from = year if scope == "year" else None
        table = build_table(name, municipality, year_from=year_from, year_to=year).suppressed()
        if table.rows:
            sections.append({"name": name, "table": table, "chart": bar_chart(table)})
    return {
        "municipality": municipality,
        "year": year,
        "paragraphs": narrative(municipality, year),
        "sections": sections,
        "today": timezone.localdate(),
    }


def annual_report_pdf(municipality: Municipality, year: int) -> bytes:
    return render_pdf("reports/annual_report_pdf.html", report_context(municipality, year))

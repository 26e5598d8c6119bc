"""The statistics tables, registered by the apps that own the records behind them.

A table is a function `(municipality, *, year_from, year_to, institutions) -> Table`; the same
function serves the pages, the exports, the annual report and `manage.py statistics`, so every
channel gives the same numbers. Each function runs a fixed number of queries, whatever the
number of rows behind it (see bench/national_statistics.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from inklusio.core.db_router import statistics_reads
from inklusio.organisation.models import Institution, Municipality

SMALL_NUMBER = 5
ROUNDING_BASE = 5


def published_count(n: int) -> int | str:
    """A count of children as any channel shows it: 0 stays 0, 1–4 become "<5", and larger
    counts are rounded down to a multiple of five (10 stands for 10–14). Rounding down, not to
    the nearest, is what keeps a hidden count hidden when two filtered tables are subtracted:
    with 8 shown as 10, "<5" and "10" together would give away a 4 (docs/statistics.md)."""
    if n <= 0:
        return n
    if n < SMALL_NUMBER:
        return _("<5")
    return ROUNDING_BASE * (n // ROUNDING_BASE)


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # Columns that count children: "<5" below five and rounded to five above, in every channel.
    child_columns: frozenset[int] = frozenset()
    # Columns computed from a group (a mean, a quartile) and the column counting that group:
    # a figure computed from fewer than five is not shown.
    derived_columns: frozenset[int] = frozenset()
    derived_from: int | None = None
    # Columns drawn as bars (default: every numeric column but the first and a closing total).
    chart_columns: tuple[int, ...] | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows}

    def suppressed(self) -> Table:
        """The table as every page, file and report shows it: no count of children below five,
        and no difference of two published figures pins such a count to one value
        (docs/statistics.md says how far that goes)."""
        return replace(self, rows=[self._suppressed_row(row) for row in self.rows])

    def _suppressed_row(self, row: list[Any]) -> list[Any]:
        group = row[self.derived_from] if self.derived_from is not None else None
        too_few = isinstance(group, int) and 0 < group < SMALL_NUMBER
        return [self._shown(i, value, too_few) for i, value in enumerate(row)]

    def _shown(self, i: int, value: Any, too_few: bool) -> Any:
        if i in self.child_columns and isinstance(value, int):
            return published_count(value)
        if i in self.derived_columns and too_few and value is not None:
            return _("x")
        return value

    @property
    def disclosure_note(self) -> str:
        """The line under a table with counts of children, saying how they are shown."""
        if not (self.child_columns or self.derived_columns):
            return ""
        return _(
            "Antal børn er rundet ned til et multiplum af 5 (10 betyder 10–14), og 1–4 børn "
            "vises som <5. "
            "x: et gennemsnit eller en kvartil for færre end 5 vises ikke."
        )

    @property
    def chart_indexes(self) -> tuple[int, ...]:
        if self.chart_columns is not None:
            return self.chart_columns
        last = len(self.columns) - 1
        has_total = self.columns[last] in {_("I alt"), "I alt"}
        return tuple(range(1, last if has_total else last + 1))

    @property
    def series(self) -> list[tuple[str, list[float]]]:
        """(label, value per row) for each charted column; a suppressed "<5" is drawn as 0."""
        return [
            (
                self.columns[i],
                [
                    float(v) if isinstance(v, int | float) else 0.0
                    for v in (row[i] for row in self.rows)
                ],
            )
            for i in self.chart_indexes
        ]


TableFunction = Callable[..., Table]
TABLES: dict[str, TableFunction] = {}
TITLES: dict[str, str] = {}


def statistics_table(name: str, title: str) -> Callable[[TableFunction], TableFunction]:
    """Register a table under its command-line name, with its (lazily translated) title."""

    def register(function: TableFunction) -> TableFunction:
        if name in TABLES:
            raise ValueError(f"Statistics table {name!r} registered twice")
        TABLES[name] = function
        TITLES[name] = title
        return function

    return register


def build_table(
    name: str,
    municipality: Municipality,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    institutions: Sequence[Institution] | None = None,
) -> Table:
    # Statistics may come from the read replica when one is configured (core/db_router.py).
    with statistics_reads():
        return TABLES[name](
            municipality, year_from=year_from, year_to=year_to, institutions=institutions or None
        )


def years_in(found: Sequence[int], year_from: int | None, year_to: int | None) -> list[int]:
    """Years with records; with a range asked for, every year in it (a quiet year shows as 0)."""
    if year_from is not None and year_to is not None:
        return list(range(year_from, year_to + 1))
    return sorted(
        {
            y
            for y in found
            if (year_from is None or y >= year_from) and (year_to is None or y <= year_to)
        }
    )

"""The statistics tables, registered by the apps that own the records behind them.

A table is a function `(municipality, *, year_from, year_to, institutions) -> Table`, registered
with `register_table` after its definition; the same function serves the pages, the exports, the
annual report and `manage.py statistics`, so every channel gives the same numbers. Each function
runs a fixed number of queries, whatever the number of rows behind it (see
bench/national_statistics.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from inklusio.core.db_router import statistics_reads
from inklusio.organisation.models import Institution, Municipality

SMALL_NUMBER = 5


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # Columns that count children: shown as "<5" below five when the table leaves the administration.
    child_columns: frozenset[int] = frozenset()
    # Columns drawn as bars (default: every numeric column but the first and a closing total).
    chart_columns: tuple[int, ...] | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows}

    def suppressed(self) -> Table:
        """The table as it may leave the administration: no figure identifies fewer than five
        children. Where a total stands beside the counts, one hidden count could be worked out
        by subtraction, so the next smallest count in the row is hidden too (shown as "x")."""
        return replace(self, rows=[self._suppressed_row(row) for row in self.rows])

    def _suppressed_row(self, row: list[Any]) -> list[Any]:
        def small(i: int) -> bool:
            return isinstance(row[i], int) and 0 < row[i] < SMALL_NUMBER

        hidden = {i for i in self.child_columns if small(i)}
        total = len(self.columns) - 1 if self.columns[-1] in {_("I alt"), "I alt"} else None
        secondary: set[int] = set()
        if total in self.child_columns:
            parts = [i for i in self.child_columns if i != total]
            if len(hidden & set(parts)) == 1 and total not in hidden:
                others = [
                    i for i in parts if i not in hidden and isinstance(row[i], int) and row[i] > 0
                ]
                secondary = {min(others, key=lambda i: row[i])} if others else {total}
        return [
            _("<5") if i in hidden else _("x") if i in secondary else value
            for i, value in enumerate(row)
        ]

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


def register_table(name: str, *, title: str, function: TableFunction) -> None:
    """Register a table under its command-line name, with its (lazily translated) title.

    Called after the table's definition rather than used as a decorator: mutmut 3 does not
    mutate decorated functions, and the tables are in the mutation-tested scope."""
    if name in TABLES:
        raise ValueError(f"Statistics table {name!r} registered twice")
    TABLES[name] = function
    TITLES[name] = title


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

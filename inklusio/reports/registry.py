"""The statistics tables, registered by the apps that own the records behind them.

A table is a function `(municipality, *, year_from, year_to) -> Table`; the same function
serves the pages, the exports and `manage.py statistics`, so every channel gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from inklusio.organisation.models import Municipality


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows}


TableFunction = Callable[..., Table]
TABLES: dict[str, TableFunction] = {}


def statistics_table(name: str) -> Callable[[TableFunction], TableFunction]:
    def register(function: TableFunction) -> TableFunction:
        if name in TABLES:
            raise ValueError(f"Statistics table {name!r} registered twice")
        TABLES[name] = function
        return function

    return register


def build_table(
    name: str,
    municipality: Municipality,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
) -> Table:
    return TABLES[name](municipality, year_from=year_from, year_to=year_to)

"""Bar charts as SVG geometry, drawn by a template for the pages and the annual report.

Readable without colour: every series has its own fill pattern, and every bar carries its value.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from inklusio.reports.registry import Table

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 24, 36
LEGEND_LINE = 16
PATTERNS = ["solid", "hatch", "dots", "cross", "lines", "light", "vertical"]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    pattern: str
    value: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    groups: list[tuple[float, str]]  # (x centre, row label)
    ticks: list[tuple[float, str]]  # (y, value)
    baseline: float
    plot_bottom: float
    legend: list[tuple[float, float, str, str]]  # (x, y, pattern, series label)
    title: str
    key: str  # keeps pattern ids apart when several charts share a page


def _format(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def bar_chart(table: Table) -> Chart | None:
    series = table.series
    if not table.rows or not series:
        return None
    values = [v for _label, column in series for v in column]
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT

    def y_of(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_height

    group_width = plot_width / len(table.rows)
    bar_width = group_width * 0.8 / len(series)
    bars, groups = [], []
    for row_index, row in enumerate(table.rows):
        group_left = LEFT + row_index * group_width + group_width * 0.1
        groups.append((LEFT + (row_index + 0.5) * group_width, str(row[0])))
        for series_index, (_label, column) in enumerate(series):
            value = column[row_index]
            shown = row[table.chart_indexes[series_index]]
            top, bottom = sorted((y_of(value), y_of(0)))
            bars.append(
                Bar(
                    x=round(group_left + series_index * bar_width, 1),
                    y=round(top, 1),
                    width=round(bar_width * 0.92, 1),
                    height=round(max(bottom - top, 0.5), 1),
                    pattern=PATTERNS[series_index % len(PATTERNS)],
                    value=_format(value) if isinstance(shown, int | float) else str(shown or "–"),
                    label_x=round(group_left + series_index * bar_width + bar_width * 0.46, 1),
                    label_y=round(top - 3 if value >= 0 else bottom + 11, 1),
                )
            )
    ticks = [(round(y_of(v), 1), _format(v)) for v in sorted({low, (low + high) / 2, high, 0.0})]
    per_line = 3
    legend = [
        (
            LEFT + (i % per_line) * (plot_width / per_line),
            HEIGHT + 4 + (i // per_line) * LEGEND_LINE,
            PATTERNS[i % len(PATTERNS)],
            label,
        )
        for i, (label, _column) in enumerate(series)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT + LEGEND_LINE * (1 + (len(series) - 1) // per_line) + 4,
        bars=bars,
        groups=groups,
        ticks=ticks,
        baseline=round(y_of(0), 1),
        plot_bottom=HEIGHT - BOTTOM,
        legend=legend,
        title=table.title,
        key=f"c{zlib.crc32(table.title.encode()):x}",
    )

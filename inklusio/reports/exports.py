"""Tables out of the administration: CSV and XLSX, with small numbers suppressed."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from inklusio.reports.registry import Table


def _csv_value(value: Any) -> Any:
    # Danish Excel reads 14.3 as a date; 14,3 is the number.
    return str(value).replace(".", ",") if isinstance(value, float) else value


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # Danish Excel reads semicolons
    writer.writerow(table.columns)
    writer.writerows([_csv_value(value) for value in row] for row in table.suppressed().rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def tables_xlsx(tables: dict[str, Table]) -> bytes:
    """One sheet per table, named by the table's short name."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, table in tables.items():
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append(table.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.suppressed().rows:
            sheet.append(row)
        notes = [note for note in (table.note, table.disclosure_note) if note]
        if notes:
            sheet.append([])
        for note in notes:
            sheet.append([note])
        for column in sheet.columns:
            width = (
                max(len(str(cell.value or "")) for cell in column[1:]) if len(column) > 1 else 10
            )
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 45)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

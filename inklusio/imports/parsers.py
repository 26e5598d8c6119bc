"""Spreadsheets in and out: the Danish column headers of each kind, reading XLSX and CSV into
rows of text, and the template files with an example row."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from inklusio.core.errors import DomainError


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False


CHILD_COLUMNS = [
    Column("cpr", "CPR-nummer", required=True),
    Column("first_name", "Fornavn", required=True),
    Column("last_name", "Efternavn", required=True),
    Column("institution", "Daginstitution", required=True),
    Column("room", "Stue"),
    Column("languages", "Sprog"),
    Column("category", "Mest fremtrædende vanskelighed"),
    Column("left_on", "Forlod dagtilbuddet den"),
    Column("guardian1_name", "Forælder 1 navn"),
    Column("guardian1_relation", "Forælder 1 relation"),
    Column("guardian1_email", "Forælder 1 e-mail"),
    Column("guardian1_phone", "Forælder 1 telefon"),
    Column("guardian2_name", "Forælder 2 navn"),
    Column("guardian2_relation", "Forælder 2 relation"),
    Column("guardian2_email", "Forælder 2 e-mail"),
    Column("guardian2_phone", "Forælder 2 telefon"),
]
CHILD_EXAMPLE = [
    "010121-4321",
    "Mia",
    "Hansen",
    "Bøgely",
    "Myretuen",
    "dansk, arabisk",
    "Tale/sprog",
    "",
    "Gert Hansen",
    "far",
    "gert@example.dk",
    "12 34 56 78",
    "",
    "",
    "",
    "",
]
INSTITUTION_COLUMNS = [
    Column("name", "Navn", required=True),
    Column("kind", "Type", required=True),
    Column("size", "Antal børn", required=True),
    Column("address", "Adresse"),
    Column("district", "Distrikt"),
    Column("leader_name", "Leder"),
    Column("phone", "Telefon"),
    Column("rooms", "Stuer"),
]
INSTITUTION_EXAMPLE = [
    "Bøgely",
    "Integreret institution",
    "84",
    "Bøgevej 1, 2635 Ishøj",
    "Nord",
    "Hanne Jensen",
    "43 57 00 00",
    "Myretuen, Solsikken",
]
PEDAGOGUE_COLUMNS = [
    Column("username", "Brugernavn", required=True),
    Column("first_name", "Fornavn", required=True),
    Column("last_name", "Efternavn", required=True),
    Column("email", "E-mail"),
    Column("phone", "Telefon"),
    Column("resource", "Ressourcefunktion i"),
    Column("support", "Støttefunktion i"),
    Column("weekly_hours", "Timer pr. uge"),
    Column("institution_hours", "Timer i institutioner"),
    Column("centre_meeting_hours", "Møder i centret"),
    Column("action_learning_hours", "Aktionslæring"),
    Column("other_hours", "Andet"),
    Column("support_share_percent", "Andel til støttefunktionen (%)"),
]
PEDAGOGUE_EXAMPLE = [
    "lise.holm",
    "Lise",
    "Holm",
    "lise.holm@ishoj.dk",
    "43 57 00 01",
    "Bøgely, Elverhøj",
    "Femkanten",
    "37",
    "32",
    "2,5",
    "1",
    "1,5",
    "33",
]
# History (docs/import.md, "Historic decisions and courses"): what the old statistics need.
DECISION_COLUMNS = [
    Column("cpr", "CPR-nummer", required=True),
    Column("offer", "Tilbud", required=True),
    Column("outcome", "Afgørelse", required=True),
    Column("decided_on", "Afgjort den", required=True),
    Column("legal_basis", "Lovgrundlag", required=True),
    Column("kind", "Type"),
    Column("period", "Visitationsperiode"),
    Column("start", "Bevilget fra"),
    Column("end", "Bevilget til"),
    Column("category", "Mest fremtrædende vanskelighed"),
    Column("resource_group", "Ressourcegruppe"),
    Column("alternative", "Andet tilbud"),
    Column("reasons", "Begrundelse"),
    Column("case_number", "Sagsnummer"),
    Column("referred_on", "Indstillet den"),
]
DECISION_EXAMPLE = [
    "010121-4321",
    "Støttepædagog",
    "Bevilget",
    "15-03-2024",
    "Dagtilbudslovens § 4",
    "Visitation",
    "2024/25",
    "01-04-2024",
    "31-03-2025",
    "Kontakt/adfærd",
    "",
    "",
    "Barnet har brug for støtte i børnefællesskabet.",
    "",
    "01-02-2024",
]
COURSE_COLUMNS = [
    Column("institution", "Daginstitution", required=True),
    Column("title", "Titel", required=True),
    Column("kind", "Type", required=True),
    Column("pedagogue", "Ressourcepædagog (brugernavn)", required=True),
    Column("start", "Start", required=True),
    Column("planned_end", "Planlagt slut"),
    Column("closed_on", "Afsluttet den"),
    Column("goals", "Mål"),
    Column("cases", "Børn i udsat position (CPR)"),
    Column("role_models", "Rollemodeller (CPR)"),
    Column("held", "Gennemførte samlinger"),
    Column("cancelled", "Aflyste samlinger"),
]
COURSE_EXAMPLE = [
    "Bøgely",
    "Legegruppe på Solsikken",
    "Gruppeforløb",
    "lise.holm",
    "01-09-2024",
    "28-02-2025",
    "28-02-2025",
    "Børnene kan vente på tur i legen.",
    "010121-4321, 020221-4322",
    "030321-4323",
    "03-09-2024, 10-09-2024",
    "17-09-2024 (sygdom), 24-09-2024 (institutionen)",
]
COLUMNS = {
    "children": CHILD_COLUMNS,
    "institutions": INSTITUTION_COLUMNS,
    "pedagogues": PEDAGOGUE_COLUMNS,
    "decisions": DECISION_COLUMNS,
    "courses": COURSE_COLUMNS,
}
EXAMPLES = {
    "children": CHILD_EXAMPLE,
    "institutions": INSTITUTION_EXAMPLE,
    "pedagogues": PEDAGOGUE_EXAMPLE,
    "decisions": DECISION_EXAMPLE,
    "courses": COURSE_EXAMPLE,
}
DATE_FORMAT = "%d-%m-%Y"


class FileRefused(DomainError):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass(frozen=True)
class Row:
    line: int  # as the spreadsheet numbers it: the header is line 1
    values: dict[str, str]


def read_rows(kind: str, data: bytes, file_name: str) -> list[Row]:
    """The file's data rows as text by column key; blank rows are skipped."""
    if file_name.lower().endswith(".xlsx"):
        table = _xlsx_cells(data)
    elif file_name.lower().endswith(".csv"):
        table = _csv_cells(data)
    else:
        raise FileRefused(_("Filen skal være et regneark i formatet XLSX eller CSV."))
    if not table:
        raise FileRefused(_("Filen er tom."))
    keys = _header_keys(kind, table[0])
    rows = []
    for offset, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {key: (cells[i].strip() if i < len(cells) else "") for i, key in keys.items()}
        rows.append(Row(offset, values))
    return rows


def _header_keys(kind: str, header: list[str]) -> dict[int, str]:
    by_header = {column.header.casefold(): column for column in COLUMNS[kind]}
    keys: dict[int, str] = {}
    unknown = []
    for index, title in enumerate(header):
        title = title.strip()
        if not title:
            continue
        column = by_header.get(title.casefold())
        if column is None:
            unknown.append(title)
        else:
            keys[index] = column.key
    missing = [c.header for c in COLUMNS[kind] if c.required and c.key not in keys.values()]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("Kolonner mangler: %(names)s.") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("Ukendte kolonner: %(names)s.") % {"names": ", ".join(unknown)})
        parts.append(_("Brug skabelonen til upload."))
        raise FileRefused(" ".join(parts))
    return keys


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _xlsx_cells(data: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise FileRefused(_("Filen kunne ikke læses som et XLSX-regneark.")) from error
    sheet = book.worksheets[0]
    table = [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return table


def _csv_cells(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(_("CSV-filen skal være gemt som UTF-8.")) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line or "," not in first_line else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def template_xlsx(kind: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Import")
    sheet.append([column.header for column in COLUMNS[kind]])
    sheet.append(EXAMPLES[kind])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # CPR numbers and dates stay text, so Excel keeps leading zeros and the Danish day order.
    for column in sheet.columns:
        for cell in column:
            cell.number_format = "@"
        sheet.column_dimensions[column[0].column_letter].width = 22
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def template_csv(kind: str) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS[kind]])
    writer.writerow(EXAMPLES[kind])
    # With the byte order mark Excel opens the file as UTF-8 (æ, ø, å intact).
    return output.getvalue().encode("utf-8-sig")


def parse_date(text: str) -> datetime.date | None:
    """A Danish date, 31-12-2026 or 31.12.2026 (or ISO 2026-12-31); None when unreadable."""
    for layout in ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def parse_decimal(text: str) -> float | None:
    """A Danish number with decimal comma (37,5); None when unreadable."""
    try:
        return float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
    except ValueError:
        return None

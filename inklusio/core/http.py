"""Responses that carry a generated file (PDF, calendar, spreadsheet)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

PDF = "application/pdf"
ICS = "text/calendar; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def file_response(
    data: bytes, filename: str, content_type: str, *, download: bool = True
) -> HttpResponse:
    """`download=False` opens the file in the browser (letters to read), else it is saved."""
    response = HttpResponse(bytes(data), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(download, filename)
    return response

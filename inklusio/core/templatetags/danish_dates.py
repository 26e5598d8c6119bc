"""Dates shown the Danish way, as the pages write them ("4.12.2026", no leading zeros): dates
kept as ISO text (plan snapshots, a re-plan's lost half-days), and dates in texts built in Python
(refusals, headings, audit labels, export text). Machine formats (imports, ISO, file names) keep
their own layouts."""

import datetime

from django import template
from django.utils.formats import date_format

register = template.Library()


def short_date(value: str | datetime.date | None) -> str:
    """`2026-11-25` (or the date itself) as `25.11.2026`, the format of the rest of the pages;
    anything else unchanged."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return date_format(value, "j.n.Y")
    return "" if value is None else str(value)


def day_month(value: datetime.date) -> str:
    """The day and month without the year, as `4.12.`: for lines whose week or heading already
    says which year."""
    return date_format(value, "j.n.")


register.filter("short_date", short_date)

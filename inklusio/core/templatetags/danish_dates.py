"""Dates kept as ISO text (plan snapshots, a re-plan's lost half-days) shown the Danish way."""

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


register.filter("short_date", short_date)

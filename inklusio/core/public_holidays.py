"""Danish public holidays (helligdage), read from the `holidays` library: the one source the weekly
planner, course sessions and action-plan meetings go by. Institutions and the corps do not work
on them, so nothing is planned there: the planner closes the day, a date a person types is
refused, and a date worked out by a rule (a follow-up deadline) moves to the next working day."""

from __future__ import annotations

import datetime
import functools

import holidays
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inklusio.core.templatetags.danish_dates import short_date

ONE_DAY = datetime.timedelta(days=1)


@functools.lru_cache(maxsize=32)
def _holidays(year: int, language: str) -> dict[datetime.date, str]:
    # A plain copy: the library's object adds years on lookup, which a shared cache must not.
    return dict(holidays.country_holidays("DK", years=year, language=language).items())


def is_public_holiday(day: datetime.date) -> bool:
    return day in _holidays(day.year, "da")


def public_holiday_name(day: datetime.date) -> str | None:
    """The holiday on `day` as written inside a sentence in the active language ("nytårsdag",
    "Kristi himmelfartsdag"; "New Year's Day"), or None on any other day."""
    danish = (get_language() or "da").startswith("da")
    name = _holidays(day.year, "da" if danish else "en_US").get(day)
    if name is None or not danish or name.startswith("Kristi"):
        return name
    return name[0].lower() + name[1:]


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def off_public_holiday(day: datetime.date) -> datetime.date:
    """`day` itself, or when it is a public holiday the next working day: a date a rule works out
    (e.g. a deadline) falling on a holiday moves on, as Danish deadlines do."""
    if not is_public_holiday(day):
        return day
    day += ONE_DAY
    while not is_working_day(day):
        day += ONE_DAY
    return day


def public_holiday_refusal(day: datetime.date) -> str | None:
    """The refusal of a typed date that is a public holiday, naming the day ("1.1.2027 er
    nytårsdag – vælg en anden dag."); None on any other day."""
    name = public_holiday_name(day)
    if name is None:
        return None
    return _("%(day)s er %(holiday)s – vælg en anden dag.") % {
        "day": short_date(day),
        "holiday": name,
    }


def refuse_public_holiday(day: datetime.date) -> None:
    """A form field's validator: the same refusal on the field, so it shows with the form's
    other errors at once rather than after they are put right (the service refuses it too)."""
    refusal = public_holiday_refusal(day)
    if refusal:
        raise ValidationError(refusal, code="public_holiday")

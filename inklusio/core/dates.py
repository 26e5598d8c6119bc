"""The dates Inklusio takes from a person: a year 1 or 9999 is a typing slip, and the periods,
weeks and deadlines worked out from it would leave the calendar's range."""

import datetime

from django.utils.translation import gettext_lazy

EARLIEST_DATE = datetime.date(1950, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


DATE_RANGE_MESSAGE = gettext_lazy("Angiv en dato mellem 1950 og 2099.")


def within_range(day: datetime.date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE

"""Visitation periods run from 1 April to 31 March (Ishøj's visitation year)."""

import datetime


def period_start_for(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def period_end_for(day: datetime.date) -> datetime.date:
    return datetime.date(period_start_for(day).year + 1, 3, 31)


def period_label(start: datetime.date) -> str:
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def one_year_from(start: datetime.date) -> datetime.date:
    """A grant for one year ends the day before the same date next year."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + 1, day=28) + datetime.timedelta(days=1)
    return anniversary - datetime.timedelta(days=1)


def add_weeks(day: datetime.date, weeks: int) -> datetime.date:
    return day + datetime.timedelta(weeks=weeks)

"""Danish public holidays, the one source the planner, course sessions and plan meetings read."""

import datetime

import holidays
from django.utils import translation

from inklusio.core.public_holidays import (
    is_working_day,
    off_public_holiday,
    public_holiday_name,
    public_holiday_refusal,
)
from tests.conftest import TODAY


def next_christmas_day() -> datetime.date:
    christmas = datetime.date(TODAY.year, 12, 25)
    return christmas if christmas > TODAY else christmas.replace(year=TODAY.year + 1)


def named(english_name: str, year: int) -> datetime.date:
    [day] = holidays.country_holidays("DK", years=year, language="en_US").get_named(
        english_name, lookup="exact"
    )
    return day


class TestMovingOffAHoliday:
    def test_christmas_day_moves_past_the_second_day_and_any_weekend(self):
        christmas = next_christmas_day()
        moved = off_public_holiday(christmas)
        assert moved > christmas and is_working_day(moved)
        skipped = [christmas + datetime.timedelta(days=n) for n in range((moved - christmas).days)]
        assert all(not is_working_day(day) for day in skipped)
        assert christmas + datetime.timedelta(days=1) in skipped  # anden juledag

    def test_a_working_day_and_an_ordinary_weekend_stay(self):
        christmas = next_christmas_day()
        before = christmas - datetime.timedelta(days=7 + christmas.weekday())  # a Monday
        saturday = before + datetime.timedelta(days=5)
        assert off_public_holiday(before) == before
        assert off_public_holiday(saturday) == saturday


class TestNamingTheDay:
    def test_the_refusal_names_the_day_and_the_holiday_as_a_sentence_writes_them(self):
        new_year = datetime.date(TODAY.year + 1, 1, 1)
        assert public_holiday_refusal(new_year) == (
            f"1.1.{new_year.year} er nytårsdag – vælg en anden dag."
        )
        ascension = named("Ascension Day", TODAY.year + 1)
        assert public_holiday_name(ascension) == "Kristi himmelfartsdag"
        assert public_holiday_name(named("Good Friday", TODAY.year + 1)) == "langfredag"

    def test_an_ordinary_day_is_not_refused(self):
        day = datetime.date(TODAY.year + 1, 1, 5)
        assert public_holiday_name(day) is None and public_holiday_refusal(day) is None

    def test_in_english_the_holiday_keeps_its_english_name(self):
        with translation.override("en"):
            assert public_holiday_name(datetime.date(TODAY.year + 1, 1, 1)) == "New Year's Day"

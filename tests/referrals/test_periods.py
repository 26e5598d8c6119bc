import datetime

from inklusio.referrals.periods import one_year_from, period_end_for, period_label, period_start_for


def test_the_visitation_year_runs_from_1_april_to_31_march():
    assert period_start_for(datetime.date(2016, 3, 31)) == datetime.date(2015, 4, 1)
    assert period_start_for(datetime.date(2016, 4, 1)) == datetime.date(2016, 4, 1)
    assert period_end_for(datetime.date(2016, 4, 1)) == datetime.date(2017, 3, 31)
    assert period_end_for(datetime.date(2017, 1, 15)) == datetime.date(2017, 3, 31)


def test_periods_are_labelled_as_in_the_evaluation():
    assert period_label(datetime.date(2015, 4, 1)) == "2015/16"
    assert period_label(datetime.date(2099, 4, 1)) == "2099/00"


def test_a_one_year_grant_ends_the_day_before_the_anniversary():
    assert one_year_from(datetime.date(2026, 9, 1)) == datetime.date(2027, 8, 31)
    assert one_year_from(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert one_year_from(datetime.date(2027, 3, 1)) == datetime.date(2028, 2, 29)

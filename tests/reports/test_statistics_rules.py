"""The statistics filters as the administration uses them: a period range includes both ends,
and the institution filter keeps only the chosen institutions' children and courses."""

import datetime

import pytest

from inklusio.courses.models import Course
from inklusio.referrals.models import VisitationPeriod
from inklusio.reports.registry import build_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_periods(cast):
    """2025/26, the cast's 2026/27 and 2027/28."""
    for year in (2025, 2027):
        VisitationPeriod.objects.create(
            municipality=cast.ishoj,
            start=datetime.date(year, 4, 1),
            end=datetime.date(year + 1, 3, 31),
            support_places=7,
        )


def labels(table) -> list[str]:
    return [row[0] for row in table.rows]


class TestThePeriodRange:
    @pytest.mark.parametrize("name", ["referrals", "support-categories"])
    def test_both_ends_of_the_range_are_included(self, cast, three_periods, name):
        assert labels(build_table(name, cast.ishoj)) == ["2025/26", "2026/27", "2027/28"]
        assert labels(build_table(name, cast.ishoj, year_from=2026)) == ["2026/27", "2027/28"]
        assert labels(build_table(name, cast.ishoj, year_to=2026)) == ["2025/26", "2026/27"]
        assert labels(build_table(name, cast.ishoj, year_from=2026, year_to=2026)) == ["2026/27"]

    def test_another_municipalitys_periods_are_not_listed(self, cast, three_periods):
        VisitationPeriod.objects.create(
            municipality=cast.dragoer,
            start=datetime.date(2024, 4, 1),
            end=datetime.date(2025, 3, 31),
            support_places=3,
        )
        assert labels(build_table("referrals", cast.ishoj))[0] == "2025/26"


class TestTheInstitutionFilter:
    def test_granted_children_are_counted_at_their_own_institution_only(self, cast):
        # Mia (Bøgely) holds the one support pedagogue granted in 2026/27.
        at_boegely = build_table("referrals", cast.ishoj, institutions=[cast.boegely])
        at_elverhoej = build_table("referrals", cast.ishoj, institutions=[cast.elverhoej])
        assert [row[2] for row in at_boegely.rows] == [1]
        assert [row[2] for row in at_elverhoej.rows] == [0]
        categories = build_table("support-categories", cast.ishoj, institutions=[cast.elverhoej])
        assert [row[-1] for row in categories.rows] == [0]

    def test_courses_are_counted_at_their_own_institution_only(self, cast):
        Course.objects.create(
            municipality=cast.ishoj, institution=cast.elverhoej, kind=Course.Kind.INDIVIDUAL,
            title="Emils forløb", goals="-", start=datetime.date(2026, 10, 1),
            planned_end=datetime.date(2027, 1, 1), pedagogue=cast.bob, created_by=cast.bob,
        )  # fmt: skip
        # Bøgely's group course and Elverhøj's individual course, both started in 2026.
        assert build_table("courses-by-type", cast.ishoj).rows == [["2026", 1, 1, 0, 2]]
        assert build_table("courses-by-type", cast.ishoj, institutions=[cast.elverhoej]).rows == [
            ["2026", 0, 1, 0, 1]
        ]

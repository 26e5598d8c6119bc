"""Statistics that leave no small count behind: not alone, not as a mean, and not by subtracting
one filtered table from another (the attack: Bøgely 8 children, Bøgely + Elverhøj 12, so
Elverhøj 4)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inklusio.courses import services as courses
from inklusio.courses.models import Course, Participant
from inklusio.reports.exports import table_csv
from inklusio.reports.registry import SMALL_NUMBER, Table, published_count
from tests.conftest import make_child

pytestmark = pytest.mark.django_db

HIDDEN = range(1, SMALL_NUMBER)  # the counts that are never to be told


def _counts_behind(shown, largest=400):
    """Every true count that is shown as `shown`."""
    return {n for n in range(largest) if published_count(n) == shown}


def _hidden_counts_consistent_with(shown_part, shown_whole):
    """What an attacker can say about a hidden count e from a part and part + e."""
    return {
        e
        for e in HIDDEN
        if any(a + e in _counts_behind(shown_whole) for a in _counts_behind(shown_part))
    }


def test_counts_are_suppressed_below_five_and_rounded_down_to_five_above():
    shown = [published_count(n) for n in (0, 1, 4, 5, 9, 10, 14, 15, 100)]
    assert shown == [0, "<5", "<5", 5, 5, 10, 10, 15, 100]


def test_no_difference_of_two_figures_pins_a_hidden_count():
    """Exhaustively, for every part up to 300 and every hidden count: subtracting the two
    published figures leaves at least two possible values of the hidden count."""
    for part in range(300):
        for hidden in HIDDEN:
            consistent = _hidden_counts_consistent_with(
                published_count(part), published_count(part + hidden)
            )
            assert hidden in consistent
            assert len(consistent) >= 2, (part, hidden, consistent)


def test_a_mean_of_fewer_than_five_children_is_not_shown():
    table = Table(
        "t",
        ["Type", "Børn", "Ændring"],
        [["Gruppe", 4, 1.5], ["Individuel", 5, 0.4], ["Personale", 0, None]],
        child_columns=frozenset({1}),
        derived_columns=frozenset({2}),
        derived_from=1,
    )
    assert table.suppressed().rows == [
        ["Gruppe", "<5", "x"],
        ["Individuel", 5, 0.4],
        ["Personale", 0, None],
    ]


@pytest.fixture
def eight_and_four(cast):
    """In 2025, eight children in a course at Bøgely and four in one at Elverhøj; the four
    at Elverhøj are assessed at start and end (a mean of four children)."""
    for institution, how_many in ((cast.boegely, 8), (cast.elverhoej, 4)):
        course = Course.objects.create(
            municipality=cast.ishoj,
            institution=institution,
            kind="group",
            title=f"Gruppe på {institution.name}",
            goals="-",
            start=datetime.date(2025, 3, 1),
            planned_end=datetime.date(2025, 9, 1),
            pedagogue=cast.bob,
            created_by=cast.bob,
        )
        for index in range(how_many):
            child = make_child(
                cast.ishoj,
                institution,
                f"D{institution.pk}-{index}",
                f"02022{institution.pk}{index:04d}",
            )
            participant = courses.participant_add(
                actor=cast.bob, course=course, role=Participant.Role.CASE, child=child
            )
            if institution == cast.elverhoej:
                for phase, score in (("start", 2), ("end", 4)):
                    courses.measure_record(
                        actor=cast.bob,
                        participant=participant,
                        phase=phase,
                        data=dict.fromkeys(
                            ("participation", "play", "conflicts", "wellbeing"), score
                        ),
                    )


def _children_2025(client, institutions, fmt):
    query = {"institutions": [i.pk for i in institutions], "year_from": 2025, "year_to": 2025}
    if fmt == "html":
        response = client.get(reverse("statistics-table", args=["children-reached"]), query)
        return response.context["table"].rows[0][1]
    response = client.get(reverse("statistics-download", args=["children-reached", fmt]), query)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        value = rows[1][1]
        return int(value) if value.isdigit() else value
    sheet = load_workbook(io.BytesIO(response.content))["children-reached"]
    return sheet.cell(row=3, column=2).value


@pytest.mark.parametrize("fmt", ["html", "csv", "xlsx"])
def test_subtracting_two_filtered_tables_tells_nothing_new(cast, eight_and_four, client_for, fmt):
    client = client_for(cast.alice)
    boegely = _children_2025(client, [cast.boegely], fmt)
    both = _children_2025(client, [cast.boegely, cast.elverhoej], fmt)
    elverhoej = _children_2025(client, [cast.elverhoej], fmt)
    assert elverhoej == "<5"
    assert (boegely, both) == (5, 10)  # not 8 and 12
    # From the two figures, Elverhøj could have had any of 1–4 children: nothing new.
    assert _hidden_counts_consistent_with(boegely, both) == set(HIDDEN)


def test_the_page_the_files_and_the_report_hide_a_mean_of_four(cast, eight_and_four, client_for):
    client = client_for(cast.alice)
    query = {"institutions": [cast.elverhoej.pk], "year_from": 2025, "year_to": 2025}
    page = client.get(reverse("statistics-table", args=["effect-measures"]), query)
    group = next(row for row in page.context["table"].rows if row[0] == "Gruppeforløb")
    assert group[1:] == ["<5", "x", "x", "x", "x"]  # 4 children, mean change +2: not shown
    assert "Antal børn er rundet ned til et multiplum af 5" in page.content.decode()
    download = client.get(reverse("statistics-download", args=["effect-measures", "csv"]), query)
    assert "2.0" not in download.content.decode() and ";x;x;x;x" in download.content.decode()


def test_the_csv_writes_decimals_with_a_comma():
    """Danish Excel would read 14.3 as a date."""
    table = Table("t", ["År", "Planlagt", "Aflyst %"], [["2025", 7, 14.3]])
    assert table_csv(table).decode("utf-8-sig").splitlines()[1] == "2025;7;14,3"

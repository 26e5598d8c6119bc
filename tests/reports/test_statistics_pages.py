"""Statistics as the administration reads and shares them: pages with charts, exports with
small numbers suppressed, the annual report and the command line."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from inklusio.courses import services as courses
from inklusio.courses.models import Course
from inklusio.reports.registry import TABLES, Table, build_table
from tests.conftest import make_child

pytestmark = pytest.mark.django_db

REQUIRED = {
    "referrals",
    "courses-by-type",
    "support-categories",
    "children-reached",
    "cancellations",
    "hours-split",
}


@pytest.fixture
def courses_2025(cast):
    """Six group courses in 2025 at Bøgely and one at Elverhøj, each with one child."""
    made = []
    for index in range(7):
        institution = cast.boegely if index < 6 else cast.elverhoej
        course = Course.objects.create(
            municipality=cast.ishoj,
            institution=institution,
            kind="group",
            title=f"Gruppe {index}",
            goals="-",
            start=datetime.date(2025, 3, 1),
            planned_end=datetime.date(2025, 9, 1),
            pedagogue=cast.bob,
            created_by=cast.bob,
        )
        child = make_child(cast.ishoj, institution, f"K{index}", f"0101214{index:03d}")
        courses.participant_add(actor=cast.bob, course=course, role="case", child=child)
        made.append(course)
    return made


def test_every_required_table_is_registered_and_answers(cast, courses_2025):
    assert set(TABLES) >= REQUIRED
    for name in TABLES:
        table = build_table(name, cast.ishoj, institutions=[cast.boegely])
        assert table.columns and all(len(row) == len(table.columns) for row in table.rows), name


def test_fewer_than_five_children_are_shown_as_less_than_five():
    table = Table(
        "t",
        ["År", "Børn", "Forløb"],
        [["2025", 4, 3], ["2026", 5, 0]],
        child_columns=frozenset({1}),
    )
    assert table.suppressed().rows == [["2025", "<5", 3], ["2026", 5, 0]]  # courses: not rounded


def test_the_institution_filter_changes_the_figures(cast, courses_2025, client_for):
    client = client_for(cast.alice)
    url = reverse("statistics-table", args=["courses-by-type"])
    everyone = client.get(url).context["table"].rows
    assert ["2025", 7, 0, 0, 7] in everyone
    elverhoej = client.get(
        url, {"institutions": [cast.elverhoej.pk], "year_from": 2025, "year_to": 2025}
    )
    assert elverhoej.context["table"].rows == [["2025", 1, 0, 0, 1]]
    page = elverhoej.content.decode()
    assert "<svg" in page and 'class="bar bar-solid"' in page  # the chart beside the table


def test_a_bad_filter_is_explained_and_ignored(cast, client_for):
    response = client_for(cast.alice).get(
        reverse("statistics-table", args=["courses-by-type"]), {"year_from": 2026, "year_to": 2020}
    )
    assert response.context["form"].errors["year_to"] == ["Til-året ligger før fra-året."]


def test_csv_and_xlsx_exports_suppress_small_numbers(cast, courses_2025, client_for):
    client = client_for(cast.alice)
    query = {"institutions": [cast.elverhoej.pk]}
    response = client.get(reverse("statistics-download", args=["children-reached", "csv"]), query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["År", "Børn (forskellige)", "Deltagelser", "Rollemodeller (forskellige)"]
    assert rows[1] == ["2025", "<5", "<5", "0"]
    whole = client.get(reverse("statistics-download", args=["children-reached", "xlsx"]))
    sheet = load_workbook(io.BytesIO(whole.content))["children-reached"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert ["2025", 5, 5, 0] in values  # seven children: 5 stands for 5–9
    assert ["2026", "<5", "<5", 0] in values  # Mia alone in the cast's 2026 course


def test_the_workbook_holds_every_table_with_the_filter_chosen(cast, courses_2025, client_for):
    from inklusio.jobs.models import Job
    from inklusio.jobs.services import job_run

    client = client_for(cast.cora)
    query = f"institutions={cast.elverhoej.pk}"
    page = client.get(reverse("statistics-workbook") + "?" + query).content.decode()
    assert f'value="{query}"' in page  # the filter travels with the request
    client.post(reverse("statistics-workbook"), {"query": query})
    job = job_run(job_pk=Job.objects.get(requested_by=cast.cora, kind="statistics-workbook").pk)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("job-download", args=[job.public_id])).content)
    )
    assert set(workbook.sheetnames) == set(TABLES)
    values = [
        [cell.value for cell in row] for row in workbook["children-reached"].iter_rows(min_row=3)
    ]
    assert ["2025", "<5", "<5", 0] in values  # Elverhøj's children only


def test_the_command_line_prints_the_same_numbers_as_the_page(
    cast, courses_2025, client_for, capsys
):
    call_command("statistics", "children-reached", municipality="ishoj", format="json")
    printed = json.loads(capsys.readouterr().out)
    page = (
        client_for(cast.alice)
        .get(reverse("statistics-table", args=["children-reached"]))
        .context["table"]
    )
    assert printed == {"columns": page.columns, "rows": page.rows}
    assert ["2026", "<5", "<5", 0] in printed["rows"]  # suppressed on the command line too


def test_the_annual_report_has_the_text_and_the_tables(db, capsys):
    call_command("load_demo")
    from inklusio.organisation.models import Municipality
    from inklusio.reports.report import annual_report_pdf

    pdf = PdfReader(io.BytesIO(annual_report_pdf(Municipality.objects.get(slug="ishoj"), 2016)))
    text = " ".join(page.extract_text() for page in pdf.pages).replace("\n", " ")
    assert "Årsrapport 2016" in text
    assert (
        "I 2016 blev der gennemført 28 ressourceforløb: 10 gruppeforløb, 14 individuelle forløb og 4"
        in text
    )
    assert (
        "I visitationsperioden 2016/17 blev 5–9 børn indstillet til støttepædagog, "
        "og 5–9 børn blev visiteret." in text
    )
    # Table 3 in the report, row by row.
    for row in ("2014 13 9 0 22", "2015 19 8 1 28", "2016 10 14 4 28"):
        assert row in text, row
    # Table 5 suppressed: 4 development, 0, 1 hearing/vision, 2, 0, 0, and 7 in all, shown as 5.
    assert "2016/17 <5 0 <5 <5 0 0 5" in text


def test_hours_split_comes_from_published_weekly_plans(cast):
    from inklusio.planning.models import PlanSlot, WeeklyPlan

    for day in range(3):
        for half, function in ((0, "resource"), (1, "resource")):
            PlanSlot.objects.create(
                municipality=cast.ishoj, plan=cast.plan, pedagogue=cast.bob, day=day, half=half,
                institution=cast.boegely, function=function,
            )  # fmt: skip
    PlanSlot.objects.create(
        municipality=cast.ishoj, plan=cast.plan, pedagogue=cast.bob, day=3, half=0,
        institution=cast.elverhoej, function="support", child=cast.emil,
    )  # fmt: skip
    assert build_table("hours-split", cast.ishoj).rows == []  # the plan is only proposed
    WeeklyPlan.objects.filter(pk=cast.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
    # 6 resource half-days and 1 support half-day of 3.5 hours each.
    assert build_table("hours-split", cast.ishoj).rows == [["2026", 3.5, 21.0, 14, 86]]


def _offered_year(client) -> int:
    return client.get(reverse("statistics-index")).context["report_form"]["year"].value()


def test_the_report_form_offers_the_last_finished_year_with_courses(cast, courses_2025, client_for):
    assert _offered_year(client_for(cast.alice)) == 2025


def test_without_a_finished_year_the_report_form_offers_this_year_when_it_has_courses(
    cast, client_for
):
    this_year = timezone.localdate().year
    assert Course.objects.filter(municipality=cast.ishoj, start__year=this_year).exists()
    assert not Course.objects.filter(municipality=cast.ishoj, start__year__lt=this_year).exists()
    assert _offered_year(client_for(cast.alice)) == this_year


def _course_in(cast, year: int) -> None:
    start = timezone.localdate().replace(year=year, month=3, day=1)
    Course.objects.create(
        municipality=cast.ishoj, institution=cast.boegely, kind="group", title="Gruppe",
        goals="-", start=start, planned_end=start + datetime.timedelta(weeks=16),
        pedagogue=cast.bob, created_by=cast.bob,
    )  # fmt: skip


def test_a_year_long_past_is_not_offered_over_this_years_courses(cast, client_for):
    """As in the demo: courses of the evaluation years long ago and this year's, none last
    year: the form offers this year, not the last finished year with courses ten years back."""
    this_year = timezone.localdate().year
    _course_in(cast, this_year - 10)
    assert Course.objects.filter(municipality=cast.ishoj, start__year=this_year).exists()
    assert _offered_year(client_for(cast.alice)) == this_year


def test_only_courses_long_ago_offer_last_year(cast, client_for):
    this_year = timezone.localdate().year
    Course.objects.filter(municipality=cast.ishoj).delete()
    _course_in(cast, this_year - 10)
    assert _offered_year(client_for(cast.alice)) == this_year - 1


def test_last_years_courses_are_offered_over_this_years(cast, client_for):
    this_year = timezone.localdate().year
    _course_in(cast, this_year - 1)
    assert _offered_year(client_for(cast.alice)) == this_year - 1


def test_a_municipality_without_courses_is_offered_last_year(cast, client_for):
    Course.objects.filter(municipality=cast.ishoj).delete()
    assert _offered_year(client_for(cast.alice)) == timezone.localdate().year - 1


def test_the_statistics_page_lists_the_tables_by_their_danish_titles(cast, client_for):
    """In the order a Danish reader looks for them, and without the command line's English
    names ("(cancellations)", "(children-reached)") beside them."""
    page = client_for(cast.alice).get(reverse("statistics-index")).content.decode()
    listed = re.findall(r'<li><a href="/statistik/[^"]+">([^<]+)</a></li>', page)
    assert len(listed) == len(TABLES)
    assert listed == sorted(listed, key=str.casefold)
    assert not any(f"({name})" in page for name in TABLES)

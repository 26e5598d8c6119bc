"""Each statistics table's figures on the cast, row by row, as the page, the exports and the
command line show them (they share `build_table`)."""

import datetime

import pytest
from django.urls import reverse

from inklusio.courses.models import Course
from inklusio.reports.registry import TITLES, build_table
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_reassessments_count_each_offer_in_force_with_a_row_for_an_offer_nobody_has(cast):
    # Mia's support pedagogue runs to next summer; nobody has a place in a resource group.
    assert build_table("reassessments", cast.ishoj).rows == [
        ["Støttepædagog", 1, 0, 0],
        ["Plads i ressourcegruppe/minigruppe", 0, 0, 0],
    ]


# What each table's page shows above and below its figures, and which columns count children
# (shown as "<5" outside the administration) and which are drawn.
HEADINGS = {
    "support-categories": {
        "title": "Mest fremtrædende vanskelighed blandt børn visiteret støttepædagog",
        "columns": [
            "Periode",
            "Udvikling",
            "Kontakt/adfærd",
            "Hørelse/syn",
            "Opmærksomhed",
            "Motorik",
            "Tale/sprog",
            "I alt",
        ],
        "note": "",
        "child_columns": {1, 2, 3, 4, 5, 6, 7},
        "chart_columns": None,
    },
    "referrals": {
        "title": "Indstillinger og visitationer til støttepædagog",
        "columns": ["Periode", "Indstillinger", "Visiteret", "Afslag", "Andet tilbud"],
        "note": "",
        "child_columns": {1, 2, 3, 4},
        "chart_columns": None,
    },
    "reassessments": {
        "title": "Revurderinger",
        "columns": ["Tilbud", "Gældende", "Overskredet", "Inden 60 dage"],
        "note": "Opgjort i dag; periodevalget har ingen betydning for denne tabel.",
        "child_columns": {1, 2, 3},
        "chart_columns": None,
    },
    "courses-by-type": {
        "title": "Ressourceforløb pr. år efter type",
        "columns": [
            "År",
            "Gruppeforløb",
            "Individuelt forløb",
            "Refleksions-/aktionslæringsforløb",
            "I alt",
        ],
        "note": "",
        "child_columns": set(),
        "chart_columns": None,
    },
    "children-reached": {
        "title": "Børn nået af ressourceforløb",
        "columns": ["År", "Børn (forskellige)", "Deltagelser", "Rollemodeller (forskellige)"],
        "note": "Børn i udsat position tælles én gang pr. år, også når de har deltaget i flere forløb.",
        "child_columns": {1, 2, 3},
        "chart_columns": None,
    },
    "cancellations": {
        "title": "Samlinger og aflysninger",
        "columns": [
            "År",
            "Planlagt",
            "Holdt",
            "Aflyst",
            "Aflyst %",
            "Pædagogen kaldt til møde på centret",
            "Sygdom",
            "Institutionen aflyste",
            "Andet",
        ],
        "note": "",
        "child_columns": set(),
        "chart_columns": (2, 3),
    },
    "course-duration": {
        "title": "Forløbenes varighed (uger)",
        "columns": ["År", "Afsluttede forløb", "1. kvartil", "Median", "3. kvartil"],
        "note": "",
        "child_columns": set(),
        "chart_columns": (2, 3, 4),
    },
    "effect-measures": {
        "title": "Effektmål: gennemsnitlig ændring fra start til slut",
        "columns": [
            "Forløbstype",
            "Børn vurderet ved start og slut",
            "Deltagelse",
            "Leg og venskaber",
            "Konflikter",
            "Trivsel",
        ],
        "note": "",
        "child_columns": {1},
        "chart_columns": (2, 3, 4, 5),
    },
    "plans-follow-up": {
        "title": "Handleplaner og opfølgning",
        "columns": ["Institution", "Igangværende planer", "Opfølgning overskredet"],
        "note": "Opgjort i dag; periodevalget har ingen betydning for denne tabel.",
        "child_columns": {1, 2},
        "chart_columns": None,
    },
    "hours-split": {
        "title": "Timer fordelt på støtte- og ressourcefunktion",
        "columns": ["År", "Støttetimer", "Ressourcetimer", "Støtte %", "Ressource %"],
        "note": "Planlagte timer i offentliggjorte ugeplaner; fravær er ikke trukket fra, men "
        "besøg af en pædagog, der har forladt korpset, tæller ikke fra den dag, pædagogen "
        "forlod det. Ishøjs fordeling er 33 % støtte og 67 % ressource.",
        "child_columns": set(),
        "chart_columns": (1, 2),
    },
    "screening": {
        "title": "Tidlig opsporing: screening pr. stue",
        "columns": [
            "Halvår",
            "Institution",
            "Stue",
            "Grøn",
            "Gul",
            "Rød",
            "Med opfølgning",
            "I alt",
        ],
        "note": "Afsluttede screeningsrunder. Et barn tæller med den værste af sine to farver "
        "(trivsel og udvikling). Gule og røde børn, der fik en opfølgning — en handling på "
        "stuen, et punkt på et konsultativt møde eller en indstilling — er det forebyggende "
        "arbejde, som evalueringen ikke kunne dokumentere.",
        "child_columns": {3, 4, 5, 6, 7},
        "chart_columns": (3, 4, 5),
    },
}


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_each_table_has_its_title_columns_and_note(cast, name):
    table = build_table(name, cast.ishoj)
    expected = HEADINGS[name]
    assert str(TITLES[name]) == table.title == expected["title"]
    assert (table.columns, table.note) == (expected["columns"], expected["note"])
    assert set(table.child_columns) == expected["child_columns"]
    assert table.chart_columns == expected["chart_columns"]


def test_the_table_page_shows_the_headings_and_the_note(cast, client_for):
    page = client_for(cast.alice).get(reverse("statistics-table", args=["plans-follow-up"]))
    html = page.content.decode()
    for text in ["Handleplaner og opfølgning", "Igangværende planer", "Opfølgning overskredet"]:
        assert text in html
    assert "Opgjort i dag; periodevalget har ingen betydning for denne tabel." in html


def test_course_duration_gives_quartiles_and_median_in_weeks_to_one_decimal(cast):
    start = TODAY - datetime.timedelta(days=400)
    for index, days in enumerate((10, 20, 45)):  # 1.43, 2.86 and 6.43 weeks
        Course.objects.create(
            municipality=cast.ishoj, institution=cast.boegely, kind="group",
            title=f"Afsluttet {index}", goals="-", start=start,
            planned_end=start + datetime.timedelta(days=60),
            closed_on=start + datetime.timedelta(days=days),
            pedagogue=cast.bob, created_by=cast.bob,
        )  # fmt: skip
    rows = build_table(
        "course-duration", cast.ishoj, year_from=start.year - 1, year_to=start.year
    ).rows
    assert rows == [[str(start.year - 1), 0, None, None, None], [str(start.year), 3, 2.1, 2.9, 4.6]]

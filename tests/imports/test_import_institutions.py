"""Importing institutions with their rooms: known by name, rooms added, a re-run changes nothing."""

import csv
import io
from collections import Counter

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inklusio.audit.models import AuditEntry
from inklusio.imports import services
from inklusio.imports.models import ImportRun
from inklusio.imports.parsers import INSTITUTION_COLUMNS
from inklusio.organisation.models import Institution, Room

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in INSTITUTION_COLUMNS]


def place(name, kind="Børnehave", size="40", **extra) -> dict:
    return {"Navn": name, "Type": kind, "Antal børn": size, **extra}


def csv_file(rows: list[dict]) -> bytes:
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=HEADERS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


def imported(cast, data: bytes, dry_run=False) -> ImportRun:
    run = services.import_upload(
        actor=cast.alice, kind="institutions", file_name="steder.csv", data=data
    )
    run = services.import_check(actor=cast.alice, run=run)
    return run if dry_run else services.import_execute(actor=cast.alice, run=run)


def actions(run):
    return [(r["line"], r["action"]) for r in run.rows]


def test_the_xlsx_template_has_danish_headers_and_an_example_row(cast, client):
    client.force_login(cast.alice)
    response = client.get(reverse("import-template", args=["institutions", "xlsx"]))
    header, example = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    assert header == (
        "Navn",
        "Type",
        "Antal børn",
        "Adresse",
        "Distrikt",
        "Leder",
        "Telefon",
        "Stuer",
    )
    assert example[:3] == ("Bøgely", "Integreret institution", "84")


def test_new_institutions_with_rooms_and_a_known_one_updated(cast):
    last = AuditEntry.objects.order_by("-id").first().id
    data = csv_file(
        [
            place("Regnbuen", "Vuggestue", "32", Stuer="Bien, Sommerfuglen"),
            place("bøgely", "Integreret institution", "90", Stuer="Solsikken, Myretuen"),
        ]
    )
    run = imported(cast, data)
    assert run.status == ImportRun.Status.IMPORTED
    assert actions(run) == [(2, "create"), (3, "update")]
    regnbuen = Institution.objects.get(municipality=cast.ishoj, name="Regnbuen")
    assert (regnbuen.kind, regnbuen.size) == ("nursery", 32)
    assert sorted(regnbuen.rooms.values_list("name", flat=True)) == ["Bien", "Sommerfuglen"]
    cast.boegely.refresh_from_db()
    assert (cast.boegely.name, cast.boegely.size) == ("bøgely", 90)
    assert sorted(cast.boegely.rooms.values_list("name", flat=True)) == ["Myretuen", "Solsikken"]
    logged = Counter(AuditEntry.objects.filter(id__gt=last).values_list("action", "object_type"))
    assert logged == {
        ("create", "importrun"): 1,
        ("change", "importrun"): 2,
        ("create", "institution"): 1,
        ("change", "institution"): 1,
        ("create", "room"): 3,
    }


def test_a_file_without_the_rooms_column_creates_the_institution_without_rooms(cast):
    data = "Navn;Type;Antal børn\r\nRegnbuen;Vuggestue;32\r\n".encode("utf-8-sig")
    run = imported(cast, data)
    assert run.status == ImportRun.Status.IMPORTED, run.rows
    regnbuen = Institution.objects.get(municipality=cast.ishoj, name="Regnbuen")
    assert list(regnbuen.rooms.values_list("name", flat=True)) == []


def test_running_the_same_file_again_changes_nothing(cast):
    data = csv_file([place("Regnbuen", Stuer="Bien"), place("Ørnebo", "Integreret", "60,0")])
    imported(cast, data)
    rows = list(Institution.objects.order_by("pk").values())
    rooms = Room.objects.count()
    again = imported(cast, data)
    assert actions(again) == [(2, "unchanged"), (3, "unchanged")]
    assert list(Institution.objects.order_by("pk").values()) == rows
    assert Room.objects.count() == rooms


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (place("Troldebo", size="tyve"), "Antal børn «tyve» skal være et helt tal."),
        (place("Troldebo", size="20,5"), "Antal børn «20,5» skal være et helt tal."),
        (place("Troldebo", kind="Skole"), "Typen «Skole» er ikke en af"),
        (place(""), "Navn mangler."),
        (place("Regnbuen"), "Daginstitutionen står også i række 2; hver må kun stå én gang."),
    ],
)
def test_a_bad_row_is_refused_and_nothing_is_imported(cast, values, reason):
    run = imported(cast, csv_file([place("Regnbuen"), values]), dry_run=True)
    assert actions(run) == [(2, "create"), (3, "refused")]
    assert any(r.startswith(reason) for r in run.rows[1]["reasons"]), run.rows[1]["reasons"]
    with pytest.raises(services.ImportNotReady):
        services.import_execute(actor=cast.alice, run=run)
    assert not Institution.objects.filter(name="Regnbuen").exists()

"""Importing the corps: pedagogues by username, their attachments and contracts."""

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest

from inklusio.audit.models import AuditEntry
from inklusio.imports import services
from inklusio.imports.models import ImportRun
from inklusio.imports.parsers import PEDAGOGUE_COLUMNS
from inklusio.people.models import Role, User
from inklusio.planning.models import Contract

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in PEDAGOGUE_COLUMNS]


def person(username, resource="Bøgely", support="", **extra) -> dict:
    return {
        "Brugernavn": username,
        "Fornavn": "Lise",
        "Efternavn": "Holm",
        "Ressourcefunktion i": resource,
        "Støttefunktion i": support,
        **extra,
    }


def csv_file(rows: list[dict]) -> bytes:
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=HEADERS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


def imported(cast, data: bytes, dry_run=False) -> ImportRun:
    run = services.import_upload(
        actor=cast.alice, kind="pedagogues", file_name="korps.csv", data=data
    )
    run = services.import_check(actor=cast.alice, run=run)
    return run if dry_run else services.import_execute(actor=cast.alice, run=run)


def actions(run):
    return [(r["line"], r["action"]) for r in run.rows]


def test_a_new_pedagogue_gets_account_attachments_and_contract(cast):
    last = AuditEntry.objects.order_by("-id").first().id
    hours = {"Timer pr. uge": "30", "Timer i institutioner": "25", "Andet": "1,5"}
    run = imported(cast, csv_file([person("lise.holm", support="Elverhøj", **hours)]))
    assert run.status == ImportRun.Status.IMPORTED, run.rows
    lise = User.objects.get(username="lise.holm")
    assert (lise.role, lise.municipality, lise.has_usable_password()) == (
        Role.PEDAGOGUE,
        cast.ishoj,
        False,
    )
    functions = {a.institution.name: a.function for a in lise.attachments.all()}
    assert functions == {"Bøgely": "resource", "Elverhøj": "support"}
    contract = Contract.objects.get(pedagogue=lise)
    assert (contract.weekly_hours, contract.institution_hours) == (Decimal("30"), Decimal("25"))
    logged = Counter(AuditEntry.objects.filter(id__gt=last).values_list("action", "object_type"))
    assert logged == {
        ("create", "importrun"): 1,
        ("change", "importrun"): 2,
        ("create", "user"): 1,
        ("create", "pedagogueattachment"): 2,
        ("create", "contract"): 1,
        ("change", "contract"): 1,
    }
    attached = AuditEntry.objects.filter(id__gt=last, object_type="pedagogueattachment")
    assert sorted((entry.changes for entry in attached), key=lambda c: c["institution"]) == [
        {"institution": "Bøgely", "function": "resource"},
        {"institution": "Elverhøj", "function": "support"},
    ]


def test_running_the_same_file_again_changes_nothing(cast):
    data = csv_file([person("lise.holm", support="Elverhøj", **{"Andet": "1,5"})])
    imported(cast, data)
    users = list(User.objects.order_by("pk").values())
    again = imported(cast, data)
    assert actions(again) == [(2, "unchanged")]
    assert list(User.objects.order_by("pk").values()) == users


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (person("lise", support="Bøgely"), "Bøgely står i begge funktioner"),
        (person("lise", resource="Ukendt"), "Daginstitutionen «Ukendt» findes ikke i kommunen."),
        (
            person("lise", **{"Timer pr. uge": "40"}),
            "Timerne går ikke op: 37 timer fordelt, men ugen har 40 timer.",
        ),
        (person("lise", **{"Andet": "halvanden"}), "«halvanden» er ikke et tal."),
        (person("lise", Fornavn=""), "Fornavn mangler."),
        (person("alice"), "Brugernavnet «alice» er allerede i brug af en anden bruger."),
        (person("dora-pedagog"), ""),
    ],
)
def test_a_bad_row_is_refused_and_nothing_is_imported(cast, values, reason):
    if values["Brugernavn"] == "dora-pedagog":  # a pedagogue of another municipality
        User.objects.create_user(
            username="dora-pedagog", municipality=cast.dragoer, role=Role.PEDAGOGUE
        )
        reason = "Brugernavnet «dora-pedagog» er allerede i brug af en anden bruger."
    run = imported(cast, csv_file([person("ny.paedagog"), values]), dry_run=True)
    assert actions(run) == [(2, "create"), (3, "refused")]
    reasons = run.rows[1]["reasons"]
    assert any(
        r.startswith(reason.replace("37,0", "37.0")) or r.startswith(reason) for r in reasons
    ), reasons
    with pytest.raises(services.ImportNotReady):
        services.import_execute(actor=cast.alice, run=run)
    assert not User.objects.filter(username="ny.paedagog").exists()


def test_a_deactivated_pedagogue_is_refused(cast):
    User.objects.create_user(
        username="gammel", municipality=cast.ishoj, role=Role.PEDAGOGUE, is_active=False
    )
    run = imported(cast, csv_file([person("gammel")]), dry_run=True)
    assert run.rows[0]["reasons"] == ["Brugeren «gammel» er deaktiveret; genaktivér den først."]


def test_a_known_pedagogue_gets_the_new_institution_and_keeps_the_old(cast):
    bob = {"Fornavn": "Bob", "Efternavn": "Testesen", "E-mail": cast.bob.email}
    unchanged = imported(cast, csv_file([person("bob", resource="Bøgely", **bob)]), dry_run=True)
    assert actions(unchanged) == [(2, "unchanged")], unchanged.rows
    run = imported(cast, csv_file([person("bob", resource="", support="Elverhøj", **bob)]))
    assert actions(run) == [(2, "update")]
    functions = {a.institution.name: a.function for a in cast.bob.attachments.all()}
    assert functions == {"Bøgely": "resource", "Elverhøj": "support"}
    # A function is not switched by a file: the attachment is ended where the corps is managed.
    switched = imported(
        cast, csv_file([person("bob", support="Bøgely", resource="", **bob)]), dry_run=True
    )
    assert switched.rows[0]["reasons"] == [
        "Bøgely: funktionen skiftes ikke ved import; afslut tilknytningen først."
    ]

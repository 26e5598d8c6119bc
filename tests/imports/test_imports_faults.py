"""What the administration and the audit log notice of an import: the upload's refusals at
their limits, the progress shown while the worker runs, the audit rows of the dry and the real
run, what the real run writes for institutions, pedagogues and guardians, and the exact reasons
a row is refused. Written against small faults in inklusio/imports (issue 12)."""

import csv
import datetime
import io

import pytest
from django.db.models import Max

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.children.models import Child, Guardian, Guardianship
from inklusio.core.errors import DomainError
from inklusio.core.storage import private_storage
from inklusio.imports import services
from inklusio.imports.models import ImportRun
from inklusio.imports.parsers import CHILD_COLUMNS, INSTITUTION_COLUMNS, PEDAGOGUE_COLUMNS
from inklusio.organisation.models import Institution, Room
from inklusio.people.models import Role, User
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

TWENTY_MB = 20 * 1024 * 1024


def csv_file(columns, rows: list[dict]) -> bytes:
    output = io.StringIO()
    writer = csv.DictWriter(
        output,
        fieldnames=[column.header for column in columns],
        delimiter=";",
        lineterminator="\r\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


def cpr_born(days_ago: int, serial: str = "321") -> str:
    born = TODAY - datetime.timedelta(days=days_ago)
    return f"{born:%d%m%y}-4{serial}"


def child(cpr, first="Ida", last="Nielsen", institution="Bøgely", **extra) -> dict:
    return {
        "CPR-nummer": cpr,
        "Fornavn": first,
        "Efternavn": last,
        "Daginstitution": institution,
        **extra,
    }


def place(name, kind="Børnehave", size="40", **extra) -> dict:
    return {"Navn": name, "Type": kind, "Antal børn": size, **extra}


def person(username, resource="Bøgely", **extra) -> dict:
    return {
        "Brugernavn": username,
        "Fornavn": "Lise",
        "Efternavn": "Holm",
        "Ressourcefunktion i": resource,
        **extra,
    }


COLUMNS = {
    "children": CHILD_COLUMNS,
    "institutions": INSTITUTION_COLUMNS,
    "pedagogues": PEDAGOGUE_COLUMNS,
}


def upload(cast, kind, rows, file_name="fil.csv") -> ImportRun:
    return services.import_upload(
        actor=cast.alice, kind=kind, file_name=file_name, data=csv_file(COLUMNS[kind], rows)
    )


def checked(cast, kind, rows) -> ImportRun:
    return services.import_check(actor=cast.alice, run=upload(cast, kind, rows))


def imported(cast, kind, rows) -> ImportRun:
    return services.import_execute(actor=cast.alice, run=checked(cast, kind, rows))


def audit_since(last: int, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=last, **filters).order_by("id"))


def last_audit_id() -> int:
    return AuditEntry.objects.aggregate(Max("id"))["id__max"] or 0


# --- The upload ------------------------------------------------------------------------------


class TestTheUpload:
    def test_a_file_that_is_no_spreadsheet_is_refused(self, cast):
        with pytest.raises(DomainError) as refused:
            services.import_upload(
                actor=cast.alice, kind="children", file_name="boern.txt", data=b"x"
            )
        assert str(refused.value) == "Filen skal være et regneark i formatet XLSX eller CSV."
        assert not ImportRun.objects.filter(file_name="boern.txt").exists()

    def test_exactly_20_mb_is_accepted_and_a_byte_more_refused(self, cast):
        with pytest.raises(DomainError) as refused:
            services.import_upload(
                actor=cast.alice, kind="children", file_name="stor.csv", data=b"x" * (TWENTY_MB + 1)
            )
        assert str(refused.value) == "Filen er større end 20 MB."
        run = services.import_upload(
            actor=cast.alice, kind="children", file_name="stor.csv", data=b"x" * TWENTY_MB
        )
        assert private_storage.size(run.stored_name) == TWENTY_MB
        private_storage.delete(run.stored_name)

    @pytest.mark.parametrize(("file_name", "suffix"), [("Boern.XLSX", ".xlsx"), ("B.CSV", ".csv")])
    def test_the_upload_is_kept_under_the_runs_id_with_its_type(self, cast, file_name, suffix):
        run = services.import_upload(
            actor=cast.alice, kind="children", file_name=file_name, data=b"x"
        )
        run.refresh_from_db()
        assert run.stored_name == f"imports/{run.public_id}/{run.public_id}{suffix}"
        assert private_storage.open(run.stored_name).read() == b"x"
        assert (run.kind, run.file_name, run.uploaded_by, run.municipality) == (
            "children",
            file_name,
            cast.alice,
            cast.ishoj,
        )
        private_storage.delete(run.stored_name)

    def test_a_long_file_name_is_cut_at_200_characters(self, cast):
        name = "b" * 250 + ".csv"
        run = services.import_upload(actor=cast.alice, kind="children", file_name=name, data=b"x")
        assert ImportRun.objects.get(pk=run.pk).file_name == "b" * 200
        assert run.stored_name.endswith(".csv")

    def test_the_upload_is_logged_with_its_kind_and_name(self, cast):
        last = last_audit_id()
        run = upload(cast, "institutions", [place("Regnbuen")], file_name="steder.csv")
        (row,) = audit_since(last)
        assert (row.action, row.object_type, row.object_id) == (
            AuditAction.CREATE,
            "importrun",
            str(run.public_id),
        )
        assert row.changes == {"kind": "institutions", "file_name": "steder.csv"}


# --- Progress and the runs' audit rows -------------------------------------------------------


class TestProgress:
    def test_progress_is_reported_every_500_rows_and_at_the_last(self, cast):
        run = upload(cast, "institutions", [place(f"Sted {n}") for n in range(1001)])
        reported = []
        plans = services._plan(run, lambda done, total: reported.append((done, total)))
        assert len(plans) == 1001
        assert reported == [(500, 1001), (1000, 1001), (1001, 1001)]
        single = upload(cast, "institutions", [place("Regnbuen")])
        reported.clear()
        services._plan(single, lambda done, total: reported.append((done, total)))
        assert reported == [(1, 1)]

    def test_the_progress_is_written_where_the_page_reads_it(self, cast):
        run = upload(cast, "institutions", [place("Regnbuen")])
        services._progress(run)(500, 1001)
        run.refresh_from_db()
        assert (run.processed_rows, run.total_rows, run.percent) == (500, 1001, 49)


class TestTheRunsAreLogged:
    def test_the_dry_run_logs_how_many_rows_would_do_what(self, cast):
        run = upload(cast, "institutions", [place("Regnbuen"), place("Bøgely"), place("")])
        last = last_audit_id()
        run = services.import_check(actor=cast.alice, run=run)
        assert (run.status, run.total_rows, run.processed_rows) == (
            ImportRun.Status.CHECKED,
            3,
            3,
        )
        (row,) = audit_since(last)
        assert (row.action, row.object_id) == (AuditAction.CHANGE, str(run.public_id))
        assert row.changes == {"checked": {"create": 1, "update": 1, "unchanged": 0, "refused": 1}}

    def test_the_real_run_logs_what_it_did_and_deletes_the_upload(
        self, cast, django_capture_on_commit_callbacks
    ):
        run = checked(cast, "institutions", [place("Regnbuen"), place("Ørnebo")])
        stored = run.stored_name
        last = last_audit_id()
        with django_capture_on_commit_callbacks(execute=True):
            run = services.import_execute(actor=cast.alice, run=run)
        run.refresh_from_db()
        assert (run.status, run.total_rows, run.processed_rows) == (
            ImportRun.Status.IMPORTED,
            2,
            2,
        )
        assert run.finished_at is not None
        assert (run.stored_name, private_storage.exists(stored)) == ("", False)
        (row,) = audit_since(last, object_type="importrun")
        assert row.changes == {"imported": {"create": 2, "update": 0, "unchanged": 0, "refused": 0}}

    def test_an_upload_not_yet_checked_cannot_be_imported(self, cast):
        run = upload(cast, "institutions", [place("Regnbuen")])
        with pytest.raises(services.ImportNotReady) as refused:
            services.import_execute(actor=cast.alice, run=run)
        assert str(refused.value) == (
            "Importen kan kun gennemføres efter en prøvekørsel uden afviste rækker."
        )
        assert not Institution.objects.filter(name="Regnbuen").exists()

    def test_a_file_that_became_unreadable_is_refused_as_a_whole(self, cast):
        run = checked(cast, "institutions", [place("Regnbuen")])
        private_storage.delete(run.stored_name)
        private_storage.save(run.stored_name, io.BytesIO(b"Navn;CPR\r\nx;y\r\n"))
        last = last_audit_id()
        run = services.import_execute(actor=cast.alice, run=run)
        assert run.status == ImportRun.Status.REFUSED
        assert run.file_error.startswith("Kolonner mangler: ")
        assert run.rows == []
        assert not Institution.objects.filter(name="Regnbuen").exists()
        (row,) = audit_since(last, object_type="importrun")
        assert row.changes == {"refused": {"create": 0, "update": 0, "unchanged": 0, "refused": 0}}


# --- What the real run writes ----------------------------------------------------------------


class TestInstitutions:
    def test_a_new_institution_is_logged_with_its_master_data_and_each_room(self, cast):
        last = last_audit_id()
        imported(
            cast,
            "institutions",
            [place("Regnbuen", "Vuggestue", "32", Adresse="Vej 1", Leder="Lis", Stuer="Bien")],
        )
        regnbuen = Institution.objects.get(name="Regnbuen")
        assert (regnbuen.municipality, regnbuen.address, regnbuen.leader_name) == (
            cast.ishoj,
            "Vej 1",
            "Lis",
        )
        (created,) = audit_since(last, object_type="institution")
        assert (created.action, created.object_id) == (AuditAction.CREATE, str(regnbuen.public_id))
        assert created.changes == {
            "address": {"before": None, "after": "•••"},
            "district": {"before": None, "after": ""},
            "kind": {"before": None, "after": "nursery"},
            "leader_name": {"before": None, "after": "Lis"},
            "name": {"before": None, "after": "Regnbuen"},
            "phone": {"before": None, "after": ""},
            "size": {"before": None, "after": 32},
        }
        (room,) = audit_since(last, object_type="room")
        assert (room.action, room.changes) == (AuditAction.CREATE, {"name": "Bien"})
        assert Room.objects.get(name="Bien").institution == regnbuen

    def test_a_known_institution_is_changed_and_logged_with_what_changed(self, cast):
        last = last_audit_id()
        imported(
            cast,
            "institutions",
            [place("Bøgely", "Integreret institution", "90", Distrikt="Nord")],
        )
        cast.boegely.refresh_from_db()
        assert (cast.boegely.size, cast.boegely.district) == (90, "Nord")
        (changed,) = audit_since(last, object_type="institution")
        assert changed.action == AuditAction.CHANGE
        assert changed.changes == {
            "district": {"before": "", "after": "Nord"},
            "size": {"before": 120, "after": 90},
        }

    def test_a_new_room_alone_changes_nothing_of_the_institution(self, cast):
        last = last_audit_id()
        run = imported(
            cast, "institutions", [place("Bøgely", "Integreret", "120", Stuer="Solsikken, Bien")]
        )
        assert [(r["line"], r["action"]) for r in run.rows] == [(2, "update")]
        assert audit_since(last, object_type="institution") == []
        assert [row.changes for row in audit_since(last, object_type="room")] == [{"name": "Bien"}]


class TestPedagogues:
    def test_a_new_pedagogue_is_logged_with_name_and_contact(self, cast):
        last = last_audit_id()
        imported(
            cast,
            "pedagogues",
            [person("lise.holm", **{"E-mail": "lise@ishoj.invalid", "Telefon": "12"})],
        )
        lise = User.objects.get(username="lise.holm")
        assert (lise.first_name, lise.last_name, lise.email, lise.phone) == (
            "Lise",
            "Holm",
            "lise@ishoj.invalid",
            "12",
        )
        (created,) = audit_since(last, object_type="user")
        assert created.action == AuditAction.CREATE
        assert created.changes == {
            "email": {"before": None, "after": "•••"},
            "first_name": {"before": None, "after": "Lise"},
            "last_name": {"before": None, "after": "Holm"},
            "phone": {"before": None, "after": "•••"},
            "role": {"before": None, "after": Role.PEDAGOGUE},
            "username": {"before": None, "after": "lise.holm"},
        }

    def test_a_known_pedagogues_new_name_is_saved_and_logged(self, cast):
        bob = {"Fornavn": "Bob", "Efternavn": "Holm", "E-mail": cast.bob.email}
        last = last_audit_id()
        run = imported(cast, "pedagogues", [person("bob", **bob)])
        assert run.status == ImportRun.Status.IMPORTED, run.rows
        assert User.objects.get(username="bob").last_name == "Holm"
        (changed,) = audit_since(last, object_type="user")
        assert changed.action == AuditAction.CHANGE
        assert changed.changes == {"last_name": {"before": "Testesen", "after": "Holm"}}


class TestGuardians:
    def test_a_guardians_new_relation_and_email_are_saved_and_logged_with_the_child(self, cast):
        cpr = cpr_born(500)
        anna = {"Forælder 1 navn": "Anna Nielsen", "Forælder 1 relation": "mor"}
        imported(cast, "children", [child(cpr, **anna)])
        last = last_audit_id()
        changed = {**anna, "Forælder 1 relation": "plejemor", "Forælder 1 e-mail": "a@b.dk"}
        run = imported(cast, "children", [child(cpr, **changed)])
        assert [(r["line"], r["action"]) for r in run.rows] == [(2, "update")]
        guardian = Guardian.objects.get(name="Anna Nielsen")
        assert guardian.email == "a@b.dk"
        assert Guardianship.objects.get(guardian=guardian).relation == "plejemor"
        ida = Child.objects.get(first_name="Ida")
        (row,) = audit_since(last, object_type="guardian")
        assert (row.action, row.child_id) == (AuditAction.CHANGE, ida.public_id)
        assert row.changes == {
            "email": {"before": "", "after": "•••"},
            "relation": {"before": "mor", "after": "plejemor"},
            "version": {"before": 1, "after": 2},
        }
        assert audit_since(last, object_type="child") == []


# --- The reasons a row is refused --------------------------------------------------------------


def reasons_of(cast, kind, rows) -> list[list[str]]:
    return [row["reasons"] for row in checked(cast, kind, rows).rows]


class TestChildRows:
    def test_every_missing_required_cell_is_named(self, cast):
        assert reasons_of(cast, "children", [child("", "", "", "", Sprog="dansk")]) == [
            [
                "CPR-nummer mangler.",
                "Fornavn mangler.",
                "Efternavn mangler.",
                "Daginstitution mangler.",
            ]
        ]

    def test_a_nine_digit_cpr_number_gets_its_leading_zero_back(self, cast):
        born = TODAY.replace(day=5, year=TODAY.year - 2)
        number = f"{born:%d%m%y}4321"
        run = checked(cast, "children", [child(number[1:])])
        assert (run.rows[0]["action"], run.rows[0]["label"]) == (
            "create",
            f"Ida Nielsen ({number[:6]}-xxxx)",
        )

    def test_a_child_who_left_is_judged_by_the_age_on_the_day_of_leaving(self, cast):
        cpr = cpr_born(6 * 365 + 100)
        left_young = (TODAY - datetime.timedelta(days=200)).strftime("%d-%m-%Y")
        left_old = (TODAY - datetime.timedelta(days=20)).strftime("%d-%m-%Y")
        far_born = cpr_born(7 * 365 + 100, "322")
        assert reasons_of(
            cast,
            "children",
            [
                child(cpr, **{"Forlod dagtilbuddet den": left_young}),
                child(far_born, first="Bo", **{"Forlod dagtilbuddet den": left_old}),
            ],
        ) == [
            [],
            ["Barnet var ikke i dagtilbudsalderen (0–6 år) den dag, det forlod dagtilbuddet."],
        ]

    def test_a_guardian_email_without_at_is_refused(self, cast):
        values = {"Forælder 2 navn": "Per", "Forælder 2 e-mail": "per.dk"}
        assert reasons_of(cast, "children", [child(cpr_born(700), **values)]) == [
            ["Forælder 2: «per.dk» er ikke en e-mailadresse."]
        ]

    def test_an_unknown_difficulty_is_named_with_the_choices(self, cast):
        from inklusio.children.models import DifficultyCategory

        values = {"Mest fremtrædende vanskelighed": "Andet"}
        choices = ", ".join(str(label) for _value, label in DifficultyCategory.choices)
        assert reasons_of(cast, "children", [child(cpr_born(700), **values)]) == [
            [f"Vanskeligheden «Andet» er ikke en af: {choices}."]
        ]


class TestInstitutionRows:
    def test_every_missing_required_cell_is_named(self, cast):
        assert reasons_of(cast, "institutions", [place("", "", "", Adresse="Vej 1")]) == [
            ["Navn mangler.", "Type mangler.", "Antal børn mangler."]
        ]

    def test_a_name_of_100_characters_is_accepted_and_101_refused(self, cast):
        assert reasons_of(cast, "institutions", [place("n" * 100), place("m" * 101)]) == [
            [],
            ["Navnet må højst være 100 tegn."],
        ]

    def test_a_negative_size_is_refused(self, cast):
        assert reasons_of(cast, "institutions", [place("Regnbuen", size="-1")]) == [
            ["Antal børn «-1» skal være et helt tal."]
        ]


class TestPedagogueRows:
    def test_every_missing_required_cell_is_named(self, cast):
        assert reasons_of(cast, "pedagogues", [person("", Fornavn="", Efternavn="")]) == [
            ["Brugernavn mangler.", "Fornavn mangler.", "Efternavn mangler."]
        ]

    def test_a_username_twice_is_refused(self, cast):
        assert reasons_of(cast, "pedagogues", [person("lise"), person("lise")]) == [
            [],
            ["Brugernavnet står også i række 2."],
        ]

    @pytest.mark.parametrize(
        ("share", "reasons"),
        [
            ("0", []),
            ("100", []),
            ("101", ["En andel skal være mellem 0 og 100 %."]),
            ("-1", ["En andel skal være mellem 0 og 100 %."]),
        ],
    )
    def test_the_support_share_lies_between_0_and_100(self, cast, share, reasons):
        values = {"Andel til støttefunktionen (%)": share}
        assert reasons_of(cast, "pedagogues", [person("lise", **values)]) == [reasons]

    def test_hours_that_do_not_add_up_are_shown_the_danish_way(self, cast):
        values = {"Timer pr. uge": "37,5", "Andet": "1,25"}
        assert reasons_of(cast, "pedagogues", [person("lise", **values)]) == [
            ["Timerne går ikke op: 36,75 timer fordelt, men ugen har 37,5 timer."]
        ]

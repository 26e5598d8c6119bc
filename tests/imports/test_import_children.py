"""Importing children with guardians from XLSX/CSV: the templates, the dry run row by row, the
all-or-nothing real run, duplicates, a re-run that changes nothing, the worker and the command."""

import csv
import datetime
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.children import services as child_services
from inklusio.children.models import Child, Guardian
from inklusio.core.errors import DomainError
from inklusio.imports import services
from inklusio.imports.models import ImportRun
from inklusio.imports.parsers import CHILD_COLUMNS
from inklusio.jobs import services as job_services
from inklusio.jobs.models import Job
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in CHILD_COLUMNS]


def cpr_born(days_ago: int, serial: str = "321") -> str:
    """A CPR number of a child born `days_ago` before the suite's today (century digit 4)."""
    born = TODAY - datetime.timedelta(days=days_ago)
    assert 2000 <= born.year <= 2036
    return f"{born:%d%m%y}-4{serial}"


def row(cpr, first="Ida", last="Nielsen", institution="Bøgely", **extra) -> dict:
    return {
        "CPR-nummer": cpr,
        "Fornavn": first,
        "Efternavn": last,
        "Daginstitution": institution,
        **extra,
    }


def csv_file(rows: list[dict]) -> bytes:
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=HEADERS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


def xlsx_file(rows: list[list]) -> bytes:
    book = Workbook()
    book.active.append(HEADERS[:4])
    for values in rows:
        book.active.append(values)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def dry_run(cast, data: bytes, file_name="boern.csv") -> ImportRun:
    run = services.import_upload(actor=cast.alice, kind="children", file_name=file_name, data=data)
    return services.import_check(actor=cast.alice, run=run)


def imported(cast, data: bytes) -> ImportRun:
    return services.import_execute(actor=cast.alice, run=dry_run(cast, data))


def actions(run: ImportRun) -> list[tuple[int, str]]:
    return [(r["line"], r["action"]) for r in run.rows]


def run_pending_job(kind: str) -> Job:
    job = Job.objects.get(kind=kind, status=Job.Status.QUEUED)
    return job_services.job_run(job_pk=job.pk)


# --- The upload ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "size", "message"),
    [
        ("elefanter", 10, "Vælg, hvad filen indeholder."),
        ("children", services.MAX_UPLOAD_BYTES + 1, "Filen er større end 20 MB."),
    ],
)
def test_an_upload_of_an_unknown_kind_or_over_20_mb_is_refused(cast, kind, size, message):
    with pytest.raises(DomainError) as refused:
        services.import_upload(
            actor=cast.alice, kind=kind, file_name="afvist.csv", data=b"x" * size
        )
    assert str(refused.value) == message
    assert not ImportRun.objects.filter(file_name="afvist.csv").exists()


# --- Templates -----------------------------------------------------------------------------


def test_the_xlsx_template_has_danish_headers_and_an_example_row(cast, client):
    client.force_login(cast.alice)
    response = client.get(reverse("import-template", args=["children", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, example = list(sheet.iter_rows(values_only=True))
    assert header[:4] == ("CPR-nummer", "Fornavn", "Efternavn", "Daginstitution")
    assert "Forælder 1 navn" in header
    assert example[:2] == ("010121-4321", "Mia")


def test_the_csv_template_is_semicolon_separated_utf8_with_bom(cast, client):
    client.force_login(cast.alice)
    response = client.get(reverse("import-template", args=["children", "csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("CPR-nummer;Fornavn;Efternavn;Daginstitution;Stue")
    assert "Forælder 1 e-mail" in header


def test_the_filled_in_template_imports(cast, client):
    client.force_login(cast.alice)
    template = client.get(reverse("import-template", args=["children", "csv"])).content
    text = template.decode("utf-8-sig").replace("010121-4321", cpr_born(900))
    text = text.replace("Myretuen", "Solsikken")
    run = imported(cast, text.encode("utf-8-sig"))
    assert run.status == ImportRun.Status.IMPORTED
    child = Child.objects.with_cpr(cpr_born(900).replace("-", "")).get()
    assert (child.full_name, child.room.name, child.category) == (
        "Mia Hansen",
        "Solsikken",
        "speech_language",
    )
    assert [g.name for g in child.guardians.all()] == ["Gert Hansen"]


# --- The dry run ---------------------------------------------------------------------------


def test_the_dry_run_shows_every_row_and_writes_nothing(cast, client):
    mia_cpr = f"{cast.mia.cpr[:6]}-{cast.mia.cpr[6:]}"
    data = csv_file(
        [
            row(cpr_born(800)),
            row(mia_cpr, first="Mia", last="Nyt-Efternavn"),
            row("3213214321", first="Bo"),
        ]
    )
    client.force_login(cast.alice)
    children_before = Child.objects.count()
    upload = io.BytesIO(data)
    upload.name = "boern-2026.csv"
    response = client.post(reverse("import-list"), {"kind": "children", "file": upload})
    run = ImportRun.objects.get(file_name="boern-2026.csv")
    assert response.url == reverse("import-detail", args=[run.public_id])
    assert run_pending_job("import-check").status == Job.Status.DONE
    run.refresh_from_db()
    assert (run.processed_rows, run.total_rows, run.percent) == (3, 3, 100)

    page = client.get(response.url).content.decode()
    assert "Opret" in page and "Opdater" in page and "Afvist" in page
    assert "Række for række" in page
    assert "CPR-nummeret 321321-xxxx er ikke gyldigt." in page
    assert "1 række er afvist" in page
    assert "Gennemfør importen" not in page
    assert Child.objects.count() == children_before
    cast.mia.refresh_from_db()
    assert cast.mia.last_name == "Testesen"
    # The page names Mia (update row): her read is logged.
    read = AuditEntry.objects.filter(actor=cast.alice, action=AuditAction.READ).last()
    assert list(read.children.values_list("child_id", flat=True)) == [cast.mia.public_id]


def test_the_page_shows_progress_while_the_worker_checks(cast, client):
    run = cast.import_alice
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.CHECKING, processed_rows=5000, total_rows=20000, rows=[]
    )
    client.force_login(cast.alice)
    page = client.get(reverse("import-detail", args=[run.public_id])).content.decode()
    assert "5000 af 20000 rækker kontrolleret" in page
    assert 'value="25"' in page
    assert 'http-equiv="refresh"' in page


def test_a_failed_job_is_shown_and_the_page_stops_refreshing(cast, client):
    run = dry_run(cast, csv_file([row(cpr_born(600))]))
    Job.objects.create(
        municipality=cast.ishoj,
        kind="import-execute",
        params={"import": str(run.public_id)},
        requested_by=cast.alice,
        status=Job.Status.FAILED,
    )
    client.force_login(cast.alice)
    page = client.get(reverse("import-detail", args=[run.public_id])).content.decode()
    assert "Filen kunne ikke behandles." in page
    assert 'http-equiv="refresh"' not in page
    # A retry of the lost run is allowed: its transaction never committed.
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.IMPORTING)
    assert services.import_execute(actor=cast.alice, run=run).status == ImportRun.Status.IMPORTED


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (
            row("0101214321", institution="Ukendt"),
            "Daginstitutionen «Ukendt» findes ikke i kommunen.",
        ),
        (row(cpr_born(8 * 366)), "Barnet er ikke i dagtilbudsalderen (0–6 år) efter CPR-nummeret."),
        (row(cpr_born(-30)), "CPR-nummeret"),  # born in the future: no valid CPR number
        (row(cpr_born(700), first=""), "Fornavn mangler."),
        (row(cpr_born(700), Stue="Ukendt"), "Stuen «Ukendt» findes ikke i Bøgely."),
        (
            row(cpr_born(700), **{"Forlod dagtilbuddet den": "31-31-2026"}),
            "Datoen «31-31-2026» kan ikke læses; skriv den som dd-mm-åååå.",
        ),
        (
            row(cpr_born(700), **{"Mest fremtrædende vanskelighed": "Andet"}),
            "Vanskeligheden «Andet» er ikke en af",
        ),
        (
            row(cpr_born(700), **{"Forælder 1 e-mail": "gert@x.dk"}),
            "Forælder 1 har ikke noget navn.",
        ),
        (
            row(cpr_born(700), **{"Forælder 1 telefon": "12345678"}),
            "Forælder 1 har ikke noget navn.",
        ),
    ],
)
def test_a_bad_row_is_refused_with_its_reason(cast, values, reason):
    run = dry_run(cast, csv_file([row(cpr_born(600)), values]))
    assert actions(run) == [(2, "create"), (3, "refused")]
    assert any(r.startswith(reason) for r in run.rows[1]["reasons"]), run.rows[1]["reasons"]


def test_a_file_without_the_required_columns_is_refused_as_a_whole(cast):
    data = "Navn;CPR\r\nIda;0101214321\r\n".encode("utf-8-sig")
    run = dry_run(cast, data)
    assert run.file_error.startswith("Kolonner mangler: CPR-nummer, Fornavn, Efternavn")
    assert "Ukendte kolonner: Navn, CPR." in run.file_error
    with pytest.raises(services.ImportNotReady):
        services.import_execute(actor=cast.alice, run=run)


def test_an_xlsx_file_with_cpr_numbers_as_numbers_keeps_the_leading_zero(cast):
    born = TODAY.replace(day=5, year=TODAY.year - 2)  # day 05: the number starts with a zero
    number = f"{born:%d%m%y}4321"
    run = dry_run(cast, xlsx_file([[int(number), "Ida", "Berg", "Bøgely"]]), "boern.xlsx")
    assert actions(run) == [(2, "create")], run.rows
    assert run.rows[0]["label"] == f"Ida Berg ({number[:6]}-xxxx)"


# --- Duplicates ----------------------------------------------------------------------------


def test_a_cpr_number_twice_in_the_file_is_refused(cast):
    twin = cpr_born(1000)
    run = dry_run(cast, csv_file([row(twin), row(cpr_born(1100)), row(twin, first="Ida B")]))
    assert actions(run) == [(2, "create"), (3, "create"), (4, "refused")]
    assert run.rows[2]["reasons"] == [
        "CPR-nummeret står også i række 2; hvert barn må kun stå én gang."
    ]


def test_a_registered_cpr_number_updates_the_child_instead_of_duplicating_it(cast):
    mia = cast.mia
    data = csv_file([row(mia.cpr, first="Mia", last="Testesen", institution="Elverhøj")])
    run = imported(cast, data)
    assert actions(run) == [(2, "update")]
    assert Child.objects.with_cpr(mia.cpr).count() == 1
    mia.refresh_from_db()
    assert mia.institution == cast.elverhoej
    change = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(mia.public_id))
    assert change.count() == 1


# --- The real run: all or nothing ----------------------------------------------------------


def test_the_real_run_imports_children_and_guardians_with_one_audit_row_each(cast, client):
    data = csv_file(
        [
            row(cpr_born(500), **{"Forælder 1 navn": "Anna Nielsen", "Forælder 1 relation": "mor"}),
            row(
                cpr_born(510, "322"),
                first="Bo",
                **{"Forælder 1 navn": "Per Berg", "Forælder 2 navn": "Lis Berg"},
            ),
        ]
    )
    run = dry_run(cast, data)
    client.force_login(cast.alice)
    last = AuditEntry.objects.order_by("-id").first().id
    response = client.post(reverse("import-execute", args=[run.public_id]))
    assert response.status_code == 302
    job = run_pending_job("import-execute")
    assert job.status == Job.Status.DONE
    run.refresh_from_db()
    assert run.status == ImportRun.Status.IMPORTED
    assert run.stored_name == ""  # the upload with full CPR numbers is gone
    bo = Child.objects.get(first_name="Bo")
    assert sorted(g.name for g in bo.guardians.all()) == ["Lis Berg", "Per Berg"]
    ida = Child.objects.get(first_name="Ida")
    assert ida.guardianships.get().relation == "mor"
    logged = Counter(AuditEntry.objects.filter(id__gt=last).values_list("action", "object_type"))
    # One per created child and guardian, one for the import, and the job's request and outcome.
    assert logged == {
        ("create", "child"): 2,
        ("create", "guardian"): 3,
        ("change", "importrun"): 1,
        ("create", "job"): 1,
        ("change", "job"): 1,
    }
    page = client.get(reverse("import-detail", args=[run.public_id])).content.decode()
    assert "Filen er importeret." in page


def test_a_row_that_became_bad_after_the_dry_run_leaves_everything_unimported(cast):
    data = csv_file(
        [row(cpr_born(700)), row(cpr_born(710, "322"), first="Bo", institution="Elverhøj")]
    )
    run = dry_run(cast, data)
    assert actions(run) == [(2, "create"), (3, "create")]
    cast.elverhoej.name = "Elverhøj Nord"
    cast.elverhoej.save()
    children_before = Child.objects.count()
    run = services.import_execute(actor=cast.alice, run=run)
    assert run.status == ImportRun.Status.REFUSED
    assert actions(run) == [(2, "create"), (3, "refused")]
    assert run.rows[1]["reasons"] == ["Daginstitutionen «Elverhøj» findes ikke i kommunen."]
    assert Child.objects.count() == children_before


def test_an_import_stopped_by_a_service_shows_why_and_imports_nothing(cast, settings):
    # Alice has tried a registered CPR number as often as the hour allows: registering
    # children stops for her, and so does her import, with the reason shown.
    settings.CHILD_DUPLICATE_CPR_LIMIT = 1
    run = dry_run(cast, csv_file([row(cpr_born(700))]))
    data = {"cpr": cast.mia.cpr, "first_name": "Mia", "last_name": "T", "institution": cast.boegely}
    with pytest.raises(child_services.DuplicateChild):
        child_services.child_create(actor=cast.alice, data=data)
    run = services.import_execute(actor=cast.alice, run=run)
    assert run.status == ImportRun.Status.REFUSED
    assert run.file_error == (
        "Importen blev afbrudt: Du har for mange gange indtastet et CPR-nummer, der allerede er "
        "registreret. Prøv igen senere; forvaltningen er underrettet."
    )
    assert not Child.objects.filter(first_name="Ida").exists()


def test_an_import_is_carried_out_once(cast):
    run = imported(cast, csv_file([row(cpr_born(700))]))
    assert run.status == ImportRun.Status.IMPORTED
    with pytest.raises(services.ImportNotReady):
        services.import_execute(actor=cast.alice, run=run)
    assert Child.objects.filter(first_name="Ida").count() == 1


def test_only_a_clean_dry_run_can_be_imported(cast, client):
    run = dry_run(cast, csv_file([row("3213214321")]))
    client.force_login(cast.alice)
    response = client.post(reverse("import-execute", args=[run.public_id]), follow=True)
    assert "Importen kan kun gennemføres efter en prøvekørsel uden afviste rækker." in (
        response.content.decode()
    )
    assert not Job.objects.filter(kind="import-execute").exists()


# --- Re-running the same file --------------------------------------------------------------


def test_running_the_same_file_again_changes_nothing(cast):
    data = csv_file(
        [
            row(cpr_born(500), **{"Forælder 1 navn": "Anna Nielsen", "Forælder 1 telefon": "12"}),
            row(cast.mia.cpr, first="Mia", last="Testesen", Stue=""),
        ]
    )
    first = imported(cast, data)
    assert first.status == ImportRun.Status.IMPORTED
    children = list(Child.objects.order_by("pk").values())
    guardians = list(Guardian.objects.order_by("pk").values())
    changes_before = (
        AuditEntry.objects.filter(action__in=[AuditAction.CREATE, AuditAction.CHANGE])
        .exclude(object_type="importrun")
        .count()
    )
    second = imported(cast, data)
    assert actions(second) == [(2, "unchanged"), (3, "unchanged")]
    assert list(Child.objects.order_by("pk").values()) == children
    assert list(Guardian.objects.order_by("pk").values()) == guardians
    changes_after = (
        AuditEntry.objects.filter(action__in=[AuditAction.CREATE, AuditAction.CHANGE])
        .exclude(object_type="importrun")
        .count()
    )
    assert changes_after == changes_before


def test_a_guardians_new_phone_number_is_an_update_of_that_guardian(cast):
    base = {"Forælder 1 navn": "Anna Nielsen", "Forælder 1 telefon": "12"}
    imported(cast, csv_file([row(cpr_born(500), **base)]))
    run = imported(cast, csv_file([row(cpr_born(500), **{**base, "Forælder 1 telefon": "34"})]))
    assert actions(run) == [(2, "update")]
    anna = Guardian.objects.get(name="Anna Nielsen")
    assert anna.phone == "34"
    assert (
        AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(anna.public_id)).count()
        == 1
    )


def _changed_after_the_real_run_read_it(monkeypatch, change) -> None:
    """`change()` runs after the real run has planned its rows, before it applies them: another
    person's save in the moment between."""
    plan = services._plan

    def planned_then_changed(run, on_progress=None):
        plans = plan(run, on_progress)
        change()
        return plans

    monkeypatch.setattr(services, "_plan", planned_then_changed)


def test_a_guardian_changed_while_the_import_ran_is_not_overwritten(cast, monkeypatch):
    gert = Guardian.objects.get(name="Gert Testesen")
    data = csv_file(
        [
            row(
                cast.mia.cpr, first="Mia", last="Testesen", Stue="Solsikken",
                **{"Forælder 1 navn": "Gert Testesen", "Forælder 1 telefon": "11 11 11 11",
                   "Forælder 1 relation": "far"},
            ),
            row(cpr_born(700)),
        ]
    )  # fmt: skip
    run = dry_run(cast, data)
    assert actions(run) == [(2, "update"), (3, "create")]
    _changed_after_the_real_run_read_it(
        monkeypatch,
        lambda: child_services.guardian_update(
            actor=cast.carl, child=cast.mia, guardian=gert, data={"phone": "22 22 22 22"},
            relation="far", expected_version=gert.version,
        ),
    )  # fmt: skip

    run = services.import_execute(actor=cast.alice, run=run)
    assert run.status == ImportRun.Status.REFUSED
    assert run.file_error == (
        "Importen blev afbrudt: Gert Testesen blev ændret af en anden, mens importen kørte, så "
        "intet er importeret. Upload filen igen: prøvekørslen viser så, hvad den ændrer nu."
    )
    gert.refresh_from_db()
    assert gert.phone == "22 22 22 22"  # the other person's change stands
    assert not Child.objects.filter(first_name="Ida").exists()  # nothing of the file


def test_a_child_changed_while_the_import_ran_is_named_in_danish(cast, monkeypatch):
    emil = cast.emil
    run = dry_run(cast, csv_file([row(emil.cpr, first="Emil", last="Testesen", Sprog="dansk")]))
    assert actions(run) == [(2, "update")]
    _changed_after_the_real_run_read_it(
        monkeypatch,
        lambda: child_services.child_update(
            actor=cast.carl, child=emil, data={"languages": "arabisk"},
            expected_version=emil.version,
        ),
    )  # fmt: skip

    run = services.import_execute(actor=cast.alice, run=run)
    assert run.status == ImportRun.Status.REFUSED
    assert run.file_error.startswith(
        "Importen blev afbrudt: Emil Testesen blev ændret af en anden, mens importen kørte"
    )
    emil.refresh_from_db()
    assert emil.languages == "arabisk"


# --- The command ---------------------------------------------------------------------------


def test_the_command_dry_run_writes_no_child(cast, tmp_path):
    path = tmp_path / "boern.csv"
    path.write_bytes(csv_file([row(cpr_born(500))]))
    out = io.StringIO()
    call_command(
        "import_file",
        str(path),
        municipality=cast.ishoj.slug,
        kind="children",
        dry_run=True,
        stdout=out,
    )
    assert "Række 2: Opret Ida Nielsen" in out.getvalue()
    assert not Child.objects.filter(first_name="Ida").exists()


def test_the_command_imports_all_or_nothing(cast, tmp_path):
    path = tmp_path / "boern.csv"
    path.write_bytes(csv_file([row(cpr_born(500)), row("3213214321", first="Bo")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Intet er importeret"):
        call_command(
            "import_file", str(path), municipality=cast.ishoj.slug, kind="children", stdout=out
        )
    assert (
        "Række 3: Afvist Bo Nielsen (321321-xxxx) CPR-nummeret 321321-xxxx er ikke gyldigt."
        in out.getvalue()
    )
    assert not Child.objects.filter(first_name__in=["Ida", "Bo"]).exists()
    path.write_bytes(csv_file([row(cpr_born(500))]))
    call_command(
        "import_file", str(path), municipality=cast.ishoj.slug, kind="children", stdout=out
    )
    assert Child.objects.filter(first_name="Ida", municipality=cast.ishoj).exists()


# --- Access --------------------------------------------------------------------------------


def test_another_municipalitys_administration_cannot_import_into_this_one(cast, client):
    client.force_login(cast.dora)
    assert (
        client.get(reverse("import-detail", args=[cast.import_alice.public_id])).status_code == 404
    )
    assert (
        client.post(reverse("import-execute", args=[cast.import_alice.public_id])).status_code
        == 404
    )


def test_a_deactivated_administrator_can_no_longer_import(cast, client):
    cast.alice.is_active = False
    cast.alice.save()
    with pytest.raises(job_services.JobNotAllowed):
        job_services.job_request(actor=cast.alice, kind="import-check", params={"import": "x"})


# --- Scale ---------------------------------------------------------------------------------


def test_the_dry_run_asks_the_database_the_same_number_of_times_for_5_or_50_known_children(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_rerun(count: int, serial: str) -> int:
        data = csv_file(
            [
                row(cpr_born(400 + i, serial), **{"Forælder 1 navn": f"Far {i}"})
                for i in range(count)
            ]
        )
        imported(cast, data)
        run = services.import_upload(
            actor=cast.alice, kind="children", file_name="igen.csv", data=data
        )
        with CaptureQueriesContext(connection) as queries:
            run = services.import_check(actor=cast.alice, run=run)
        assert run.count("unchanged") == count
        return len(queries)

    assert queries_for_rerun(5, "111") == queries_for_rerun(50, "222")

"""The complete export a parent receives: one ZIP with export.json, a readable export.pdf in
Danish and every stored file, made in the background from the request's page."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

from django.urls import reverse
from pypdf import PdfReader

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.audit.selectors import access_log_of_child
from inklusio.audit.services import audit_record
from inklusio.children import export
from inklusio.jobs.models import Job
from inklusio.privacy.models import DataRequest
from tests.jobs.test_jobs import run_worker
from tests.privacy.conftest import ATTACHMENT_BYTES

STAFF = ("alice", "bob", "cora", "carl", "sara", "pia")


def order_export(cast, client, django_capture_on_commit_callbacks, **form):
    data_request = DataRequest.objects.get(child=cast.mia)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy-export", args=[data_request.public_id]), form)
    job = Job.objects.get(kind="child-export", requested_by=cast.alice)
    assert response["Location"] == reverse("job-detail", args=[job.public_id])
    run_worker()
    download = client.get(reverse("job-download", args=[job.public_id]))
    assert download.status_code == 200
    return zipfile.ZipFile(io.BytesIO(download.content))


def pdf_text(archive) -> str:
    reader = PdfReader(io.BytesIO(archive.read("export.pdf")))
    return "\n".join(page.extract_text() for page in reader.pages)


def staff_names(cast) -> list[str]:
    return [getattr(cast, name).get_full_name() for name in STAFF]


class TestTheArchive:
    def test_json_pdf_and_every_file_with_equal_bytes(
        self, full_record, client_for, django_capture_on_commit_callbacks
    ):
        cast = full_record
        archive = order_export(cast, client_for(cast.alice), django_capture_on_commit_callbacks)
        names = set(archive.namelist())
        assert {"export.json", "export.pdf"} <= names
        data = json.loads(archive.read("export.json"))
        assert data["child"]["name"] == "Mia Testesen"
        listed = {f["path"]: f for f in data["files"]}
        assert set(listed) == names - {"export.json", "export.pdf"}
        # The attachments, the letter and the appeal's case file, byte for byte.
        attachment = next(p for p in listed if p.endswith("talevurdering.pdf"))
        assert archive.read(attachment) == ATTACHMENT_BYTES
        first = next(p for p in listed if p.endswith("psykologudtalelse.pdf"))
        assert archive.read(first) == b"%PDF-1.4 bilag"
        letter = next(p for p in listed if "afgoerelsesbrev" in p)
        assert archive.read(letter) == bytes(cast.letter_mia.pdf)
        bundle = next(p for p in listed if "klagesag" in p)
        assert archive.read(bundle) == b"%PDF-1.4 bundle"
        for path, entry in listed.items():
            assert entry["sha256"] == hashlib.sha256(archive.read(path)).hexdigest()
        # Each record points at its file.
        referral = data["referrals"]["referrals"][0]
        assert {a["file"] for a in referral["attachments"]} == {first, attachment}
        assert data["referrals"]["decisions"][0]["letters"][0]["file"] == letter

    def test_the_pdf_reads_in_plain_danish(
        self, full_record, client_for, django_capture_on_commit_callbacks, request
    ):
        cast = full_record
        archive = order_export(cast, client_for(cast.alice), django_capture_on_commit_callbacks)
        folder = Path(__file__).resolve().parents[2] / "test-results" / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "export.pdf").write_bytes(archive.read("export.pdf"))
        text = pdf_text(archive)
        for heading in (
            "Oplysninger om Mia Testesen",
            "Forældre og værger",
            "Visitation",
            "Afgørelser",
            "Klager",
            "Handleplaner",
            "Status for målene",
            "Justeringer mellem møderne",
            "Konsultative møder",
            "Mødets referat",
            "Ressourceforløb",
            "Anmodninger om indsigt",
            "Hvem har brugt oplysningerne",
        ):
            assert heading in text, heading
        assert "Vejlebrovej 12, 2635 Ishøj" in text
        assert "Vi er uenige i, at støtten kun gælder et år." in text
        assert "Referat: alle enige om billedstøtte" in text
        # Dates the Danish way, no machine keys.
        assert "1.10.2026" in text
        assert "01.10.2026" not in text
        for key in ("parent_collaboration", "goal_statuses", "access_log", "received_on"):
            assert key not in text

    def test_staff_names_are_left_out_by_default(
        self, full_record, client_for, django_capture_on_commit_callbacks
    ):
        cast = full_record
        client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
        archive = order_export(cast, client_for(cast.alice), django_capture_on_commit_callbacks)
        dumped = archive.read("export.json").decode()
        text = pdf_text(archive)
        for name in staff_names(cast):
            assert name not in dumped and name not in text, name
        log = json.loads(dumped)["access_log"]
        assert {"at", "access", "object_type", "object"} == set(log[0])
        # Bob's read is there: when and what, not who.
        assert any(row["access"] == "Læst" and row["object"] == "Mia Testesen" for row in log)
        assert "Gert Testesen" in dumped  # the family's own side is named

    def test_roles_only_when_asked(
        self, full_record, client_for, django_capture_on_commit_callbacks
    ):
        cast = full_record
        client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
        archive = order_export(
            cast, client_for(cast.alice), django_capture_on_commit_callbacks, staff_roles="on"
        )
        dumped = archive.read("export.json").decode()
        log = json.loads(dumped)["access_log"]
        assert "Støtte- og ressourcepædagog" in [row["role"] for row in log]
        for name in staff_names(cast):
            assert name not in dumped, name
        assert "Medarbejderens rolle" in pdf_text(archive) or "Rolle" in pdf_text(archive)

    def test_making_and_fetching_the_export_are_each_logged_once(
        self, full_record, client_for, django_capture_on_commit_callbacks
    ):
        """Made by the worker in Alice's name (the child), then fetched by her (the file)."""
        cast = full_record
        order_export(cast, client_for(cast.alice), django_capture_on_commit_callbacks)
        exports = AuditEntry.objects.filter(
            action=AuditAction.EXPORT, child_id=cast.mia.public_id
        ).order_by("id")
        assert [(e.actor, e.object_type) for e in exports] == [
            (cast.alice, "child"),
            (cast.alice, "job"),
        ]


class TestReadableVersion:
    def test_every_key_of_the_export_has_a_danish_heading(self, full_record):
        data = export.child_export_data(full_record.mia, staff_roles=True)
        data["files"] = [{"path": "files/x", "about": "x", "sha256": "0"}]
        labels = export.all_labels()
        titles = export.part_titles()
        missing = set()

        def walk(value):
            if isinstance(value, dict):
                for key, inner in value.items():
                    if key not in labels:
                        missing.add(key)
                    walk(inner)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner)

        for key, value in data.items():
            if key not in labels and key not in titles:
                missing.add(key)
            walk(value)
        assert not missing, f"shown as raw keys in the PDF: {sorted(missing)}"


class TestTheQuickJsonStaysForTheAdministration:
    def test_the_json_download_is_the_same_complete_export(self, full_record, client_for):
        response = client_for(full_record.alice).get(
            reverse("child-export", args=[full_record.mia.public_id])
        )
        data = response.json()
        assert data["meetings"]["agenda_items"][0]["minutes_versions"][0]["text"] == (
            "Mia: fast rolle i samlingen, følges op i januar"
        )
        assert data["plans"]["plans"][0]["meetings"][0]["goal_statuses"][0]["note"] == (
            "Deltager 3 af 5 dage"
        )


def test_an_address_under_protection_is_not_exported(
    full_record, client_for, django_capture_on_commit_callbacks
):
    from inklusio.children.models import Guardian

    cast = full_record
    Guardian.objects.filter(name="Gert Testesen").update(address_protected=True)
    archive = order_export(cast, client_for(cast.alice), django_capture_on_commit_callbacks)
    assert "Gert Testesen" in archive.read("export.json").decode()
    assert "Vejlebrovej" not in archive.read("export.json").decode()
    assert "Vejlebrovej" not in pdf_text(archive)


def test_the_access_log_is_the_childs_municipalitys_only(cast):
    """An entry of another municipality's log that names the child (by its id) is not part of
    the child's record: the export reads the child's municipality's log alone."""
    before = len(export.access_log_part(cast.mia))
    audit_record(actor=cast.dora, action=AuditAction.READ, obj=cast.xenia, children=[cast.mia])
    assert len(export.access_log_part(cast.mia)) == before
    audit_record(actor=cast.alice, action=AuditAction.READ, obj=cast.mia, child=cast.mia)
    assert len(export.access_log_part(cast.mia)) == before + 1
    assert access_log_of_child(cast.mia).last().actor == cast.alice


def test_the_exports_access_log_names_pages_and_records_as_the_log_page_does(cast):
    """Found in a QA pass: the family's export named what was used by the model's English
    default ("Session") or by the log's code ("today", "startpage"), not "Samling", "I dag"."""
    audit_record(
        actor=cast.bob, action=AuditAction.SEARCH, object_type="today", children=[cast.mia]
    )
    audit_record(
        actor=cast.bob, action=AuditAction.SEARCH, object_type="startpage", children=[cast.mia]
    )
    audit_record(actor=cast.bob, action=AuditAction.READ, obj=cast.session_boegely, child=cast.mia)
    names = [row["object_type"] for row in export.access_log_part(cast.mia)[-3:]]
    assert names == ["I dag", "Forside", "Samling"]

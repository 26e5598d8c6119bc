"""The administration orders the archive on its page; the worker makes it; the download says
what it holds and is logged for every child in it; nobody else, and no former administrator,
gets it. The management commands do the same from the command line."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from inklusio.archive.scope import ARCHIVE_JOB_KIND
from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.jobs.models import Job
from inklusio.organisation.models import Municipality
from inklusio.people.models import Role
from tests.archive.test_archive import _files, _wipe
from tests.jobs.test_jobs import run_worker

SENSITIVE = "CPR-numre i klar tekst"


def _order(client, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive-export"))
    job = Job.objects.get(kind=ARCHIVE_JOB_KIND)
    assert response["Location"] == reverse("job-detail", args=[job.public_id])
    return job


def test_alice_orders_fetches_and_the_download_is_logged_for_each_child(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.alice)
    page = client.get(reverse("archive-export")).content.decode()
    assert SENSITIVE in page and "Lav arkivet" in page
    job = _order(client, django_capture_on_commit_callbacks)
    run_worker()
    detail = client.get(reverse("job-detail", args=[job.public_id])).content.decode()
    assert "Filen er klar" in detail and SENSITIVE in detail

    response = client.get(reverse("job-download", args=[job.public_id]))

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["municipality"]["name"] == "Ishøj Kommune"
    assert "files/referrals/test-mia.pdf" in manifest["members"]
    children = archive.read("records/children.Child.jsonl").decode()
    assert "1503224123" in children and "Xenia" not in children  # CPR in clear, Ishøj only
    export = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="job")
    assert export.actor == cast.alice
    assert {c.child_id for c in export.children.all()} == {
        cast.mia.public_id,
        cast.emil.public_id,
    }
    # The next archive does not hold this one.
    assert ARCHIVE_JOB_KIND not in archive.read("records/jobs.Job.jsonl").decode()


def test_only_the_requester_while_administrator_gets_the_archive(
    cast, client_for, django_capture_on_commit_callbacks
):
    job = _order(client_for(cast.alice), django_capture_on_commit_callbacks)
    run_worker()
    url = reverse("job-download", args=[job.public_id])
    for other in (cast.dora, cast.cora, cast.bob):
        assert client_for(other).get(url).status_code == 404
    cast.alice.role = Role.PEDAGOGUE  # moved to the corps: the right to the file ended
    cast.alice.save()
    client = client_for(cast.alice)
    assert client.get(url).status_code == 404
    assert client.get(reverse("archive-export")).status_code == 404
    assert client.post(reverse("archive-export")).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
    # Back in the administration, but of Dragør: Ishøj's archive is no longer hers.
    cast.alice.role, cast.alice.municipality = Role.ADMINISTRATOR, cast.dragoer
    cast.alice.save()
    assert client_for(cast.alice).get(url).status_code == 404


def test_an_archive_ordered_before_the_administrator_left_is_not_made(
    cast, client_for, django_capture_on_commit_callbacks
):
    job = _order(client_for(cast.alice), django_capture_on_commit_callbacks)
    cast.alice.is_active = False
    cast.alice.save()
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.stored_name) == (Job.Status.FAILED, "")


def test_the_commands_export_and_import_the_municipality(cast, tmp_path, capsys):
    path = tmp_path / "ishoj.zip"
    files = _files()
    call_command("export_municipality", str(path), municipality="ishoj")
    out = capsys.readouterr().out
    assert "CPR-numre i klar tekst" in out
    logged = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="municipality")
    assert logged.actor == cast.alice and logged.children.count() == 2
    with pytest.raises(CommandError, match="findes allerede"):
        call_command("import_municipality", str(path))

    _wipe(cast.ishoj.pk)
    call_command("import_municipality", str(path), user="alice")

    assert "Ishøj Kommune er indlæst" in capsys.readouterr().out
    assert Municipality.objects.filter(slug="ishoj").exists()
    assert _files() == files
    call_command("audit_verify", full=True)  # raises CommandError on a broken chain


def test_the_import_command_refuses_a_file_that_is_no_archive(db, tmp_path):
    path = tmp_path / "not.zip"
    path.write_bytes(b"PK\x03\x04 and then nothing")
    with pytest.raises(CommandError, match=r"afkortet\. Intet er importeret\."):
        call_command("import_municipality", str(path))

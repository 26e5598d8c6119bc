"""Background jobs: a report asked for on a page is made by the worker and fetched from its page;
failures are retried and then shown to the administration; nobody fetches another's file."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from pypdf import PdfReader

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.jobs import registry, services
from inklusio.jobs.models import Job
from inklusio.jobs.registry import JobOutput
from inklusio.reports.registry import TABLES

ROOT = Path(__file__).resolve().parents[2]


def run_worker() -> None:
    """The worker's own claim-and-run steps (django_tasks_db's `Worker`) until no task is ready,
    inside the test's transaction. (`manage.py db_worker` itself closes the connection between
    tasks, which would end the test's transaction: it runs as a separate process below.)"""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while (task := DBTaskResult.objects.ready().get_locked()) is not None:
        task.claim("test-worker")
        worker.run_task(task)


@pytest.fixture
def flaky_kind():
    """A job kind that fails the first `failures` times it runs, then succeeds."""
    runs = {"count": 0, "failures": 1}

    @registry.job_kind("test-flaky", title="Test", may_request=lambda user: True)
    def flaky(user, params):
        runs["count"] += 1
        if runs["count"] <= runs["failures"]:
            raise RuntimeError("the printer is on fire")
        return JobOutput(b"done", "result.txt", "text/plain")

    yield runs
    registry._KINDS.pop("test-flaky")


def test_the_workbook_is_made_in_the_background_and_fetched_from_its_page(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.cora)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("statistics-workbook"), {"query": ""})
    job = Job.objects.get(requested_by=cast.cora, kind="statistics-workbook")
    assert response["Location"] == reverse("job-detail", args=[job.public_id])
    assert "Filen bliver lavet" in client.get(response["Location"]).content.decode()

    run_worker()

    page = client.get(reverse("job-detail", args=[job.public_id])).content.decode()
    assert "Filen er klar" in page
    download = client.get(reverse("job-download", args=[job.public_id]))
    assert set(load_workbook(io.BytesIO(download.content)).sheetnames) == set(TABLES)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="job").count() == 1


def test_the_annual_report_is_a_pdf_for_the_year_asked(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("statistics-report"), {"year": "2026"})
    run_worker()
    pdf = client.get(
        reverse("job-download", args=[Job.objects.get(requested_by=cast.alice).public_id])
    )
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "2026" in text and "Ishøj" in text
    assert response.status_code == 302


def test_a_bad_year_is_explained_and_nothing_is_queued(cast, client_for):
    response = client_for(cast.alice).post(reverse("statistics-report"), {"year": "19"})
    assert response.status_code == 200
    assert "2000" in response.content.decode()  # the form's own Danish message names the limit
    assert not Job.objects.exclude(pk=cast.job_cora.pk).exists()


def test_the_access_log_names_a_job_by_its_title(cast, client_for):
    """Found in a QA pass: the log named a job by its code, "annual-report (I kø)"."""
    services.job_request(actor=cast.alice, kind="annual-report", params={"year": 2026})
    page = client_for(cast.alice).get(reverse("audit-log")).content.decode()
    cells = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(r"<td>(.*?)</td>", page, re.S)
    ]
    assert "Baggrundsjob Årsrapport (PDF)" in cells
    assert not [cell for cell in cells if "annual-report" in cell]


def test_asking_twice_while_it_is_being_made_gives_the_same_job(cast):
    first = services.job_request(actor=cast.cora, kind="annual-report", params={"year": 2026})
    second = services.job_request(actor=cast.cora, kind="annual-report", params={"year": 2026})
    other_year = services.job_request(actor=cast.cora, kind="annual-report", params={"year": 2025})
    assert first.pk == second.pk != other_year.pk


def test_a_task_delivered_twice_makes_the_file_once(cast):
    job = services.job_request(actor=cast.cora, kind="annual-report", params={"year": 2026})
    assert services.job_run(job_pk=job.pk).status == Job.Status.DONE
    stored = Job.objects.get(pk=job.pk).stored_name
    assert services.job_run(job_pk=job.pk) is None
    assert Job.objects.get(pk=job.pk).stored_name == stored


def test_a_failed_job_is_retried_and_then_succeeds(cast, flaky_kind):
    job = services.job_request(actor=cast.alice, kind="test-flaky", params={})
    after_failure = services.job_run(job_pk=job.pk)
    assert after_failure.status == Job.Status.QUEUED and after_failure.error == "RuntimeError"
    assert services.job_run(job_pk=job.pk).status == Job.Status.DONE
    assert flaky_kind["count"] == 2


def test_a_job_that_keeps_failing_lands_on_the_administrations_list(
    cast, client_for, flaky_kind, django_capture_on_commit_callbacks
):
    flaky_kind["failures"] = 99
    job = services.job_request(actor=cast.cora, kind="test-flaky", params={})
    for _attempt in range(job.max_attempts):
        services.job_run(job_pk=job.pk)
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED

    assert "RuntimeError" not in client_for(cast.dora).get(reverse("job-list")).content.decode()
    admin = client_for(cast.alice)
    page = admin.get(reverse("job-list")).content.decode()
    assert "RuntimeError" in page and "Cora" in page

    flaky_kind["failures"] = 0
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("job-retry", args=[job.public_id]))
    run_worker()
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE


def test_only_the_requester_sees_and_fetches_the_file(cast, client, client_for):
    job = services.job_request(actor=cast.cora, kind="annual-report", params={"year": 2026})
    services.job_run(job_pk=job.pk)
    for user in (cast.alice, cast.bob, cast.gert, cast.dora):
        client.force_login(user)
        assert client.get(reverse("job-detail", args=[job.public_id])).status_code == 404
        assert client.get(reverse("job-download", args=[job.public_id])).status_code == 404
        assert client.post(reverse("job-retry", args=[job.public_id])).status_code == 404


def test_those_without_statistics_cannot_order_reports(cast, client_for):
    for user in (cast.bob, cast.gert, cast.pia):
        assert (
            client_for(user).post(reverse("statistics-report"), {"year": "2026"}).status_code == 404
        )
        with pytest.raises(services.JobNotAllowed):
            services.job_request(actor=user, kind="annual-report", params={"year": 2026})
    assert not Job.objects.exclude(pk=cast.job_cora.pk).exists()


def test_a_requester_who_lost_the_right_before_it_ran_gets_no_file(cast):
    job = services.job_request(actor=cast.cora, kind="annual-report", params={"year": 2026})
    cast.cora.role = "pedagogue"
    cast.cora.save()
    ran = services.job_run(job_pk=job.pk)
    assert ran.status == Job.Status.FAILED and not ran.stored_name


@pytest.mark.django_db(transaction=True)
def test_a_job_queued_by_the_web_process_is_run_by_a_separate_worker_process(cast, client_for):
    client = client_for(cast.cora)
    client.post(reverse("statistics-workbook"), {"query": ""})
    job = Job.objects.get(kind="statistics-workbook")

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**settings_dict)
    env = {**os.environ, "DATABASE_URL": url, "INKLUSIO_PRIVATE_ROOT": str(_private_root())}
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    download = client.get(reverse("job-download", args=[job.public_id]))
    assert set(load_workbook(io.BytesIO(download.content)).sheetnames) == set(TABLES)


def _private_root() -> Path:
    from django.conf import settings

    return Path(settings.PRIVATE_STORAGE_ROOT)

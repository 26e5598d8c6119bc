"""A job left RUNNING by a worker that died (crash, kill, lost machine) is swept back: queued
again while it has attempts left, failed for the administration after its last one. A job that
is still within its time is left to its worker."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from inklusio.jobs import services
from inklusio.jobs.models import Job


def _running(cast, *, minutes_ago: int, attempts: int = 1, year: int = 2025) -> Job:
    """A job a worker took `minutes_ago` (on the suite's frozen clock) and never finished."""
    return Job.objects.create(
        municipality=cast.ishoj,
        kind="annual-report",
        params={"year": year},
        requested_by=cast.cora,
        status=Job.Status.RUNNING,
        attempts=attempts,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def _tasks_for(job: Job) -> list[DBTaskResult]:
    return [task for task in DBTaskResult.objects.all() if task.args_kwargs["args"] == [job.pk]]


@pytest.mark.django_db
def test_a_job_running_since_long_ago_is_queued_again_and_a_fresh_one_is_left(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.JOB_STALE_MINUTES = 30
    lost = _running(cast, minutes_ago=120)
    busy = _running(cast, minutes_ago=5, year=2024)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.job_sweep_stale() == (1, 0)

    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == Job.Status.QUEUED
    assert lost.error == "WorkerLost"
    assert lost.finished_at is None
    # Handed to the task runner again, after the retry pause.
    (task,) = _tasks_for(lost)
    assert task.run_after > timezone.now()
    assert busy.status == Job.Status.RUNNING
    assert _tasks_for(busy) == []


@pytest.mark.django_db
def test_the_limit_is_the_setting_and_a_job_just_inside_it_is_left(cast, settings):
    settings.JOB_STALE_MINUTES = 180
    job = _running(cast, minutes_ago=120)

    assert services.job_sweep_stale() == (0, 0)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING

    settings.JOB_STALE_MINUTES = 60
    assert services.job_sweep_stale() == (1, 0)


@pytest.mark.django_db
def test_a_lost_job_on_its_last_attempt_fails_and_the_administration_sees_it(cast, client):
    job = _running(cast, minutes_ago=120, attempts=3)

    out = io.StringIO()
    call_command("sweep_stale_jobs", "--minutes", "30", stdout=out)

    assert "0 queued again, 1 failed" in out.getvalue()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.finished_at is not None
    assert _tasks_for(job) == []
    client.force_login(cast.alice)
    page = client.get(reverse("job-list")).content.decode()
    failed_list = page.split('data-testid="failed-jobs"', 1)[1]
    assert str(job.public_id) in failed_list


@pytest.mark.django_db
def test_a_worker_taking_a_job_records_when(cast):
    job = Job.objects.create(
        municipality=cast.ishoj,
        kind="annual-report",
        params={"year": 2025},
        requested_by=cast.cora,
    )

    services.job_run(job_pk=job.pk)

    job.refresh_from_db()
    assert job.started_at is not None
    assert timezone.now() - job.started_at < datetime.timedelta(minutes=5)

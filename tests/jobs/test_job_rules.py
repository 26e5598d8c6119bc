"""What the administration sees of a failed job: the retry in the audit log, the refusal when
the job is no longer failed, and the warning the operations log gets."""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from inklusio.core.errors import DomainError
from inklusio.jobs import services
from inklusio.jobs.models import Job
from tests.jobs.test_jobs import flaky_kind  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _failed_job(cast):
    Job.objects.filter(pk=cast.job_cora.pk).update(status=Job.Status.FAILED, attempts=3)
    return Job.objects.get(pk=cast.job_cora.pk)


def test_a_retry_shows_in_the_audit_log_as_failed_to_queued(cast, client_for):
    job = _failed_job(cast)
    admin = client_for(cast.alice)
    admin.post(reverse("job-retry", args=[job.public_id]))
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    page = admin.get(reverse("audit-log")).content.decode()
    assert "status: Fejlet → I kø" in page


def test_a_job_no_longer_failed_is_not_sent_round_again(cast):
    job = _failed_job(cast)
    services.job_retry(actor=cast.alice, job=job)
    # Clicked again in a second tab: the administrator is told why nothing happens.
    with pytest.raises(DomainError) as refused:
        services.job_retry(actor=cast.alice, job=job)
    assert str(refused.value) == "Kun fejlede job kan sættes i gang igen."


def test_a_failed_attempt_is_logged_with_the_job_and_the_attempt(cast, caplog, flaky_kind):  # noqa: F811
    job = services.job_request(actor=cast.alice, kind="test-flaky", params={})
    with caplog.at_level(logging.WARNING, logger="inklusio.jobs.services"):
        services.job_run(job_pk=job.pk)
    (record,) = [r for r in caplog.records if r.getMessage() == "job failed"]
    assert (record.job, record.kind, record.attempt, record.retry) == (
        str(job.public_id),
        "test-flaky",
        1,
        True,
    )


def test_a_failed_attempt_waits_before_it_is_tried_again(
    cast,
    flaky_kind,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    job = services.job_request(actor=cast.alice, kind="test-flaky", params={})
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.job_run(job_pk=job.pk)
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    pause = datetime.timedelta(seconds=services.RETRY_PAUSE_SECONDS)  # the first pause
    assert started + pause <= retry.run_after <= timezone.now() + pause


def test_a_finished_job_is_logged_with_the_job_and_its_kind(cast, caplog, flaky_kind):  # noqa: F811
    flaky_kind["failures"] = 0
    job = services.job_request(actor=cast.alice, kind="test-flaky", params={})
    with caplog.at_level(logging.INFO, logger="inklusio.jobs.services"):
        services.job_run(job_pk=job.pk)
    (record,) = [r for r in caplog.records if r.getMessage() == "job done"]
    assert (record.job, record.kind) == (str(job.public_id), "test-flaky")

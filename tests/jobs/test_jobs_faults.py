"""Background jobs: what the requester, the administration and the audit log see of each step.

Each test pins something a small fault in `inklusio/jobs/services.py` would change: the refusal's
Danish text, the job's fields after a run, the audit row of each outcome, the retry pauses, and
which running jobs the sweep takes back."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from inklusio.audit.models import AuditAction
from inklusio.core.errors import DomainError
from inklusio.core.storage import private_storage
from inklusio.jobs import services
from inklusio.jobs.models import Job
from inklusio.people.models import Role
from tests.audit_rows import new_audit_rows
from tests.conftest import make_user
from tests.jobs import test_jobs

pytestmark = pytest.mark.django_db

flaky_kind = test_jobs.flaky_kind  # the fixture: a kind that fails as often as told


def tasks_for(job: Job) -> list[DBTaskResult]:
    return [task for task in DBTaskResult.objects.all() if task.args_kwargs["args"] == [job.pk]]


def running(cast, *, started: datetime.datetime | None, attempts: int = 1, year: int = 2025):
    return Job.objects.create(
        municipality=cast.ishoj,
        kind="annual-report",
        params={"year": year},
        requested_by=cast.cora,
        status=Job.Status.RUNNING,
        attempts=attempts,
        started_at=started,
    )


class TestRequestingAFile:
    def test_a_refusal_tells_the_user_in_danish(self, cast):
        with pytest.raises(services.JobNotAllowed) as refused:
            services.job_request(actor=cast.bob, kind="annual-report", params={"year": 2026})
        assert str(refused.value) == "Du har ikke adgang til at bestille denne fil."

    def test_an_unknown_kind_is_refused_not_an_error(self, cast):
        with pytest.raises(services.JobNotAllowed):
            services.job_request(actor=cast.alice, kind="no-such-file", params={})
        assert list(Job.objects.all()) == [cast.job_cora]

    def test_a_user_outside_every_municipality_cannot_order_a_file(self, cast, flaky_kind):
        operator = make_user("otto", None, Role.ADMINISTRATOR)
        with pytest.raises(services.JobNotAllowed):
            services.job_request(actor=operator, kind="test-flaky", params={})
        assert list(Job.objects.all()) == [cast.job_cora]

    def test_the_request_is_one_row_one_audit_entry_and_one_task(
        self, cast, django_capture_on_commit_callbacks
    ):
        with new_audit_rows() as rows, django_capture_on_commit_callbacks(execute=True):
            job = services.job_request(actor=cast.cora, kind="annual-report", params={"year": 2025})
        stored = Job.objects.get(pk=job.pk)
        assert (
            stored.municipality_id, stored.kind, stored.params, stored.requested_by,
            stored.status, stored.attempts,
        ) == (cast.ishoj.pk, "annual-report", {"year": 2025}, cast.cora, "queued", 0)  # fmt: skip
        [row] = rows
        assert (row.actor, row.action, row.object_type, row.object_id, row.changes) == (
            cast.cora, AuditAction.CREATE, "job", str(stored.public_id),
            {"kind": "annual-report"},
        )  # fmt: skip
        [task] = tasks_for(stored)
        assert task in DBTaskResult.objects.ready()  # at once, no pause

    def test_a_job_being_made_is_given_again_but_a_finished_one_or_anothers_is_not(self, cast):
        Job.objects.filter(pk=cast.job_cora.pk).update(status=Job.Status.RUNNING)
        with new_audit_rows() as rows:
            again = services.job_request(
                actor=cast.cora, kind="annual-report", params={"year": 2026}
            )
        assert again.pk == cast.job_cora.pk and rows == []
        Job.objects.filter(pk=cast.job_cora.pk).update(status=Job.Status.DONE)
        new = services.job_request(actor=cast.cora, kind="annual-report", params={"year": 2026})
        assert new.pk != cast.job_cora.pk
        by_alice = services.job_request(
            actor=cast.alice, kind="annual-report", params={"year": 2026}
        )
        assert by_alice.pk not in {new.pk, cast.job_cora.pk}
        assert by_alice.requested_by == cast.alice


class TestRunningAJob:
    def test_a_finished_run_stores_the_file_and_logs_running_to_done_for_the_requester(
        self,
        cast,
        flaky_kind,
    ):
        flaky_kind["failures"] = 0
        job = services.job_request(actor=cast.cora, kind="test-flaky", params={})
        Job.objects.filter(pk=job.pk).update(error="RuntimeError")  # an earlier attempt failed
        with new_audit_rows() as rows:
            done = services.job_run(job_pk=job.pk)
        stored = Job.objects.get(pk=job.pk)
        assert done == stored
        assert (
            stored.status, stored.attempts, stored.file_name, stored.content_type, stored.error,
        ) == ("done", 1, "result.txt", "text/plain", "")  # fmt: skip
        assert stored.stored_name.startswith(f"jobs/{stored.public_id}/result")
        assert private_storage.open(stored.stored_name).read() == b"done"
        assert stored.started_at <= stored.finished_at <= timezone.now()
        [row] = rows
        assert (row.actor, row.action, row.object_type, row.object_id, row.changes) == (
            cast.cora, AuditAction.CHANGE, "job", str(stored.public_id),
            {"status": {"before": "running", "after": "done"}},
        )  # fmt: skip

    def test_a_job_another_worker_took_is_left_alone(self, cast):
        job = running(cast, started=timezone.now())
        with new_audit_rows() as rows:
            assert services.job_run(job_pk=job.pk) is None
        assert Job.objects.get(pk=job.pk).attempts == 1
        assert rows == []
        assert services.job_run(job_pk=-1) is None

    def test_a_first_failure_is_queued_again_and_logged_running_to_queued(
        self,
        cast,
        flaky_kind,
    ):
        job = services.job_request(actor=cast.cora, kind="test-flaky", params={})
        with new_audit_rows() as rows:
            failed = services.job_run(job_pk=job.pk)
        stored = Job.objects.get(pk=job.pk)
        assert (failed.status, failed.finished_at) == ("queued", None)
        assert (stored.status, stored.error, stored.finished_at, stored.attempts) == (
            "queued", "RuntimeError", None, 1
        )  # fmt: skip
        [row] = rows
        assert (row.actor, row.action, row.object_id, row.changes) == (
            cast.cora, AuditAction.CHANGE, str(stored.public_id),
            {"status": {"before": "running", "after": "queued"}},
        )  # fmt: skip

    def test_the_last_attempt_fails_the_job_and_is_logged_running_to_failed(
        self,
        cast,
        flaky_kind,
    ):
        flaky_kind["failures"] = 99
        job = services.job_request(actor=cast.cora, kind="test-flaky", params={})
        Job.objects.filter(pk=job.pk).update(attempts=1)  # the third attempt is the last
        services.job_run(job_pk=job.pk)
        assert Job.objects.get(pk=job.pk).status == "queued"  # attempt 2 of 3
        with new_audit_rows() as rows:
            services.job_run(job_pk=job.pk)
        stored = Job.objects.get(pk=job.pk)
        assert (stored.status, stored.attempts) == ("failed", 3)
        assert stored.finished_at is not None
        [row] = rows
        assert row.changes == {"status": {"before": "running", "after": "failed"}}

    def test_the_pause_before_a_retry_doubles_with_each_attempt(
        self,
        cast,
        flaky_kind,
        django_capture_on_commit_callbacks,
    ):
        flaky_kind["failures"] = 99
        job = services.job_request(actor=cast.cora, kind="test-flaky", params={})
        Job.objects.filter(pk=job.pk).update(attempts=1)
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            services.job_run(job_pk=job.pk)  # the second attempt fails
        after = timezone.now()
        [task] = tasks_for(job)
        pause = datetime.timedelta(seconds=60)
        assert before + pause <= task.run_after <= after + pause

    def test_a_deactivated_requester_gets_no_file_and_no_retry(
        self,
        cast,
        flaky_kind,
        django_capture_on_commit_callbacks,
    ):
        flaky_kind["failures"] = 0
        job = services.job_request(actor=cast.cora, kind="test-flaky", params={})
        cast.cora.is_active = False
        cast.cora.save()
        with django_capture_on_commit_callbacks(execute=True):
            ran = services.job_run(job_pk=job.pk)
        stored = Job.objects.get(pk=job.pk)
        assert (ran.status, stored.status, stored.error, stored.stored_name) == (
            "failed", "failed", "PermissionError", ""
        )  # fmt: skip
        assert flaky_kind["count"] == 0
        assert tasks_for(job) == []


class TestSweepingLostJobs:
    def test_a_job_started_exactly_at_the_limit_is_left_and_one_a_moment_earlier_is_swept(
        self, cast
    ):
        now = timezone.now()
        limit = datetime.timedelta(minutes=10)
        with time_machine.travel(now, tick=False):
            at_limit = running(cast, started=now - limit)
            earlier = running(cast, started=now - limit - datetime.timedelta(seconds=1), year=2024)
            assert services.job_sweep_stale(older_than=limit) == (1, 0)
        assert Job.objects.get(pk=at_limit.pk).status == "running"
        assert Job.objects.get(pk=earlier.pk).status == "queued"

    def test_a_running_job_that_never_recorded_its_start_is_judged_by_its_creation(
        self, cast, settings
    ):
        settings.JOB_STALE_MINUTES = 30
        old = running(cast, started=None)
        fresh = running(cast, started=None, year=2024)
        Job.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=31)
        )
        assert services.job_sweep_stale() == (1, 0)
        assert Job.objects.get(pk=old.pk).status == "queued"
        assert Job.objects.get(pk=fresh.pk).status == "running"

    def test_a_job_asked_for_long_ago_but_taken_just_now_is_left_to_its_worker(
        self, cast, settings
    ):
        settings.JOB_STALE_MINUTES = 30
        busy = running(cast, started=timezone.now() - datetime.timedelta(minutes=5))
        Job.objects.filter(pk=busy.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=2)
        )
        assert services.job_sweep_stale() == (0, 0)
        assert Job.objects.get(pk=busy.pk).status == "running"

    def test_the_sweep_counts_what_it_queued_and_what_it_failed(self, cast):
        hours_ago = timezone.now() - datetime.timedelta(hours=2)
        running(cast, started=hours_ago, attempts=1)
        running(cast, started=hours_ago, attempts=2, year=2024)
        running(cast, started=hours_ago, attempts=3, year=2023)
        with new_audit_rows() as rows:
            assert services.job_sweep_stale(older_than=datetime.timedelta(hours=1)) == (2, 1)
        assert sorted(row.changes["status"]["after"] for row in rows) == [
            "failed", "queued", "queued",
        ]  # fmt: skip
        assert {row.actor for row in rows} == {cast.cora}


class TestRetryingAFailedJob:
    def test_the_retry_gives_one_more_attempt_is_logged_and_queued(
        self, cast, django_capture_on_commit_callbacks
    ):
        Job.objects.filter(pk=cast.job_cora.pk).update(status=Job.Status.FAILED, attempts=3)
        with new_audit_rows() as rows, django_capture_on_commit_callbacks(execute=True):
            job = services.job_retry(actor=cast.alice, job=cast.job_cora)
        stored = Job.objects.get(pk=cast.job_cora.pk)
        assert (job.status, stored.status, stored.max_attempts, stored.attempts) == (
            "queued", "queued", 4, 3
        )  # fmt: skip
        [row] = rows
        assert (row.actor, row.action, row.object_id, row.changes) == (
            cast.alice, AuditAction.CHANGE, str(stored.public_id),
            {"status": {"before": "failed", "after": "queued"}},
        )  # fmt: skip
        [task] = tasks_for(stored)
        assert task in DBTaskResult.objects.ready()  # at once, no pause

    def test_a_done_job_is_not_sent_round_again(self, cast):
        with pytest.raises(DomainError) as refused:
            services.job_retry(actor=cast.alice, job=cast.job_cora)
        assert str(refused.value) == "Kun fejlede job kan sættes i gang igen."
        assert Job.objects.get(pk=cast.job_cora.pk).status == "done"

"""Requesting and running background jobs.

A job is requested inside the web request (one row, one audit entry) and handed to the task
runner when that transaction commits; the worker process runs it. Running is idempotent: a job
that is already finished, or taken by another worker, is left alone, so a task delivered twice
renders once. Each run's outcome (done, queued again, failed) is one audit entry in the
requester's name. A failure is retried with a growing pause until `max_attempts`, then the job
is marked failed for the administration's list.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.errors import DomainError
from inklusio.core.storage import private_storage
from inklusio.jobs.models import Job
from inklusio.jobs.registry import get_kind, kinds
from inklusio.people.models import User

logger = logging.getLogger(__name__)

RETRY_PAUSE_SECONDS = 30


class JobNotAllowed(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Du har ikke adgang til at bestille denne fil."))


def job_request(*, actor: User, kind: str, params: dict[str, Any]) -> Job:
    """Ask for `kind` with `params`; the same request while one is still pending returns it."""
    municipality_id = actor.municipality_id
    if municipality_id is None or kind not in kinds() or not get_kind(kind).may_request(actor):
        raise JobNotAllowed
    with transaction.atomic():
        pending: Job | None = (
            Job.objects.select_for_update()
            .filter(requested_by=actor, kind=kind, params=params)
            .filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
            .first()
        )
        if pending is not None:
            return pending
        job = Job.objects.create(
            municipality_id=municipality_id, kind=kind, params=params, requested_by=actor
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=job, changes={"kind": kind})
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_pk: int, run_after: datetime.datetime | None = None) -> None:
    from inklusio.jobs.tasks import run_job

    task = run_job.using(run_after=run_after) if run_after else run_job
    task.enqueue(job_pk)


def job_run(*, job_pk: int) -> Job | None:
    """Run one job (called by the worker). Returns the job, or None when there was nothing to do."""
    with transaction.atomic():
        job: Job | None = Job.objects.select_for_update().filter(pk=job_pk).first()
        if job is None or job.status != Job.Status.QUEUED:
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    kind = get_kind(job.kind)
    requester = job.requested_by
    try:
        if not requester.is_active or not kind.may_request(requester):
            raise PermissionError("the requester may no longer have this file")
        output = kind.run(requester, job.params)
    except Exception as error:  # a job's own failure, whatever it is, is recorded and retried
        return _failed(job, error)
    stored = private_storage.save(
        f"jobs/{job.public_id}/{output.file_name}", ContentFile(output.data)
    )
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE,
            file_name=output.file_name,
            stored_name=stored,
            content_type=output.content_type,
            error="",
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        _audit_outcome(job)
    logger.info("job done", extra={"job": str(job.public_id), "kind": job.kind})
    return job


def _audit_outcome(job: Job) -> None:
    """One row per run, in the transaction that records its outcome (done, queued again or
    failed), in the name of the person the job works for."""
    audit_record(
        actor=job.requested_by,
        action=AuditAction.CHANGE,
        obj=job,
        changes={"status": {"before": Job.Status.RUNNING.value, "after": job.status}},
    )


def _failed(job: Job, error: Exception) -> Job:
    # The message names the kind of failure; personal data never goes into a job's error.
    job.error = type(error).__name__[:500]
    retry = job.attempts < job.max_attempts and not isinstance(error, PermissionError)
    job.status = Job.Status.QUEUED if retry else Job.Status.FAILED
    job.finished_at = None if retry else timezone.now()
    with transaction.atomic():
        job.save(update_fields=["error", "status", "finished_at"])
        _audit_outcome(job)
    logger.warning(
        "job failed",
        extra={
            "job": str(job.public_id),
            "kind": job.kind,
            "attempt": job.attempts,
            "retry": retry,
        },
    )
    if retry:
        pause = datetime.timedelta(seconds=RETRY_PAUSE_SECONDS * 2 ** (job.attempts - 1))
        transaction.on_commit(lambda: _enqueue(job.pk, run_after=timezone.now() + pause))
    return job


class WorkerLost(Exception):
    """The worker running the job stopped (crash, kill, lost machine) without finishing it."""


def job_sweep_stale(*, older_than: datetime.timedelta | None = None) -> tuple[int, int]:
    """Jobs RUNNING for longer than `older_than` (default JOB_STALE_MINUTES) lost their worker:
    each goes back to the queue if it has attempts left, else it is failed for the
    administration's list. Returns (queued again, failed). Each swept job's outcome is one
    audit entry, as for a failed run."""
    limit = older_than or datetime.timedelta(minutes=settings.JOB_STALE_MINUTES)
    cutoff = timezone.now() - limit
    queued = failed = 0
    with transaction.atomic():
        stale = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=Job.Status.RUNNING)
            .filter(
                models.Q(started_at__lt=cutoff)
                | models.Q(started_at__isnull=True, created_at__lt=cutoff)
            )
            .order_by("pk")
        )
        for job in stale:
            result = _failed(job, WorkerLost())
            if result.status == Job.Status.QUEUED:
                queued += 1
            else:
                failed += 1
    return queued, failed


def job_retry(*, actor: User, job: Job) -> Job:
    """The administration sends a failed job round again."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != Job.Status.FAILED:
            raise DomainError(_("Kun fejlede job kan sættes i gang igen."))
        job.status = Job.Status.QUEUED
        job.max_attempts = job.attempts + 1
        job.save(update_fields=["status", "max_attempts"])
        # before/after like every other change, so the audit log shows "status: failed → queued".
        changes = {"status": {"before": Job.Status.FAILED.value, "after": job.status}}
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=job, changes=changes)
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job

"""The task the worker (`manage.py db_worker`) runs: one job by its id."""

from __future__ import annotations

from django_tasks import task

from inklusio.jobs import services


@task()
def run_job(job_pk: int) -> str:
    job = services.job_run(job_pk=job_pk)
    return job.status if job is not None else "skipped"

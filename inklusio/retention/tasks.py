"""The task the worker (`manage.py db_worker`) runs once a day (see schedule.py)."""

from __future__ import annotations

from django_tasks import task

from inklusio.retention import schedule


@task()
def retention_daily(day: str) -> int:
    return schedule.run_daily()

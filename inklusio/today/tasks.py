"""The task the worker (`manage.py db_worker`) runs once a day (see schedule.py)."""

from __future__ import annotations

from django_tasks import task

from inklusio.today import schedule


@task()
def reminders_daily(day: str) -> int:
    return schedule.run_daily()

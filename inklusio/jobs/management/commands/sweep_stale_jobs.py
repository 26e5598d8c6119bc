"""Put jobs whose worker was lost back in the queue (or fail them after their last attempt).

Run it every few minutes beside the workers (cron, a systemd timer), or let it repeat itself
with `--every SECONDS`. See docs/deployment.md.

Each round also hands the task runner the daily work apps declare in `schedule.py`
(`enqueue_due()`, which enqueues at most once a day; docs/retention.md).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from inklusio.core.plugins import app_modules
from inklusio.jobs.services import job_sweep_stale


class Command(BaseCommand):
    help = "Queue again (or fail) jobs RUNNING longer than INKLUSIO_JOB_STALE_MINUTES."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=None,
            help=f"how long a job may run (default {settings.JOB_STALE_MINUTES})",
        )
        parser.add_argument(
            "--every", type=int, default=0, help="repeat every this many seconds (0: once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["minutes"] or settings.JOB_STALE_MINUTES
        while True:
            queued, failed = job_sweep_stale(older_than=datetime.timedelta(minutes=minutes))
            self.stdout.write(
                f"stale jobs (running over {minutes} min): {queued} queued again, {failed} failed"
            )
            for _label, module in app_modules("schedule"):
                module.enqueue_due()
            if not options["every"]:
                return
            time.sleep(options["every"])

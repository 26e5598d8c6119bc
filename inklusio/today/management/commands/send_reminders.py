"""Send today's reminders now, without the task runner (each item is still reminded once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from inklusio.today.schedule import run_daily


class Command(BaseCommand):
    help = "E-mail every user whose today list has something new waiting (once per item)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = run_daily()
        self.stdout.write(f"reminders sent: {sent}")

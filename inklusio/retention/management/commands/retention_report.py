"""Print the dry run of one municipality: what a retention run would delete today.

Counts only, never content. The administration sees the same on `/sletning/`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from inklusio.organisation.models import Municipality
from inklusio.retention import rules


class Command(BaseCommand):
    help = "Print what a retention run would delete today in a municipality (counts only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="the municipality's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"no municipality {options['municipality']!r}")
        report = rules.dry_run(municipality.pk, timezone.localdate())
        for rule in report.rules:
            self.stdout.write(f"{rule.rule} ({rule.months} months): {rule.items} due")
            for label, count in rule.counts.items():
                self.stdout.write(f"  {label}: {count}")
            if rule.files:
                self.stdout.write(f"  files: {rule.files}")
        self.stdout.write(f"audit_log: {report.audit_entries} entries past their period")
        stray = rules.stray_files(timezone.now())
        self.stdout.write(f"stray files (whole installation): {len(stray)}")

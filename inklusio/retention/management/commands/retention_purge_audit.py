"""Remove access-log entries past the municipality's retention period (docs/retention.md).

Run it as the database's owner role, not the application's: only the owner may delete from
the access log (docs/operations.md). Each chain loses a whole prefix, which is recorded so
`manage.py audit_verify` stays clean. `--dry-run` only counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from inklusio.audit.purge import audit_purge, purgeable
from inklusio.organisation.models import Municipality
from inklusio.retention import rules
from inklusio.retention.models import RetentionPolicy, Rule


class Command(BaseCommand):
    help = "Remove access-log entries past their retention period (run as the owner role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        # Entries outside every municipality (operators, refused sign-ins of unknown names)
        # keep the default period.
        default_months = RetentionPolicy().months(Rule.AUDIT_LOG)
        chains: list[tuple[int | None, str]] = [
            (m.pk, m.slug) for m in Municipality.objects.order_by("pk")
        ]
        chains.append((None, "-"))
        for municipality_id, name in chains:
            if municipality_id is None:
                before = rules.add_months(today, -default_months)
            else:
                before = rules.audit_cutoff(municipality_id, today)
            if options["dry_run"]:
                entries, _last = purgeable(municipality_id, before)
                self.stdout.write(f"{name}: {entries} entries before {before} would be removed")
                continue
            purge = audit_purge(municipality_id=municipality_id, before=before)
            removed = purge.entries if purge else 0
            self.stdout.write(f"{name}: {removed} entries before {before} removed")

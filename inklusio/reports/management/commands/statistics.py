import csv
import json
import re

from django.core.management.base import BaseCommand, CommandError

from inklusio.organisation.models import Municipality
from inklusio.reports.registry import TABLES, build_table


def _year(value: str | None) -> int | None:
    """'2015', '2015/16' and '2015-04-01' all mean the year (or period) starting in 2015."""
    if value is None:
        return None
    match = re.match(r"^(\d{4})", value)
    if not match:
        raise CommandError(f"Unknown year or period: {value!r} (use e.g. 2015 or 2015/16)")
    return int(match.group(1))


class Command(BaseCommand):
    help = "Print a statistics table for a municipality as CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("table", help="Table name: " + ", ".join(sorted(TABLES)))
        parser.add_argument("--municipality", required=True, help="Municipality slug, e.g. ishoj")
        parser.add_argument("--from", dest="year_from")
        parser.add_argument("--to", dest="year_to")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--exact",
            action="store_true",
            help="Exact counts, small ones included: for checking the figures on the server, "
            "never for sharing. Without it the figures are those of the statistics page.",
        )

    def handle(self, *args, table, municipality, year_from, year_to, format, exact, **options):
        if table not in TABLES:
            raise CommandError(f"Unknown table {table!r}. Tables: {', '.join(sorted(TABLES))}")
        try:
            tenant = Municipality.objects.get(slug=municipality)
        except Municipality.DoesNotExist as missing:
            raise CommandError(f"No municipality with slug {municipality!r}") from missing
        result = build_table(table, tenant, year_from=_year(year_from), year_to=_year(year_to))
        if not exact:
            result = result.suppressed()
        if format == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            writer = csv.writer(self.stdout)
            writer.writerow(result.columns)
            writer.writerows(result.rows)

"""`manage.py import_file --municipality ishoj --kind children FILE [--dry-run]`: the same dry
run and all-or-nothing import as the administration's import page, run in this process."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from inklusio import access
from inklusio.imports import services
from inklusio.imports.models import ImportKind
from inklusio.imports.rules import ACTION_LABELS
from inklusio.organisation.models import Municipality
from inklusio.people.models import Role, User


class Command(BaseCommand):
    help = "Importer et regneark (XLSX eller CSV) med samme prøvekørsel og regler som siden Import."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="kommunens slug eller navn")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument(
            "--user",
            help="administratoren, importen logges i navnet på (standard: kommunens første)",
        )
        parser.add_argument("--dry-run", action="store_true", help="vis kun, hvad der ville ske")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Filen findes ikke: {path}")
        actor = self._actor(options["municipality"], options["user"])
        run = services.import_upload(
            actor=actor, kind=options["kind"], file_name=path.name, data=path.read_bytes()
        )
        run = services.import_check(actor=actor, run=run)
        if not options["dry_run"] and not run.file_error and not run.refused:
            run = services.import_execute(actor=actor, run=run)
        self._report(run)
        if run.file_error or run.refused:
            raise CommandError("Intet er importeret.")

    def _actor(self, municipality: str, username: str | None) -> User:
        place = Municipality.objects.filter(Q(slug=municipality) | Q(name=municipality)).first()
        if place is None:
            raise CommandError(f"Ukendt kommune: {municipality}")
        admins = User.objects.filter(municipality=place, role=Role.ADMINISTRATOR, is_active=True)
        if username:
            admins = admins.filter(username=username)
        actor = admins.order_by("username").first()
        if actor is None or not access.can_import(actor):
            raise CommandError("Kommunen har ingen aktiv administrator med det brugernavn.")
        return actor

    def _report(self, run) -> None:
        if run.file_error:
            self.stderr.write(run.file_error)
        for row in run.rows:
            if row["action"] != "unchanged":
                reasons = " ".join(row["reasons"])
                label = ACTION_LABELS[row["action"]]
                self.stdout.write(f"Række {row['line']}: {label} {row['label']} {reasons}".rstrip())
        counts = ", ".join(f"{ACTION_LABELS[a]}: {run.count(a)}" for a in ACTION_LABELS)
        self.stdout.write(f"{run.get_status_display()} ({counts})")

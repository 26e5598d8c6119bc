"""`manage.py import_municipality ARCHIVE`: read a municipality's archive into an installation
that does not hold it yet (docs/archive.md). Checks first, then all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inklusio.archive.restore import ArchiveRefused, import_archive
from inklusio.core.storage import private_storage


class Command(BaseCommand):
    help = "Indlæs et arkiv fra export_municipality i en installation uden kommunen."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--user",
            help="administratoren, importen logges i navnet på (standard: kommunens første)",
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(_("Filen findes ikke: %(path)s") % {"path": path})
        try:
            with path.open("rb") as source:
                result = import_archive(
                    source=source, storage=private_storage, username=options["user"]
                )
        except ArchiveRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            _(
                "%(name)s er indlæst: %(records)s poster, %(files)s filer, "
                "%(entries)s poster i adgangsloggen (kæden er kontrolleret)."
            )
            % {
                "name": result.municipality.name,
                "records": sum(result.records.values()),
                "files": result.files,
                "entries": result.audit_entries,
            }
        )

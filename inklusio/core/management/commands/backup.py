from pathlib import Path

from django.core.management.base import BaseCommand

from inklusio.core.backup import backup
from inklusio.core.storage import private_storage


class Command(BaseCommand):
    help = "Back up the database and every stored file into a new folder, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path, help="a folder that does not exist yet")

    def handle(self, *args, target, **options):
        manifest = backup(target, private_storage)
        self.stdout.write(
            f"Backup in {target}: {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows, {len(manifest['files'])} files."
        )

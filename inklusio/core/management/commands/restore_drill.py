"""Proves the backup can be restored: back up, restore into an empty database and an empty file
folder, compare every table's row count and every file's checksum. Exits 1 on any difference."""

import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import psycopg
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from inklusio.core.backup import backup, compare, restore_database, restore_files, table_counts
from inklusio.core.storage import private_storage


class Command(BaseCommand):
    help = "Back up, restore into an empty database and file folder, and compare."

    def handle(self, *args, **options):
        with tempfile.TemporaryDirectory(prefix="inklusio-drill-") as work:
            folder = Path(work)
            manifest = backup(folder / "backup", private_storage)
            files = FileSystemStorage(location=folder / "restored-files")
            restore_files(folder / "backup", files)
            counts = self._restore_and_count(folder)
            result = compare(manifest, counts, files)
        for table, (expected, found) in sorted(result.tables.items()):
            mark = "ok" if expected == found else "DIFFERENT"
            self.stdout.write(f"{table:45} {expected:>9} {found:>9}  {mark}")
        matching = sum(result.files.values())
        self.stdout.write(f"files: {matching} of {len(result.files)} with the same checksum")
        if not result.ok:
            raise CommandError("The restored copy differs from the backup.")
        self.stdout.write(self.style.SUCCESS("Restore drill passed."))

    def _restore_and_count(self, folder: Path) -> dict[str, int]:
        if connection.vendor != "postgresql":
            copy = folder / "restored.sqlite3"
            restore_database(folder / "backup", str(copy))
            with closing(sqlite3.connect(copy)) as restored:
                return table_counts(restored.cursor())
        settings_dict = connection.settings_dict
        drill_db = f"{settings_dict['NAME']}_restore_drill"
        params = {
            "host": settings_dict.get("HOST") or None,
            "port": settings_dict.get("PORT") or None,
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{drill_db}"')
            admin.execute(f'CREATE DATABASE "{drill_db}"')
        try:
            restore_database(folder / "backup", drill_db)
            with psycopg.connect(dbname=drill_db, **params) as restored:
                return table_counts(restored.cursor())
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{drill_db}"')

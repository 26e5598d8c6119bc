"""Backup and restore of the database and the file store, and the drill that proves a backup can
be restored: restore into an empty database and a fresh file store, then compare the number of
records in every table and the checksum of every file with what the backup recorded.

The database is dumped with PostgreSQL's own tools (`pg_dump -Fc`, `pg_restore`); files are read
and written through the storage API, so the same commands serve a local folder and an object store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection

MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
# PostgreSQL's client tools, from PATH (the same major version as the server).
PG_DUMP = shutil.which("pg_dump") or "pg_dump"
PG_RESTORE = shutil.which("pg_restore") or "pg_restore"


@dataclass
class DrillResult:
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (backup, restored)
    files: dict[str, bool] = field(default_factory=dict)  # name -> checksum matches

    @property
    def ok(self) -> bool:
        return all(a == b for a, b in self.tables.values()) and all(self.files.values())


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def table_counts(cursor: Any) -> dict[str, int]:
    """Rows in every table of the public schema (application, task queue, sessions, audit)."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup(target: Path, storage: Storage) -> dict[str, Any]:
    """Write the database dump, every stored file and a manifest into the empty folder `target`."""
    target.mkdir(parents=True, exist_ok=False)
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 - PostgreSQL's own tool, arguments from settings
            [PG_DUMP, "-Fc", "--no-owner", "-f", str(target / DUMP), settings_dict["NAME"]],
            env=_pg_env(settings_dict),
            check=True,
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target / DUMP)])
    with connection.cursor() as cursor:
        counts = table_counts(cursor)
    checksums = {}
    for name in walk(storage):
        with storage.open(name, "rb") as stored:
            data = stored.read()
        checksums[name] = _sha256(data)
        copy = target / FILES / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(data)
    manifest = {"vendor": connection.vendor, "tables": counts, "files": checksums}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def restore_database(source: Path, database: str) -> None:
    """Restore the dump into `database`, which must exist and be empty (PostgreSQL), or be the
    path of a new SQLite file."""
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 - PostgreSQL's own tool, arguments from settings
            [PG_RESTORE, "--no-owner", "--exit-on-error", "-d", database, str(source / DUMP)],
            env=_pg_env(connection.settings_dict),
            check=True,
        )
    else:
        shutil.copyfile(source / DUMP, database)


def restore_files(source: Path, storage: Storage) -> None:
    root = source / FILES
    for path in sorted(root.rglob("*")):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, ContentFile(path.read_bytes()))


def compare(
    manifest: dict[str, Any], restored_counts: dict[str, int], storage: Storage
) -> DrillResult:
    result = DrillResult()
    for table, count in manifest["tables"].items():
        result.tables[table] = (count, restored_counts.get(table, -1))
    for name, checksum in manifest["files"].items():
        try:
            with storage.open(name, "rb") as stored:
                result.files[name] = _sha256(stored.read()) == checksum
        except FileNotFoundError:
            result.files[name] = False
    return result

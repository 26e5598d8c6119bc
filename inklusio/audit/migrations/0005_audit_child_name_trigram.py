"""PostgreSQL: a trigram index for finding a child by name in the access log (issue 14).

The log's child filter is `child_name ICONTAINS term`, i.e. `UPPER(child_name) LIKE '%TERM%'`,
which no B-tree index can answer: every link row was read (bench/README.md, "Indexes (issue
14)"). A GIN index over `UPPER(child_name)` with `gin_trgm_ops` answers it.

`pg_trgm` ships with PostgreSQL and is a trusted extension (13+): a role with CREATE on the
database may add it; a superuser always may. When the migrating role may not, the index is
left out with a notice and the log still works, only slower; create the extension as a
superuser (`CREATE EXTENSION pg_trgm;`) and migrate audit back to 0004 and forward again.
SQLite has no such index (and needs none at its scale).
"""

import sys

from django.db import DatabaseError, migrations, transaction

INDEX = "audit_child_name_trgm"


def add_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError as error:
                sys.stderr.write(
                    f"\n  audit 0005: pg_trgm could not be created ({error}); the access log's "
                    "child search stays without its index (see this migration's notes).\n"
                )
                return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON audit_auditentrychild "
            "USING gin (UPPER(child_name) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_guards_without_purge_hatch")]

    operations = [migrations.RunPython(add_index, drop_index)]

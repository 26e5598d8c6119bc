"""PostgreSQL roles that keep the application from rewriting its own log.

- the owner role owns every table and runs migrations (and, later, a retention purge);
- the application role has full DML on the application's tables but only SELECT and INSERT
  on the audit tables, and owns nothing, so it cannot TRUNCATE, disable a trigger or drop one.

Run as a superuser after every `migrate` (new tables need their grants): `make db-roles`.
"""

from __future__ import annotations

import os
from typing import Any

from django.db import connection

AUDIT_TABLES = ("audit_auditentry", "audit_auditentrychild")
# Written by the owner's retention purge only: the application may read it, not add to it.
OWNER_WRITTEN_TABLES = ("audit_auditpurge",)
AUDIT_FUNCTIONS = ("audit_entry_append_only()",)


def _rows(cursor: Any, sql: str, params: list[Any] | None = None) -> list[str]:
    cursor.execute(sql, params or [])
    return [row[0] for row in cursor.fetchall()]


def configure_roles(cursor: Any, *, owner: str, app: str) -> None:
    """Create (if missing) and configure both roles; idempotent."""
    q = connection.ops.quote_name
    for role in (owner, app):
        if not _rows(cursor, "SELECT rolname FROM pg_roles WHERE rolname = %s", [role]):
            cursor.execute(f"CREATE ROLE {q(role)} LOGIN")
    cursor.execute(
        f"ALTER ROLE {q(app)} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    )
    passwords = {owner: "INKLUSIO_DB_OWNER_PASSWORD", app: "INKLUSIO_DB_APP_PASSWORD"}
    for role, variable in passwords.items():
        if os.environ.get(variable):
            cursor.execute(f"ALTER ROLE {q(role)} PASSWORD %s", [os.environ[variable]])
    database = _rows(cursor, "SELECT current_database()")[0]
    cursor.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {q(database)} TO {q(owner)}, {q(app)}")
    cursor.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {q(owner)}")
    cursor.execute(f"GRANT USAGE ON SCHEMA public TO {q(app)}")
    cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")

    for table in _rows(cursor, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"):
        cursor.execute(f"ALTER TABLE {q(table)} OWNER TO {q(owner)}")
    # Sequences of identity and serial columns follow their table; others are moved here.
    free_sequences = _rows(
        cursor,
        """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'S' AND n.nspname = 'public' AND NOT EXISTS (
               SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))""",
    )
    for sequence in free_sequences:
        cursor.execute(f"ALTER SEQUENCE {q(sequence)} OWNER TO {q(owner)}")
    for function in AUDIT_FUNCTIONS:
        cursor.execute(f"ALTER FUNCTION {function} OWNER TO {q(owner)}")

    cursor.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q(app)}"
    )
    cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q(app)}")
    for table in AUDIT_TABLES:
        cursor.execute(f"REVOKE ALL ON {q(table)} FROM PUBLIC, {q(app)}")
        cursor.execute(f"GRANT SELECT, INSERT ON {q(table)} TO {q(app)}")
    for table in OWNER_WRITTEN_TABLES:
        cursor.execute(f"REVOKE ALL ON {q(table)} FROM PUBLIC, {q(app)}")
        cursor.execute(f"GRANT SELECT ON {q(table)} TO {q(app)}")
    # Tables the owner creates later get the application's grants; audit tables created
    # later need this command run again (it is run after every migrate).
    cursor.execute(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q(app)}"
    )
    cursor.execute(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {q(app)}"
    )

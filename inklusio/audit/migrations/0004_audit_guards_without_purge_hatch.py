"""PostgreSQL guards on both audit tables, without an escape hatch for the application.

UPDATE is refused always. DELETE and TRUNCATE are refused unless the session's role owns
the table (or is a superuser): a retention purge runs as the owner role, never as the
application role (`manage.py audit_db_roles`, docs/operations.md). The owner may TRUNCATE
so that test databases can be flushed; a DELETE by the owner must still say so with
`SET LOCAL inklusio.audit_purge = 'on'`, so a slip in a console does not empty the log.
SQLite relies on the model and queryset guards and on the seals (`manage.py audit_verify`).
"""

from django.db import migrations

TABLES = ("audit_auditentry", "audit_auditentrychild")

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
DECLARE
    owner_role oid := (SELECT relowner FROM pg_class WHERE oid = TG_RELID);
    is_owner boolean := pg_has_role(current_user, owner_role, 'USAGE');
BEGIN
    IF TG_OP = 'TRUNCATE' AND is_owner THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' AND is_owner
            AND current_setting('inklusio.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('inklusio.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON "
        "audit_auditentrychild FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        params=None,
    )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
            params=None,
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_no_truncate ON {table}", params=None)
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentrychild", params=None
    )
    schema_editor.execute(OLD_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audit_child_links_chain_and_nullable_actor")]
    operations = [migrations.RunPython(forward, backward)]

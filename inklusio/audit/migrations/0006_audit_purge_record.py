"""The record of a retention purge of the audit trail, guarded like the trail itself.

On PostgreSQL the table gets the trail's triggers: UPDATE refused always, DELETE and TRUNCATE
refused unless the owner says so (`audit_entry_append_only()`, migration 0004).
"""

import django.utils.timezone
from django.db import migrations, models


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditpurge "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        params=None,
    )
    schema_editor.execute(
        "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditpurge "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
        params=None,
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for trigger in ("audit_entry_append_only", "audit_no_truncate"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON audit_auditpurge", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_audit_child_name_trigram"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditPurge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("municipality_id", models.BigIntegerField(blank=True, null=True)),
                ("purged_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("before", models.DateField()),
                ("up_to_id", models.BigIntegerField()),
                ("seal", models.CharField(blank=True, max_length=64)),
                ("entries", models.PositiveIntegerField()),
            ],
            options={
                "verbose_name": "sletning i adgangsloggen",
                "verbose_name_plural": "sletninger i adgangsloggen",
                "ordering": ["-purged_at", "-id"],
                "abstract": False,
                "base_manager_name": "objects",
            },
        ),
        migrations.RunPython(forward, backward),
    ]

"""`manage.py check --deploy --database default`: the application must not run as a role
that can rewrite the audit trail (docs/operations.md)."""

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections


@register(Tags.database, deploy=True)
def audit_role_check(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, pg_has_role(current_user, "
                "(SELECT relowner FROM pg_class WHERE relname = 'audit_auditentry'), 'USAGE') "
                "FROM pg_roles WHERE rolname = current_user"
            )
            row = cursor.fetchone()
        if row and (row[0] or row[1]):
            problems.append(
                Warning(
                    "The database login can change the audit trail (superuser or table owner).",
                    hint="Run the application as the application role: make db-roles, "
                    "docs/operations.md.",
                    id="audit.W001",
                )
            )
    return problems

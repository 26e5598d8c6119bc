"""PostgreSQL: the application's own database login cannot rewrite the log.

Everything here runs inside the test's transaction (roles, owners and grants included), so
it is undone afterwards; role names carry the process id because roles are cluster-wide.
"""

import os

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.audit.roles import configure_roles

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's"),
]

OWNER = f"inklusio_owner_t{os.getpid()}"
APP = f"inklusio_app_t{os.getpid()}"


@pytest.fixture
def roles(cast, client_for):
    client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
    with connection.cursor() as cursor:
        # The cast's deferred foreign-key checks must run before tables change owner.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        configure_roles(cursor, owner=OWNER, app=APP)
    return connection


def as_role(role, statement):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET search_term = 'x'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry CASCADE",
        "UPDATE audit_auditentrychild SET child_name = 'x'",
        "DELETE FROM audit_auditentrychild",
        "TRUNCATE audit_auditentrychild",
        "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only",
        "DROP TRIGGER audit_entry_append_only ON audit_auditentry",
    ],
)
def test_the_application_role_cannot_change_the_log(roles, statement):
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        as_role(APP, statement)
    assert AuditEntry.objects.filter(action=AuditAction.READ).count() == 1


def test_the_purge_setting_opens_nothing_for_the_application_role(roles):
    with pytest.raises(DatabaseError, match="permission denied"):
        as_role(APP, "SET LOCAL inklusio.audit_purge = 'on'; DELETE FROM audit_auditentry")


def test_a_role_granted_delete_by_mistake_is_still_refused_by_the_trigger(roles):
    with connection.cursor() as cursor:
        cursor.execute(
            f"GRANT DELETE, TRUNCATE ON audit_auditentry, audit_auditentrychild TO {APP}"
        )
    for statement in ("DELETE FROM audit_auditentry", "TRUNCATE audit_auditentry CASCADE"):
        with pytest.raises(DatabaseError, match="append-only"):
            as_role(APP, f"SET LOCAL inklusio.audit_purge = 'on'; {statement}")
    assert AuditEntry.objects.filter(action=AuditAction.READ).count() == 1


def test_the_application_role_writes_and_reads_the_log_and_other_tables(roles, cast):
    from inklusio.audit.services import audit_record
    from inklusio.children.models import Child

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP}")
        audit_record(actor=cast.alice, action=AuditAction.READ, obj=cast.mia, child=cast.mia)
        Child.objects.filter(pk=cast.emil.pk).update(languages="dansk")
        assert AuditEntry.objects.filter(action=AuditAction.READ).count() == 2


def test_the_owner_owns_the_tables(roles):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename LIKE 'audit_%%'"
        )
        assert cursor.fetchall() == [(OWNER,)]


def test_the_deploy_check_warns_when_the_login_can_change_the_log(roles):
    from inklusio.audit.checks import audit_role_check

    assert [m.id for m in audit_role_check(None, databases=["default"])] == ["audit.W001"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP}")
        assert audit_role_check(None, databases=["default"]) == []

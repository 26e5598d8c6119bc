"""The access log's child search is served by the trigram index on PostgreSQL (migration
audit 0005): the lookup the log's child filter uses (`child_name__icontains` on the child
links, see `audit.selectors.audit_entries_for`) is one the index can answer."""

import pytest
from django.db import connection

from inklusio.audit.models import AuditEntryChild

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only"
)


def test_the_child_name_lookup_can_use_the_trigram_index(db):
    links = AuditEntryChild.objects.filter(child_name__icontains="mia").values("entry_id")
    sql, params = links.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test tables are tiny, so the planner would rather scan: forbid that, and see
        # whether the index matches the lookup's expression at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on audit_child_name_trgm" in plan, plan

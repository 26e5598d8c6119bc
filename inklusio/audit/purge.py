"""Removing the oldest entries of a chain once they are past their retention period.

Runs as the owner role (on PostgreSQL only the owner may delete entries, and must say so with
`SET LOCAL inklusio.audit_purge = 'on'`; docs/operations.md). A purge removes a whole prefix
of one municipality's chain, never an entry in the middle: every entry from before the first
one still inside the period, with its child links. It records the seal of the last entry
removed (`AuditPurge`), so `audit_verify` accepts the chain's new first entry and still
reports any other gap. Called by `manage.py retention_purge_audit` (inklusio/retention).
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from inklusio.audit.models import AuditEntry, AuditPurge
from inklusio.audit.services import _lock_chain

_DELETE_LINKS = (
    "DELETE FROM audit_auditentrychild WHERE entry_id IN (SELECT id FROM audit_auditentry "
    "WHERE municipality_id = %s AND id <= %s)"
)
_DELETE_ENTRIES = "DELETE FROM audit_auditentry WHERE municipality_id = %s AND id <= %s"
_DELETE_LINKS_UNSCOPED = (
    "DELETE FROM audit_auditentrychild WHERE entry_id IN (SELECT id FROM audit_auditentry "
    "WHERE municipality_id IS NULL AND id <= %s)"
)
_DELETE_ENTRIES_UNSCOPED = "DELETE FROM audit_auditentry WHERE municipality_id IS NULL AND id <= %s"


def purgeable(municipality_id: int | None, before: datetime.date) -> tuple[int, int | None]:
    """(entries, last id) of the chain's prefix written before `before`: the entries up to the
    first one written on or after that day."""
    chain = AuditEntry.objects.filter(municipality_id=municipality_id)
    start = timezone.make_aware(datetime.datetime.combine(before, datetime.time()))
    first_kept = chain.filter(at__gte=start).order_by("id").values_list("id", flat=True).first()
    prefix = chain if first_kept is None else chain.filter(id__lt=first_kept)
    last = prefix.order_by("-id").values_list("id", flat=True).first()
    return (prefix.count() if last is not None else 0), last


def audit_purge(*, municipality_id: int | None, before: datetime.date) -> AuditPurge | None:
    """Remove the chain's entries from before `before` (a whole prefix) and record it."""
    with transaction.atomic():
        _lock_chain(municipality_id)
        entries, last = purgeable(municipality_id, before)
        if last is None:
            return None
        seal = AuditEntry.objects.filter(pk=last).values_list("entry_hash", flat=True).get()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL inklusio.audit_purge = 'on'")
            # The model and queryset refuse deletes on purpose; a purge goes past them here only.
            if municipality_id is None:
                cursor.execute(_DELETE_LINKS_UNSCOPED, [last])
                cursor.execute(_DELETE_ENTRIES_UNSCOPED, [last])
            else:
                cursor.execute(_DELETE_LINKS, [municipality_id, last])
                cursor.execute(_DELETE_ENTRIES, [municipality_id, last])
        return AuditPurge.objects.create(
            municipality_id=municipality_id,
            before=before,
            up_to_id=last,
            seal=seal,
            entries=entries,
        )

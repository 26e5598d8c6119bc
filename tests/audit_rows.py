"""What the audit trail gained while a block ran: how tests check "exactly one audit row"."""

from collections.abc import Iterator
from contextlib import contextmanager

from inklusio.audit.models import AuditAction, AuditEntry

WRITES = [AuditAction.CREATE, AuditAction.CHANGE, AuditAction.EXPORT, AuditAction.DELETE]


@contextmanager
def new_audit_rows(*, writes_only: bool = False) -> Iterator[list[AuditEntry]]:
    """The entries written inside the block, oldest first. Through a page, reads are logged too;
    `writes_only` leaves them out so a test can count the rows the change itself wrote."""
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows: list[AuditEntry] = []
    yield rows
    written = AuditEntry.objects.filter(id__gt=last).order_by("id")
    if writes_only:
        written = written.filter(action__in=WRITES)
    rows.extend(written)


def children_read(rows: list[AuditEntry]) -> list[str]:
    """The children the reads (and listings) among `rows` name, one item per entry and child:
    a child shown twice by one page would appear twice."""
    from inklusio.audit.models import AuditEntryChild

    reads = [row.pk for row in rows if row.action in (AuditAction.READ, AuditAction.SEARCH)]
    return sorted(
        str(child_id)
        for child_id in AuditEntryChild.objects.filter(entry_id__in=reads).values_list(
            "child_id", flat=True
        )
    )

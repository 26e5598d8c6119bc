"""Checking the seals of the audit trail (`manage.py audit_verify`).

Each entry's `entry_hash` is a keyed hash over its content and the `prev_hash` it was
written with, which is the seal of the entry before it in the same municipality's chain.
An edited entry no longer matches its seal; a removed entry leaves the next entry pointing
at a seal that is not the one before it; an inserted entry cannot be sealed without the key.
Removing the newest entries leaves no gap: compare the chain heads printed by the command
with ones recorded elsewhere (docs/operations.md). A retention purge removes the oldest
entries and records the seal of the last one removed (`AuditPurge`); a chain whose first
entry points at a recorded seal starts there rightly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from inklusio.audit.models import AuditEntry, AuditPurge
from inklusio.audit.services import seal


@dataclass
class Chain:
    municipality_id: int | None
    entries: int = 0
    unsealed: int = 0
    head: str = ""


@dataclass
class Report:
    chains: dict[int | None, Chain] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def verify_chains() -> Report:
    report = Report()
    # Per chain: the seal of the entry before, and of the one before that (to tell an
    # inserted entry from a removed one).
    last: dict[int | None, tuple[int, str]] = {}
    before_last: dict[int | None, str] = {}
    purged = set(AuditPurge.objects.values_list("municipality_id", "seal"))
    entries = AuditEntry.objects.order_by("id").prefetch_related("children")
    for entry in entries.iterator(chunk_size=2000):
        key = entry.municipality_id
        chain = report.chains.setdefault(key, Chain(municipality_id=key))
        chain.entries += 1
        if not entry.entry_hash and key not in last:
            chain.unsealed += 1  # written before entries were sealed
            continue
        links = [(str(link.child_id), link.child_name) for link in entry.children.all()]
        if entry.entry_hash != seal(entry, links):
            report.problems.append(
                _("Post %(id)s stemmer ikke med sit segl: den er ændret eller indsat udefra.")
                % {"id": entry.pk}
            )
        previous_id, previous_hash = last.get(key, (None, ""))
        if previous_id is not None and entry.prev_hash != previous_hash:
            if entry.prev_hash == before_last.get(key):
                report.problems.append(
                    _("Post %(id)s er indsat i kæden (før post %(next)s).")
                    % {"id": previous_id, "next": entry.pk}
                )
            else:
                report.problems.append(
                    _("Der mangler poster før post %(id)s (efter post %(previous)s): slettet.")
                    % {"id": entry.pk, "previous": previous_id}
                )
        elif previous_id is None and entry.prev_hash and (key, entry.prev_hash) not in purged:
            report.problems.append(
                _("Der mangler poster før post %(id)s, den første i sin kæde: slettet.")
                % {"id": entry.pk}
            )
        before_last[key] = previous_hash
        last[key] = (entry.pk, entry.entry_hash)
        chain.head = entry.entry_hash
    return report

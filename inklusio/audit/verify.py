"""Checking the seals of the audit trail (`manage.py audit_verify`).

Each entry's `entry_hash` is a keyed hash over its content and the `prev_hash` it was
written with, which is the seal of the entry before it in the same municipality's chain.
An edited entry no longer matches its seal; a removed entry leaves the next entry pointing
at a seal that is not the one before it; an inserted entry cannot be sealed without the key.
Removing the newest entries leaves no gap: compare the chain heads printed by the command
with ones recorded elsewhere (docs/operations.md). A retention purge removes the oldest
entries and records the seal of the last one removed (`AuditPurge`); a chain whose first
entry points at a recorded seal starts there rightly.

Checkpoints: a chain found intact gets a sealed `AuditCheckpoint` (its last entry, that entry's
seal and the number of entries up to it). The next run starts after the newest checkpoint with
a valid seal, so a daily run reads only the new entries; what it still checks of the older ones
is cheap: the checkpoint's entry is there with the same seal, and the chain has exactly as many
entries up to it (an entry removed or inserted before it changes the count). An older entry
edited in place keeps the count: only `full=True` (`--full`) reads every entry again. A chain
purged since its checkpoint (which changes the count rightly) is read whole again.
Checkpoints are the log's own bookkeeping, written by this check, and have no audit entry.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditCheckpoint, AuditEntry, AuditEntryChild, AuditPurge
from inklusio.audit.services import SEALED_FIELDS, audit_hash_key, seal_values

BATCH = 5000  # entries read per query (their child links in one more)


@dataclass
class Chain:
    municipality_id: int | None
    entries: int = 0
    unsealed: int = 0
    head: str = ""
    # Entries read and checked in this run (the rest were covered by the checkpoint).
    checked: int = 0
    last_id: int | None = None
    problems: int = 0


@dataclass
class Report:
    chains: dict[int | None, Chain] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def checkpoint_seal(
    municipality_id: int | None, last_entry_id: int, entries: int, head: str, key: bytes
) -> str:
    message = json.dumps(["checkpoint", municipality_id, last_entry_id, entries, head])
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def verify_chains(*, full: bool = True, record: bool = False) -> Report:
    """Check every chain: from its newest valid checkpoint unless `full`. With `record`, a
    checkpoint is written for each chain found intact."""
    report = Report()
    key = audit_hash_key()
    chain_ids = set(
        AuditEntry.objects.order_by().values_list("municipality_id", flat=True).distinct()
    )
    purges = list(AuditPurge.objects.order_by().values_list("municipality_id", "seal", "purged_at"))
    purged = {(municipality_id, seal) for municipality_id, seal, _at in purges}
    for municipality_id in sorted(chain_ids, key=lambda m: (m is not None, m or 0)):
        chain = Chain(municipality_id=municipality_id)
        report.chains[municipality_id] = chain
        # A purge changes the count rightly: only checkpoints after the chain's last one count.
        last_purge = max((at for m, _seal, at in purges if m == municipality_id), default=None)
        start = None if full else _checkpoint(chain, report, key, last_purge)
        _check_entries(chain, report, key, start, purged)
        if record and not chain.problems and chain.last_id is not None:
            AuditCheckpoint.objects.create(
                municipality_id=municipality_id,
                last_entry_id=chain.last_id,
                entries=chain.entries,
                head=chain.head,
                seal=checkpoint_seal(
                    municipality_id, chain.last_id, chain.entries, chain.head, key
                ),
            )
    return report


def _chain_entries(municipality_id: int | None) -> Any:
    entries = AuditEntry.objects.order_by()
    if municipality_id is None:
        return entries.filter(municipality_id__isnull=True)
    return entries.filter(municipality_id=municipality_id)


def _checkpoint(
    chain: Chain, report: Report, key: bytes, last_purge: datetime.datetime | None
) -> AuditCheckpoint | None:
    """The newest checkpoint of the chain whose seal is valid and whose ground still holds,
    with the chain's figures up to it taken over; None to check the chain from its start."""
    checkpoints = AuditCheckpoint.objects.order_by("-last_entry_id", "-id")
    if chain.municipality_id is None:
        checkpoints = checkpoints.filter(municipality_id__isnull=True)
    else:
        checkpoints = checkpoints.filter(municipality_id=chain.municipality_id)
    if last_purge is not None:
        checkpoints = checkpoints.filter(verified_at__gt=last_purge)
    for checkpoint in checkpoints[:20]:
        expected = checkpoint_seal(
            checkpoint.municipality_id,
            checkpoint.last_entry_id,
            checkpoint.entries,
            checkpoint.head,
            key,
        )
        if not hmac.compare_digest(expected, checkpoint.seal):
            _problem(
                chain,
                report,
                _("Kontrolpunkt %(id)s stemmer ikke med sit segl: det er skrevet udefra.")
                % {"id": checkpoint.pk},
            )
            continue
        entries = _chain_entries(chain.municipality_id)
        at_checkpoint = entries.filter(pk=checkpoint.last_entry_id).values_list(
            "entry_hash", flat=True
        )
        if list(at_checkpoint) != [checkpoint.head]:
            _problem(
                chain,
                report,
                _("Post %(id)s ved et kontrolpunkt er ændret eller slettet.")
                % {"id": checkpoint.last_entry_id},
            )
            return None
        counted = entries.filter(pk__lte=checkpoint.last_entry_id).count()
        if counted != checkpoint.entries:
            _problem(
                chain,
                report,
                _(
                    "Kæden har %(counted)s poster til og med post %(id)s, men havde "
                    "%(entries)s ved kontrollen %(at)s: poster er slettet eller indsat."
                )
                % {
                    "counted": counted,
                    "id": checkpoint.last_entry_id,
                    "entries": checkpoint.entries,
                    "at": f"{checkpoint.verified_at:%Y-%m-%d %H:%M}",
                },
            )
            return None
        chain.entries = checkpoint.entries
        chain.head = checkpoint.head
        chain.last_id = checkpoint.last_entry_id
        return checkpoint
    return None


def _problem(chain: Chain, report: Report, text: str) -> None:
    chain.problems += 1
    report.problems.append(text)


def _batches(municipality_id: int | None, after: int | None) -> Iterator[list[dict[str, Any]]]:
    """The chain's entries in id order, BATCH at a time, each with its child links."""
    entries = _chain_entries(municipality_id).order_by("id")
    while True:
        page = entries.filter(pk__gt=after) if after is not None else entries
        rows = list(page.values("id", "entry_hash", *SEALED_FIELDS)[:BATCH])
        if not rows:
            return
        links: dict[int, list[tuple[str, str]]] = {}
        for entry_id, child_id, child_name in AuditEntryChild.objects.filter(
            entry_id__in=[row["id"] for row in rows]
        ).values_list("entry_id", "child_id", "child_name"):
            links.setdefault(entry_id, []).append((str(child_id), child_name))
        for row in rows:
            row["links"] = links.get(row["id"], [])
        yield rows
        after = rows[-1]["id"]


def _check_entries(
    chain: Chain,
    report: Report,
    key: bytes,
    checkpoint: AuditCheckpoint | None,
    purged: set[tuple[int | None, str]],
) -> None:
    # The seal of the entry before, and of the one before that (to tell an inserted entry
    # from a removed one).
    previous_id, previous_hash = (
        (checkpoint.last_entry_id, checkpoint.head) if checkpoint else (None, "")
    )
    before_previous: str | None = None
    for rows in _batches(chain.municipality_id, previous_id):
        for entry in rows:
            chain.entries += 1
            chain.checked += 1
            chain.last_id = entry["id"]
            if not entry["entry_hash"] and previous_id is None:
                chain.unsealed += 1  # written before entries were sealed
                continue
            if entry["entry_hash"] != seal_values(entry, entry["links"], key):
                _problem(
                    chain,
                    report,
                    _("Post %(id)s stemmer ikke med sit segl: den er ændret eller indsat udefra.")
                    % {"id": entry["id"]},
                )
            if previous_id is not None and entry["prev_hash"] != previous_hash:
                if entry["prev_hash"] == before_previous:
                    _problem(
                        chain,
                        report,
                        _("Post %(id)s er indsat i kæden (før post %(next)s).")
                        % {"id": previous_id, "next": entry["id"]},
                    )
                else:
                    _problem(
                        chain,
                        report,
                        _("Der mangler poster før post %(id)s (efter post %(previous)s): slettet.")
                        % {"id": entry["id"], "previous": previous_id},
                    )
            elif (
                previous_id is None
                and entry["prev_hash"]
                and (chain.municipality_id, entry["prev_hash"]) not in purged
            ):
                _problem(
                    chain,
                    report,
                    _("Der mangler poster før post %(id)s, den første i sin kæde: slettet.")
                    % {"id": entry["id"]},
                )
            before_previous = previous_hash
            previous_id, previous_hash = entry["id"], entry["entry_hash"]
            chain.head = entry["entry_hash"]


def newest_checkpoints() -> dict[int | None, int]:
    """The last entry id each chain was found intact up to (for the command's output)."""
    rows = AuditCheckpoint.objects.values("municipality_id").annotate(last=Max("last_entry_id"))
    return {row["municipality_id"]: row["last"] for row in rows}

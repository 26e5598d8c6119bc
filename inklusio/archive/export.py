"""Writing a municipality's archive: a ZIP with one JSON Lines file per model, the stored files
and `manifest.json` (docs/archive.md describes the format, version FORMAT_VERSION).

The archive is read in one transaction (REPEATABLE READ on PostgreSQL), so it is one
consistent picture however long it takes. CPR numbers are written in clear (`cpr`), because
the system that reads the archive has no key to this installation's tokens: the archive is
as sensitive as the records themselves, and its download is logged.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import zipfile
from typing import IO, Any

from django.core import serializers
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from inklusio.archive.scope import OMITTED_FIELDS, file_fields, load_order, scoped_records

FORMAT = "inklusio-municipality-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records"
FILES = "files"
BATCH = 2000


def json_default(value: Any) -> Any:
    """Dates and times in full ISO form (microseconds kept: the audit seals cover them)."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


def record_line(record: dict[str, Any]) -> bytes:
    return (
        json.dumps(record, default=json_default, ensure_ascii=False, sort_keys=True) + "\n"
    ).encode()


def migration_state() -> dict[str, list[str]]:
    """The migrations applied in this installation, per app."""
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def _records(label: str, queryset: Any) -> Any:
    """The model's rows as {"pk", "fields"}, with the omitted fields out and CPR in clear."""
    omitted = OMITTED_FIELDS.get(label, {})
    pks = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = list(
            queryset.model._base_manager.filter(pk__in=pks[start : start + BATCH]).order_by("pk")
        )
        for instance, data in zip(batch, serializers.serialize("python", batch), strict=True):
            fields = {k: v for k, v in data["fields"].items() if k not in omitted}
            if label == "children.Child":
                fields["cpr"] = instance.cpr
            yield instance, {"pk": data["pk"], "fields": fields}


def write_archive(*, municipality: Any, out: IO[bytes], storage: Storage) -> dict[str, Any]:
    """Write the whole municipality into the ZIP `out`; returns the manifest."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _write(municipality, out, storage)


def _write(municipality: Any, out: IO[bytes], storage: Storage) -> dict[str, Any]:
    scopes = scoped_records(municipality.pk)
    order = load_order(list(scopes))
    members: dict[str, dict[str, Any]] = {}
    stored: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for label in order:
            name = f"{RECORDS}/{label}.jsonl"
            digest, count = hashlib.sha256(), 0
            names = file_fields(scopes[label].model)
            with archive.open(name, "w", force_zip64=True) as member:
                for instance, record in _records(label, scopes[label]):
                    line = record_line(record)
                    member.write(line)
                    digest.update(line)
                    count += 1
                    stored.update(v for f in names if (v := getattr(instance, f)))
            members[name] = {"model": label, "records": count, "sha256": digest.hexdigest()}
        missing = []
        for file_name in sorted(stored):
            try:
                with storage.open(file_name, "rb") as source:
                    data = source.read()
            except FileNotFoundError:
                missing.append(file_name)  # gone before the export (e.g. deleted by retention)
                continue
            member_name = f"{FILES}/{file_name}"
            archive.writestr(member_name, data)
            members[member_name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "municipality": {
                "id": municipality.pk,
                "name": municipality.name,
                "slug": getattr(municipality, "slug", ""),
            },
            "migrations": migration_state(),
            "load_order": order,
            "cpr": "clear",
            "members": members,
            "missing_files": missing,
            "audit_chain": _audit_chain(municipality.pk),
        }
        archive.writestr(
            MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True)
        )
    return manifest


def _audit_chain(municipality_id: int) -> dict[str, Any]:
    """The chain's size and newest seal, to compare with `audit_verify` after the import."""
    from inklusio.audit.models import AuditEntry

    entries = AuditEntry.objects.filter(municipality_id=municipality_id)
    head = entries.order_by("-id").values_list("entry_hash", flat=True).first()
    return {"entries": entries.count(), "head": head or ""}

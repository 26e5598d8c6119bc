"""Writing the audit trail. Called explicitly by selectors and services, never by signals."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

from inklusio.audit.context import client_ip
from inklusio.audit.models import AuditAction, AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` as JSON-safe data, for before/after records of a write."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None = None,
    child=None,
    search_term: str = "",
    changes: dict[str, Any] | None = None,
    object_type: str | None = None,
) -> AuditEntry:
    """Append one entry; callers run it inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = str(getattr(obj, "public_id", obj.pk))
        object_label = str(obj)[:200]
    else:
        object_id = object_label = ""
    return AuditEntry.objects.create(
        municipality_id=actor.municipality_id,
        actor=actor,
        actor_name=(actor.get_full_name() or actor.username)[:200],
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        object_label=object_label,
        child_id=child.public_id if child is not None else None,
        child_name=child.full_name[:200] if child is not None else "",
        ip_address=client_ip.get(),
        search_term=search_term[:200],
        changes=changes or {},
    )


def changes_since(obj: models.Model, version: int) -> dict[str, dict[str, Any]]:
    """What others changed in `obj` after `version`, read from the audit trail:
    field -> before/after/by. Used to explain a refused, outdated edit."""
    merged: dict[str, dict[str, Any]] = {}
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.model_name, object_id=str(obj.public_id), action=AuditAction.CHANGE
    ).order_by("at", "id")
    for entry in entries:
        if entry.changes.get("version", {}).get("after", 0) <= version:
            continue
        for name, change in entry.changes.items():
            if name == "version" or not isinstance(change, dict):
                continue
            first = merged.get(name, change)
            merged[name] = {
                "before": first["before"],
                "after": change["after"],
                "by": entry.actor_name,
            }
    return merged


def audit_listing(*, actor, object_type: str, search_term: str, children) -> None:
    """A list that shows children's names is a search in the log, with who was shown."""
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type=object_type,
        search_term=search_term,
        changes={"results": sorted({str(child.public_id) for child in children})},
    )

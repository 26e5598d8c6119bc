import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from inklusio.audit.models import AuditAction, AuditEntry, AuditEntryChild
from inklusio.audit.services import REDACTED, hash_cpr_numbers
from inklusio.people.models import User


def audit_entries_for(
    user: User,
    *,
    child: str = "",
    actor: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    term: str = "",
) -> QuerySet[AuditEntry]:
    """The municipality's own log, searchable by child and by user (administrators only).

    A child is found in every entry that concerns it, list and search reads included; a
    search term that is a CPR number is matched by its keyed hash, as searches store it.
    """
    if user.municipality_id is None:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.filter(municipality_id=user.municipality_id)
    if child:
        entries = entries.filter(
            Exists(
                AuditEntryChild.objects.filter(entry=OuterRef("pk"), child_name__icontains=child)
            )
        )
    if actor:
        entries = entries.filter(
            Q(actor_name__icontains=actor) | Q(actor__username__icontains=actor)
        )
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    if term:
        entries = entries.filter(search_term__contains=hash_cpr_numbers(term.strip()))
    return entries.select_related("actor").prefetch_related("children")


@dataclass(frozen=True)
class NamedChild:
    public_id: uuid.UUID
    full_name: str


def children_named_in(entries: Iterable[AuditEntry]) -> list[NamedChild]:
    """The children a page of the log names: an entry's one child, and a child that is the
    entry's object (its label is the child's name)."""
    named = []
    for entry in entries:
        if entry.child_id:
            named.append(NamedChild(entry.child_id, entry.child_name))
        if entry.object_type == "child" and entry.object_label != REDACTED:
            try:
                named.append(NamedChild(uuid.UUID(entry.object_id), entry.object_label))
            except ValueError:
                continue
    return named


def access_log_of_child(child: Any) -> QuerySet[AuditEntry]:
    """Every entry of the child's municipality that concerns the child (a `Child`: the log does
    not import the children app), oldest first, for the data-subject export. Another
    municipality's log is not the child's record, whatever it names."""
    return AuditEntry.objects.filter(
        Exists(AuditEntryChild.objects.filter(entry=OuterRef("pk"), child_id=child.public_id)),
        municipality_id=child.municipality_id,
    ).order_by("at", "id")


def changes_since(obj: models.Model, version: int) -> dict[str, dict[str, Any]]:
    """What others changed in `obj` after `version`, read from the audit trail:
    field -> before/after/by. Used to explain a refused, outdated edit."""
    merged: dict[str, dict[str, Any]] = {}
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.model_name,
        object_id=str(getattr(obj, "public_id", obj.pk)),
        action=AuditAction.CHANGE,
    ).order_by("at", "id")
    for entry in entries:
        if entry.changes.get("version", {}).get("after", 0) <= version:
            continue
        for name, change in entry.changes.items():
            if name == "version" or not isinstance(change, dict) or "after" not in change:
                continue
            first = merged.get(name, change)
            merged[name] = {
                "before": first.get("before"),
                "after": change["after"],
                "by": entry.actor_name,
            }
    return merged

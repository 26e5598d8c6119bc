"""An edit of a record that carries a `version`: the row is locked, a save based on an outdated
version is refused with what the other person changed, and the change is one audit row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.db.models import F

from inklusio.audit.models import AuditAction
from inklusio.audit.selectors import changes_since
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.core.errors import EditConflict, refuse_unknown_version

if TYPE_CHECKING:
    from inklusio.people.models import User

Versioned = TypeVar("Versioned", bound=models.Model)


def refuse_outdated(current: Any, expected_version: int) -> None:
    """Refuse an edit of the locked row `current` that started from another version than its
    own: one not reached yet (UnknownVersion), or an older one, with what was changed since
    (EditConflict)."""
    version: int = current.version
    refuse_unknown_version(sent=expected_version, current=version)
    if version != expected_version:
        raise EditConflict(current=current, changed_fields=changes_since(current, expected_version))


def update_versioned(
    *,
    actor: User,
    obj: Versioned,
    fields: list[str],
    data: dict[str, Any],
    expected_version: int,
) -> Versioned:
    """Copy `fields` from `data` (a field left out keeps its value) onto the locked row.
    `expected_version` is the version the edit started from: always required, since an edit
    that cannot say what it saw cannot be checked against what was saved meanwhile."""
    with transaction.atomic():
        current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        refuse_outdated(current, expected_version)
        before = snapshot(current, fields)
        for name in fields:
            setattr(current, name, data.get(name, getattr(current, name)))
        save_next_version(
            actor=actor, current=current, changes=diff(before, snapshot(current, fields))
        )
    return current


def save_next_version(
    *,
    actor: User,
    current: Any,
    changes: dict[str, Any],
    child: Any = None,
    also_concerns: Iterable[Any] = (),
) -> None:
    """Save the locked row `current` as its next version and log `changes` with the version
    step, as one audit row (naming `child` where the record belongs to one, and linking the
    children in `also_concerns`, whose record the change is too)."""
    version: int = current.version
    changes["version"] = {"before": version, "after": version + 1}
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=current,
        child=child,
        changes=changes,
        children=also_concerns,
    )

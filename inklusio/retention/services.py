"""Setting the retention periods, and deleting what is due.

A run deletes each due case (a child with every record about it, a refused referral, a
consultative meeting) in its own transaction: the rows, a deletion record without content and
one audit entry land together or not at all, and the case's files leave the storage once that
transaction has committed. A confirmed run deletes exactly what the dry run the administration
saw listed (`fingerprint`); a case that stopped being due in between is left alone.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.edits import refuse_outdated
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.core.errors import DomainError
from inklusio.core.models import municipality_id_of
from inklusio.core.storage import private_storage
from inklusio.people.models import User
from inklusio.retention import graph, rules
from inklusio.retention.models import DeletionRecord, RetentionPolicy, Rule

logger = logging.getLogger(__name__)

POLICY_FIELDS = [f"{rule}_months" for rule in Rule] + ["automatic"]


class PeriodOutOfBounds(DomainError):
    def __init__(self, rule: str, fewest: int, most: int) -> None:
        self.field = f"{rule}_months"
        super().__init__(
            _("Slettefristen skal være mellem %(fewest)s og %(most)s måneder.")
            % {"fewest": fewest, "most": most}
        )


class DueListChanged(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Listen over det, der skal slettes, har ændret sig, siden du så den. "
                "Se den nye prøvekørsel igennem, og godkend igen."
            )
        )


def retention_policy_update(
    *, actor: User, data: dict[str, Any], expected_version: int
) -> RetentionPolicy:
    """Set the municipality's retention periods, each within `rules.BOUNDS`; turning on
    automatic deletion makes the actor the one automatic runs act for."""
    if not access.can_manage_retention(actor):
        raise PermissionDenied
    municipality_id = municipality_id_of(actor)
    for rule, (fewest, most) in rules.BOUNDS.items():
        months = data.get(f"{rule}_months")
        if months is not None and not fewest <= months <= most:
            raise PeriodOutOfBounds(rule, fewest, most)
    policy: RetentionPolicy
    with transaction.atomic():
        policy, created = RetentionPolicy.objects.select_for_update().get_or_create(
            municipality_id=municipality_id
        )
        refuse_outdated(policy, expected_version)
        before = snapshot(policy, POLICY_FIELDS)
        for name in POLICY_FIELDS:
            if data.get(name) is not None:
                setattr(policy, name, data[name])
        if policy.automatic and not before["automatic"]:
            policy.automatic_by = actor
        if not policy.automatic:
            policy.automatic_by = None
        changes = diff(before, snapshot(policy, POLICY_FIELDS))
        if not changes and not created:
            return policy
        changes["version"] = {"before": policy.version, "after": policy.version + 1}
        policy.version = F("version") + 1
        policy.save()
        policy.refresh_from_db()
        action = AuditAction.CREATE if created else AuditAction.CHANGE
        audit_record(actor=actor, action=action, obj=policy, changes=changes)
    return policy


def retention_run(
    *,
    actor: User,
    fingerprint: str | None,
    trigger: str = DeletionRecord.Trigger.CONFIRMED,
    today: datetime.date | None = None,
) -> list[DeletionRecord]:
    """Delete what is due in the actor's municipality, one case per transaction.

    `fingerprint` is the dry run's the administration confirmed: if what is due has changed
    since, nothing is deleted. An automatic run (the municipality's choice) passes None.
    """
    if not access.can_manage_retention(actor):
        raise PermissionDenied
    municipality_id = municipality_id_of(actor)
    today = today or timezone.localdate()
    items = rules.due_items(municipality_id, today)
    if fingerprint is not None and fingerprint != rules.fingerprint(items):
        raise DueListChanged
    records = []
    for item in items:
        record = _delete_case(actor=actor, item=item, trigger=trigger, today=today)
        if record is not None:
            records.append(record)
    return records


def _delete_case(
    *, actor: User, item: rules.DueItem, trigger: str, today: datetime.date
) -> DeletionRecord | None:
    municipality_id = municipality_id_of(actor)
    with transaction.atomic():
        locked = item.model._base_manager.select_for_update().filter(
            pk=item.pk, municipality_id=municipality_id
        )
        if locked.first() is None or not rules.still_due(municipality_id, item, today):
            return None  # deleted meanwhile, or something new happened in the case
        plan = graph.deletion_plan(item.model, [item.pk])
        files = graph.stored_files(plan)
        counts = graph.counts(plan)
        for model, field, pks in graph.set_null_updates(plan):
            model._base_manager.filter(**{f"{field}__in": pks}).update(**{field: None})
        for model, pks in plan.items():
            # Raw: the plan already holds every row that refers to these, and the database's
            # deferred foreign keys are checked below, before the record is written.
            model._base_manager.filter(pk__in=pks)._raw_delete(connection.alias)
        connection.check_constraints(table_names=graph.tables_to_check(plan))
        record = DeletionRecord.objects.create(
            municipality_id=municipality_id,
            rule=item.rule,
            months=rules.policy_for(municipality_id).months(item.rule),
            due_on=item.due_on,
            counts=counts,
            files=len(files),
            trigger=trigger,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=record,
            changes={"rule": item.rule, "counts": counts, "files": len(files)},
        )
        transaction.on_commit(lambda: _delete_files(files))
    return record


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            private_storage.delete(name)
        except OSError:
            # The rows are gone and the run stands; the next daily run removes the file as one
            # no record holds (schedule.remove_stray_files).
            logger.exception("retention: a file could not be deleted", extra={"file": name})

"""The daily retention run on the task runner.

The sweeper (`manage.py sweep_stale_jobs --every 300`, the Procfile's `sweeper`) calls
`enqueue_due()` of every app's `schedule.py` after each sweep. The first call of a day claims
that day (`DailyRun`, unique per day) and hands `retention_daily` to the task runner; every
later call that day, from any sweeper, finds the day taken and does nothing. The task deletes
in the municipalities that chose automatic deletion; elsewhere the administration confirms the
dry run on `/sletning/`.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.core.storage import private_storage
from inklusio.imports.models import ImportRun
from inklusio.retention import rules
from inklusio.retention.models import DailyRun, DeletionRecord, RetentionPolicy
from inklusio.retention.services import retention_run

logger = logging.getLogger(__name__)


def enqueue_due(today: datetime.date | None = None) -> bool:
    """Hand today's run to the task runner unless it has been handed already."""
    day = today or timezone.localdate()
    with transaction.atomic():
        _run, created = DailyRun.objects.get_or_create(day=day)
        if created:
            transaction.on_commit(lambda: _enqueue(day))
    return created


def _enqueue(day: datetime.date) -> None:
    from inklusio.retention.tasks import retention_daily

    retention_daily.enqueue(day.isoformat())


def run_daily(today: datetime.date | None = None) -> int:
    """Delete what is due in every municipality that opted in; returns the cases deleted.

    Each municipality's dry run is logged (counts only) before anything goes. A run repeated
    the same day finds nothing left to delete. Files no record holds any more are removed for
    every municipality (`remove_stray_files`).
    """
    today = today or timezone.localdate()
    remove_stray_files()
    expire_import_previews(timezone.now())
    deleted = 0
    policies = RetentionPolicy.objects.filter(automatic=True).select_related("automatic_by")
    for policy in policies.order_by("municipality_id"):
        actor = policy.automatic_by
        if (
            actor is None
            or actor.municipality_id != policy.municipality_id
            or not access.can_manage_retention(actor)
        ):
            # The person who opted in has left the administration: nothing is deleted in
            # anyone's name until someone turns automatic deletion on again.
            logger.warning(
                "retention: automatic deletion has no active administrator",
                extra={"municipality": policy.municipality_id},
            )
            continue
        report = rules.dry_run(policy.municipality_id, today)
        logger.info(
            "retention: dry run",
            extra={
                "municipality": policy.municipality_id,
                "due": {r.rule: r.items for r in report.rules},
            },
        )
        records = retention_run(
            actor=actor,
            fingerprint=report.fingerprint,
            trigger=DeletionRecord.Trigger.AUTOMATIC,
            today=today,
        )
        deleted += len(records)
    return deleted


def remove_stray_files() -> int:
    """Remove the storage's files that no record holds (`rules.stray_files`). They are not
    records and name no one, so no deletion record is written; the count is logged."""
    stray = rules.stray_files(timezone.now())
    for name in stray:
        private_storage.delete(name)
    if stray:
        logger.info("retention: stray files removed", extra={"files": len(stray)})
    return len(stray)


# An import's dry run is working material: names and masked CPR numbers per row, and while it
# waits to be carried out the upload itself, with full CPR numbers.
IMPORT_PREVIEW_DAYS = 30


def expire_import_previews(now: datetime.datetime) -> int:
    """Imports older than IMPORT_PREVIEW_DAYS keep their line numbers and outcomes only: the
    names and reasons go, and an upload never carried out is deleted and the run refused.
    Like stray files, this names no one, so only the count is logged."""
    old = ImportRun.objects.filter(
        created_at__lt=now - datetime.timedelta(days=IMPORT_PREVIEW_DAYS)
    )
    expired = 0
    for run in old.exclude(status__in=[ImportRun.Status.CHECKING, ImportRun.Status.IMPORTING]):
        stored = run.stored_name
        kept = [{"line": row["line"], "action": row["action"]} for row in run.rows]
        if not stored and kept == run.rows:
            continue
        run.rows = kept
        if stored:
            run.stored_name = ""
            run.status = ImportRun.Status.REFUSED
            run.file_error = _(
                "Prøvekørslen blev ikke gennemført inden for %(days)s dage, så filen er slettet."
            ) % {"days": IMPORT_PREVIEW_DAYS}
        with transaction.atomic():
            run.save(update_fields=["rows", "stored_name", "status", "file_error"])
            if stored:
                transaction.on_commit(lambda name=stored: private_storage.delete(name))
        expired += 1
    if expired:
        logger.info("retention: import previews expired", extra={"imports": expired})
    return expired

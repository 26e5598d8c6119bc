"""What the administration sees of retention: the dry run, the periods and the deletions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from inklusio import access
from inklusio.core.models import municipality_id_of
from inklusio.people.models import User
from inklusio.retention import rules
from inklusio.retention.models import DeletionRecord, RetentionPolicy


def dry_run_for(user: User) -> rules.DryRun:
    """What a run would delete in the user's municipality today (counts only, no content)."""
    return rules.dry_run(municipality_id_of(user), timezone.localdate())


def policy_for(user: User) -> RetentionPolicy:
    return rules.policy_for(municipality_id_of(user))


def deletion_records_visible_to(user: User) -> QuerySet[DeletionRecord]:
    records = DeletionRecord.objects.in_municipality_of(user)
    if not access.can_manage_retention(user):
        return records.none()
    return records.select_related("actor")

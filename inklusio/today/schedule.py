"""The daily reminder round on the task runner.

The sweeper (`manage.py sweep_stale_jobs --every 300`, the Procfile's `sweeper`) calls
`enqueue_due()` of every app's `schedule.py` after each sweep. The first call of a day claims
that day (`ReminderRun`, unique per day) and hands `reminders_daily` to the task runner; every
later call that day, from any sweeper, finds the day taken and does nothing. Each reminder is
sent at most once per item and due date (`services.reminder_send`), so a round run again by
hand (`manage.py send_reminders`) sends only what is new.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from inklusio import access
from inklusio.people.models import User
from inklusio.today.models import ReminderRun
from inklusio.today.services import reminder_send

logger = logging.getLogger(__name__)


def enqueue_due(today: datetime.date | None = None) -> bool:
    """Hand today's round to the task runner unless it has been handed already."""
    day = today or timezone.localdate()
    with transaction.atomic():
        _run, created = ReminderRun.objects.get_or_create(day=day)
        if created:
            transaction.on_commit(lambda: _enqueue(day))
    return created


def _enqueue(day: datetime.date) -> None:
    from inklusio.today.tasks import reminders_daily

    reminders_daily.enqueue(day.isoformat())


def run_daily() -> int:
    """Remind every active user the list is for; returns how many were reminded."""
    sent = 0
    users = User.objects.filter(is_active=True, municipality__isnull=False).exclude(email="")
    for user in users.order_by("pk").iterator():
        if not access.can_use_today(user):
            continue
        try:
            if reminder_send(actor=user) is not None:
                sent += 1
        except Exception:
            # One user's failed e-mail must not keep the others from theirs; the next round
            # tries again, since nothing was claimed for them.
            logger.exception("reminders: sending failed", extra={"user": user.pk})
    logger.info("reminders: round done", extra={"users_reminded": sent})
    return sent

"""What has been reminded, whom reminders may reach by e-mail, and which days were claimed.

A reminder says only that something awaits: its key names the kind of item and the row's
database id, never a child (docs/reminders.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel
from inklusio.core.templatetags.danish_dates import short_date


class ReminderSetting(TenantModel):
    """A user's choice about e-mail reminders; a missing row means reminders are on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_setting"
    )
    email = models.BooleanField(_("send mig påmindelser på e-mail"), default=True)

    class Meta:
        verbose_name = _("indstilling for påmindelser")
        verbose_name_plural = _("indstillinger for påmindelser")

    def __str__(self) -> str:
        return str(_("Påmindelser"))


class Reminder(TenantModel):
    """One item reminded once for one due date: the unique key keeps a second run (or a second
    sweeper) from reminding the same thing again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    key = models.CharField(max_length=100)  # "<kind>:<row id>", e.g. "reassessment:12"
    due = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "due"], name="reminder_once_per_due")
        ]

    def __str__(self) -> str:
        return f"{self.key} {short_date(self.due)}"


class ReminderRun(models.Model):
    """The day a reminder round was handed to the task runner; unique, so once a day."""

    day = models.DateField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return short_date(self.day)

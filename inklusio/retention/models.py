"""Retention: how long each kind of record is kept in a municipality, and what was deleted.

A deletion record says what kind of record went, how many rows of each type, when and by which
rule, and never whose: no name, CPR number or public id survives in it (docs/retention.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel


class Rule(models.TextChoices):
    CHILD_CASE = "child_case", _("Barnets sag efter sagens afslutning")
    REFERRAL_NOT_GRANTED = "referral_not_granted", _("Indstillinger med afslag og opgivne kladder")
    CONSULTATIVE_MEETING = "consultative_meeting", _("Konsultative møder med dagsorden og referat")
    AUDIT_LOG = "audit_log", _("Adgangsloggen")


class RetentionPolicy(TenantModel):
    """The municipality's retention periods, in months; a missing row means the defaults."""

    municipality = models.OneToOneField(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    child_case_months = models.PositiveSmallIntegerField(_("barnets sag (måneder)"), default=60)
    referral_not_granted_months = models.PositiveSmallIntegerField(
        _("indstillinger med afslag (måneder)"), default=60
    )
    consultative_meeting_months = models.PositiveSmallIntegerField(
        _("konsultative møder (måneder)"), default=60
    )
    audit_log_months = models.PositiveSmallIntegerField(_("adgangsloggen (måneder)"), default=60)
    # Off: the daily run only reports, and the administration confirms each deletion.
    automatic = models.BooleanField(_("slet automatisk hver nat"), default=False)
    # Automatic runs act in the name of the administrator who turned them on, and stop when
    # that person is no longer an active administrator.
    automatic_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("slettepolitik")
        verbose_name_plural = _("slettepolitikker")

    def __str__(self) -> str:
        return str(_("Slettefrister"))

    def months(self, rule: str) -> int:
        return int(getattr(self, f"{rule}_months"))


class DeletionRecord(TenantModel):
    """One deletion: a child's case, a referral or a meeting, and every row that went with it."""

    class Trigger(models.TextChoices):
        CONFIRMED = "confirmed", _("Godkendt af forvaltningen")
        AUTOMATIC = "automatic", _("Automatisk")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule = models.CharField(_("regel"), max_length=30, choices=Rule.choices)
    months = models.PositiveSmallIntegerField(_("slettefrist (måneder)"))
    # The day the retention period ran out (the case's end plus the period); no other date of
    # the case is kept, since together they could point at the child.
    due_on = models.DateField(_("slettefrist udløb"))
    # Model label -> number of rows, e.g. {"children.child": 1, "referrals.referral": 2}.
    counts = models.JSONField(_("antal"), default=dict)
    files = models.PositiveIntegerField(_("filer"), default=0)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("sletning")
        verbose_name_plural = _("sletninger")
        indexes = [models.Index(fields=["municipality", "-deleted_at"], name="deletion_recent")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.deleted_at:%Y-%m-%d}"

    @property
    def count_rows(self) -> list[tuple[str, int]]:
        from inklusio.retention.rules import count_rows

        return count_rows(self.counts)


class DailyRun(models.Model):
    """The day the daily retention task was last handed to the task runner: the sweeper asks
    every few minutes, and only the first ask of a day enqueues (the unique day makes it so
    even with several sweepers)."""

    day = models.DateField(unique=True)
    enqueued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.day)

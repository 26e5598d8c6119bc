"""Work done in the background (reports, workbooks, later imports and reminders): what was asked,
by whom, how it went, and where its file is."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel
from inklusio.jobs.registry import kinds


class Job(TenantModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("I gang")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Fejlet")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("slags"), max_length=50)
    params = models.JSONField(_("parametre"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    error = models.CharField(_("fejl"), max_length=500, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    stored_name = models.CharField(max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker took the job (the latest attempt): a job RUNNING since long ago lost its
    # worker and is swept back (services.job_sweep_stale).
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="job_municipality_status"),
            models.Index(fields=["requested_by", "-created_at"], name="job_requester_created"),
        ]

    def __str__(self) -> str:
        # The access log's label: what was asked for, in words; a change of status is in the
        # entry's changes.
        return self.title

    @property
    def title(self) -> str:
        """The kind's title, or its code for a kind no longer declared."""
        kind = kinds().get(self.kind)
        return str(kind.title) if kind else self.kind

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

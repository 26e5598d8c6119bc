"""One uploaded spreadsheet: its dry run, row by row, and whether it was imported."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel


class ImportKind(models.TextChoices):
    CHILDREN = "children", _("Børn med forældre")
    INSTITUTIONS = "institutions", _("Daginstitutioner med stuer")
    PEDAGOGUES = "pedagogues", _("Pædagoger med kontrakter")
    DECISIONS = "decisions", _("Historiske afgørelser")
    COURSES = "courses", _("Historiske ressourceforløb med samlinger")


class ImportRun(TenantModel):
    class Status(models.TextChoices):
        CHECKING = "checking", _("Prøvekørsel i gang")
        CHECKED = "checked", _("Prøvekørsel klar")
        IMPORTING = "importing", _("Import i gang")
        IMPORTED = "imported", _("Importeret")
        REFUSED = "refused", _("Afvist, intet importeret")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("slags"), max_length=30, choices=ImportKind.choices)
    file_name = models.CharField(_("fil"), max_length=200)
    # The upload holds full CPR numbers: it is deleted once the import is done or refused.
    stored_name = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # Row by row: {"line", "action", "label", "reasons", "child"}; names and masked CPR only.
    rows = models.JSONField(default=list, blank=True)
    # A refusal of the whole file (missing columns, unreadable), in Danish.
    file_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}

    @property
    def percent(self) -> int:
        return 100 * self.processed_rows // self.total_rows if self.total_rows else 0

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row["action"] == action)

    @property
    def refused(self) -> int:
        return self.count("refused")

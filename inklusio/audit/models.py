from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.audit import labels


class AuditAction(models.TextChoices):
    READ = "read", _("Læst")
    SEARCH = "search", _("Søgt")
    CREATE = "create", _("Oprettet")
    CHANGE = "change", _("Ændret")
    EXPORT = "export", _("Eksporteret")
    DELETE = "delete", _("Slettet")
    LOGIN = "login", _("Logget ind")
    LOGOUT = "logout", _("Logget ud")
    LOGIN_FAILED = "login_failed", _("Mislykket login")


class AppendOnlyQuerySet(models.QuerySet):
    """The application has no path to change or remove an audit entry.

    `_update` and `_raw_delete` are the paths `Model.save()` and the deletion collector take
    past `update()` and `delete()`; they are closed as well.
    """

    def update(self, **kwargs):
        raise PermissionDenied("Audit entries cannot be changed.")

    def _update(self, values):
        raise PermissionDenied("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit entries cannot be deleted.")

    def _raw_delete(self, using):
        raise PermissionDenied("Audit entries cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        # Django reaches rows through the base manager for saves, deletes and related
        # lookups; making it the guarded manager closes `Model._base_manager` as a way round.
        base_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Audit entries cannot be deleted.")


class AuditEntry(AppendOnlyModel):
    """One use of personal data: who, when, what, which object, from where.

    References are stored as plain values, not foreign keys, so that no cascade can ever
    rewrite or remove an entry; on PostgreSQL a trigger and the application role's missing
    UPDATE/DELETE/TRUNCATE rights refuse changes as well. Each entry is sealed with a keyed
    hash over its content and the seal of the entry before it in the municipality's chain, so
    `manage.py audit_verify` finds an edited, removed or inserted entry.
    """

    # Null for users outside every municipality (operators) and failed logins of unknown names.
    municipality_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Null only for a failed login, which has no actor.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
        null=True,
        blank=True,
    )
    actor_name = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    child_id = models.UUIDField(null=True, blank=True, db_index=True)
    child_name = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    search_term = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-at", "-id"]
        verbose_name = _("logpost")
        verbose_name_plural = _("logposter")
        indexes = [
            # The access log's pages in their order (newest first, id breaking ties): with `at`
            # alone the planner walked the whole country's entries by time.
            models.Index(fields=["municipality_id", "-at", "-id"], name="audit_municipality_at_id"),
            # The chain head: the newest entry of a municipality, read under the chain lock.
            models.Index(fields=["municipality_id", "-id"], name="audit_chain_head"),
            # changes_since (edit conflicts) reads one object's change entries.
            models.Index(fields=["object_type", "object_id", "action"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"

    @property
    def object_type_display(self) -> str:
        return labels.object_type_label(self.object_type)

    @property
    def object_shown(self) -> str:
        """What the log page names the object by: its type and its label, the type once when
        the label starts with it ("Konsultativt møde Bøgely 4.12.2026", not "Konsultativt møde
        Konsultativt møde …")."""
        return labels.object_shown(self.object_type, self.object_label)

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        return labels.change_rows(self.object_type, self.changes)


class AuditEntryChild(AppendOnlyModel):
    """A child an entry concerns: the one child read or changed, or each child a list showed.

    "Who has seen my child?" is answered from these rows alone.
    """

    entry = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="children")
    child_id = models.UUIDField(db_index=True)
    child_name = models.CharField(max_length=200, blank=True)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("barn i logpost")
        verbose_name_plural = _("børn i logposter")
        constraints = [
            models.UniqueConstraint(fields=["entry", "child_id"], name="audit_child_once")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.child_id}"


class AuditPurge(AppendOnlyModel):
    """A retention purge of the oldest entries of one chain (docs/retention.md).

    `seal` is the seal of the last entry removed, which the first entry left still points at:
    `audit_verify` accepts that chain start because it is recorded here, and reports any other
    missing entries as before. Written by the owner role only (`manage.py audit_db_roles` gives
    the application role SELECT alone on this table).
    """

    municipality_id = models.BigIntegerField(null=True, blank=True)
    purged_at = models.DateTimeField(default=timezone.now)
    # Entries from before this day were past their retention period.
    before = models.DateField()
    up_to_id = models.BigIntegerField()
    seal = models.CharField(max_length=64, blank=True)
    entries = models.PositiveIntegerField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-purged_at", "-id"]
        verbose_name = _("sletning i adgangsloggen")
        verbose_name_plural = _("sletninger i adgangsloggen")

    def __str__(self) -> str:
        return f"{self.municipality_id} ≤ {self.up_to_id}"


class AuditCheckpoint(AppendOnlyModel):
    """How far `manage.py audit_verify` found a chain intact: its entry count up to and
    including `last_entry_id`, and that entry's seal. Sealed with the log's key, so a checkpoint
    written past the application cannot move a later run's start; the next run checks only the
    entries after it (and that the count before it still holds), `--full` checks them all.
    """

    municipality_id = models.BigIntegerField(null=True, blank=True)
    last_entry_id = models.BigIntegerField()
    entries = models.BigIntegerField()
    head = models.CharField(max_length=64)
    verified_at = models.DateTimeField(default=timezone.now)
    seal = models.CharField(max_length=64)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("kontrolpunkt i logkæden")
        verbose_name_plural = _("kontrolpunkter i logkæden")
        indexes = [
            models.Index(fields=["municipality_id", "-last_entry_id"], name="audit_checkpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.last_entry_id}"

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    READ = "read", _("Læst")
    SEARCH = "search", _("Søgt")
    CREATE = "create", _("Oprettet")
    CHANGE = "change", _("Ændret")
    EXPORT = "export", _("Eksporteret")
    DELETE = "delete", _("Slettet")


class AppendOnlyQuerySet(models.QuerySet):
    """The application has no path to change or remove an audit entry."""

    def update(self, **kwargs):
        raise PermissionDenied("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One use of personal data: who, when, what, which object, from where.

    References are stored as plain values, not foreign keys, so that no cascade can ever
    rewrite or remove an entry; on PostgreSQL a trigger refuses UPDATE and DELETE as well.
    """

    municipality_id = models.BigIntegerField(db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=True
    )
    actor_name = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    child_id = models.UUIDField(null=True, blank=True, db_index=True)
    child_name = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    search_term = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("logpost")
        verbose_name_plural = _("logposter")
        indexes = [models.Index(fields=["municipality_id", "-at"], name="audit_municipality_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be deleted.")

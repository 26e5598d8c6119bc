import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel


class Municipality(models.Model):
    """The tenant (kommune). No user ever sees another municipality's data."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    # Visitation-committee capacity and other municipal rules belong to later apps.

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class Institution(TenantModel):
    """An ordinary daycare institution (daginstitution)."""

    class Kind(models.TextChoices):
        NURSERY = "nursery", _("Vuggestue (0–3 år)")
        KINDERGARTEN = "kindergarten", _("Børnehave (3–6 år)")
        INTEGRATED = "integrated", _("Integreret institution (0–6 år)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    size = models.PositiveIntegerField(_("antal børn"), help_text=_("Normeret antal børn."))
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    district = models.CharField(_("distrikt"), max_length=100, blank=True)
    leader_name = models.CharField(_("leder"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("daginstitution")
        verbose_name_plural = _("daginstitutioner")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="institution_unique_name_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institution-detail", args=[self.public_id])

    @property
    def is_large(self) -> bool:
        """Large institutions get the resource pedagogue 4–5 times a week (Ishøj evaluation)."""
        return self.size >= 100


class Room(TenantModel):
    """A room or group (stue) inside an institution."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("navn"), max_length=100)

    class Meta:
        ordering = ["institution__name", "name"]
        verbose_name = _("stue")
        verbose_name_plural = _("stuer")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="room_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} – {self.name}"


class ResourceGroup(TenantModel):
    """A small group with extra staff inside an ordinary institution (dagtilbudsloven § 4)."""

    class Kind(models.TextChoices):
        RESOURCE_GROUP = "resource_group", _("Ressourcegruppe")
        MINI_GROUP = "mini_group", _("Minigruppe")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="resource_groups"
    )
    name = models.CharField(_("navn"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    places = models.PositiveIntegerField(_("antal pladser"))
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ressourcegruppe")
        verbose_name_plural = _("ressourcegrupper")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("resource-group-detail", args=[self.public_id])

"""The administration's directory of partners (issue 18.3): the organisations a municipality
works with and the partner people in them. A partner person is a `User` with `Role.PARTNER`;
what they may see comes only from invitations (children.PartnerInvitation, inklusio.access)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel


class OrganisationKind(models.TextChoices):
    PPR = "ppr", _("PPR / psykologer")
    SPEECH_HEARING = "speech_hearing", _("Tale-hørekonsulenter")
    THERAPISTS = "therapists", _("Terapeuter (fysio- og ergoterapi)")
    FAMILY_DEPARTMENT = "family_department", _("Familieafdelingen")
    HANDICAP_DEPARTMENT = "handicap_department", _("Handicapafdelingen")
    HEALTH_VISITORS = "health_visitors", _("Sundhedsplejen")
    MULTILINGUAL = "multilingual", _("Tosprogskonsulent")
    OTHER = "other", _("Anden")


class PartnerOrganisation(TenantModel):
    """A partner organisation; an inactive one gets no new invitations (its people keep the
    ones they have until these end)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    email = models.EmailField(_("kontakt-e-mail"), blank=True)
    phone = models.CharField(_("kontakttelefon"), max_length=30, blank=True)
    deactivated_on = models.DateField(_("deaktiveret den"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    EDITABLE_FIELDS = ("name", "kind", "email", "phone")

    class Meta:
        ordering = ["name"]
        verbose_name = _("samarbejdsorganisation")
        verbose_name_plural = _("samarbejdsorganisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="partner_organisation_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partner-organisation-edit", args=[self.public_id])

    @property
    def is_active(self) -> bool:
        return self.deactivated_on is None


class PartnerProfile(TenantModel):
    """A partner person in the directory: their `User` (name, e-mail, phone, profession) and
    the organisation they work for. Deactivating it deactivates the user, which ends all
    their access at once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_profile"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
    )
    deactivated_on = models.DateField(_("deaktiveret den"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("samarbejdspartner")
        verbose_name_plural = _("samarbejdspartnere")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("partner-person-edit", args=[self.public_id])

    @property
    def is_active(self) -> bool:
        return self.deactivated_on is None

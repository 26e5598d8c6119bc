"""Transitions (overgange): a handover packet for a child to the next place — another
institution, a resource group or minigruppe, or school (the Hedensted and Haderslev practice)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel
from inklusio.core.templatetags.danish_dates import short_date

# The receiver's access ends at the latest this many days after the handover date: long enough
# for the first weeks at the new place, short enough that the packet does not follow the child.
ACCESS_MAX_DAYS = 92


class Handover(TenantModel):
    """What the sending place hands over, shared with the receiver only with the guardians'
    consent and only until `access_until`."""

    class Kind(models.TextChoices):
        INSTITUTION = "institution", _("Anden daginstitution")
        GROUP = "group", _("Ressourcegruppe eller minigruppe")
        SCHOOL = "school", _("Skole")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="handovers")
    kind = models.CharField(_("overgang til"), max_length=12, choices=Kind.choices)
    receiving_institution = models.ForeignKey(
        "organisation.Institution",
        verbose_name=_("modtagende institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school_name = models.CharField(_("skole"), max_length=200, blank=True)
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modtager"),
        on_delete=models.PROTECT,
        related_name="received_handovers",
    )
    what_works = models.TextField(_("det, der virker"))
    next_steps = models.TextField(_("aftalte næste skridt"))
    handover_date = models.DateField(_("overgangsdato"))
    access_until = models.DateField(_("modtagerens adgang til og med"))
    consent = models.ForeignKey(
        "meetings.DiscussionConsent",
        verbose_name=_("forældrenes samtykke"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    shared_on = models.DateField(_("delt den"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("overgang")
        verbose_name_plural = _("overgange")
        ordering = ["-handover_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.receiving_place}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("handover-detail", kwargs={"public_id": self.public_id})

    @property
    def receiving_place(self) -> str:
        if self.kind == self.Kind.SCHOOL:
            return self.school_name
        return str(self.receiving_institution or "")

    def access_ended(self, on: datetime.date | None = None) -> bool:
        return (on or timezone.localdate()) > self.access_until


class HandoverMeeting(TenantModel):
    """The overgangsmøde with the receiving place: when, who took part, and a short note."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("dato"))
    participants = models.TextField(_("deltagere"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("overgangsmøde")
        verbose_name_plural = _("overgangsmøder")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return short_date(self.date)

"""Consultative meetings (konsultative møder): monthly in each institution with the resource
pedagogue, a psychologist and a speech/hearing consultant. Consent decides what may be discussed."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel
from inklusio.people.models import Profession


class DiscussionConsent(TenantModel):
    """The guardians' specific consent to discuss a named child with named professions.
    Psychologists are authorised health professionals: the consent must name them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="discussion_consents"
    )
    given_by = models.CharField(_("givet af"), max_length=200)
    given_on = models.DateField(_("givet den"))
    professions = models.JSONField(_("må drøftes med"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(_("trukket tilbage den"), null=True, blank=True)

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.child}: {', '.join(self.profession_labels)}"

    @property
    def profession_labels(self) -> list[str]:
        return [str(Profession(p).label) for p in self.professions if p in Profession.values]

    def covers(self, professions: set[str], on: datetime.date) -> bool:
        active = self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)
        return active and professions <= set(self.professions)


class ConsultativeMeeting(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "organisation.Institution", on_delete=models.PROTECT, related_name="consultative_meetings"
    )
    date = models.DateField(_("dato"))
    start_time = models.TimeField(_("kl."), default=datetime.time(13, 0))
    resource_pedagogue = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ressourcepædagog"),
    )
    partners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="consultative_meetings",
        verbose_name=_("psykolog og konsulenter"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("konsultativt møde")

    def __str__(self) -> str:
        return f"{_('Konsultativt møde')} {self.institution} {self.date:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("consultative-detail", args=[self.public_id])

    @property
    def professions(self) -> set[str]:
        return {p.profession for p in self.partners.all() if p.profession}

    @property
    def current_minutes(self) -> "MinutesVersion | None":
        """The latest version of the minutes; earlier versions stay as history."""
        return self.minutes_versions.select_related("author").order_by("-number").first()


class MinutesVersion(TenantModel):
    """One saved version of a meeting's minutes: a save adds a version, none is overwritten."""

    meeting = models.ForeignKey(
        ConsultativeMeeting, on_delete=models.CASCADE, related_name="minutes_versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(_("referat"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("referatversion")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} v{self.number}"


class AgendaItem(TenantModel):
    """About a named child (only with consent), an anonymous case, or a group."""

    class Kind(models.TextChoices):
        CHILD = "child", _("Et navngivet barn")
        ANONYMOUS = "anonymous", _("Anonym sag")
        GROUP = "group", _("En gruppe eller stue")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(ConsultativeMeeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("punktet handler om"), max_length=10, choices=Kind.choices)
    child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("barn"),
    )
    consent = models.ForeignKey(
        DiscussionConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    topic = models.TextField(_("det ønskes drøftet"))
    position = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="child", child__isnull=False, consent__isnull=False)
                | (~Q(kind="child") & Q(child__isnull=True)),
                name="named_child_only_with_consent",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display() if self.child_id is None else str(self.child)


class Recommendation(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(_("anbefaling"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]

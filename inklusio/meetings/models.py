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

from inklusio.core.models import TenantModel, TenantQuerySet
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.people.models import Profession


class ConsentQuerySet(TenantQuerySet):
    def in_force(self, on: datetime.date | None = None) -> "ConsentQuerySet":
        """Consents given on or before the day and not withdrawn by then: a withdrawal takes
        effect on the day it is made."""
        on = on or timezone.localdate()
        return self.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on), given_on__lte=on)


class DiscussionConsent(TenantModel):
    """A guardian's consent, the one record of it: to discuss a named child at consultative
    meetings with named professions, to a referral, or to a named partner's work with the child.
    Given by the guardian in Inklusio, or recorded by staff from a paper form or a conversation
    (`source`). Psychologists are authorised health professionals: the consent must name them.
    (The model keeps its first name; it now holds every scope.)"""

    class Scope(models.TextChoices):
        DISCUSSION = "discussion", _("Drøftelse på konsultative møder")
        REFERRAL = "referral", _("Indstilling til visitation")
        PARTNER = "partner", _("En navngiven samarbejdspartner")
        HANDOVER = "handover", _("Overlevering til barnets næste sted (overgang)")

    class Source(models.TextChoices):
        GUARDIAN = "guardian", _("Givet af forælderen i Inklusio")
        STAFF = "staff", _("Registreret af personalet (papir eller samtale)")

    objects = ConsentQuerySet.as_manager()

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="discussion_consents"
    )
    scope = models.CharField(
        _("samtykket gælder"), max_length=12, choices=Scope.choices, default=Scope.DISCUSSION
    )
    wording = models.TextField(_("ordlyd"), blank=True)
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("indstilling"),
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samarbejdspartner"),
    )
    source = models.CharField(
        _("hvordan"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    given_by = models.CharField(_("givet af"), max_length=200)
    given_on = models.DateField(_("givet den"))
    professions = models.JSONField(_("må drøftes med"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(_("trukket tilbage den"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trukket tilbage af"),
    )

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="referral") | Q(referral__isnull=False),
                name="referral_consent_names_referral",
            ),
            models.CheckConstraint(
                condition=~Q(scope="partner") | Q(partner__isnull=False),
                name="partner_consent_names_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child}: {self.subject or self.get_scope_display()}"

    @property
    def profession_labels(self) -> list[str]:
        return [str(Profession(p).label) for p in self.professions if p in Profession.values]

    @property
    def subject(self) -> str:
        """What the consent covers beyond its scope, in a few words (the wording has the whole
        text), shown after the scope's label. A handover consent names nothing more (the wording
        says to which place): its subject is empty, not the scope's label a second time."""
        if self.scope == self.Scope.DISCUSSION:
            return ", ".join(self.profession_labels)
        if self.scope == self.Scope.PARTNER:
            return str(self.partner)
        if self.scope == self.Scope.HANDOVER:
            return ""
        return str(self.referral.get_offer_display()) if self.referral else ""

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None and self.withdrawn_on <= timezone.localdate()

    def in_force_on(self, on: datetime.date) -> bool:
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)

    def covers(self, professions: set[str], on: datetime.date) -> bool:
        """Discussion at a meeting on `on` with these professions present."""
        return (
            self.scope == self.Scope.DISCUSSION
            and self.in_force_on(on)
            and professions <= set(self.professions)
        )


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
        return f"{_('Konsultativt møde')} {self.institution} {short_date(self.date)}"

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

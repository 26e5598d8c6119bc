"""Referrals, the visitation committee's decisions, letters, appeals and re-assessments."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.children.models import DifficultyCategory
from inklusio.core.models import TenantModel
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.referrals.periods import period_label

APPEAL_WEEKS = 4
REASSESSMENT_MONTHS = 12


class Offer(models.TextChoices):
    SUPPORT_PEDAGOGUE = "support_pedagogue", _("Støttepædagog")
    RESOURCE_GROUP_PLACE = "resource_group_place", _("Plads i ressourcegruppe/minigruppe")
    RESOURCE_COURSE = "resource_course", _("Ressourceforløb")


class LegalBasis(TenantModel):
    """The maintained list of rules a decision can rest on."""

    title = models.CharField(_("betegnelse"), max_length=100)
    text = models.TextField(
        _("indhold"), help_text=_("Reglen kort gengivet, til brug i afgørelsesbreve.")
    )
    active = models.BooleanField(_("i brug"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("lovgrundlag")
        verbose_name_plural = _("lovgrundlag")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "title"], name="legal_basis_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class VisitationPeriod(TenantModel):
    """1 April – 31 March, with the number of support-pedagogue places (Ishøj: 7)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    start = models.DateField(_("start"))
    end = models.DateField(_("slut"))
    support_places = models.PositiveIntegerField(_("pladser til støttepædagog"), default=7)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("visitationsperiode")
        verbose_name_plural = _("visitationsperioder")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "start"], name="one_period_per_start")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return period_label(self.start)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class Referral(TenantModel):
    """An indstilling: drafted, then submitted (and locked), then decided."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        SUBMITTED = "submitted", _("Indsendt")
        DECIDED = "decided", _("Afgjort")
        # Taken back by the referrer or the administration before a decision; kept, not deleted.
        WITHDRAWN = "withdrawn", _("Trukket tilbage")

    class ConsentMethod(models.TextChoices):
        WRITTEN = "written", _("Skriftligt")
        DIGITAL = "digital", _("Digitalt (fx Aula)")
        ORAL = "oral", _("Mundtligt, noteret")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="referrals")
    offer = models.CharField(_("der indstilles til"), max_length=30, choices=Offer.choices)
    resource_group = models.ForeignKey(
        "organisation.ResourceGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("ønsket ressourcegruppe"),
    )
    category = models.CharField(
        _("mest fremtrædende vanskelighed"), max_length=30, choices=DifficultyCategory.choices
    )
    description = models.TextField(_("beskrivelse af barnets vanskeligheder"))
    tried = models.TextField(_("hvad er afprøvet"), blank=True)
    consent_by = models.CharField(_("samtykke givet af"), max_length=200, blank=True)
    consent_date = models.DateField(_("samtykke givet den"), null=True, blank=True)
    consent_method = models.CharField(
        _("samtykke givet"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    duplicate_reason = models.TextField(
        _("hvorfor endnu en indstilling"),
        blank=True,
        help_text=_("Barnet har allerede en åben indstilling af samme slags."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("trukket tilbage"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trukket tilbage af"),
    )
    withdrawal_reason = models.TextField(_("hvorfor trukket tilbage"), blank=True)
    version = models.PositiveIntegerField(default=1)

    # What the referral form edits and the service saves: one list for both.
    EDITABLE_FIELDS = (
        "offer",
        "resource_group",
        "category",
        "description",
        "tried",
        "consent_by",
        "consent_date",
        "consent_method",
        "duplicate_reason",
    )
    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED)
    # A draft, or a submitted referral the committee has not decided, can be withdrawn.
    WITHDRAWABLE_STATUSES = OPEN_STATUSES

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("indstilling")
        verbose_name_plural = _("indstillinger")

    def __str__(self) -> str:
        return f"{self.get_offer_display()}: {self.child}"

    def get_absolute_url(self) -> str:
        return reverse("referral-detail", args=[self.public_id])

    @property
    def has_paper_consent(self) -> bool:
        """The form's consent fields are complete (what staff record from a paper form)."""
        return bool(self.consent_by and self.consent_date and self.consent_method)

    @property
    def has_consent(self) -> bool:
        """Consent in force today. The one record of it is a referral consent
        (`meetings.DiscussionConsent`): the form's fields make one, a guardian may give or
        withdraw one, and a withdrawal counts from the day it is made."""
        return self.consents.in_force().exists()  # type: ignore[attr-defined]

    @property
    def consent_records(self) -> list:
        """The referral's consents, newest first, for the pages that show them."""
        return list(self.consents.select_related("withdrawn_by"))  # type: ignore[attr-defined]

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT


class ReferralAddendum(TenantModel):
    """A later addition to a submitted (locked) referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("tilføjelse"))

    class Meta:
        ordering = ["created_at"]


class ReferralAttachment(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=200)
    original_name = models.CharField(_("filnavn"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class CommitteeMeeting(TenantModel):
    """A meeting of the visitation committee (visitationsudvalget)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField(_("dato"))
    period = models.ForeignKey(VisitationPeriod, on_delete=models.PROTECT, related_name="meetings")
    note = models.TextField(_("referat"), blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("visitationsmøde")
        verbose_name_plural = _("visitationsmøder")

    def __str__(self) -> str:
        return f"{_('Visitationsmøde')} {short_date(self.date)}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", args=[self.public_id])


class Decision(TenantModel):
    """An afgørelse. Changes never overwrite one: ending, re-assessing or changing a decision
    after appeal is a new decision that supersedes it."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Visitation")
        REASSESSMENT = "reassessment", _("Revurdering")
        END = "end", _("Ophør før tid")
        WITHDRAWAL = "withdrawal", _("Tilbagekaldelse")
        APPEAL_CHANGE = "appeal_change", _("Ændret efter klage")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Bevilget")
        REFUSED = "refused", _("Afslag")
        ALTERNATIVE = "alternative", _("Andet tilbud")
        CONTINUED = "continued", _("Fortsætter")
        CHANGED = "changed", _("Ændret")
        ENDED = "ended", _("Ophører")

    GRANTING = (Outcome.GRANTED, Outcome.CONTINUED, Outcome.CHANGED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The case's journal number (`services.decisions.next_case_number`): a decision that
    # supersedes another belongs to the same case and keeps its number.
    case_number = models.CharField(_("sagsnummer"), max_length=40, blank=True, db_index=True)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="decisions")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    outcome = models.CharField(_("afgørelse"), max_length=20, choices=Outcome.choices)
    offer = models.CharField(_("tilbud"), max_length=30, choices=Offer.choices)
    # The prominent difficulty as the committee saw it, kept for the statistics even if the
    # child's current category changes later.
    category = models.CharField(
        _("mest fremtrædende vanskelighed"),
        max_length=30,
        choices=DifficultyCategory.choices,
        blank=True,
    )
    resource_group = models.ForeignKey(
        "organisation.ResourceGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    alternative = models.CharField(_("andet tilbud"), max_length=300, blank=True)
    reasons = models.TextField(_("begrundelse"))
    legal_basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, verbose_name=_("lovgrundlag")
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("slut"), null=True, blank=True)
    period = models.ForeignKey(
        VisitationPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    meeting = models.ForeignKey(
        CommitteeMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("afgjort den"), default=timezone.localdate)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kontaktperson"),
    )
    reassessment_due = models.DateField(_("revurderes senest"), null=True, blank=True)
    placed_on = models.DateField(_("påbegyndt den"), null=True, blank=True)
    ended_on = models.DateField(_("ophørt den"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("afgørelse")
        verbose_name_plural = _("afgørelser")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.get_offer_display()} ({self.child})"

    def get_absolute_url(self) -> str:
        return reverse("decision-detail", args=[self.public_id])

    @property
    def is_grant(self) -> bool:
        return self.outcome in self.GRANTING

    @property
    def period_label(self) -> str:
        return self.period.label if self.period_id else ""


class DecisionLetter(TenantModel):
    """The letter to the guardians, stored as issued; re-issuing makes a new version."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveIntegerField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField(_("sendt den"), null=True, blank=True)

    class Meta:
        ordering = ["decision", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "version"], name="letter_unique_version")
        ]

    def __str__(self) -> str:
        return f"{_('Afgørelsesbrev')} v{self.version}"

    @property
    def appeal_deadline(self) -> datetime.date | None:
        """Four weeks from when the letter was sent (klagefrist)."""
        return self.sent_on + datetime.timedelta(weeks=APPEAL_WEEKS) if self.sent_on else None


class Appeal(TenantModel):
    """A complaint: the municipality reassesses first, then upholds and forwards, or changes."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Modtaget – kommunen genvurderer")
        FORWARDED = "forwarded", _("Fastholdt og sendt til Ankestyrelsen")
        CHANGED = "changed", _("Afgørelsen er ændret")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField(_("klagen modtaget den"))
    text = models.TextField(_("klagens indhold"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sagsbehandler"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reassessed_on = models.DateField(_("genvurderet den"), null=True, blank=True)
    reassessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_on = models.DateField(_("sendt til Ankestyrelsen den"), null=True, blank=True)
    upheld_reasons = models.TextField(
        _("kommunens begrundelse for at fastholde afgørelsen"), blank=True
    )
    bundle = models.BinaryField(null=True, blank=True)
    new_decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="changed_by_appeal"
    )

    class Meta:
        ordering = ["-received_on"]


class WaitingListEntry(TenantModel):
    """A referral in line for an offer that is full: a support-pedagogue place in a period, or a
    place in one resource group. First come first served by `position`, which the committee may
    change with a reason; an entry leaves the line when offered the place or taken off."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("På venteliste")
        GRANTED = "granted", _("Bevilget fra ventelisten")
        REMOVED = "removed", _("Taget af ventelisten")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="waiting_entries")
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="+")
    offer = models.CharField(_("tilbud"), max_length=30, choices=Offer.choices)
    period = models.ForeignKey(
        VisitationPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resource_group = models.ForeignKey(
        "organisation.ResourceGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ressourcegruppe"),
    )
    position = models.PositiveIntegerField(_("plads i køen"))
    added_on = models.DateField(_("på ventelisten siden"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="waiting_entry"
    )
    removed_on = models.DateField(_("taget af den"), null=True, blank=True)
    removed_reason = models.TextField(_("hvorfor taget af ventelisten"), blank=True)
    # Each move in line with its reason: {"on", "by", "from", "to", "reason"}. The audit row
    # of a move records that a reason was given; free text is kept out of the log.
    moves = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "added_on", "pk"]
        verbose_name = _("plads på ventelisten")
        verbose_name_plural = _("venteliste")

    def __str__(self) -> str:
        return f"{self.queue_label}: {self.child}"

    @property
    def queue_label(self) -> str:
        if self.offer == Offer.RESOURCE_GROUP_PLACE and self.resource_group_id:
            return str(self.resource_group)
        label = self.period.label if self.period_id else ""
        return f"{_('Støttepædagog')} {label}".strip()

    @property
    def queue_key(self) -> tuple[str, int | None]:
        """Entries with the same key wait for the same place."""
        if self.offer == Offer.RESOURCE_GROUP_PLACE:
            return (self.offer, self.resource_group_id)
        return (self.offer, self.period_id)


class CaseNumberCounter(TenantModel):
    """The last running number given to a case in a year, per municipality: locked while the
    next is taken, so two cases never share a number."""

    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_counter_per_year")
        ]

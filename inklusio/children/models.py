import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.crypto import cpr_digits, cpr_lookup_hash, decrypt_cpr, encrypt_cpr
from inklusio.core.models import TenantModel, TenantQuerySet
from inklusio.core.naming import with_kind


class DifficultyCategory(models.TextChoices):
    """The six prominent difficulty categories of the Ishøj evaluation, in its table order."""

    DEVELOPMENT = "development", _("Udvikling")
    CONTACT_BEHAVIOUR = "contact_behaviour", _("Kontakt/adfærd")
    HEARING_VISION = "hearing_vision", _("Hørelse/syn")
    ATTENTION = "attention", _("Opmærksomhed")
    MOTOR = "motor", _("Motorik")
    SPEECH_LANGUAGE = "speech_language", _("Tale/sprog")


# Daycare is for children aged 0–6: at this age a child has left it for school.
DAYCARE_LEAVING_AGE = 7


def daycare_age_limit(on: datetime.date) -> datetime.date:
    """Born on or before this day, a child has turned DAYCARE_LEAVING_AGE by `on` (a 29 February
    is taken as the 28th, since the year that many years earlier need not be a leap year)."""
    day = 28 if (on.month, on.day) == (2, 29) else on.day
    return on.replace(year=on.year - DAYCARE_LEAVING_AGE, day=day)


class ChildQuerySet(TenantQuerySet):
    def in_daycare(self) -> "ChildQuerySet":
        """Children still in daycare: those who have left keep their history but leave the
        everyday lists, forms and counts (`Child.is_in_daycare` for one child)."""
        today = timezone.localdate()
        return self.filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=today))

    def of_daycare_age(self, on: datetime.date | None = None) -> "ChildQuerySet":
        """Children aged 0–6 on a day (today by default): not yet 7 (`Child.is_of_daycare_age`
        for one child)."""
        return self.filter(birth_date__gt=daycare_age_limit(on or timezone.localdate()))

    def with_cpr(self, cpr: str) -> "ChildQuerySet":
        """Children with this CPR number, found by its keyed hash (the number is encrypted)."""
        return self.filter(cpr_hash=cpr_lookup_hash(cpr))


class Child(TenantModel):
    """A child aged 0–6. Reached by its opaque public_id, never by CPR number or row id.

    The CPR number is kept encrypted (`cpr_encrypted`, see inklusio.core.crypto) and found by its
    keyed hash (`cpr_hash`); `child.cpr` reads and sets the plain number in Python only. The
    masked form needs no decryption: its first six digits are the birth date, already stored.
    """

    objects = ChildQuerySet.as_manager()

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cpr_encrypted = models.TextField(_("CPR-nummer (krypteret)"), editable=False)
    cpr_hash = models.CharField(_("CPR-nummer (nøglet hash)"), max_length=64, editable=False)
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("efternavn"), max_length=100)
    birth_date = models.DateField(_("fødselsdato"))
    institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("daginstitution"),
    )
    room = models.ForeignKey(
        "organisation.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("stue"),
    )
    resource_group = models.ForeignKey(
        "organisation.ResourceGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("ressourcegruppe"),
    )
    languages = models.CharField(
        _("sprog"), max_length=200, blank=True, help_text=_("Fx dansk, arabisk.")
    )
    category = models.CharField(
        _("mest fremtrædende vanskelighed"),
        max_length=30,
        choices=DifficultyCategory.choices,
        blank=True,
    )
    left_on = models.DateField(
        _("forlod dagtilbuddet den"),
        null=True,
        blank=True,
        help_text=_(
            "Børn, der er gået videre (fx i skole), beholder deres historik men vises kun ved søgning."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Optimistic locking: a form carries the version it was opened at; a stale save is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("barn")
        verbose_name_plural = _("børn")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "cpr_hash"], name="child_unique_cpr_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("child-detail", args=[self.public_id])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def cpr(self) -> str:
        """The plain number, decrypted on first use (lists never need it: see masked_cpr)."""
        cached = self.__dict__.get("_cpr_plain")
        if cached is not None and cached[0] == self.cpr_encrypted:
            return cached[1]
        plain = decrypt_cpr(self.cpr_encrypted) if self.cpr_encrypted else ""
        self.__dict__["_cpr_plain"] = (self.cpr_encrypted, plain)
        return plain

    @cpr.setter
    def cpr(self, value: str) -> None:
        digits = cpr_digits(value)
        self.cpr_encrypted = encrypt_cpr(digits)
        self.cpr_hash = cpr_lookup_hash(digits)
        self.__dict__["_cpr_plain"] = (self.cpr_encrypted, digits)

    @property
    def masked_cpr(self) -> str:
        """The birth date part only (DDMMYY, from birth_date, so nothing is decrypted); the last
        four digits identify the child and are shown only on request (access.can_see_full_cpr)."""
        return f"{self.birth_date:%d%m%y}-xxxx"

    @property
    def formatted_cpr(self) -> str:
        return f"{self.cpr[:6]}-{self.cpr[6:]}"

    def is_in_daycare(self) -> bool:
        """`ChildQuerySet.in_daycare` for a child already read."""
        return self.left_on is None or self.left_on > timezone.localdate()

    def is_of_daycare_age(self) -> bool:
        """`ChildQuerySet.of_daycare_age` (today) for a child already read."""
        return self.birth_date > daycare_age_limit(timezone.localdate())

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class Guardian(TenantModel):
    """A parent or other holder of custody (indehaver af forældremyndighed)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    # Navne- og adressebeskyttelse (CPR-loven § 28): the address is kept for the municipality's
    # own use but never printed, exported or shown beside the other guardian's data.
    address_protected = models.BooleanField(
        _("navne- og adressebeskyttelse"),
        default=False,
        help_text=_("Adressen vises ikke på breve, i udtræk eller for den anden forælder."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian_profile",
        help_text=_("Forælderens egen login, hvis forælderen bruger Inklusio."),
    )
    children = models.ManyToManyField(Child, through="Guardianship", related_name="guardians")
    # Optimistic locking: a change of the contact data (or of the relation to a child) says
    # which version it started from; one made from an outdated version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("forælder")
        verbose_name_plural = _("forældre")

    # What the guardian form edits and the services save: one list for both.
    EDITABLE_FIELDS = ("name", "email", "phone", "address", "address_protected")

    def __str__(self) -> str:
        return self.name

    @property
    def shown_address(self) -> str:
        """The address as letters and exports may print it."""
        return "" if self.address_protected else self.address


class GuardianshipQuerySet(TenantQuerySet):
    def current(self, on: datetime.date | None = None) -> "GuardianshipQuerySet":
        """Guardianships in force on a day (today by default): access ends on `ended_on`."""
        on = on or timezone.localdate()
        return self.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))


class Guardianship(TenantModel):
    """A guardian's tie to a child; it grants the guardian's login access until it ends."""

    objects = GuardianshipQuerySet.as_manager()

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    has_custody = models.BooleanField(_("har forældremyndighed"), default=True)
    ended_on = models.DateField(
        _("ophørt den"),
        null=True,
        blank=True,
        help_text=_("Fra denne dag har forælderen ikke længere adgang til barnets sag."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "guardian"], name="guardianship_unique")
        ]


class PartnerInvitationQuerySet(TenantQuerySet):
    def current(self, on: datetime.date | None = None) -> "PartnerInvitationQuerySet":
        """Invitations in force on a day (today by default), both ends included, and not ended
        early: the last day is `valid_until`, so access stops by itself the day after."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on),
            ended_on__isnull=True,
        )

    def expired(self, on: datetime.date | None = None) -> "PartnerInvitationQuerySet":
        on = on or timezone.localdate()
        return self.filter(ended_on__isnull=True, valid_until__lt=on)

    def ended(self) -> "PartnerInvitationQuerySet":
        return self.filter(ended_on__isnull=False)


class PartnerInvitation(TenantModel):
    """A partner (psychologist, consultant, …) is invited for a limited time and purpose to
    exactly one thing: a child's case, one action plan, one consultative meeting or one plan
    meeting (issue 18.3). The partner sees only that, and only while the invitation runs."""

    objects = PartnerInvitationQuerySet.as_manager()

    class Scope(models.TextChoices):
        CHILD = "child", _("Barnets sag")
        PLAN = "plan", _("Handleplan")
        MEETING = "meeting", _("Konsultativt møde")
        PLAN_MEETING = "plan_meeting", _("Handleplansmøde")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scope = models.CharField(
        _("invitation til"), max_length=20, choices=Scope.choices, default=Scope.CHILD
    )
    # The child of the case, and for a plan or plan meeting the plan's child (its guardians'
    # consent still governs); empty for a consultative meeting and a course plan.
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="invitations", null=True, blank=True
    )
    plan = models.ForeignKey(
        "plans.ActionPlan",
        on_delete=models.CASCADE,
        related_name="partner_invitations",
        null=True,
        blank=True,
    )
    meeting = models.ForeignKey(
        "meetings.ConsultativeMeeting",
        on_delete=models.CASCADE,
        related_name="partner_invitations",
        null=True,
        blank=True,
    )
    plan_meeting = models.ForeignKey(
        "plans.PlanMeeting",
        on_delete=models.CASCADE,
        related_name="partner_invitations",
        null=True,
        blank=True,
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("formål"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    valid_from = models.DateField(_("gælder fra"), null=True, blank=True)
    valid_until = models.DateField(_("gælder til"), null=True, blank=True)
    ended_on = models.DateField(_("afsluttet før tid den"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    end_reason = models.CharField(_("begrundelse for afslutning"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation af samarbejdspartner")
        verbose_name_plural = _("invitationer af samarbejdspartnere")
        constraints = [
            models.CheckConstraint(
                name="invitation_one_target",
                condition=(
                    models.Q(
                        scope="child",
                        child__isnull=False,
                        plan__isnull=True,
                        meeting__isnull=True,
                        plan_meeting__isnull=True,
                    )
                    | models.Q(
                        scope="plan",
                        plan__isnull=False,
                        meeting__isnull=True,
                        plan_meeting__isnull=True,
                    )
                    | models.Q(
                        scope="meeting",
                        meeting__isnull=False,
                        plan__isnull=True,
                        plan_meeting__isnull=True,
                    )
                    | models.Q(
                        scope="plan_meeting",
                        plan_meeting__isnull=False,
                        plan__isnull=True,
                        meeting__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} – {self.get_scope_display()}"

    @staticmethod
    def describe(scope: str, target: object, child: Child | None) -> str:
        """What an invitation is to: its scope and target, the scope left out when the target's
        own name begins with it ("Handleplan for Aya", not "Handleplan: Handleplan for Aya"),
        and the child when the target is not the child itself ("Barnets sag: Aya Madsen",
        "Handleplan for Aya (Aya Madsen)")."""
        kind, shown = str(PartnerInvitation.Scope(scope).label), str(target)
        label = with_kind(kind, shown, separator=": ")
        if child is not None and target != child:
            label += f" ({child.full_name})"
        return label

    @property
    def label(self) -> str:
        return self.describe(self.scope, self.target, self.child)

    @property
    def target(self) -> models.Model | None:
        match self.scope:
            case self.Scope.PLAN:
                return self.plan
            case self.Scope.MEETING:
                return self.meeting
            case self.Scope.PLAN_MEETING:
                return self.plan_meeting
        return self.child

    def status(self, on: datetime.date | None = None) -> str:
        """'ended', 'expired', 'coming' or 'current'."""
        on = on or timezone.localdate()
        if self.ended_on is not None:
            return "ended"
        if self.valid_until is not None and self.valid_until < on:
            return "expired"
        if self.valid_from is not None and self.valid_from > on:
            return "coming"
        return "current"

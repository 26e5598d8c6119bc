import datetime
import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel, TenantQuerySet


class Role(models.TextChoices):
    """Roles of DESIGN.md; what each may see is decided in inklusio.access alone."""

    ADMINISTRATOR = "administrator", _("Forvaltning / visitationsudvalg")
    CORPS_LEADER = "corps_leader", _("Faglig leder af korpset")
    PEDAGOGUE = "pedagogue", _("Støtte- og ressourcepædagog")
    INSTITUTION_LEADER = "institution_leader", _("Daginstitutionsleder")
    STAFF = "staff", _("Pædagogisk personale")
    PARTNER = "partner", _("Samarbejdspartner")
    GUARDIAN = "guardian", _("Forælder / værge")


class Profession(models.TextChoices):
    PSYCHOLOGIST = "psychologist", _("Psykolog")
    SPEECH_CONSULTANT = "speech_consultant", _("Tale-/hørekonsulent")
    THERAPIST = "therapist", _("Fysio-/ergoterapeut")
    HEALTH_VISITOR = "health_visitor", _("Sundhedsplejerske")
    MULTILINGUAL = "multilingual", _("Flersprogskonsulent")
    FAMILY_DEPARTMENT = "family_department", _("Familie- og handicapafdeling")


class UserManager(DjangoUserManager.from_queryset(TenantQuerySet)):
    """Django's user manager with the tenant scope added."""


class User(AbstractUser):
    """One physical person: accounts are never shared, so the audit trail names a person."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("For ledere og personale: den institution, de hører til."),
    )
    profession = models.CharField(
        _("faggruppe"), max_length=30, choices=Profession.choices, blank=True
    )
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    # The identity provider's `sub` for this person (single sign-on, people.oidc): bound at the
    # first sign-in that matched the account by e-mail or username, and from then on the only
    # identity that signs in as it. Empty until then, or after the administration clears it.
    oidc_subject = models.CharField(
        _("login-id hos kommunens identitetsudbyder"),
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )

    # The day the administration closed the account (people.services.user_deactivate); empty
    # while it is open. Closing sets is_active=False, which ends every access at once.
    deactivated_on = models.DateField(_("lukket den"), null=True, blank=True, editable=False)
    # Raised by every change through the users page, so an edit started from an older version
    # is refused instead of overwriting what someone else saved meanwhile (audit.edits).
    # The database default lets code that does not know the column yet (an app server still on
    # the previous release, a migration's historical model) add users.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class PedagogueAttachmentQuerySet(TenantQuerySet):
    def current(self, on: datetime.date | None = None) -> "PedagogueAttachmentQuerySet":
        """Attachments in force on a day (today by default): the work ends on `ended_on`."""
        on = on or timezone.localdate()
        return self.filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))


class PedagogueAttachment(TenantModel):
    """A pedagogue serves an institution in one function; never both in the same institution.
    An ended attachment stays as history but no longer grants access."""

    objects = PedagogueAttachmentQuerySet.as_manager()

    class Function(models.TextChoices):
        RESOURCE = "resource", _("Ressourcefunktion")
        SUPPORT = "support", _("Støttefunktion")

    pedagogue = models.ForeignKey(User, on_delete=models.CASCADE, related_name="attachments")
    institution = models.ForeignKey(
        "organisation.Institution", on_delete=models.CASCADE, related_name="attachments"
    )
    function = models.CharField(_("funktion"), max_length=20, choices=Function.choices)
    ended_on = models.DateField(
        _("ophørt den"),
        null=True,
        blank=True,
        help_text=_("Fra denne dag har pædagogen ikke længere adgang gennem tilknytningen."),
    )

    class Meta:
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            # One current row per (pedagogue, institution) makes "both functions" impossible by
            # construction; ended rows stay as history, so a pedagogue can be attached again.
            models.UniqueConstraint(
                fields=["pedagogue", "institution"],
                condition=models.Q(ended_on__isnull=True),
                name="attachment_one_function_per_institution",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pedagogue} – {self.institution} ({self.get_function_display()})"


class ApiTokenQuerySet(TenantQuerySet):
    def usable(self, on: datetime.date | None = None) -> "ApiTokenQuerySet":
        """Tokens that still open the API: not revoked, and not past their last day."""
        on = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, expires_on__gte=on)


class ApiToken(TenantModel):
    """A personal key for the REST API (docs/api.md): it acts as its owner, under the owner's
    rights, and only within its scope. The secret is shown once; only a keyed hash of it is
    kept, found by its public prefix. Every token ends (`expires_on` is required)."""

    objects = ApiTokenQuerySet.as_manager()

    class Scope(models.TextChoices):
        READ = "read", _("Kun læse")
        READ_WRITE = "read_write", _("Læse og skrive")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        _("navn"), max_length=100, help_text=_("Fx navnet på det system, der bruger nøglen.")
    )
    prefix = models.CharField(_("præfiks"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("rettighed"), max_length=20, choices=Scope.choices)
    expires_on = models.DateField(_("udløber den"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(_("sidst brugt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_on >= timezone.localdate()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

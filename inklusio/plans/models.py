"""Action plans (handleplaner) with explicit, acknowledged agreements, light adjustments between
meetings, immutable versions and follow-ups."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.children.models import DifficultyCategory
from inklusio.core.models import Rating, TenantModel
from inklusio.core.templatetags.danish_dates import short_date

DEFAULT_FOLLOW_UP_WEEKS = 10  # "every 2–3 months"


class ActionPlan(TenantModel):
    """The plan for a child (placement, support pedagogue) or for a course (a group of children).
    Its text lives in versions; the plan row holds what is current and who owns it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Udkast")
        ACTIVE = "active", _("Aftalt")
        # A participant objected to what was agreed; the owner resolves it.
        OBJECTED = "objected", _("Indsigelse")
        CLOSED = "closed", _("Afsluttet")

    Rating = Rating
    # Agreed and followed: an objection does not suspend what was agreed while it is resolved.
    IN_FORCE = (Status.ACTIVE, Status.OBJECTED)

    # Not stored: set on the plans a list shows (selectors.plans_for), from their meetings.
    next_follow_up: datetime.date
    follow_up_overdue: bool

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    institution = models.ForeignKey(
        "organisation.Institution", on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_plans",
        verbose_name=_("ansvarlig"),
    )
    title = models.CharField(_("titel"), max_length=200)
    problem = models.TextField(_("problemstilling"))
    strategies = models.TextField(_("pædagogiske strategier og metoder"))
    duration = models.CharField(_("forventet varighed"), max_length=100)
    parent_collaboration = models.TextField(_("samarbejdet med forældrene"), blank=True)
    follow_up_how = models.CharField(
        _("opfølgning: hvordan"),
        max_length=200,
        default=_("Opfølgningsmøde med forældre og personale"),
    )
    follow_up_weeks = models.PositiveSmallIntegerField(
        _("opfølgning: hvor ofte (uger)"),
        default=DEFAULT_FOLLOW_UP_WEEKS,
        help_text=_("Normalt hver 2.–3. måned."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(_("afsluttet den"), null=True, blank=True)
    evaluation = models.TextField(_("evaluering"), blank=True)
    methods_in_practice = models.CharField(
        _("er metoderne blevet en del af hverdagen"),
        max_length=10,
        choices=Rating.choices,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("handleplan")
        verbose_name_plural = _("handleplaner")
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False, course__isnull=True)
                | Q(child__isnull=True, course__isnull=False),
                name="plan_for_child_or_course",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_weeks__gte=1), name="plan_follow_up_at_least_weekly_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan-detail", args=[self.public_id])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Goal(TenantModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("mål"), max_length=300)
    success_criterion = models.CharField(
        _("succeskriterium"), max_length=300, help_text=_("Hvordan kan vi se, at målet er nået?")
    )
    dropped = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Agreement(TenantModel):
    """Who does what by when: every agreement has an owner."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="agreements")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("aftale"), max_length=300)
    owner = models.CharField(
        _("hvem"), max_length=120, help_text=_("Fx «Stuens pædagoger», «Mor og far».")
    )
    due = models.DateField(_("senest"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanVersion(TenantModel):
    """An immutable snapshot of the whole plan; every accepted change makes one."""

    class Source(models.TextChoices):
        CREATED = "created", _("Oprettet")
        EDITED = "edited", _("Rettet")
        ADJUSTMENT = "adjustment", _("Justering mellem møderne")
        FOLLOW_UP = "follow_up", _("Opfølgning")
        RECOMMENDATION = "recommendation", _("Anbefaling fra konsultativt møde")
        REOPENED = "reopened", _("Genåbnet")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    source = models.CharField(max_length=20, choices=Source.choices)
    reason = models.CharField(_("hvorfor"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class PlanMeeting(TenantModel):
    """A handleplansmøde: the plan version agreed at it, and who was there."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Handleplansmøde")
        FOLLOW_UP = "follow_up", _("Opfølgningsmøde")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INITIAL)
    date = models.DateField(_("dato"))
    start_time = models.TimeField(_("kl."), default=datetime.time(9, 0))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="plan_meetings", verbose_name=_("deltagere")
    )
    others = models.CharField(
        _("andre deltagere"),
        max_length=300,
        blank=True,
        help_text=_("Deltagere uden login, fx en bedsteforælder."),
    )
    agreed_version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held = models.BooleanField(default=False)
    note = models.TextField(_("referat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-start_time"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {short_date(self.date)}"

    def get_absolute_url(self) -> str:
        return reverse("plan-meeting", args=[self.public_id])

    def get_acknowledge_url(self) -> str:
        """Where a participant acknowledges the agreements: the meeting's page at what was
        agreed, with the form to answer right below it (not the top of the page, nor the list
        of plans, from which it was two steps). The anchor is plans/meeting_detail.html's."""
        return f"{self.get_absolute_url()}#aftalerne"


class Acknowledgement(TenantModel):
    """A participant's explicit "I have read and agree" – or a recorded objection."""

    class Answer(models.TextChoices):
        AGREED = "agreed", _("Har læst og er enig")
        OBJECTED = "objected", _("Har indsigelser")

    meeting = models.ForeignKey(
        PlanMeeting, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    at = models.DateTimeField(default=timezone.now)
    # An objection stays on record; the plan's owner closes it with a note (or a new version).
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(_("afklaring"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="one_acknowledgement_per_person"
            )
        ]


class Adjustment(TenantModel):
    """A light change proposed between meetings; the plan's owner accepts or rejects it.
    It adds an agreement, replaces one (the new text takes its place) or ends one."""

    class Kind(models.TextChoices):
        ADD = "add", _("Ny aftale")
        REPLACE = "replace", _("Erstat en aftale")
        END = "end", _("Afslut en aftale")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Foreslået")
        ACCEPTED = "accepted", _("Godkendt")
        REJECTED = "rejected", _("Afvist")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="adjustments")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    strategies = models.TextField(_("nye strategier og metoder"), blank=True)
    kind = models.CharField(_("hvad"), max_length=10, choices=Kind.choices, default=Kind.ADD)
    # Agreements are rewritten when the plan is edited: the link is lost then (and the proposal
    # can no longer be applied), the text it named is kept for the record.
    target = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aftalen"),
    )
    target_text = models.CharField(max_length=300, blank=True)
    agreement_text = models.CharField(_("ny aftale"), max_length=300, blank=True)
    agreement_owner = models.CharField(_("hvem"), max_length=120, blank=True)
    agreement_due = models.DateField(_("senest"), null=True, blank=True)
    reason = models.CharField(_("hvorfor"), max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_recommendation = models.ForeignKey(
        "meetings.Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adjustments",
    )

    class Meta:
        ordering = ["-proposed_at"]


class GoalStatus(TenantModel):
    """A goal's status at a follow-up meeting."""

    class Status(models.TextChoices):
        ACHIEVED = "achieved", _("Nået")
        PARTLY = "partly", _("Delvist nået")
        NOT = "not", _("Ikke nået")
        DROPPED = "dropped", _("Opgivet")

    meeting = models.ForeignKey(PlanMeeting, on_delete=models.CASCADE, related_name="goal_statuses")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "goal"], name="one_status_per_goal_per_meeting"
            )
        ]


class GoalBankEntry(TenantModel):
    """A reusable goal with its success criterion and strategies, kept by the administration
    per municipality and tagged by area of difficulty (issue 16, point 8). A plan copies the
    text when it starts from an entry: the plan never changes when the entry does."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    category = models.CharField(
        _("vanskelighedsområde"), max_length=30, choices=DifficultyCategory.choices
    )
    goal = models.CharField(_("mål"), max_length=300)
    success_criterion = models.CharField(
        _("succeskriterium"), max_length=300, help_text=_("Hvordan kan vi se, at målet er nået?")
    )
    strategies = models.TextField(_("pædagogiske strategier og metoder"), blank=True)
    retired_on = models.DateField(_("udgået den"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    EDITABLE_FIELDS = ("category", "goal", "success_criterion", "strategies")

    class Meta:
        ordering = ["category", "goal"]
        verbose_name = _("mål i målbanken")
        verbose_name_plural = _("målbank")

    def __str__(self) -> str:
        return self.goal

    def get_absolute_url(self) -> str:
        return reverse("goal-bank-edit", args=[self.public_id])

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

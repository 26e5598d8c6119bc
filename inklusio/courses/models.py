"""The resource function's daily work: tasks, courses, sessions, observations, effect measures."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import Rating, TenantModel
from inklusio.core.templatetags.danish_dates import short_date

COURSE_MONTHS = 6


class Usage(models.TextChoices):
    """The seven ways the resource function is used (the evaluation, sections 1.1–1.7)."""

    OBSERVATION = "observation", _("Observation af samspil og relationer")
    PEDAGOGUE_COORDINATOR = (
        "pedagogue_coordinator",
        _("Forløb med ressourcepædagogen som tovholder"),
    )
    STAFF_COORDINATOR = (
        "staff_coordinator",
        _("Forløb med en medarbejder som tovholder, mens ressourcepædagogen dækker stuen"),
    )
    FIRE_FIGHTING = "fire_fighting", _("Brandslukning (ekstra hænder med det samme)")
    SPARRING = "sparring", _("Sparring")
    METHOD_TRIAL = "method_trial", _("Metodeafprøvning")
    PARENT_COLLABORATION = "parent_collaboration", _("Forældresamarbejde")


class ResourceTask(TenantModel):
    """A ressourceopgave: what the institution leader wants the resource function used for."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "organisation.Institution", on_delete=models.PROTECT, related_name="resource_tasks"
    )
    room = models.ForeignKey(
        "organisation.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("stue"),
    )
    problem = models.TextField(_("udfordringen på stuen eller i gruppen"))
    usage = models.CharField(
        _("ønsket brug af ressourcefunktionen"), max_length=30, choices=Usage.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ressourceopgave")
        verbose_name_plural = _("ressourceopgaver")

    def __str__(self) -> str:
        return f"{self.institution}: {self.get_usage_display()}"

    def get_absolute_url(self) -> str:
        return reverse("task-detail", args=[self.public_id])


class Course(TenantModel):
    """A ressourceforløb of one of the four types of the evaluation's table 3."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Gruppeforløb")
        INDIVIDUAL = "individual", _("Individuelt forløb")
        REFLECTION = "reflection", _("Refleksionsforløb")
        ACTION_LEARNING = "action_learning", _("Aktionslæringsforløb")

    STAFF_KINDS = (Kind.REFLECTION, Kind.ACTION_LEARNING)

    class Coordinator(models.TextChoices):
        PEDAGOGUE = "pedagogue", _("Ressourcepædagogen")
        STAFF = "staff", _("En medarbejder i institutionen")

    Rating = Rating

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "organisation.Institution", on_delete=models.PROTECT, related_name="courses"
    )
    task = models.ForeignKey(
        ResourceTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="courses"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    goals = models.TextField(
        _("mål"), help_text=_("Hvad skal forløbet føre til? Konkret og til at følge op på.")
    )
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planlagt afslutning"))
    pedagogue = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("ressourcepædagog"),
    )
    coordinator = models.CharField(
        _("tovholder"), max_length=10, choices=Coordinator.choices, default=Coordinator.PEDAGOGUE
    )
    coordinator_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbejder som tovholder"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("involverede medarbejdere"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(_("afsluttet den"), null=True, blank=True)
    goals_reached = models.CharField(
        _("nåede forløbet sine mål"), max_length=10, choices=Rating.choices, blank=True
    )
    methods_in_practice = models.CharField(
        _("er metoderne blevet en del af hverdagen"),
        max_length=10,
        choices=Rating.choices,
        blank=True,
    )
    evaluation = models.TextField(_("evaluering"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start", "title"]
        verbose_name = _("ressourceforløb")
        verbose_name_plural = _("ressourceforløb")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("start")), name="course_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course-detail", args=[self.public_id])

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def for_staff(self) -> bool:
        return self.kind in self.STAFF_KINDS

    @staticmethod
    def default_end(start: datetime.date) -> datetime.date:
        """About half a year, as the evaluation finds most courses last."""
        month = start.month - 1 + COURSE_MONTHS
        year, month = start.year + month // 12, month % 12 + 1
        return datetime.date(year, month, min(start.day, 28))


class Participant(TenantModel):
    """A child in a vulnerable position, a peer role model, or (reflection courses) a member of staff."""

    class Role(models.TextChoices):
        CASE = "case", _("Barn i udsat position")
        ROLE_MODEL = "role_model", _("Rollemodel")
        STAFF = "staff", _("Medarbejder")

    class Delivery(models.TextChoices):
        POST = "post", _("Sendt (Digital Post/Aula)")
        HANDED = "handed", _("Givet ved samtale")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="participants")
    child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_participations",
    )
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("deltager som"), max_length=10, choices=Role.choices)
    joined_on = models.DateField(_("startede den"), default=timezone.localdate)
    letter_sent_on = models.DateField(_("forældrebrev givet den"), null=True, blank=True)
    letter_delivery = models.CharField(
        _("hvordan"), max_length=10, choices=Delivery.choices, blank=True
    )

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            # One role per child per course: a child is never both a case and a role model.
            models.UniqueConstraint(
                fields=["course", "child"], name="one_role_per_child_per_course"
            ),
            models.UniqueConstraint(
                fields=["course", "staff_member"], name="staff_once_per_course"
            ),
            models.CheckConstraint(
                condition=(Q(child__isnull=False) & Q(staff_member__isnull=True) & ~Q(role="staff"))
                | (Q(child__isnull=True) & Q(staff_member__isnull=False) & Q(role="staff")),
                name="participant_is_child_or_staff",
            ),
        ]

    def __str__(self) -> str:
        name = str(self.child or self.staff_member)
        return f"{name} ({_('rollemodel')})" if self.role == self.Role.ROLE_MODEL else name

    @property
    def is_case(self) -> bool:
        return self.role == self.Role.CASE


class Session(TenantModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        HELD = "held", _("Gennemført")
        CANCELLED = "cancelled", _("Aflyst")

    class Cause(models.TextChoices):
        CALLED_TO_CENTRE = "called_to_centre", _("Pædagogen kaldt til møde på centret")
        ILLNESS = "illness", _("Sygdom")
        INSTITUTION = "institution", _("Institutionen aflyste")
        OTHER = "other", _("Andet")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("dato"))
    start_time = models.TimeField(_("kl."), default=datetime.time(9, 0))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    attendees = models.ManyToManyField(Participant, blank=True, related_name="sessions_attended")
    note = models.TextField(_("note"), blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aflyst af"),
    )
    cause = models.CharField(_("årsag"), max_length=20, choices=Cause.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Planned over a clash with the pedagogue's week (another session, the plan, an absence,
    # the centre meeting): why it was allowed anyway. Empty when nothing clashed.
    clash_reason = models.TextField(_("begrundelse for sammenfald"), blank=True)
    # Each earlier registration replaced by a correction, oldest first: {"status", "cause",
    # "note", "attendees" (participant public ids), "attendee_names", "recorded_by",
    # "recorded_at", "corrected_by", "corrected_at", "reason"}. The registration in force is the
    # session's own fields; these are its history (courses.services.session_correct).
    corrections = models.JSONField(_("tidligere registreringer"), default=list, blank=True)

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "date", "start_time"], name="one_session_per_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course}: {short_date(self.date)} {self.start_time:%H:%M}"

    @property
    def is_registered(self) -> bool:
        return self.status != self.Status.PLANNED

    @property
    def can_be_held(self) -> bool:
        """A session is recorded as held (with who took part) from its day on; before that it
        can only be cancelled, which a planned session may be in advance."""
        return self.date <= timezone.localdate()

    @property
    def history(self) -> list[dict]:
        """The earlier registrations, newest first, with their Danish status and cause."""
        statuses, causes = dict(self.Status.choices), dict(self.Cause.choices)
        return [
            {
                **entry,
                "status_display": statuses.get(entry.get("status"), entry.get("status")),
                "cause_display": causes.get(entry.get("cause"), ""),
                "recorded_on": _moment(entry.get("recorded_at")),
                "corrected_on": _moment(entry.get("corrected_at")),
            }
            for entry in reversed(self.corrections)
        ]

    @property
    def half(self) -> int:
        """The half-day of the corps' week the session takes: 0 morning, 1 afternoon."""
        return session_half(self.start_time)


def _moment(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


# The corps plans in half-days; a session starting before noon takes the morning.
AFTERNOON_FROM = datetime.time(12, 0)


def session_half(start_time: datetime.time) -> int:
    return 0 if start_time < AFTERNOON_FROM else 1


class Observation(TenantModel):
    class Focus(models.TextChoices):
        NOTE = "note", _("Kort note")
        PARTICIPATION = "participation", _("Deltagelse i børnefællesskabet")
        PLAY = "play", _("Legerelationer og venskaber")
        CONFLICT = "conflict", _("Konflikter")
        WELLBEING = "wellbeing", _("Trivsel")
        STAFF = "staff", _("Personalets praksis")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="observations")
    date = models.DateField(_("dato"), default=timezone.localdate)
    focus = models.CharField(_("fokus"), max_length=20, choices=Focus.choices, default=Focus.NOTE)
    child = models.ForeignKey(
        "children.Child",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("barn"),
    )
    text = models.TextField(_("observation"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-created_at"]


SCALE = [
    (1, _("1 – meget svært")),
    (2, "2"),
    (3, _("3 – nogenlunde")),
    (4, "4"),
    (5, _("5 – rigtig godt")),
]


class EffectMeasure(TenantModel):
    """A short structured assessment of a child at the start and at the end of a course, on the
    dimensions the evaluation names (section 2.2)."""

    class Phase(models.TextChoices):
        START = "start", _("Ved start")
        END = "end", _("Ved afslutning")

    DIMENSIONS = ("participation", "play", "conflicts", "wellbeing")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="measures")
    phase = models.CharField(max_length=5, choices=Phase.choices)
    participation = models.PositiveSmallIntegerField(
        _("deltagelse i børnefællesskabet"), choices=SCALE
    )
    play = models.PositiveSmallIntegerField(_("legerelationer og venskaber"), choices=SCALE)
    conflicts = models.PositiveSmallIntegerField(
        _("håndtering af konflikter"),
        choices=SCALE,
        help_text=_("5 = få konflikter, som barnet klarer godt."),
    )
    wellbeing = models.PositiveSmallIntegerField(_("trivsel"), choices=SCALE)
    note = models.TextField(_("note"), blank=True)
    assessed_on = models.DateField(_("vurderet den"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "phase"], name="one_measure_per_phase")
        ]

    @property
    def total(self) -> float:
        return sum(getattr(self, name) for name in self.DIMENSIONS) / len(self.DIMENSIONS)

"""Corps planning: contracts, absences, demand and the weekly plan the solver proposes."""

import datetime
import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel
from inklusio.core.templatetags.danish_dates import short_date

DAYS = [_("Mandag"), _("Tirsdag"), _("Onsdag"), _("Torsdag"), _("Fredag")]
HALVES = [_("formiddag"), _("eftermiddag")]
# A half-day's function (PlanSlot.function), as the corps leader's slot form names it.
FUNCTIONS = {"resource": _("Ressourcefunktion"), "support": _("Støttefunktion")}


def half_day_label(day: int, half: int) -> str:
    """A half-day of the week as the pages and the log name it: "Fredag eftermiddag"."""
    return f"{DAYS[day]} {HALVES[half]}"


def place_label(institution_name: str, function: str) -> str:
    """Where a half-day is spent, "Bøgely (…)": the log gives the function's code, the pages
    its name."""
    return f"{institution_name} ({function})"


class Contract(TenantModel):
    """A pedagogue's week (footnote 27 of the Ishøj evaluation): 37 hours, 32 of them in
    institutions, 2.5 meetings at the centre, 1 action learning, 1.5 other."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pedagogue = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contract"
    )
    weekly_hours = models.DecimalField(
        _("timer pr. uge"), max_digits=4, decimal_places=1, default=Decimal("37")
    )
    institution_hours = models.DecimalField(
        _("timer i institutioner"), max_digits=4, decimal_places=1, default=Decimal("32")
    )
    centre_meeting_hours = models.DecimalField(
        _("møder i centret"), max_digits=4, decimal_places=1, default=Decimal("2.5")
    )
    action_learning_hours = models.DecimalField(
        _("aktionslæring"), max_digits=4, decimal_places=1, default=Decimal("1")
    )
    other_hours = models.DecimalField(
        _("andet"), max_digits=4, decimal_places=1, default=Decimal("1.5")
    )
    support_share_percent = models.PositiveSmallIntegerField(
        _("andel til støttefunktionen (%)"),
        default=33,
        help_text=_("Ishøj fordeler 33 % til støtte og 67 % til ressourcefunktionen."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("kontrakt")
        verbose_name_plural = _("kontrakter")

    def __str__(self) -> str:
        return f"{self.pedagogue} ({self.weekly_hours} t)"

    def get_absolute_url(self) -> str:
        return reverse("planning-contract", args=[self.public_id])

    @property
    def hours_add_up(self) -> bool:
        parts = (
            self.institution_hours
            + self.centre_meeting_hours
            + self.action_learning_hours
            + self.other_hours
        )
        return parts == self.weekly_hours


class Absence(TenantModel):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Ferie")
        COURSE = "course", _("Kursus")
        ILLNESS = "illness", _("Sygdom")
        CENTRE = "centre", _("Indkaldt til centret")
        OTHER = "other", _("Andet")

    class Part(models.TextChoices):
        WHOLE_DAY = "day", _("Hele dagen")
        MORNING = "am", _("Formiddag")
        AFTERNOON = "pm", _("Eftermiddag")

    pedagogue = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    start = models.DateField(_("fra"))
    end = models.DateField(_("til og med"))
    part = models.CharField(_("del af dagen"), max_length=3, choices=Part.choices, default="day")
    kind = models.CharField(_("årsag"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("fravær")
        verbose_name_plural = _("fravær")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="absence_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pedagogue}: {self.get_kind_display()} {self.start}–{self.end}"

    def halves(self) -> tuple[int, ...]:
        return {"day": (0, 1), "am": (0,), "pm": (1,)}[self.part]

    def half_days(self, week_start: datetime.date) -> set[tuple[int, int]]:
        """The (weekday, half) pairs of the week starting `week_start` that the absence covers."""
        return {
            (index, half)
            for index in range(5)
            if self.start <= week_start + datetime.timedelta(days=index) <= self.end
            for half in self.halves()
        }

    @property
    def is_over(self) -> bool:
        return self.end < timezone.localdate()

    def plans_during(self) -> models.QuerySet["WeeklyPlan"]:
        """The current (proposed or published) weekly plans of the weeks the absence touches."""
        return WeeklyPlan.objects.filter(
            municipality_id=self.municipality_id,
            week_start__lte=self.end,
            week_start__gte=self.start - datetime.timedelta(days=4),
        ).exclude(status=WeeklyPlan.Status.REPLACED)


class DemandRule(TenantModel):
    """How an institution's size becomes resource half-days a week (editable per municipality):
    small institutions 2–3 visits a week, large 4–5, often whole days (Ishøj evaluation)."""

    large_from_size = models.PositiveIntegerField(
        _("stor institution fra (antal børn)"), default=100
    )
    small_half_days = models.PositiveSmallIntegerField(
        _("halve dage, lille institution"), default=3
    )
    large_half_days = models.PositiveSmallIntegerField(_("halve dage, stor institution"), default=6)
    support_half_days_per_child = models.PositiveSmallIntegerField(
        _("halve dage pr. barn med støttepædagog"),
        default=3,
        help_text=_("10–12 timer om ugen svarer til 3 halve dage."),
    )
    centre_meeting_day = models.PositiveSmallIntegerField(
        _("centermøde, ugedag"), default=1, help_text=_("0 = mandag … 4 = fredag")
    )
    centre_meeting_half = models.PositiveSmallIntegerField(
        _("centermøde, halvdel"), default=1, help_text=_("0 = formiddag, 1 = eftermiddag")
    )

    class Meta:
        verbose_name = _("behovsregel")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"], name="one_demand_rule_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return str(_("Behovsregel"))

    def resource_half_days(self, institution) -> int:
        override = getattr(institution, "resource_override", None)
        if override is not None:
            return override.half_days
        return (
            self.large_half_days
            if institution.size >= self.large_from_size
            else self.small_half_days
        )


class InstitutionDemandOverride(TenantModel):
    institution = models.OneToOneField(
        "organisation.Institution", on_delete=models.CASCADE, related_name="resource_override"
    )
    half_days = models.PositiveSmallIntegerField(_("halve dage pr. uge"))


# Why the solver stopped (`inklusio.planning.solver.solve`); "FEASIBLE" is kept for plans made
# before the planner said which limit stopped it. "REPLANNED" is a revision made by
# `services.replan_absence`: the smallest change of the plan it came from, not a calculation of
# the whole week, so it claims no optimality and has no bound or gap of its own.
SOLVER_STATUSES = {
    "OPTIMAL": _("Den bedst mulige plan (bevist)"),
    "DETERMINISTIC_LIMIT": _(
        "En gyldig plan; beregningen stoppede ved sin faste arbejdsgrænse (ikke bevist den bedst mulige)"
    ),
    "WALL_CLOCK_LIMIT": _(
        "En gyldig plan; beregningen stoppede ved tidsgrænsen (ikke bevist den bedst mulige)"
    ),
    "NO_SOLUTION": _(
        "En gyldig plan efter den enkle fordelingsregel; optimeringen fandt ingen plan i tide"
    ),
    "FEASIBLE": _("En gyldig plan (ikke bevist den bedst mulige)"),
    "REPLANNED": _("Omplanlagt efter fravær (ikke beregnet som helhed)"),
}
REPLANNED = "REPLANNED"

# Why a new plan left a manual edit out (the "reason" of WeeklyPlan.edits_dropped).
DROPPED_ABSENT = "absent"
DROPPED_CENTRE_MEETING = "centre_meeting"
DROPPED_HOLIDAY = "holiday"
# The edit's pedagogue is no longer in the corps (deactivated, or no longer a pedagogue).
DROPPED_LEFT_CORPS = "left_corps"


def week_has_ended(week_start: datetime.date) -> bool:
    """The week starting `week_start` (a Monday) is over: its Sunday has passed."""
    return week_start + datetime.timedelta(days=7) <= timezone.localdate()


class WeeklyPlan(TenantModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Forslag")
        PUBLISHED = "published", _("Offentliggjort")
        REPLACED = "replaced", _("Erstattet")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    week_start = models.DateField(_("uge, mandag"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions"
    )
    solver_status = models.CharField(max_length=20, blank=True)
    objective = models.FloatField(null=True)
    best_bound = models.FloatField(null=True)
    gap = models.FloatField(null=True)
    solve_seconds = models.FloatField(null=True)
    pairs_changed = models.PositiveIntegerField(default=0)
    shortage = models.JSONField(default=list, blank=True)
    unmet = models.JSONField(default=dict, blank=True)
    lost = models.JSONField(default=list, blank=True)
    # Course sessions the plan cannot keep (absence, centre meeting, another lock): each with
    # its course, day, half and why, so the corps leader moves or cancels them in time.
    broken_sessions = models.JSONField(default=list, blank=True)
    # Manual edits of the plan it was calculated from that it does not keep, as no one is planned
    # in an institution on the half-day: their pedagogue has since been recorded absent or has
    # left the corps, or it is the centre meeting or a public holiday. Each with pedagogue, day,
    # half, date, institution and reason (DROPPED_ABSENT, …; missing on plans stored before it
    # was kept: absent), so the corps leader knows the edit is gone (`selectors.edits_dropped`).
    edits_dropped = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True)
    # Optimistic locking of the manual edits: raised by every change of the plan's half-days
    # (`slot_set`) and by its replacement (a new calculation, a re-plan, another publication).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-week_start", "-created_at"]
        verbose_name = _("ugeplan")
        verbose_name_plural = _("ugeplaner")
        constraints = [
            # One open proposal a week: a second calculation of the week replaces it or is
            # refused (planning.services.plan_week), even when two are stored at once.
            models.UniqueConstraint(
                fields=["municipality", "week_start"],
                condition=models.Q(status="proposed"),
                name="one_open_proposal_per_week",
            )
        ]

    def __str__(self) -> str:
        return f"{_('Uge')} {self.week_start.isocalendar().week} ({short_date(self.week_start)})"

    def get_absolute_url(self) -> str:
        return reverse("planning-plan", args=[self.public_id])

    @property
    def solver_status_display(self) -> str:
        """The solver's status in words a corps leader uses."""
        return str(SOLVER_STATUSES.get(self.solver_status, self.solver_status or "–"))

    @property
    def gap_percent(self) -> float | None:
        return None if self.gap is None else round(100 * self.gap, 1)

    @property
    def in_force(self) -> bool:
        """The week's published plan, not yet replaced: the one the pedagogues, the institutions
        and the calendars go by."""
        return self.status == WeeklyPlan.Status.PUBLISHED

    @property
    def has_ended(self) -> bool:
        """The week is over: its plan is the one the corps worked by, and is kept as it was."""
        return week_has_ended(self.week_start)

    @property
    def week_number(self) -> int:
        return self.week_start.isocalendar().week

    def day(self, index: int) -> datetime.date:
        return self.week_start + datetime.timedelta(days=index)

    def newest_version(self) -> "WeeklyPlan":
        """The plan that took this one's place, if it has been replaced: the revision made from
        it (a new calculation, a re-plan), or else the week's plan published after it; itself
        while it is current, or when nothing newer can be found."""
        plan = self
        seen = {plan.pk}
        while plan.status == WeeklyPlan.Status.REPLACED:
            successor = plan.revisions.order_by("-created_at").first() or (
                WeeklyPlan.objects.filter(
                    municipality_id=plan.municipality_id,
                    week_start=plan.week_start,
                    status=WeeklyPlan.Status.PUBLISHED,
                ).first()
            )
            if successor is None or successor.pk in seen:
                break
            seen.add(successor.pk)
            plan = successor
        return plan


class PlanSlot(TenantModel):
    """One pedagogue's half-day: where and in which function, or a manual lock."""

    plan = models.ForeignKey(WeeklyPlan, on_delete=models.CASCADE, related_name="slots")
    pedagogue = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    day = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField()
    institution = models.ForeignKey(
        "organisation.Institution", on_delete=models.PROTECT, related_name="+"
    )
    function = models.CharField(max_length=10)
    child = models.ForeignKey(
        "children.Child", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked = models.BooleanField(default=False)
    # Locked because a course session is planned here (not by a manual edit): a new
    # calculation takes these from the sessions of the moment, not from the earlier plan.
    for_session = models.BooleanField(default=False)

    class Meta:
        ordering = ["pedagogue_id", "day", "half"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "pedagogue", "day", "half"], name="one_place_per_half_day"
            )
        ]


class CalendarFeed(TenantModel):
    """A secret URL from which a pedagogue's calendar program reads their week."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planning_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)

    def get_absolute_url(self) -> str:
        return reverse("planning-feed", args=[self.token])

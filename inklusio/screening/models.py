"""Early detection (tidlig opsporing): a screening round per room, twice a year, in which the
staff who know the children give each child a traffic light (green, yellow, red) for
well-being and for development, TOPI-like; yellow and red lead to a follow-up chosen per child.

The rounds give the measure of preventive work the Ishøj evaluation could not document: how
many children were found early, and what was done about them."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel


class Light(models.TextChoices):
    GREEN = "green", _("Grøn")
    YELLOW = "yellow", _("Gul")
    RED = "red", _("Rød")


# Worst first: a child's overall light is the worse of its two.
LIGHT_ORDER: dict[str, int] = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


class FollowUp(models.TextChoices):
    ROOM = "room", _("Handling på stuen")
    MEETING = "meeting", _("Punkt på konsultativt møde")
    REFERRAL = "referral", _("Indstilling")


class Half(models.IntegerChoices):
    SPRING = 1, _("1. halvår")
    AUTUMN = 2, _("2. halvår")


class ScreeningRound(TenantModel):
    """One room's screening in one half of a year: opened, filled, closed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        "organisation.Institution",
        on_delete=models.PROTECT,
        related_name="screening_rounds",
        verbose_name=_("daginstitution"),
    )
    room = models.ForeignKey(
        "organisation.Room",
        on_delete=models.PROTECT,
        related_name="screening_rounds",
        verbose_name=_("stue"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    half = models.PositiveSmallIntegerField(_("halvår"), choices=Half.choices)
    opened_on = models.DateField(_("åbnet den"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("afsluttet den"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: the round's form carries the version it was opened at.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "-half", "room__name"]
        verbose_name = _("screeningsrunde")
        verbose_name_plural = _("screeningsrunder")
        constraints = [
            models.UniqueConstraint(
                fields=["room", "year", "half"], name="screening_round_once_per_half_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.room.name}, {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("screening-round", args=[self.public_id])

    @property
    def period_label(self) -> str:
        return f"{self.get_half_display()} {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class ScreeningRating(TenantModel):
    """One child's lights in a round, and for yellow or red the follow-up chosen."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(
        ScreeningRound, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("runde")
    )
    child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        related_name="screening_ratings",
        verbose_name=_("barn"),
    )
    wellbeing = models.CharField(_("trivsel"), max_length=10, choices=Light.choices)
    development = models.CharField(_("udvikling"), max_length=10, choices=Light.choices)
    follow_up = models.CharField(
        _("opfølgning"), max_length=10, choices=FollowUp.choices, blank=True
    )
    action = models.CharField(_("handling på stuen"), max_length=200, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_on = models.DateField(_("vurderet den"))

    class Meta:
        ordering = ["round", "child__first_name", "child__last_name"]
        verbose_name = _("screeningsvurdering")
        verbose_name_plural = _("screeningsvurderinger")
        constraints = [
            models.UniqueConstraint(fields=["round", "child"], name="screening_rating_once")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.get_wellbeing_display()}/{self.get_development_display()}"

    @property
    def light(self) -> str:
        """The worse of the two lights: what the distribution counts."""
        return max(self.wellbeing, self.development, key=lambda light: LIGHT_ORDER[light])

    @property
    def needs_follow_up(self) -> bool:
        return self.light != Light.GREEN

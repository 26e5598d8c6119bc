"""The register of data-subject requests (GDPR art. 15): who asked about which child, when, by
when the answer is due (art. 12(3): one month, extendable by two more with a reason) and how
it was answered."""

from __future__ import annotations

import calendar
import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel
from inklusio.core.templatetags.danish_dates import short_date

ANSWER_MONTHS = 1
EXTENDED_MONTHS = 3  # art. 12(3): "may be extended by two further months"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class DataRequest(TenantModel):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Modtaget")
        EXTENDED = "extended", _("Fristen forlænget")
        ANSWERED = "answered", _("Besvaret med udtræk")
        REFUSED = "refused", _("Afvist")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="data_requests"
    )
    requester = models.CharField(_("anmoder"), max_length=200)
    received_on = models.DateField(_("modtaget den"))
    deadline = models.DateField(_("frist"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(_("begrundelse"), blank=True)
    answered_on = models.DateField(_("besvaret den"), null=True, blank=True)
    export_job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("indsigtsanmodning")
        verbose_name_plural = _("indsigtsanmodninger")
        indexes = [
            models.Index(fields=["municipality", "status", "deadline"], name="datarequest_open")
        ]

    def __str__(self) -> str:
        return f"{_('Indsigtsanmodning')} {short_date(self.received_on)}"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.RECEIVED, self.Status.EXTENDED}

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())

"""Short messages between a child's guardians and the staff on the child's action plan, kept
with the plan (and so with the case, its export and its retention)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.models import TenantModel
from inklusio.core.templatetags.danish_dates import short_date

MAX_MESSAGE_CHARS = 2000


class Message(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        "plans.ActionPlan",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("handleplan"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("fra")
    )
    text = models.TextField(_("besked"), max_length=MAX_MESSAGE_CHARS)
    created_at = models.DateTimeField(_("sendt"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("besked")
        verbose_name_plural = _("beskeder")

    def __str__(self) -> str:
        sent = timezone.localtime(self.created_at)
        return f"{self.author} {short_date(sent.date())} {sent:%H:%M}"


class MessageRead(TenantModel):
    """How far a person has read a plan's messages: later messages from others are unread."""

    plan = models.ForeignKey(
        "plans.ActionPlan", on_delete=models.CASCADE, related_name="+", verbose_name=_("handleplan")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("læser"),
    )
    read_until = models.DateTimeField(_("læst til og med"))

    class Meta:
        verbose_name = _("læst besked")
        verbose_name_plural = _("læste beskeder")
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="message_read_once_per_plan")
        ]

    def __str__(self) -> str:
        until = timezone.localtime(self.read_until)
        return f"{self.user}: {short_date(until.date())} {until:%H:%M}"

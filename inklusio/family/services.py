"""Messages between a child's guardians and the staff on the child's plan."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.errors import DomainError
from inklusio.family.models import MAX_MESSAGE_CHARS, Message, MessageRead
from inklusio.people.models import User
from inklusio.plans.models import ActionPlan


class MessageRefused(DomainError):
    """An empty or too long message, or a plan that takes no more messages."""


def _mark_read(*, user: User, plan: ActionPlan, until: datetime.datetime) -> None:
    MessageRead.objects.update_or_create(
        plan=plan,
        user=user,
        defaults={"read_until": until, "municipality_id": plan.municipality_id},
    )


def message_send(*, actor: User, plan: ActionPlan, text: str) -> Message:
    """A short message on the child's plan, for its guardians and the staff on the plan. The
    others get an e-mail that says only that a message is waiting (no child data by e-mail).
    Writing marks the thread as read for the writer."""
    text = text.strip()
    if not text:
        raise MessageRefused(_("Skriv beskeden, før du sender den."))
    if len(text) > MAX_MESSAGE_CHARS:
        raise MessageRefused(
            _("Beskeden er for lang: højst %(max)s tegn (den har %(count)s).")
            % {"max": MAX_MESSAGE_CHARS, "count": len(text)}
        )
    with transaction.atomic():
        # Checked in the transaction: a guardianship or plan that just ended takes no message.
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if not access.can_send_message(actor, locked):
            raise MessageRefused(
                _("Handleplanen er afsluttet; der kan ikke skrives flere beskeder.")
            )
        message = Message.objects.create(
            municipality_id=locked.municipality_id, plan=locked, author=actor, text=text
        )
        _mark_read(user=actor, plan=locked, until=message.created_at)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=message,
            child=locked.child,
            changes={"plan": str(locked.public_id), "length": len(text)},
        )
        transaction.on_commit(lambda: _notify(message.pk))
    return message


def _notify(message_id: int) -> None:
    from inklusio.family.tasks import message_notify

    message_notify.enqueue(message_id)


def messages_mark_read(*, actor: User, plan: ActionPlan) -> MessageRead:
    """'Markér som læst': the unread count on the start page goes down for this plan."""
    with transaction.atomic():
        now = timezone.now()
        _mark_read(user=actor, plan=plan, until=now)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=plan,
            child=plan.child,
            object_type="messageread",
            changes={"read_until": now.isoformat()},
        )
    return MessageRead.objects.get(plan=plan, user=actor)

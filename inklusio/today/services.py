"""Reminders: one e-mail per user when something new awaits them, and the user's choice to
receive them. An e-mail says only that something awaits, with a link: never a child's name,
CPR number or case text, since e-mail leaves the municipality's systems (issue 16, point 6)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.people.models import User
from inklusio.today.models import Reminder, ReminderSetting
from inklusio.today.selectors import reminder_items


def reminder_setting_set(*, actor: User, email: bool) -> ReminderSetting:
    """A user turns their own e-mail reminders on or off."""
    with transaction.atomic():
        setting: ReminderSetting
        setting, _created = ReminderSetting.objects.select_for_update().get_or_create(
            user=actor, defaults={"municipality_id": actor.municipality_id}
        )
        before = setting.email
        setting.email = email
        setting.save(update_fields=["email"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=setting,
            changes={"email": {"before": before, "after": email}},
        )
    return setting


def reminder_send(*, actor: User) -> Reminder | None:
    """Remind `actor` by e-mail of what awaits them, at most once per item and due date.

    Nothing is sent when nothing new awaits, when the user has turned e-mail reminders off,
    has no e-mail address, or is no longer one the list is for. The rows are claimed before
    the e-mail goes in the same transaction: a failed send leaves nothing claimed (the next
    round tries again), and a second round, or a second sweeper at the same time, finds the
    items taken and sends nothing. Returns the first reminder row written, or None.
    """
    municipality_id = actor.municipality_id
    if municipality_id is None or not access.can_use_today(actor) or not actor.email:
        return None
    if ReminderSetting.objects.filter(user=actor, email=False).exists():
        return None
    items = reminder_items(actor)
    now = timezone.now()
    try:
        with transaction.atomic():
            taken = set(Reminder.objects.filter(user=actor).values_list("key", "due"))
            new = [
                Reminder(
                    municipality_id=municipality_id,
                    user=actor,
                    key=item.key,
                    due=item.date,
                    sent_at=now,
                )
                for item in items
                if (item.key, item.date) not in taken
            ]
            if not new:
                return None
            for reminder in new:
                reminder.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=new[0],
                object_type="reminder",
                changes={"items": len(new), "waiting": len(items)},
            )
            _send(actor, waiting=len(items))
    except IntegrityError:
        # Another round reminded the same items a moment ago.
        return None
    return new[0]


def _send(user: User, *, waiting: int) -> None:
    context = {
        "count": waiting,
        "url": settings.BASE_URL + reverse("today"),
        "settings_url": settings.BASE_URL + reverse("reminder-settings"),
    }
    # Reminders go out from the task runner, where no request chose a language: Danish.
    with translation.override("da"):
        subject = render_to_string("today/email/reminder_subject.txt", context).strip()
        body = render_to_string("today/email/reminder_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])

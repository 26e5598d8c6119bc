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
    """A user turns their own e-mail reminders on or off; saving the choice unchanged changes
    nothing and logs nothing."""
    with transaction.atomic():
        setting: ReminderSetting
        setting, created = ReminderSetting.objects.select_for_update().get_or_create(
            user=actor, defaults={"municipality_id": actor.municipality_id}
        )
        before = setting.email
        if before == email and not created:
            return setting
        setting.email = email
        setting.save(update_fields=["email"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=setting,
            # Not "email": that name is redacted in the log, as it holds addresses elsewhere.
            changes={"email_reminders": {"before": before, "after": email}},
        )
    return setting


def reminder_send(*, actor: User) -> Reminder | None:
    """Remind `actor` by e-mail of what awaits them, at most once per item and due date.

    Nothing is sent when nothing new awaits, when the user has turned e-mail reminders off,
    has no e-mail address, or is no longer one the list is for. The user's row is locked first,
    so two rounds at once (two sweepers, a round by hand) are served one after the other and
    the second finds the items taken. The rows are claimed in the transaction the e-mail is
    handed over in: a failed send claims nothing, and the next round tries again. Returns the
    first reminder row written, or None.
    """
    try:
        with transaction.atomic():
            user = User.objects.select_for_update(no_key=True).get(pk=actor.pk)
            municipality_id = user.municipality_id
            if municipality_id is None or not user.email or not access.can_use_today(user):
                return None
            if ReminderSetting.objects.filter(user=user, email=False).exists():
                return None
            items = reminder_items(user)
            taken = set(Reminder.objects.filter(user=user).values_list("key", "due"))
            now = timezone.now()
            new = [
                Reminder(
                    municipality_id=municipality_id,
                    user=user,
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
                actor=user,
                action=AuditAction.CREATE,
                obj=new[0],
                object_type="reminder",
                changes={"items": len(new), "waiting": len(items)},
            )
            _send(user, waiting=len(items))
    except IntegrityError:
        # The unique key is the last guard: another round claimed the same items first.
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

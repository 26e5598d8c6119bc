"""The e-mail that a message is waiting, sent by the task runner (`manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from inklusio.family import selectors


@task()
def message_notify(message_id: int) -> int:
    """One e-mail per other person on the thread with an address. It names no child, no plan
    and no text: only that a message is waiting and where to sign in."""
    recipients = selectors.message_recipients(message_id)
    context = {"url": settings.BASE_URL + reverse("start")}
    # No request chose a language here: Danish, as the reminders.
    with translation.override("da"):
        subject = render_to_string("family/email/message_subject.txt", context).strip()
        body = render_to_string("family/email/message_body.txt", context)
    for address in recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return len(recipients)

"""Signing a person out everywhere at once, for the services that end an account's access
(people.services.user_deactivate, partners.services.partner_deactivate)."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions(user_id: int) -> int:
    """Delete every stored session signed in as the user (through the session engine, so a
    cached copy goes too) and return how many: the person is signed out on their next request,
    whichever backend signed them in. mozilla-django-oidc's backend does not check is_active
    when it reads a session's user, so a single sign-on session would otherwise outlive a
    closed account. Sessions carry no user column, so the live ones are read and decoded."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user_id):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended

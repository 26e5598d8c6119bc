"""Sign-ins, sign-outs and refused sign-ins in the log.

Django announces these only as signals (`django.contrib.auth.signals`), so here, and only
here, the log listens instead of being called. The password is never read: Django replaces
it in `credentials` before the signal, and only the username is used.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_failed_sign_in, audit_sign_in


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def log_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_sign_in(user=user, action=AuditAction.LOGIN)


@receiver(user_logged_out, dispatch_uid="audit_user_logged_out")
def log_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        audit_sign_in(user=user, action=AuditAction.LOGOUT)


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def log_failed_sign_in(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    username = credentials.get(get_user_model().USERNAME_FIELD) or ""
    audit_failed_sign_in(username=str(username)[:150])

"""State changes of users."""

from django.db import transaction
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.people.models import User


class SubjectAlreadyBound(Exception):
    """The account is bound to another identity at the municipality's identity provider."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Din bruger i Inklusio er knyttet til et andet login hos kommunens "
                "identitetsudbyder. Kontakt kommunens administrator af Inklusio."
            )
        )


def user_bind_oidc_subject(*, actor: User, user: User, subject: str) -> User:
    """Binds an account to the identity provider's `sub` at its first single sign-on: from then
    on only that identity signs in as it, even if the e-mail address it was matched by moves to
    someone else (docs/single-sign-on.md)."""
    with transaction.atomic():
        locked: User = User.objects.select_for_update().get(pk=user.pk)
        if locked.oidc_subject == subject:
            return locked  # a sign-in in another tab bound it first
        if locked.oidc_subject is not None:
            raise SubjectAlreadyBound()
        locked.oidc_subject = subject
        locked.save(update_fields=["oidc_subject"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            changes={"oidc_subject": {"before": None, "after": subject}},
        )
    return locked


def user_unbind_oidc_subject(*, actor: User, user: User) -> User:
    """Forgets the account's provider subject (the person got a new account at the provider,
    or the municipality moved to another provider): the next single sign-on matches the
    account by its claim again and binds the new `sub`."""
    with transaction.atomic():
        locked: User = User.objects.select_for_update().get(pk=user.pk)
        if locked.oidc_subject is None:
            return locked  # nothing bound: no change to record
        before = locked.oidc_subject
        locked.oidc_subject = None
        locked.save(update_fields=["oidc_subject"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            changes={"oidc_subject": {"before": before, "after": None}},
        )
    return locked

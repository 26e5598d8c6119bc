"""Changes to how a person signs in: the second factor, passwords, sessions that end, and the
account's binding to the municipality's identity provider (single sign-on); the administration's
changes to staff accounts, and the corps' attachments of pedagogues to institutions, which a
closed account or a move out of the pedagogue role ends as well.

Every change writes one audit row in its own transaction. A refused code is logged as well,
so the failure is committed before the error is raised (the error must not roll it back). No
secret (key, code, password) is ever written to the log.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inklusio import access
from inklusio.audit.edits import refuse_outdated, save_next_version
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.core.errors import DomainError
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.people import api_tokens
from inklusio.people.models import ApiToken, PedagogueAttachment, Role, User
from inklusio.people.sessions import end_sessions

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6
# One step (30 s) either side: a phone clock a little off still works.
TOTP_TOLERANCE = 1
SECOND_FACTOR = "second_factor"
_TOTP_SHAPE = re.compile(r"^\d{6}$")


class SecondFactorRefused(DomainError):
    """The code did not match (or too many wrong codes were tried just now)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice | StaticDevice
    method: str  # "totp" or "recovery_code"
    recovery_codes_left: int


def _clean(token: str) -> str:
    return re.sub(r"\s+", "", token).lower()


def second_factor_enrol(*, actor: User, key: str, token: str) -> list[str]:
    """Sets up the authenticator app whose key is `key` (hex) once it shows the right code,
    replacing any earlier one, with fresh one-time recovery codes; returns the codes, which
    are shown once and never again."""
    token = _clean(token)
    totp = TOTP(bytes.fromhex(key), digits=TOTP_DIGITS)
    matched = bool(_TOTP_SHAPE.match(token)) and totp.verify(int(token), TOTP_TOLERANCE)
    with transaction.atomic():
        User.objects.select_for_update(no_key=True).get(pk=actor.pk)
        if not matched:
            audit_record(
                actor=actor,
                action=AuditAction.LOGIN_FAILED,
                obj=actor,
                object_type=SECOND_FACTOR,
                changes={"step": "enrol"},
            )
            codes: list[str] = []
        else:
            TOTPDevice.objects.filter(user=actor).delete()
            StaticDevice.objects.filter(user=actor).delete()
            TOTPDevice.objects.create(
                user=actor,
                name="Autentificeringsapp",
                key=key,
                digits=TOTP_DIGITS,
                tolerance=TOTP_TOLERANCE,
                last_t=totp.t(),
                confirmed=True,
            )
            recovery = StaticDevice.objects.create(
                user=actor, name="Gendannelseskoder", confirmed=True
            )
            codes = [StaticToken.random_token() for _n in range(RECOVERY_CODE_COUNT)]
            StaticToken.objects.bulk_create(
                [StaticToken(device=recovery, token=code) for code in codes]
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=actor,
                object_type=SECOND_FACTOR,
                changes={"step": "enrol", "recovery_codes": RECOVERY_CODE_COUNT},
            )
    if not matched:
        raise SecondFactorRefused(
            _("Koden passer ikke. Skriv den sekscifrede kode, som appen viser lige nu.")
        )
    return codes


def second_factor_verify(*, actor: User, token: str) -> Verified:
    """The step after the password: a code from the app, or one of the recovery codes, which
    then stops working. Wrong codes slow further tries down (django-otp's throttling)."""
    token = _clean(token)
    throttled = False
    verified: Verified | None = None
    with transaction.atomic():
        User.objects.select_for_update(no_key=True).get(pk=actor.pk)
        if _TOTP_SHAPE.match(token):
            devices: list[TOTPDevice | StaticDevice] = list(
                TOTPDevice.objects.filter(user=actor, confirmed=True)
            )
            method = "totp"
        else:
            devices = list(StaticDevice.objects.filter(user=actor, confirmed=True))
            method = "recovery_code"
        for device in devices:
            if not device.verify_is_allowed()[0]:
                throttled = True
                continue
            if token and device.verify_token(token):
                left = StaticToken.objects.filter(device__user=actor).count()
                verified = Verified(device=device, method=method, recovery_codes_left=left)
                break
        changes: dict[str, object] = {"step": "verify", "method": method}
        if verified is None:
            audit_record(
                actor=actor,
                action=AuditAction.LOGIN_FAILED,
                obj=actor,
                object_type=SECOND_FACTOR,
                changes={**changes, "throttled": throttled},
            )
        else:
            if method == "recovery_code":
                changes["recovery_codes_left"] = verified.recovery_codes_left
            audit_record(
                actor=actor,
                action=AuditAction.LOGIN,
                obj=actor,
                object_type=SECOND_FACTOR,
                changes=changes,
            )
    if verified is None:
        if throttled:
            raise SecondFactorRefused(
                _("Der er tastet forkerte koder for mange gange. Vent et øjeblik og prøv igen.")
            )
        raise SecondFactorRefused(_("Koden passer ikke. Prøv igen med en ny kode fra appen."))
    return verified


def second_factor_reset(*, actor: User, user: User) -> None:
    """The administration removes a lost second factor (app and recovery codes); the person
    sets up a new one at their next sign-in. Access is checked by the caller
    (`access.users_whose_second_factor_may_be_reset`)."""
    with transaction.atomic():
        User.objects.select_for_update(no_key=True).get(pk=user.pk)
        apps = TOTPDevice.objects.filter(user=user).delete()[0]
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=user,
            object_type=SECOND_FACTOR,
            changes={"step": "reset", "had_second_factor": bool(apps)},
        )


def _password_set(actor: User, password: str, step: str) -> None:
    with transaction.atomic():
        user = User.objects.select_for_update(no_key=True).get(pk=actor.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        actor.password = user.password
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=actor,
            object_type="password",
            changes={"step": step},
        )


def password_change(*, actor: User, password: str) -> None:
    """A signed-in person chooses a new password (validated by the form with Django's
    password validators); other sessions of the person end with the old password."""
    _password_set(actor, password, "change")


def password_reset(*, actor: User, password: str) -> None:
    """A new password through the e-mailed link (the link's token names `actor`; it works once,
    as the token is bound to the old password, and expires after PASSWORD_RESET_TIMEOUT)."""
    _password_set(actor, password, "reset")


def session_end_idle(*, actor: User, minutes: int) -> None:
    """A session left without requests for INKLUSIO_IDLE_TIMEOUT_MINUTES ends (shared PCs);
    logged as a sign-out with its reason. The caller ends the session itself."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.LOGOUT,
            obj=actor,
            object_type="user",
            changes={"ended_by": "idle_timeout", "idle_minutes": minutes},
        )


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
        locked: User = User.objects.select_for_update(no_key=True).get(pk=user.pk)
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
        locked: User = User.objects.select_for_update(no_key=True).get(pk=user.pk)
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


# --- The administration's users page: change, move, close and reopen staff accounts -----------

# Roles whose access goes through their own institution (access.INSTITUTION_ROLES); the others
# work across the municipality (or, for pedagogues, through their attachments) and have none.
ROLES_WITH_INSTITUTION = (Role.INSTITUTION_LEADER, Role.STAFF)
USER_FIELDS = ["first_name", "last_name", "email", "role", "institution"]


class UserRuleBroken(DomainError):
    """A rule of the users page the administration can act on; the message says what to do."""


def _managed(actor: User, user: User) -> None:
    if not access.users_managed_by(actor).filter(pk=user.pk).exists():
        raise UserRuleBroken(_("Du kan ikke administrere denne bruger."))


class EmailTaken(UserRuleBroken):
    field = "email"

    def __init__(self, email: str) -> None:
        super().__init__(
            _(
                "E-mailadressen %(email)s bruges allerede af en anden åben konto i Inklusio. "
                "Hver åben konto skal have sin egen adresse, så kommunens login kan finde den "
                "rigtige bruger."
            )
            % {"email": email}
        )


def _email_in_use(email: str, *, account: User) -> bool:
    """Whether another open account has this e-mail address. Each open account has its own:
    single sign-on finds the person's account by it (INKLUSIO_OIDC_USER_CLAIM, e-mail by
    default; people.oidc.user_for_claims), and two open accounts with one address could not
    be told apart. Compared trimmed and case-insensitively, across Inklusio as usernames are
    (a provider may vouch for several municipalities). A closed account's address may be
    given to someone else. Not a database constraint: data from before the rule may hold
    duplicates, and an account keeps its address until the address is changed."""
    email = email.strip()
    if not email:
        return False
    others = User.objects.filter(is_active=True, email__iexact=email)
    if account.pk is not None:
        others = others.exclude(pk=account.pk)
    return bool(others.exists())


def _check_user_data(actor: User, current: User, data: dict[str, Any]) -> None:
    role = data.get("role", current.role)
    institution = data.get("institution", current.institution)
    if role not in access.MANAGED_ROLES:
        raise UserRuleBroken(
            _(
                "Vælg en rolle fra listen. Samarbejdspartnere oprettes i partnerkartoteket, "
                "forældre ved deres barn."
            ),
            field="role",
        )
    if current.pk == actor.pk and role != current.role:
        raise UserRuleBroken(
            _(
                "Du kan ikke ændre din egen rolle: så kunne forvaltningen miste adgangen til at "
                "rette den igen. Bed en anden i forvaltningen om at gøre det."
            ),
            field="role",
        )
    if institution is not None and institution.municipality_id != actor.municipality_id:
        raise UserRuleBroken(
            _("Institutionen hører til en anden kommune. Vælg en af kommunens institutioner."),
            field="institution",
        )
    if role in ROLES_WITH_INSTITUTION and institution is None:
        raise UserRuleBroken(
            _(
                "En daginstitutionsleder og pædagogisk personale hører til en institution: "
                "vælg institutionen."
            ),
            field="institution",
        )
    if role not in ROLES_WITH_INSTITUTION and institution is not None:
        raise UserRuleBroken(
            _(
                "Kun daginstitutionsledere og pædagogisk personale hører til en institution. "
                "Lad institutionen være tom for rollen %(role)s."
            )
            % {"role": Role(role).label},
            field="institution",
        )


def _end_attachments(user: User, today: datetime.date) -> dict[str, Any]:
    """End the user's attachments to institutions that are in force (`ended_on` today: from
    today they grant nothing), as the account no longer works as a pedagogue; they stay as
    history. Returns the audit entry of the change (the institutions, by name), or nothing
    when there were none. The caller writes it in its own audit row, in its transaction."""
    attachments = list(
        PedagogueAttachment.objects.current(today)
        .filter(pedagogue_id=user.pk)
        .select_related("institution")
        .order_by("institution__name", "pk")
    )
    if not attachments:
        return {}
    PedagogueAttachment.objects.filter(pk__in=[a.pk for a in attachments]).update(ended_on=today)
    return {"attachments": {"before": [a.institution.name for a in attachments], "after": None}}


def user_update(*, actor: User, user: User, data: dict[str, Any], expected_version: int) -> User:
    """The administration changes a staff account's name, e-mail, role or institution; a move
    to another institution changes the access at once (access follows role and institution).
    A pedagogue moved to another role leaves the corps: their attachments to institutions end
    the same day (STYLE.md: every relation that grants access ends, and the access with it),
    so moving them back later does not bring old access back. No one changes their own role,
    a new e-mail address must not be another open account's (_email_in_use), and an outdated
    save is refused with what was changed."""
    _managed(actor, user)
    with transaction.atomic():
        # No select_related: PostgreSQL refuses to lock the nullable side of an outer join.
        current: User = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        refuse_outdated(current, expected_version)
        _check_user_data(actor, current, data)
        email = str(data.get("email", current.email)).strip()
        if email.casefold() != current.email.strip().casefold() and _email_in_use(
            email, account=current
        ):
            raise EmailTaken(email)
        before = snapshot(current, USER_FIELDS)
        for name in ("first_name", "last_name", "email"):
            setattr(current, name, str(data.get(name, getattr(current, name))).strip())
        current.role = data.get("role", current.role)
        current.institution = data.get("institution", current.institution)
        changes = diff(before, snapshot(current, USER_FIELDS))
        if "role" in changes and current.role != Role.PEDAGOGUE:
            changes.update(_end_attachments(current, timezone.localdate()))
        if changes:
            save_next_version(actor=actor, current=current, changes=changes)
    return current


# --- The corps leader's attachments of pedagogues to institutions -------------------------------

ATTACHMENT_FIELDS = ["pedagogue", "institution", "function", "ended_on"]


class AttachmentRefused(DomainError):
    """An attachment that breaks a rule of the corps (one function per institution, pedagogues
    only, the municipality's own institutions) or one already ended; the message says why."""


def _may_manage_attachments(actor: User) -> None:
    if not access.can_manage_attachments(actor):
        raise AttachmentRefused(_("Du kan ikke knytte pædagoger til institutioner."))


def attachment_add(*, actor: User, pedagogue: User, data: dict[str, Any]) -> PedagogueAttachment:
    """Attach a pedagogue to an institution of the municipality in one function, from today.
    DESIGN.md: a pedagogue serves two or three institutions, never in both functions in the
    same one, so a second attachment to an institution the pedagogue serves (or still serves
    until an end date) is refused; only an open account in the pedagogue role is attached."""
    _may_manage_attachments(actor)
    institution = data.get("institution")
    function = data.get("function")
    if institution is None or institution.municipality_id != actor.municipality_id:
        raise AttachmentRefused(
            _("Institutionen hører til en anden kommune. Vælg en af kommunens institutioner."),
            field="institution",
        )
    if function not in PedagogueAttachment.Function.values:
        raise AttachmentRefused(_("Vælg ressourcefunktion eller støttefunktion."), field="function")
    with transaction.atomic():
        # Lock the pedagogue: two leaders attaching them to the same institution at once make
        # one attachment, and the second is refused as below.
        locked: User = User.objects.select_for_update(no_key=True).get(pk=pedagogue.pk)
        if locked.municipality_id != actor.municipality_id:
            raise AttachmentRefused(_("Du kan ikke knytte pædagoger til institutioner."))
        if not locked.is_active or locked.role != Role.PEDAGOGUE:
            raise AttachmentRefused(
                _(
                    "Kun en åben konto i rollen støtte- og ressourcepædagog kan knyttes til en "
                    "institution. Kontoen er lukket eller har en anden rolle; det ændres på "
                    "brugersiden i forvaltningen."
                )
            )
        existing = (
            PedagogueAttachment.objects.current()
            .filter(pedagogue=locked, institution=institution)
            .first()
        )
        if existing is not None:
            values = {
                "institution": institution.name,
                "function": existing.get_function_display().lower(),
                "day": short_date(existing.ended_on),
            }
            raise AttachmentRefused(
                (
                    _(
                        "Pædagogen er allerede knyttet til %(institution)s i %(function)s, "
                        "til tilknytningen ophører den %(day)s. En pædagog har kun én funktion "
                        "i en institution; knyt pædagogen igen fra den dag."
                    )
                    if existing.ended_on
                    else _(
                        "Pædagogen er allerede knyttet til %(institution)s i %(function)s. En "
                        "pædagog har aldrig begge funktioner i samme institution: afslut den "
                        "nuværende tilknytning først, hvis funktionen skal skifte."
                    )
                )
                % values,
                field="institution",
            )
        attachment = PedagogueAttachment.objects.create(
            municipality=institution.municipality,
            pedagogue=locked,
            institution=institution,
            function=function,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=attachment,
            changes=diff({}, snapshot(attachment, ATTACHMENT_FIELDS)),
        )
    return attachment


def attachment_end(
    *, actor: User, attachment: PedagogueAttachment, data: dict[str, Any]
) -> PedagogueAttachment:
    """End an attachment from a day (today by default, never before: access already used
    cannot be taken back); from that day it grants nothing (`ended_on`, as
    `PedagogueAttachment.objects.current()` reads it), and it stays as history. An attachment
    already ended, or already set to end, is refused rather than ended twice (two tabs)."""
    _may_manage_attachments(actor)
    today = timezone.localdate()
    on = data.get("ended_on") or today
    if on < today:
        raise AttachmentRefused(
            _(
                "En tilknytning kan ikke afsluttes bagud i tiden: pædagogen har haft adgangen "
                "indtil i dag. Vælg i dag eller en senere dato."
            ),
            field="ended_on",
        )
    with transaction.atomic():
        current: PedagogueAttachment = (
            PedagogueAttachment.objects.select_for_update()
            .filter(municipality_id=actor.municipality_id)
            .get(pk=attachment.pk)
        )
        if current.ended_on is not None:
            values = {
                "institution": current.institution.name,
                "day": short_date(current.ended_on),
            }
            raise AttachmentRefused(
                (
                    _(
                        "Tilknytningen til %(institution)s er allerede afsluttet den %(day)s, "
                        "måske fra en anden fane. Intet er ændret; siden viser, hvordan den "
                        "står nu."
                    )
                    if current.ended_on <= today
                    else _(
                        "Tilknytningen til %(institution)s er allerede sat til at ophøre den "
                        "%(day)s, måske fra en anden fane. Intet er ændret; siden viser, "
                        "hvordan den står nu."
                    )
                )
                % values
            )
        before = snapshot(current, ATTACHMENT_FIELDS)
        current.ended_on = on
        current.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            changes=diff(before, snapshot(current, ATTACHMENT_FIELDS)),
        )
    return current


class UsernameTaken(UserRuleBroken):
    field = "username"


def send_set_password_mail(user: User) -> None:
    """The password-reset e-mail of the login page, sent to a new account that has no password
    yet: its link lets the person choose one (it works once and expires like any reset link)."""
    context = {
        "email": user.email,
        "domain": settings.BASE_URL.split("://", 1)[-1],
        "protocol": settings.BASE_URL.split("://", 1)[0],
        "site_name": "Inklusio",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(
        render_to_string("registration/password_reset_subject.txt", context).splitlines()
    )
    body = render_to_string("registration/password_reset_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)


def user_create(*, actor: User, data: dict[str, Any]) -> User:
    """A new staff account of the administration's municipality, with no password: the person
    chooses one through the reset link mailed to them (when an e-mail is given) or signs in
    with the municipality's single sign-on. Usernames are unique across Inklusio, and so are
    the e-mail addresses of open accounts (_email_in_use)."""
    if not access.can_manage_users(actor):
        raise UserRuleBroken(_("Du kan ikke oprette brugere."))
    username = str(data["username"]).strip()
    user = User(
        username=username,
        municipality_id=actor.municipality_id,
        role=data.get("role", ""),
        institution=data.get("institution"),
        first_name=str(data.get("first_name", "")).strip(),
        last_name=str(data.get("last_name", "")).strip(),
        email=str(data.get("email", "")).strip(),
    )
    _check_user_data(actor, user, data)
    with transaction.atomic():
        if _email_in_use(user.email, account=user):
            raise EmailTaken(user.email)
        if User.objects.filter(username__iexact=username).exists():
            raise UsernameTaken(
                _("Brugernavnet %(username)s er allerede i brug. Vælg et andet.")
                % {"username": username}
            )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as race:  # the same username saved by someone else just now
            raise UsernameTaken(
                _("Brugernavnet %(username)s er allerede i brug. Vælg et andet.")
                % {"username": username}
            ) from race
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=user,
            changes=diff({}, snapshot(user, ["username", *USER_FIELDS])),
        )
        if user.email:
            transaction.on_commit(lambda: send_set_password_mail(user))
    return user


def user_deactivate(*, actor: User, user: User) -> User:
    """Closing an account ends its access the same day: it can no longer sign in, its open
    sessions end at once, its API tokens stop working (api/v1/auth.py checks is_active), and
    a pedagogue's attachments to institutions end (reopening the account does not bring them
    back: the corps attaches the pedagogue again). No one closes their own account."""
    _managed(actor, user)
    if user.pk == actor.pk:
        raise UserRuleBroken(
            _("Du kan ikke lukke din egen konto. Bed en anden i forvaltningen om at gøre det.")
        )
    today = timezone.localdate()
    with transaction.atomic():
        current: User = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        if not current.is_active:
            raise UserRuleBroken(_("Kontoen er allerede lukket."))
        current.is_active = False
        current.deactivated_on = today
        ended = end_sessions(current.pk)
        save_next_version(
            actor=actor,
            current=current,
            changes={
                "is_active": {"before": True, "after": False},
                "deactivated_on": {"before": None, "after": today.isoformat()},
                "sessions_ended": {"before": 0, "after": ended},
                **_end_attachments(current, today),
            },
        )
    return current


def user_reactivate(*, actor: User, user: User) -> User:
    """Reopens a closed account (someone came back): it signs in again with its role and
    institution as they stand, which the administration checks first; not while another open
    account has its e-mail address (_email_in_use). A pedagogue's attachments ended with the
    closing stay ended."""
    _managed(actor, user)
    with transaction.atomic():
        current: User = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        if current.is_active:
            raise UserRuleBroken(_("Kontoen er allerede åben."))
        if _email_in_use(current.email, account=current):
            # Its address was given to someone else while it was closed (_email_in_use).
            raise UserRuleBroken(
                _(
                    "Kontoen kan ikke åbnes igen: dens e-mailadresse %(email)s bruges nu af en "
                    "anden åben konto. Ret kontoens e-mailadresse først."
                )
                % {"email": current.email.strip()}
            )
        before = current.deactivated_on.isoformat() if current.deactivated_on else None
        current.is_active = True
        current.deactivated_on = None
        save_next_version(
            actor=actor,
            current=current,
            changes={
                "is_active": {"before": False, "after": True},
                "deactivated_on": {"before": before, "after": None},
            },
        )
    return current


# --- API tokens (docs/api.md) -------------------------------------------------------------------

API_TOKEN_MAX_DAYS = 366


class ApiTokenRefused(DomainError):
    """A token that cannot be made as asked (no end date, an end in the past or too far off)."""

    def __init__(self, message: str, field: str = ""):
        self.message = message
        super().__init__(message, field=field)


def api_token_create(
    *, actor: User, owner: User, name: str, scope: str, expires_on: datetime.date
) -> tuple[ApiToken, str]:
    """A personal API token for `owner`, made by the owner or by the administration (checked
    by the caller: `access.users_for_api_tokens`). Returns the token and its secret, which is
    shown once and never stored: only its keyed hash is (`api_tokens.secret_hash`). Every
    token ends: a last day is required, at most a year ahead."""
    today = timezone.localdate()
    if expires_on < today:
        raise ApiTokenRefused(_("Udløbsdatoen er passeret. Vælg en dag fra i dag."), "expires_on")
    if expires_on > today + datetime.timedelta(days=API_TOKEN_MAX_DAYS):
        raise ApiTokenRefused(
            _("En API-nøgle kan højst gælde et år. Vælg en tidligere udløbsdato."), "expires_on"
        )
    if scope not in ApiToken.Scope.values:
        raise ApiTokenRefused(_("Vælg om nøglen kun må læse eller også skrive."), "scope")
    municipality_id = owner.municipality_id
    if (
        municipality_id is None  # may_hold_api_token says so too; this tells the type checker
        or municipality_id != actor.municipality_id
        or not access.may_hold_api_token(owner)
    ):
        raise ApiTokenRefused(_("Brugeren kan ikke få en API-nøgle."), "owner")
    prefix, secret, full = api_tokens.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            municipality_id=municipality_id,
            owner=owner,
            name=name.strip()[:100],
            prefix=prefix,
            secret_hash=api_tokens.hash_secret(secret),
            scope=scope,
            expires_on=expires_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=token,
            changes={
                "owner": owner.username,
                "scope": scope,
                "expires_on": expires_on.isoformat(),
            },
        )
    return token, full


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revokes a token at once: the next call with it is refused (401). Access is checked by
    the caller (`access.api_tokens_visible_to`); revoking twice changes nothing more."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=token,
            changes={"revoked_at": {"before": None, "after": token.revoked_at.isoformat()}},
        )
    return token

"""State changes of the partner directory and of invitations (issue 18.3). Each runs in one
transaction with its audit row; e-mails go after the commit and name no child."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.edits import refuse_outdated, update_versioned
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff
from inklusio.audit.services import snapshot as audit_snapshot
from inklusio.children.models import Child, PartnerInvitation
from inklusio.core.errors import DomainError
from inklusio.core.models import municipality_id_of
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.partners.models import PartnerOrganisation, PartnerProfile
from inklusio.people.models import Profession, Role, User
from inklusio.people.services import send_set_password_mail
from inklusio.people.sessions import end_sessions
from inklusio.plans.models import ActionPlan, PlanMeeting
from inklusio.retention.rules import add_months


class PartnerRuleBroken(DomainError):
    """A directory or invitation rule the user can act on; the message says what to do."""


class NotAllowed(DomainError):
    """The actor may not do this (the view answers 404 before it gets here)."""


ORGANISATION_FIELDS = list(PartnerOrganisation.EDITABLE_FIELDS)
PERSON_FIELDS = ["first_name", "last_name", "email", "phone", "profession", "organisation"]


def _require_directory(actor: User) -> int:
    if not access.can_manage_partner_directory(actor):
        raise NotAllowed(_("Kun forvaltningen fører listen over samarbejdspartnere."))
    return municipality_id_of(actor)


# --- Organisations ---------------------------------------------------------------------------


def _check_organisation(actor: User, data: dict[str, Any], exclude: int | None = None) -> None:
    name = str(data.get("name", "")).strip()
    if not name:
        raise PartnerRuleBroken(_("Skriv organisationens navn."))
    same = PartnerOrganisation.objects.in_municipality_of(actor).filter(name__iexact=name)
    if same.exclude(pk=exclude).exists():
        raise PartnerRuleBroken(
            _("Der findes allerede en organisation med det navn."), field="name"
        )


def organisation_create(*, actor: User, data: dict[str, Any]) -> PartnerOrganisation:
    """A partner organisation in the municipality's directory (the administration's)."""
    municipality_id = _require_directory(actor)
    _check_organisation(actor, data)
    with transaction.atomic():
        organisation = PartnerOrganisation.objects.create(
            municipality_id=municipality_id,
            **{name: data.get(name, "") for name in ORGANISATION_FIELDS},
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=organisation,
            changes=diff({}, audit_snapshot(organisation, ORGANISATION_FIELDS)),
        )
    return organisation


def organisation_update(
    *,
    actor: User,
    organisation: PartnerOrganisation,
    data: dict[str, Any],
    expected_version: int,
) -> PartnerOrganisation:
    """Change an organisation; a save based on an outdated version is refused."""
    _require_directory(actor)
    _check_organisation(actor, data, exclude=organisation.pk)
    return update_versioned(
        actor=actor,
        obj=organisation,
        fields=ORGANISATION_FIELDS,
        data=data,
        expected_version=expected_version,
    )


def organisation_deactivate(
    *, actor: User, organisation: PartnerOrganisation
) -> PartnerOrganisation:
    """An inactive organisation's people can no longer be invited; invitations they have run
    to their end (or are ended one by one, or with the person)."""
    _require_directory(actor)
    with transaction.atomic():
        current: PartnerOrganisation = PartnerOrganisation.objects.select_for_update().get(
            pk=organisation.pk
        )
        if not current.is_active:
            raise PartnerRuleBroken(_("Organisationen er allerede deaktiveret."))
        current.deactivated_on = timezone.localdate()
        current.version = F("version") + 1
        current.save(update_fields=["deactivated_on", "version"])
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            changes={
                "deactivated_on": {"before": None, "after": current.deactivated_on.isoformat()},
                "version": {"before": current.version - 1, "after": current.version},
            },
        )
    return current


# --- Partner people ----------------------------------------------------------------------------


def _check_person(
    actor: User, data: dict[str, Any], exclude_user: int | None = None
) -> PartnerOrganisation:
    if not str(data.get("first_name", "")).strip() or not str(data.get("last_name", "")).strip():
        raise PartnerRuleBroken(_("Skriv samarbejdspartnerens fornavn og efternavn."))
    email = str(data.get("email", "")).strip()
    if not email:
        raise PartnerRuleBroken(
            _("Skriv samarbejdspartnerens e-mailadresse; den bruges til login.")
        )
    taken = User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)
    if taken.exclude(pk=exclude_user).exists():
        raise PartnerRuleBroken(
            _("Der findes allerede en bruger med den e-mailadresse."), field="email"
        )
    if data.get("profession") not in Profession.values:
        raise PartnerRuleBroken(_("Vælg samarbejdspartnerens faggruppe."))
    organisation = data.get("organisation")
    if not isinstance(organisation, PartnerOrganisation) or organisation.municipality_id != (
        actor.municipality_id
    ):
        raise PartnerRuleBroken(_("Vælg den organisation, samarbejdspartneren arbejder i."))
    return organisation


def partner_create(*, actor: User, data: dict[str, Any]) -> PartnerProfile:
    """A partner person: a user with the partner role and no usable password, who gets the
    password-reset e-mail to choose one. They see nothing until invited."""
    municipality_id = _require_directory(actor)
    organisation = _check_person(actor, data)
    if not organisation.is_active:
        raise PartnerRuleBroken(_("Organisationen er deaktiveret; vælg en aktiv organisation."))
    email = str(data["email"]).strip()
    with transaction.atomic():
        user = User(
            username=email.lower(),
            email=email,
            first_name=str(data["first_name"]).strip(),
            last_name=str(data["last_name"]).strip(),
            phone=str(data.get("phone", "")).strip(),
            profession=data["profession"],
            role=Role.PARTNER,
            municipality_id=municipality_id,
        )
        user.set_unusable_password()
        user.save()
        profile = PartnerProfile.objects.create(
            municipality_id=municipality_id,
            user=user,
            organisation=organisation,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=profile,
            changes=diff({}, _person_snapshot(profile)),
        )
        transaction.on_commit(lambda: send_set_password_mail(user))
    return profile


def _person_snapshot(profile: PartnerProfile) -> dict[str, Any]:
    user = profile.user
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "profession": user.profession,
        "organisation": str(profile.organisation),
    }


def partner_update(
    *,
    actor: User,
    profile: PartnerProfile,
    data: dict[str, Any],
    expected_version: int,
) -> PartnerProfile:
    """Change a partner's name, contact, profession or organisation; an outdated save is
    refused with what the other person changed."""
    _require_directory(actor)
    organisation = _check_person(actor, data, exclude_user=profile.user_id)
    with transaction.atomic():
        current: PartnerProfile = (
            PartnerProfile.objects.select_for_update(no_key=True)
            .select_related("user", "organisation")
            .get(pk=profile.pk)
        )
        if not current.is_active:
            raise PartnerRuleBroken(_("Samarbejdspartneren er deaktiveret og kan ikke rettes."))
        refuse_outdated(current, expected_version)
        before = _person_snapshot(current)
        user = current.user
        for name in ("first_name", "last_name", "email", "phone"):
            setattr(user, name, str(data.get(name, getattr(user, name))).strip())
        user.profession = data["profession"]
        user.save(update_fields=["first_name", "last_name", "email", "phone", "profession"])
        current.organisation = organisation
        changes = diff(before, _person_snapshot(current))
        changes["version"] = {"before": current.version, "after": current.version + 1}
        current.version = F("version") + 1
        current.save(update_fields=["organisation", "version"])
        current.refresh_from_db()
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=current, changes=changes)
    return current


END_WITH_PERSON = "Samarbejdspartneren er deaktiveret"


def partner_deactivate(*, actor: User, profile: PartnerProfile) -> PartnerProfile:
    """Deactivating a partner ends all their access at once: the user can no longer sign in,
    their open sessions end (a single sign-on session is not checked again for is_active), and
    every invitation still running is ended today."""
    _require_directory(actor)
    today = timezone.localdate()
    with transaction.atomic():
        current: PartnerProfile = (
            PartnerProfile.objects.select_for_update(no_key=True)
            .select_related("user")
            .get(pk=profile.pk)
        )
        if not current.is_active:
            raise PartnerRuleBroken(_("Samarbejdspartneren er allerede deaktiveret."))
        current.user.is_active = False
        current.user.save(update_fields=["is_active"])
        signed_out = end_sessions(current.user.pk)
        ended = PartnerInvitation.objects.filter(
            municipality_id=current.municipality_id, partner=current.user
        ).filter(ended_on__isnull=True)
        ended = ended.exclude(valid_until__lt=today)
        count = ended.update(ended_on=today, ended_by=actor, end_reason=END_WITH_PERSON)
        current.deactivated_on = today
        current.version = F("version") + 1
        current.save(update_fields=["deactivated_on", "version"])
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            changes={
                "deactivated_on": {"before": None, "after": today.isoformat()},
                "is_active": {"before": True, "after": False},
                "invitations_ended": {"before": 0, "after": count},
                "sessions_ended": {"before": 0, "after": signed_out},
                "version": {"before": current.version - 1, "after": current.version},
            },
        )
    return current


# --- Invitations -------------------------------------------------------------------------------

Target = Child | ActionPlan | ConsultativeMeeting | PlanMeeting


# What partners can be invited to: who may invite there, and the invitation's scope and the
# field that points at it. Plans and plan meetings also name the plan's child, whose guardians'
# consent keeps governing the invitation.
INVITE_TARGETS: dict[type, tuple[Callable[[User, Any], bool], str, str]] = {
    Child: (access.can_invite_to_child, PartnerInvitation.Scope.CHILD, "child"),
    ActionPlan: (access.can_invite_to_plan, PartnerInvitation.Scope.PLAN, "plan"),
    PlanMeeting: (
        access.can_invite_to_plan_meeting,
        PartnerInvitation.Scope.PLAN_MEETING,
        "plan_meeting",
    ),
    ConsultativeMeeting: (access.can_invite_to_meeting, PartnerInvitation.Scope.MEETING, "meeting"),
}


def _scope_of(actor: User, target: Target) -> dict[str, Any]:
    """The invitation's fields for its target, after checking the actor may invite to it."""
    may_invite, scope, field = INVITE_TARGETS[type(target)]
    if not may_invite(actor, target):
        raise NotAllowed(_("Du kan ikke invitere samarbejdspartnere hertil."))
    fields: dict[str, Any] = {"scope": scope, field: target}
    match target:
        case ActionPlan():
            fields["child"] = target.child
        case PlanMeeting():
            fields["child"] = target.plan.child
    return fields


def latest_end(today: datetime.date | None = None) -> datetime.date:
    return add_months(today or timezone.localdate(), settings.PARTNER_INVITATION_MAX_MONTHS)


def _check_period(valid_from: datetime.date | None, valid_until: datetime.date | None) -> None:
    today = timezone.localdate()
    if valid_until is None:
        raise PartnerRuleBroken(_("Angiv hvornår invitationen slutter."), field="valid_until")
    if valid_until < today:
        raise PartnerRuleBroken(
            _("Slutdatoen er overskredet; vælg en dato fra i dag."), field="valid_until"
        )
    if valid_until > latest_end(today):
        raise PartnerRuleBroken(
            _("En invitation kan højst gælde %(months)d måneder frem (til %(day)s).")
            % {
                "months": settings.PARTNER_INVITATION_MAX_MONTHS,
                "day": short_date(latest_end(today)),
            },
            field="valid_until",
        )
    if valid_from is not None and valid_from > valid_until:
        raise PartnerRuleBroken(
            _("Invitationen kan ikke starte efter den slutter."), field="valid_until"
        )


def _notify_invited(email: str) -> None:
    """The e-mail names no child and no case: what it is about is shown after signing in."""
    if not email:
        return
    send_mail(
        _("Du er inviteret som samarbejdspartner i Inklusio"),
        _(
            "Du er inviteret til at samarbejde om en sag i Inklusio for en begrænset periode.\n\n"
            "Log ind for at se, hvad invitationen gælder, og hvor længe:\n%(url)s"
        )
        % {"url": settings.BASE_URL + reverse("start")},
        settings.DEFAULT_FROM_EMAIL,
        [email],
        fail_silently=True,
    )


INVITATION_FIELDS = ["scope", "reason", "valid_from", "valid_until"]


def invitation_create(
    *,
    actor: User,
    target: Target,
    partner: User,
    reason: str,
    valid_until: datetime.date | None,
    valid_from: datetime.date | None = None,
) -> PartnerInvitation:
    """Invite an active partner from the directory to one child, plan or meeting, for a
    purpose and until a day at most PARTNER_INVITATION_MAX_MONTHS ahead (issue 18.3)."""
    fields = _scope_of(actor, target)
    if not access.partners_for_invitation(actor).filter(pk=partner.pk).exists():
        raise PartnerRuleBroken(_("Vælg en aktiv samarbejdspartner fra listen."))
    if not reason.strip():
        raise PartnerRuleBroken(_("Skriv formålet med invitationen."))
    _check_period(valid_from, valid_until)
    key = {k: v for k, v in fields.items() if k != "child"} | {"partner": partner}
    if fields["scope"] == PartnerInvitation.Scope.CHILD:
        key["child"] = fields["child"]
    with transaction.atomic():
        if PartnerInvitation.objects.current().filter(**key).exists():
            raise PartnerRuleBroken(
                _("%(partner)s er allerede inviteret hertil. Afslut den invitation først.")
                % {"partner": partner}
            )
        # An old invitation of the child's case (one per child and partner before scopes) is
        # never reused: a new one is a new record with its own purpose and dates.
        invitation = PartnerInvitation.objects.create(
            municipality_id=municipality_id_of(actor),
            partner=partner,
            invited_by=actor,
            reason=reason.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            **fields,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=invitation,
            child=invitation.child,
            changes=diff({}, audit_snapshot(invitation, INVITATION_FIELDS)),
        )
        transaction.on_commit(lambda: _notify_invited(partner.email))
    return invitation


def invitation_end(*, actor: User, invitation: PartnerInvitation, reason: str) -> PartnerInvitation:
    """End an invitation before its last day (the inviter, the institution's leader or the
    administration); the reason is kept. Access stops at once."""
    if not access.can_end_invitation(actor, invitation):
        raise NotAllowed(_("Du kan ikke afslutte denne invitation."))
    if not reason.strip():
        raise PartnerRuleBroken(_("Skriv hvorfor invitationen afsluttes før tid."))
    with transaction.atomic():
        current: PartnerInvitation = PartnerInvitation.objects.select_for_update().get(
            pk=invitation.pk
        )
        if current.ended_on is not None:
            raise PartnerRuleBroken(_("Invitationen er allerede afsluttet."))
        current.ended_on = timezone.localdate()
        current.ended_by = actor
        current.end_reason = reason.strip()
        current.save(update_fields=["ended_on", "ended_by", "end_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            child=current.child,
            changes={
                "ended_on": {"before": None, "after": current.ended_on.isoformat()},
                # Under the name the log redacts: the reason is free text.
                "reason": {"before": "", "after": current.end_reason},
            },
        )
    return current

"""Handovers: made by the sending place, shared with the receiver only with the guardians'
consent, and a handover meeting recorded."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.children.models import Child
from inklusio.core.errors import DomainError
from inklusio.meetings.models import DiscussionConsent
from inklusio.organisation.models import Institution
from inklusio.people.models import Role, User
from inklusio.transitions.models import ACCESS_MAX_DAYS, Handover, HandoverMeeting
from inklusio.transitions.rules import consent_in_force


class HandoverRuleBroken(DomainError):
    """A rule of the handover is broken; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, field=field)


def _check_receiver(
    *,
    child: Child,
    kind: str,
    receiving_institution: Institution | None,
    school_name: str,
    receiver: User,
) -> None:
    if kind == Handover.Kind.SCHOOL:
        if not school_name.strip():
            raise HandoverRuleBroken(_("Skriv skolens navn."), "school_name")
        if receiver.role != Role.PARTNER:
            raise HandoverRuleBroken(
                _("Modtageren på en skole skal være oprettet som samarbejdspartner."), "receiver"
            )
    else:
        if receiving_institution is None:
            raise HandoverRuleBroken(_("Vælg den modtagende institution."), "receiving_institution")
        if receiving_institution.municipality_id != child.municipality_id:
            raise HandoverRuleBroken(_("Vælg en institution i kommunen."), "receiving_institution")
        if (
            receiver.role != Role.INSTITUTION_LEADER
            or receiver.institution_id != receiving_institution.pk
        ):
            raise HandoverRuleBroken(
                _("Modtageren skal være leder af den modtagende institution."), "receiver"
            )
    if not receiver.is_active or receiver.municipality_id != child.municipality_id:
        raise HandoverRuleBroken(_("Modtageren har ikke en aktiv bruger i kommunen."), "receiver")


def _check_dates(handover_date: datetime.date, access_until: datetime.date) -> None:
    if access_until < handover_date:
        raise HandoverRuleBroken(
            _("Adgangen kan tidligst slutte på overgangsdatoen."), "access_until"
        )
    if access_until > handover_date + datetime.timedelta(days=ACCESS_MAX_DAYS):
        raise HandoverRuleBroken(
            _("Modtagerens adgang kan højst vare %(days)s dage efter overgangsdatoen.")
            % {"days": ACCESS_MAX_DAYS},
            "access_until",
        )


def handover_create(
    *,
    actor: User,
    child: Child,
    kind: str,
    receiver: User,
    what_works: str,
    next_steps: str,
    handover_date: datetime.date,
    access_until: datetime.date,
    receiving_institution: Institution | None = None,
    school_name: str = "",
) -> Handover:
    """A handover to the next place (Hedensted/Haderslev: the sending place prepares it); the
    receiver's access is limited to at most ACCESS_MAX_DAYS after the handover date."""
    if not access.can_create_handover(actor, child):
        raise HandoverRuleBroken(_("Du kan ikke oprette en overgang for dette barn."))
    if kind == Handover.Kind.SCHOOL:
        receiving_institution = None
    else:
        school_name = ""
    _check_receiver(
        child=child,
        kind=kind,
        receiving_institution=receiving_institution,
        school_name=school_name,
        receiver=receiver,
    )
    _check_dates(handover_date, access_until)
    with transaction.atomic():
        handover = Handover.objects.create(
            municipality_id=child.municipality_id,
            child=child,
            kind=kind,
            receiving_institution=receiving_institution,
            school_name=school_name.strip(),
            receiver=receiver,
            what_works=what_works,
            next_steps=next_steps,
            handover_date=handover_date,
            access_until=access_until,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=handover,
            child=child,
            changes={
                "kind": {"before": None, "after": kind},
                "handover_date": {"before": None, "after": handover_date.isoformat()},
                "access_until": {"before": None, "after": access_until.isoformat()},
            },
        )
    return handover


def handover_share(*, actor: User, handover: Handover, consent: DiscussionConsent) -> Handover:
    """The packet is shared with the receiver only with the guardians' consent in force (issue
    18: produced and shared only with consent); a later withdrawal ends the access at once."""
    with transaction.atomic():
        locked: Handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if not access.can_manage_handover(actor, locked):
            raise HandoverRuleBroken(_("Du kan ikke dele denne overgang."))
        if locked.shared_on is not None:
            raise HandoverRuleBroken(_("Overgangen er allerede delt med modtageren."))
        if locked.access_ended():
            raise HandoverRuleBroken(_("Modtagerens adgang er allerede udløbet."))
        locked.consent = consent
        locked.shared_on = timezone.localdate()
        locked.save(update_fields=["consent", "shared_on"])
        if not consent_in_force(locked):
            # Undone with the transaction: the rule reads the saved row.
            raise HandoverRuleBroken(
                _(
                    "Samtykket skal være givet af forældrene til dette barn og må ikke være "
                    "trukket tilbage."
                ),
                "consent",
            )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            child=locked.child,
            changes={"shared_on": {"before": None, "after": locked.shared_on.isoformat()}},
        )
    return locked


def handover_meeting_record(
    *, actor: User, handover: Handover, date: datetime.date, participants: str, note: str = ""
) -> HandoverMeeting:
    """The handover meeting with the receiving place, recorded by either side."""
    if not access.can_record_handover_meeting(actor, handover):
        raise HandoverRuleBroken(_("Du kan ikke registrere møder for denne overgang."))
    if not participants.strip():
        raise HandoverRuleBroken(_("Skriv, hvem der deltog."), "participants")
    with transaction.atomic():
        meeting = HandoverMeeting.objects.create(
            municipality_id=handover.municipality_id,
            handover=handover,
            date=date,
            participants=participants.strip(),
            note=note,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=meeting,
            child=handover.child,
            changes={"date": {"before": None, "after": date.isoformat()}},
        )
    return meeting

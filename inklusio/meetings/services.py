"""Consultative meetings: consent first, then the agenda; recommendations into plan changes."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.children.models import Child
from inklusio.core.errors import DomainError, OutdatedSave, refuse_unknown_version
from inklusio.meetings.models import (
    AgendaItem,
    ConsultativeMeeting,
    DiscussionConsent,
    MinutesVersion,
    Recommendation,
)
from inklusio.meetings.rules import consent_wording, text_warnings, valid_consent
from inklusio.meetings.selectors import resource_pedagogue_for
from inklusio.organisation.models import Institution
from inklusio.people.models import Profession, User
from inklusio.referrals.models import Referral


class ConsentRequired(DomainError):
    """A named child on the agenda needs the guardians' consent covering the meeting's professions."""


class MeetingRuleBroken(DomainError):
    """A rule of the consultative meeting model is broken (professions, agenda, minutes)."""


class NotArranger(DomainError):
    """Only those who arrange the meeting keep its agenda and minutes."""


class NamesAChild(MeetingRuleBroken):
    """An anonymous agenda item looks like it names a child."""


def _consent_target(
    *,
    child: Child,
    scope: str,
    professions: list[str],
    referral: Referral | None,
    partner: User | None,
) -> tuple[list[str], Referral | None, User | None]:
    """What a consent of `scope` must name: professions for discussion, one of the child's
    referrals, or a partner invited to the child. Anything else given is dropped."""
    if scope == DiscussionConsent.Scope.DISCUSSION:
        if not professions:
            raise MeetingRuleBroken(
                _("Angiv hvilke faggrupper barnet må drøftes med."), field="professions"
            )
        return sorted(professions), None, None
    if scope == DiscussionConsent.Scope.REFERRAL:
        if referral is None or referral.child_id != child.pk:
            raise MeetingRuleBroken(_("Vælg den indstilling, samtykket gælder."), field="referral")
        return [], referral, None
    if scope == DiscussionConsent.Scope.PARTNER:
        if partner is None or not child.invitations.filter(partner=partner).exists():
            raise MeetingRuleBroken(
                _(
                    "Vælg den samarbejdspartner, samtykket gælder (en, der er inviteret til barnet)."
                ),
                field="partner",
            )
        return [], None, partner
    if scope == DiscussionConsent.Scope.HANDOVER:
        # The wording says to which place; the handover itself names the receiver.
        return [], None, None
    raise MeetingRuleBroken(_("Vælg hvad samtykket gælder."))


def _consent_create(
    *,
    actor: User,
    child: Child,
    scope: str,
    source: str,
    given_by: str,
    given_on: datetime.date,
    professions: list[str],
    referral: Referral | None,
    partner: User | None,
    note: str,
) -> DiscussionConsent:
    professions, referral, partner = _consent_target(
        child=child, scope=scope, professions=professions, referral=referral, partner=partner
    )
    with transaction.atomic():
        consent = DiscussionConsent.objects.create(
            municipality_id=child.municipality_id,
            child=child,
            scope=scope,
            source=source,
            wording=consent_wording(
                child=child,
                scope=scope,
                professions=professions,
                referral=referral,
                partner=partner,
            ),
            referral=referral,
            partner=partner,
            given_by=given_by,
            given_on=given_on,
            professions=professions,
            note=note,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=consent,
            child=child,
            changes={
                "scope": {"before": None, "after": scope},
                "source": {"before": None, "after": source},
                "professions": {"before": None, "after": consent.professions},
            },
        )
    return consent


def consent_record(
    *,
    actor: User,
    child: Child,
    given_by: str,
    given_on: datetime.date,
    professions: list[str] | None = None,
    note: str = "",
    scope: str = DiscussionConsent.Scope.DISCUSSION,
    referral: Referral | None = None,
    partner: User | None = None,
) -> DiscussionConsent:
    """Staff record a consent given on paper or in a conversation; it is marked as such."""
    if given_on > timezone.localdate():
        raise MeetingRuleBroken(_("Samtykket kan ikke være givet i fremtiden."), field="given_on")
    return _consent_create(
        actor=actor,
        child=child,
        scope=scope,
        source=DiscussionConsent.Source.STAFF,
        given_by=given_by,
        given_on=given_on,
        professions=list(professions or []),
        referral=referral,
        partner=partner,
        note=note,
    )


def consent_give(
    *,
    actor: User,
    child: Child,
    scope: str,
    professions: list[str] | None = None,
    referral: Referral | None = None,
    partner: User | None = None,
) -> DiscussionConsent:
    """A guardian gives consent themselves, today, in the wording shown to them (kept with it)."""
    profile = getattr(actor, "guardian_profile", None)
    return _consent_create(
        actor=actor,
        child=child,
        scope=scope,
        source=DiscussionConsent.Source.GUARDIAN,
        given_by=profile.name if profile is not None else actor.get_full_name(),
        given_on=timezone.localdate(),
        professions=list(professions or []),
        referral=referral,
        partner=partner,
        note="",
    )


def consent_withdraw(
    *, actor: User, consent: DiscussionConsent, on: datetime.date | None = None
) -> DiscussionConsent:
    """A withdrawal takes effect at once and stops what the consent covered: the child leaves
    the agendas of meetings still to come, a referral cannot be submitted on it, an invitation
    it covered stops giving the partner access (access._current_invitations)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = DiscussionConsent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_on is not None and locked.withdrawn_on <= on:
            raise MeetingRuleBroken(_("Samtykket er allerede trukket tilbage."))
        DiscussionConsent.objects.filter(pk=consent.pk).update(withdrawn_on=on, withdrawn_by=actor)
        removed = AgendaItem.objects.filter(consent=consent, meeting__date__gte=on)
        count = removed.count()
        removed.delete()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=consent,
            child=consent.child,
            changes={
                "withdrawn_on": {"before": None, "after": on.isoformat()},
                "agenda_items_removed": count,
            },
        )
    consent.refresh_from_db()
    return consent


def _require_arranger(actor: User, meeting: ConsultativeMeeting) -> None:
    """The agenda and the minutes are kept by those who arrange the meeting; the partners
    who attend give recommendations."""
    if not access.can_arrange_consultative_meeting(actor, meeting):
        raise NotArranger(
            _("Kun den, der arrangerer mødet, kan sætte punkter på dagsordenen og skrive referat.")
        )


def consultative_meeting_create(
    *,
    actor: User,
    institution: Institution,
    date: datetime.date,
    start_time: datetime.time,
    partners: list[User],
) -> ConsultativeMeeting:
    """A consultative meeting has a psychologist and a speech/hearing consultant (the
    municipality's model for the meetings)."""
    if not access.institutions_for_consultative_meetings(actor).filter(pk=institution.pk).exists():
        raise NotArranger(_("Du kan ikke arrangere konsultative møder i denne institution."))
    professions = {p.profession for p in partners}
    if (
        Profession.PSYCHOLOGIST not in professions
        or Profession.SPEECH_CONSULTANT not in professions
    ):
        raise MeetingRuleBroken(
            _("Et konsultativt møde har en psykolog og en tale-/hørekonsulent med."),
            field="partners",
        )
    with transaction.atomic():
        meeting = ConsultativeMeeting.objects.create(
            municipality_id=institution.municipality_id,
            institution=institution,
            date=date,
            start_time=start_time,
            resource_pedagogue=resource_pedagogue_for(institution),
            created_by=actor,
        )
        meeting.partners.set(partners)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=meeting)
    return meeting


def _consent_for_named_item(child: Child | None, meeting: ConsultativeMeeting) -> DiscussionConsent:
    if child is None:
        raise MeetingRuleBroken(_("Vælg barnet."), field="child")
    consent = valid_consent(child, meeting)
    if consent is None:
        raise ConsentRequired(
            _(
                "%(name)s kan kun drøftes med navn, når forældrene har givet samtykke til at drøfte "
                "barnet med %(professions)s. Registrér samtykket, eller tag sagen op anonymt."
            )
            % {
                "name": child.full_name,
                "professions": ", ".join(
                    sorted(str(Profession(p).label).lower() for p in meeting.professions)
                ),
            },
            field="child",
        )
    return consent


def agenda_item_add(
    *,
    actor: User,
    meeting: ConsultativeMeeting,
    kind: str,
    topic: str,
    child: Child | None = None,
) -> AgendaItem:
    """A named child only with the guardians' consent covering every profession at the meeting;
    an anonymous or group item must not name a child (no name, no CPR number): such a text is
    refused, not confirmed away, since the partners read it without consent."""
    _require_arranger(actor, meeting)
    consent = None
    if kind == AgendaItem.Kind.CHILD:
        consent = _consent_for_named_item(child, meeting)
    else:
        child = None
        warnings = text_warnings(topic, meeting.institution)
        if warnings:
            raise NamesAChild(
                " ".join(
                    [
                        *warnings,
                        _(
                            "Et anonymt punkt må ikke nævne barnet. Ret teksten, eller sæt barnet "
                            "på med navn, når forældrene har givet samtykke."
                        ),
                    ]
                ),
                field="topic",
            )
    with transaction.atomic():
        locked = ConsultativeMeeting.objects.select_for_update().get(pk=meeting.pk)
        item = AgendaItem.objects.create(
            municipality_id=locked.municipality_id,
            meeting=locked,
            kind=kind,
            child=child,
            consent=consent,
            topic=topic,
            position=locked.items.count(),
            added_by=actor,
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=item, child=child)
    return item


def consultative_minutes_save(
    *, actor: User, meeting: ConsultativeMeeting, minutes: str, version: int
) -> MinutesVersion:
    """Minutes are kept by those who arrange the meeting; every save is a new version with its
    author and time, so what was written is never lost. `version` is the one the writer
    started from (0: none yet): a save on top of a newer one is refused (OutdatedSave)."""
    _require_arranger(actor, meeting)
    with transaction.atomic():
        locked = ConsultativeMeeting.objects.select_for_update().get(pk=meeting.pk)
        previous = locked.minutes_versions.order_by("-number").first()
        refuse_unknown_version(sent=version, current=previous.number if previous else 0)
        if previous is not None and previous.number != version:
            raise OutdatedSave(previous.number)
        if previous is not None and previous.text == minutes:
            raise MeetingRuleBroken(_("Referatet er uændret."), field="minutes")
        saved = MinutesVersion.objects.create(
            municipality_id=locked.municipality_id,
            meeting=locked,
            number=(previous.number if previous else 0) + 1,
            text=minutes,
            author=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            changes={"minutes_version": saved.number, "minutes_length": len(minutes)},
        )
    return saved


def recommendation_add(*, actor: User, item: AgendaItem, text: str) -> Recommendation:
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            municipality_id=item.municipality_id, item=item, text=text, by=actor
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=recommendation, child=item.child)
    return recommendation

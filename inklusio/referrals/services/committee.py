"""The committee's frame: visitation periods, the legal bases decisions cite, and its meetings."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.organisation.models import Municipality
from inklusio.people.models import User
from inklusio.referrals.errors import InvalidInput, NotAllowedNow
from inklusio.referrals.models import CommitteeMeeting, LegalBasis, VisitationPeriod
from inklusio.referrals.periods import period_label
from inklusio.referrals.selectors import period_for


def _lock_municipality(actor: User) -> Municipality:
    """The actor's municipality, locked, so two administrators creating the same period or legal
    basis at once are served one after the other."""
    if actor.municipality_id is None:
        raise NotAllowedNow(_("Du hører ikke til en kommune."))
    return Municipality.objects.select_for_update().get(pk=actor.municipality_id)


def period_create(*, actor: User, start_year: int, support_places: int) -> VisitationPeriod:
    """A visitation period runs 1 April to 31 March (Ishøj's visitation year), one per start."""
    if support_places < 0:
        raise InvalidInput(_("Antallet af pladser kan ikke være negativt."), field="support_places")
    start = datetime.date(start_year, 4, 1)
    with transaction.atomic():
        municipality = _lock_municipality(actor)
        if VisitationPeriod.objects.filter(municipality=municipality, start=start).exists():
            raise InvalidInput(
                _("Visitationsperioden %(label)s findes allerede.")
                % {"label": period_label(start)},
                field="start_year",
            )
        period = VisitationPeriod.objects.create(
            municipality=municipality,
            start=start,
            end=datetime.date(start_year + 1, 3, 31),
            support_places=support_places,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=period,
            changes={
                "period": {"before": None, "after": period.label},
                "support_places": {"before": None, "after": support_places},
            },
        )
    return period


def legal_basis_add(*, actor: User, title: str, text: str) -> LegalBasis:
    """The legal bases decisions cite; each title once per municipality, as letters quote it."""
    title, text = title.strip(), text.strip()
    if not title:
        raise InvalidInput(_("Skriv lovgrundlagets betegnelse."), field="title")
    with transaction.atomic():
        municipality = _lock_municipality(actor)
        if LegalBasis.objects.filter(municipality=municipality, title__iexact=title).exists():
            raise InvalidInput(
                _("Lovgrundlaget »%(title)s« findes allerede.") % {"title": title},
                field="title",
            )
        basis = LegalBasis.objects.create(municipality=municipality, title=title, text=text)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=basis,
            changes={"title": {"before": None, "after": title}},
        )
    return basis


def committee_meeting_create(
    *, actor: User, date: datetime.date, note: str = ""
) -> CommitteeMeeting:
    """A committee meeting belongs to the visitation period its date lies in, which must exist."""
    with transaction.atomic():
        municipality = _lock_municipality(actor)
        period = period_for(municipality.pk, date, field="date")
        meeting = CommitteeMeeting.objects.create(
            municipality=municipality, date=date, period=period, note=note
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=meeting,
            changes={"date": {"before": None, "after": date.isoformat()}},
        )
    return meeting

"""Referral and visitation: every state change of a case, with its audit entry."""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.children.models import Child
from inklusio.core.errors import DomainError, EditConflict
from inklusio.core.pdf import render_pdf
from inklusio.core.storage import private_storage
from inklusio.organisation.models import ResourceGroup
from inklusio.people.models import User
from inklusio.referrals.models import (
    APPEAL_WEEKS,
    Appeal,
    CommitteeMeeting,
    Decision,
    DecisionLetter,
    LegalBasis,
    Offer,
    Referral,
    ReferralAddendum,
    ReferralAttachment,
    VisitationPeriod,
)
from inklusio.referrals.periods import one_year_from, period_label, period_start_for

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Recognised by their first bytes, not by the name the browser sends.
ALLOWED_SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}
REFERRAL_FIELDS = [
    "offer",
    "resource_group",
    "category",
    "description",
    "tried",
    "consent_by",
    "consent_date",
    "consent_method",
]


class ConsentMissing(DomainError):
    """Barnets lov and GDPR: a referral is submitted only with the guardians' consent."""


class CapacityExceeded(DomainError):
    def __init__(self, *, capacity: int, used: int, what: str):
        self.capacity, self.used, self.what = capacity, used, what
        super().__init__(
            _(
                "Der er ikke flere ledige pladser: %(what)s har %(capacity)s pladser, og alle er "
                "bevilget. Giv afslag, tilbyd noget andet, eller vent til en plads bliver ledig."
            )
            % {"what": what, "capacity": capacity}
        )


class PeriodMissing(DomainError):
    def __init__(self, day: datetime.date):
        self.day = day
        super().__init__(
            _("Der er ikke oprettet en visitationsperiode, der dækker %(day)s.")
            % {"day": day.strftime("%d.%m.%Y")}
        )


class DateOutsidePeriod(DomainError):
    def __init__(self, period: VisitationPeriod, day: datetime.date):
        self.period, self.day = period, day
        super().__init__(
            _("Startdatoen %(day)s ligger uden for visitationsperioden %(period)s.")
            % {"day": day.strftime("%d.%m.%Y"), "period": period.label}
        )


class AttachmentRejected(DomainError):
    pass


class NotAllowedNow(DomainError):
    pass


# --- Referrals -----------------------------------------------------------------------------


def referral_save(
    *,
    actor: User,
    child: Child,
    data: dict[str, Any],
    referral: Referral | None = None,
    expected_version: int | None = None,
) -> Referral:
    """Create or change a draft referral; a submitted one is locked."""
    with transaction.atomic():
        if referral is None:
            referral = Referral(
                municipality_id=child.municipality_id, child=child, referred_by=actor
            )
            before: dict[str, Any] = {}
        else:
            referral = Referral.objects.select_for_update().get(pk=referral.pk)
            if referral.is_locked:
                raise NotAllowedNow(
                    _("Indstillingen er indsendt og kan ikke længere ændres; skriv en tilføjelse.")
                )
            if expected_version is not None and referral.version != expected_version:
                raise EditConflict(current=referral, changed_fields={})
            before = snapshot(referral, REFERRAL_FIELDS)
            referral.version = F("version") + 1
        for name in REFERRAL_FIELDS:
            if name in data:
                setattr(referral, name, data[name])
        if referral.offer != Offer.RESOURCE_GROUP_PLACE:
            referral.resource_group = None
        referral.save()
        referral.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE if before else AuditAction.CREATE,
            obj=referral,
            child=child,
            changes=diff(before, snapshot(referral, REFERRAL_FIELDS)),
        )
    return referral


def referral_submit(*, actor: User, referral: Referral) -> Referral:
    """Submit to the visitation committee; only with recorded parental consent."""
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.is_locked:
            raise NotAllowedNow(_("Indstillingen er allerede indsendt."))
        if not referral.has_consent:
            raise ConsentMissing(
                _(
                    "Indstillingen kan ikke indsendes uden forældrenes samtykke: "
                    "angiv hvem der gav samtykke, hvornår og hvordan."
                )
            )
        referral.status = Referral.Status.SUBMITTED
        referral.submitted_at = timezone.now()
        referral.save(update_fields=["status", "submitted_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=referral,
            child=referral.child,
            changes={"status": {"before": "draft", "after": "submitted"}},
        )
    return referral


def referral_add_addendum(*, actor: User, referral: Referral, text: str) -> ReferralAddendum:
    with transaction.atomic():
        addendum = ReferralAddendum.objects.create(
            municipality_id=referral.municipality_id, referral=referral, author=actor, text=text
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=referral,
            child=referral.child,
            object_type="referraladdendum",
            changes={"addendum": {"before": None, "after": text[:500]}},
        )
    return addendum


def sniff_upload(upload) -> tuple[str, str]:
    """The real type of an uploaded file from its first bytes; refuses anything else."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRejected(
            _("Filen fylder %(size).1f MB; den må højst fylde 10 MB.")
            % {"size": upload.size / 1024 / 1024}
        )
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in ALLOWED_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise AttachmentRejected(_("Kun PDF-, PNG- og JPEG-filer kan vedhæftes."))


def attachment_add(*, actor: User, referral: Referral, upload) -> ReferralAttachment:
    content_type, extension = sniff_upload(upload)
    # A random stored name: the browser's file name never reaches the file system.
    stored = private_storage.save(f"referrals/{uuid.uuid4().hex}.{extension}", upload)
    try:
        with transaction.atomic():
            attachment = ReferralAttachment.objects.create(
                municipality_id=referral.municipality_id,
                referral=referral,
                stored_name=stored,
                original_name=(upload.name or "bilag")[:200],
                content_type=content_type,
                size=upload.size,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=attachment,
                child=referral.child,
                changes={"attachment": {"before": None, "after": attachment.original_name}},
            )
    except Exception:
        private_storage.delete(stored)
        raise
    return attachment


# --- Periods and meetings --------------------------------------------------------------------


def period_for(municipality_id: int, day: datetime.date) -> VisitationPeriod:
    period = VisitationPeriod.objects.filter(
        municipality_id=municipality_id, start=period_start_for(day)
    ).first()
    if period is None:
        raise PeriodMissing(day)
    return period


def period_create(*, actor: User, start_year: int, support_places: int) -> VisitationPeriod:
    start = datetime.date(start_year, 4, 1)
    if VisitationPeriod.objects.filter(municipality_id=actor.municipality_id, start=start).exists():
        raise NotAllowedNow(
            _("Visitationsperioden %(label)s findes allerede.") % {"label": period_label(start)}
        )
    return VisitationPeriod.objects.create(
        municipality_id=actor.municipality_id,
        start=start,
        end=datetime.date(start_year + 1, 3, 31),
        support_places=support_places,
    )


def legal_basis_add(*, actor: User, title: str, text: str) -> LegalBasis:
    return LegalBasis.objects.create(municipality_id=actor.municipality_id, title=title, text=text)


def meeting_create(*, actor: User, date: datetime.date, note: str = "") -> CommitteeMeeting:
    return CommitteeMeeting.objects.create(
        municipality_id=actor.municipality_id,
        date=date,
        period=period_for(actor.municipality_id, date),
        note=note,
    )


# --- Capacity -----------------------------------------------------------------------------------


def current_grants(on: datetime.date | None = None):
    """Grants in force on a day (default today): not superseded, not ended, not run out."""
    on = on or timezone.localdate()
    return Decision.objects.filter(
        Q(end__isnull=True) | Q(end__gte=on),
        outcome__in=Decision.GRANTING,
        superseded_by__isnull=True,
        ended_on__isnull=True,
    )


def is_in_force(decision: Decision) -> bool:
    return current_grants().filter(pk=decision.pk).exists()


def place_holding_support_grants():
    """Support-pedagogue grants that hold a place: what capacity and statistics both count.
    A grant withdrawn before it started gives its place back."""
    return Decision.objects.filter(
        offer=Offer.SUPPORT_PEDAGOGUE, outcome__in=Decision.GRANTING
    ).exclude(superseded_by__kind=Decision.Kind.WITHDRAWAL)


def support_places_used(period: VisitationPeriod, *, excluding_child: Child | None = None) -> int:
    """Children holding a support-pedagogue place in the period (Ishøj counts children served a
    year)."""
    grants = place_holding_support_grants().filter(period=period)
    if excluding_child is not None:
        grants = grants.exclude(child=excluding_child)
    return grants.values("child").distinct().count()


def group_places_used(group: ResourceGroup, *, excluding: Decision | None = None) -> int:
    grants = current_grants().filter(offer=Offer.RESOURCE_GROUP_PLACE, resource_group=group)
    if excluding is not None:
        grants = grants.exclude(pk=excluding.pk)
    return grants.count()


def _check_capacity(
    *,
    offer: str,
    period: VisitationPeriod,
    group: ResourceGroup | None,
    child: Child,
    replacing=None,
) -> None:
    """A hard limit: the period (or group) row is locked, so two committee members granting
    the last place at once are served one after the other, and the second is refused."""
    if offer == Offer.SUPPORT_PEDAGOGUE:
        locked = VisitationPeriod.objects.select_for_update().get(pk=period.pk)
        used = support_places_used(locked, excluding_child=child)
        if used >= locked.support_places:
            raise CapacityExceeded(
                capacity=locked.support_places,
                used=used,
                what=_("Støttepædagog %(period)s") % {"period": locked.label},
            )
    elif offer == Offer.RESOURCE_GROUP_PLACE:
        locked_group = ResourceGroup.objects.select_for_update().get(pk=group.pk)
        used = group_places_used(locked_group, excluding=replacing)
        if used >= locked_group.places:
            raise CapacityExceeded(capacity=locked_group.places, used=used, what=str(locked_group))


# --- Decisions ------------------------------------------------------------------------------

DECISION_FIELDS = [
    "kind",
    "outcome",
    "offer",
    "resource_group",
    "alternative",
    "reasons",
    "legal_basis",
    "start",
    "end",
]


def _reassessment_due(
    start: datetime.date | None, end: datetime.date | None
) -> datetime.date | None:
    """At least yearly (Hedensted: minimum once a year), and before the grant runs out."""
    if start is None:
        return None
    yearly = one_year_from(start) - datetime.timedelta(days=30)
    return min(yearly, end - datetime.timedelta(days=30)) if end else yearly


def decision_record(
    *,
    actor: User,
    child: Child,
    outcome: str,
    offer: str,
    reasons: str,
    legal_basis,
    referral: Referral | None = None,
    meeting: CommitteeMeeting | None = None,
    resource_group: ResourceGroup | None = None,
    alternative: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    kind: str = Decision.Kind.INITIAL,
    supersedes: Decision | None = None,
    decided_on: datetime.date | None = None,
) -> Decision:
    """Record a decision within capacity; a support-pedagogue grant lasts one year."""
    decided_on = decided_on or (meeting.date if meeting else timezone.localdate())
    granting = outcome in Decision.GRANTING
    if offer == Offer.RESOURCE_GROUP_PLACE and granting and resource_group is None:
        raise NotAllowedNow(_("Vælg den ressourcegruppe, barnet bevilges plads i."))
    with transaction.atomic():
        period = None
        if granting:
            if start is None:
                raise NotAllowedNow(_("En bevilling skal have en startdato."))
            period = meeting.period if meeting else period_for(child.municipality_id, start)
            if not period.contains(start):
                raise DateOutsidePeriod(period, start)
            if offer == Offer.SUPPORT_PEDAGOGUE and end is None:
                end = one_year_from(start)
            if end is not None and end < start:
                raise NotAllowedNow(_("Slutdatoen ligger før startdatoen."))
            if offer == Offer.SUPPORT_PEDAGOGUE and end > one_year_from(start):
                raise NotAllowedNow(_("Støttepædagog bevilges for højst ét år ad gangen."))
            _check_capacity(
                offer=offer, period=period, group=resource_group, child=child, replacing=supersedes
            )
        decision = Decision.objects.create(
            municipality_id=child.municipality_id,
            child=child,
            referral=referral,
            supersedes=supersedes,
            kind=kind,
            outcome=outcome,
            offer=offer,
            category=(referral.category if referral else "")
            or (supersedes.category if supersedes else "")
            or child.category,
            resource_group=resource_group if offer == Offer.RESOURCE_GROUP_PLACE else None,
            alternative=alternative,
            reasons=reasons,
            legal_basis=legal_basis,
            start=start if granting else None,
            end=end if granting else None,
            period=period,
            meeting=meeting,
            decided_by=actor,
            decided_on=decided_on,
            contact_person=actor,
            reassessment_due=_reassessment_due(start, end) if granting else None,
            placed_on=supersedes.placed_on if supersedes and granting else None,
        )
        if referral is not None:
            Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.DECIDED)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=decision,
            child=child,
            changes=diff({}, snapshot(decision, DECISION_FIELDS)),
        )
    return decision


def decision_end(
    *, actor: User, decision: Decision, kind: str, reasons: str, legal_basis, end_on: datetime.date
) -> Decision:
    """Ending a grant early or withdrawing it is itself a decision, with its own letter."""
    if not decision.is_grant or decision.ended_on or decision.superseded_by.exists():
        raise NotAllowedNow(_("Kun en gældende bevilling kan bringes til ophør."))
    with transaction.atomic():
        ending = decision_record(
            actor=actor,
            child=decision.child,
            outcome=Decision.Outcome.ENDED,
            offer=decision.offer,
            reasons=reasons,
            legal_basis=legal_basis,
            kind=kind,
            supersedes=decision,
        )
        Decision.objects.filter(pk=decision.pk).update(ended_on=end_on)
    return ending


def reassessment_record(
    *,
    actor: User,
    decision: Decision,
    outcome: str,
    reasons: str,
    legal_basis,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    resource_group: ResourceGroup | None = None,
) -> Decision:
    """Yearly re-assessment ends in continue, change or end, recorded like a decision."""
    if not decision.is_grant or decision.superseded_by.exists():
        raise NotAllowedNow(_("Kun en gældende bevilling kan revurderes."))
    with transaction.atomic():
        if outcome == Decision.Outcome.ENDED:
            return decision_end(
                actor=actor,
                decision=decision,
                kind=Decision.Kind.REASSESSMENT,
                reasons=reasons,
                legal_basis=legal_basis,
                end_on=timezone.localdate(),
            )
        start = start or (
            (decision.end + datetime.timedelta(days=1)) if decision.end else timezone.localdate()
        )
        return decision_record(
            actor=actor,
            child=decision.child,
            outcome=outcome,
            offer=decision.offer,
            reasons=reasons,
            legal_basis=legal_basis,
            kind=Decision.Kind.REASSESSMENT,
            supersedes=decision,
            start=start,
            end=end,
            resource_group=resource_group or decision.resource_group,
        )


def decision_mark_placed(*, actor: User, decision: Decision, placed_on: datetime.date) -> Decision:
    """The child has started: it leaves the waiting list."""
    with transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(placed_on=placed_on)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=decision,
            child=decision.child,
            changes={"placed_on": {"before": None, "after": placed_on.isoformat()}},
        )
    decision.refresh_from_db()
    return decision


# --- Letters -------------------------------------------------------------------------------------


def decision_sentence(decision: Decision) -> str:
    """The decision in one plain sentence, as the letter opens with it."""
    values = {
        "offer": decision.get_offer_display().lower(),
        "group": decision.resource_group.name if decision.resource_group_id else "",
        "alternative": decision.alternative,
        "day": decision.decided_on.strftime("%d.%m.%Y"),
    }
    sentences = {
        Decision.Outcome.GRANTED: _("Vi har den %(day)s besluttet at bevilge %(offer)s."),
        Decision.Outcome.REFUSED: _("Vi har den %(day)s besluttet at give afslag på %(offer)s."),
        Decision.Outcome.ALTERNATIVE: _(
            "Vi har den %(day)s besluttet ikke at bevilge %(offer)s, men at tilbyde: %(alternative)s."
        ),
        Decision.Outcome.CONTINUED: _(
            "Vi har revurderet behovet den %(day)s, og %(offer)s fortsætter."
        ),
        Decision.Outcome.CHANGED: _(
            "Vi har den %(day)s besluttet at ændre bevillingen af %(offer)s."
        ),
        Decision.Outcome.ENDED: _("Vi har den %(day)s besluttet, at %(offer)s ophører."),
    }
    sentence = sentences[decision.outcome] % values
    if values["group"] and decision.is_grant:
        sentence += " " + _("Pladsen er i %(group)s.") % values
    return sentence


def letter_context(decision: Decision) -> dict[str, Any]:
    guardians = [
        g.guardian for g in decision.child.guardianships.select_related("guardian") if g.has_custody
    ]
    return {
        "decision": decision,
        "decision_sentence": decision_sentence(decision),
        "child": decision.child,
        "municipality": decision.child.municipality,
        "guardians": guardians,
        "today": timezone.localdate(),
        "appeal_weeks": APPEAL_WEEKS,
    }


def letter_issue(*, actor: User, decision: Decision) -> DecisionLetter:
    """Render and store the letter; it is never changed, a re-issue is a new version."""
    pdf = render_pdf("referrals/letter_pdf.html", letter_context(decision))
    with transaction.atomic():
        Decision.objects.select_for_update().get(pk=decision.pk)
        version = (
            decision.letters.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        letter = DecisionLetter.objects.create(
            municipality_id=decision.municipality_id,
            decision=decision,
            version=version,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=letter,
            child=decision.child,
            changes={"letter_version": {"before": None, "after": version}},
        )
    return letter


def letter_mark_sent(
    *, actor: User, letter: DecisionLetter, sent_on: datetime.date
) -> DecisionLetter:
    if letter.sent_on:
        raise NotAllowedNow(_("Brevet er allerede registreret som sendt."))
    with transaction.atomic():
        DecisionLetter.objects.filter(pk=letter.pk).update(sent_on=sent_on)
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=letter,
            child=letter.decision.child,
            changes={"sent_on": {"before": None, "after": sent_on.isoformat()}},
        )
    letter.refresh_from_db()
    return letter


# --- Appeals -------------------------------------------------------------------------------------


def appeal_register(
    *, actor: User, decision: Decision, received_on: datetime.date, text: str, owner: User
) -> Appeal:
    with transaction.atomic():
        appeal = Appeal.objects.create(
            municipality_id=decision.municipality_id,
            decision=decision,
            received_on=received_on,
            text=text,
            owner=owner,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=appeal,
            child=decision.child,
            changes={"received_on": {"before": None, "after": received_on.isoformat()}},
        )
    return appeal


def case_bundle(decision: Decision) -> bytes:
    """The case file for the appeals board: a summary, then every letter, as one PDF."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    context = letter_context(decision) | {
        "referrals": decision.child.referrals.exclude(
            status=Referral.Status.DRAFT
        ).prefetch_related("addenda"),
        "decisions": decision.child.decisions.select_related("legal_basis").order_by(
            "decided_on", "pk"
        ),
    }
    summary = render_pdf("referrals/case_summary_pdf.html", context)
    for page in PdfReader(io.BytesIO(summary)).pages:
        writer.add_page(page)
    for letter in DecisionLetter.objects.filter(decision__child=decision.child).order_by(
        "created_at"
    ):
        for page in PdfReader(io.BytesIO(bytes(letter.pdf))).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def appeal_uphold(*, actor: User, appeal: Appeal, on: datetime.date) -> Appeal:
    """The municipality keeps its decision: the appeal goes to the board with the case file."""
    if appeal.status != Appeal.Status.RECEIVED:
        raise NotAllowedNow(_("Klagen er allerede genvurderet."))
    bundle = case_bundle(appeal.decision)
    with transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(
            status=Appeal.Status.FORWARDED,
            reassessed_on=on,
            reassessed_by=actor,
            forwarded_on=on,
            bundle=bundle,
        )
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=appeal,
            child=appeal.decision.child,
            changes={"forwarded_on": {"before": None, "after": on.isoformat()}},
        )
    appeal.refresh_from_db()
    return appeal


def appeal_change(
    *, actor: User, appeal: Appeal, on: datetime.date | None = None, **decision_data
) -> Decision:
    """The municipality changes its decision after the appeal: a new decision supersedes it."""
    if appeal.status != Appeal.Status.RECEIVED:
        raise NotAllowedNow(_("Klagen er allerede genvurderet."))
    with transaction.atomic():
        new = decision_record(
            actor=actor,
            child=appeal.decision.child,
            referral=appeal.decision.referral,
            kind=Decision.Kind.APPEAL_CHANGE,
            supersedes=appeal.decision,
            **decision_data,
        )
        Appeal.objects.filter(pk=appeal.pk).update(
            status=Appeal.Status.CHANGED,
            reassessed_on=on or timezone.localdate(),
            reassessed_by=actor,
            new_decision=new,
        )
    return new

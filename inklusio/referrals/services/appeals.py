"""Appeals (klager): the municipality reassesses first, then upholds and forwards the case file to
Ankestyrelsen, or changes its decision."""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.pdf import render_pdf
from inklusio.organisation.models import ResourceGroup
from inklusio.people.models import User
from inklusio.referrals.errors import NotAllowedNow
from inklusio.referrals.models import Appeal, Decision, DecisionLetter, LegalBasis, Referral
from inklusio.referrals.services.decisions import decision_record
from inklusio.referrals.services.letters import letter_context


def appeal_register(
    *, actor: User, decision: Decision, received_on: datetime.date, text: str, owner: User
) -> Appeal:
    """A received appeal is registered with a case officer who reassesses it."""
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


def _lock_unassessed(appeal: Appeal) -> Appeal:
    """The appeal, locked; refused once reassessed, so it is upheld or changed only once."""
    locked: Appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if locked.status != Appeal.Status.RECEIVED:
        raise NotAllowedNow(_("Klagen er allerede genvurderet."))
    return locked


def appeal_uphold(*, actor: User, appeal: Appeal, on: datetime.date) -> Appeal:
    """The municipality keeps its decision: the appeal goes to the board with the case file."""
    bundle = case_bundle(appeal.decision)
    with transaction.atomic():
        locked = _lock_unassessed(appeal)
        locked.status = Appeal.Status.FORWARDED
        locked.reassessed_on = on
        locked.reassessed_by = actor
        locked.forwarded_on = on
        locked.bundle = bundle
        locked.save(
            update_fields=["status", "reassessed_on", "reassessed_by", "forwarded_on", "bundle"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=locked,
            child=locked.decision.child,
            changes={"forwarded_on": {"before": None, "after": on.isoformat()}},
        )
    return locked


def appeal_change(
    *,
    actor: User,
    appeal: Appeal,
    outcome: str,
    offer: str,
    reasons: str,
    legal_basis: LegalBasis,
    resource_group: ResourceGroup | None = None,
    alternative: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    on: datetime.date | None = None,
) -> Decision:
    """The municipality changes its decision after the appeal: a new decision supersedes it."""
    with transaction.atomic():
        locked = _lock_unassessed(appeal)
        new = decision_record(
            actor=actor,
            child=locked.decision.child,
            referral=locked.decision.referral,
            kind=Decision.Kind.APPEAL_CHANGE,
            supersedes=locked.decision,
            outcome=outcome,
            offer=offer,
            reasons=reasons,
            legal_basis=legal_basis,
            resource_group=resource_group,
            alternative=alternative,
            start=start,
            end=end,
        )
        locked.status = Appeal.Status.CHANGED
        locked.reassessed_on = on or timezone.localdate()
        locked.reassessed_by = actor
        locked.new_decision = new
        locked.save(update_fields=["status", "reassessed_on", "reassessed_by", "new_decision"])
    return new

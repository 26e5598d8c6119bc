"""Appeals (klager): the municipality reassesses first, then upholds and forwards the case file to
Ankestyrelsen, or changes its decision."""

from __future__ import annotations

import base64
import datetime
import io
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.pdf import render_pdf
from inklusio.core.storage import private_storage
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.organisation.models import ResourceGroup
from inklusio.people.models import User
from inklusio.referrals.errors import InvalidInput, NotAllowedNow
from inklusio.referrals.models import (
    Appeal,
    Decision,
    DecisionLetter,
    LegalBasis,
    Referral,
    ReferralAttachment,
)
from inklusio.referrals.services.decisions import decision_record
from inklusio.referrals.services.letters import letter_context


def appeal_register(
    *, actor: User, decision: Decision, received_on: datetime.date, text: str, owner: User
) -> Appeal:
    """A received appeal is registered with a case officer who reassesses it. The day it
    arrived starts the reassessment deadline, so it lies between the decision and today."""
    if received_on > timezone.localdate():
        raise InvalidInput(_("Klagen kan ikke være modtaget i fremtiden."), field="received_on")
    if received_on < decision.decided_on:
        raise InvalidInput(
            _("Klagen kan ikke være modtaget før afgørelsen (%(day)s).")
            % {"day": short_date(decision.decided_on)},
            field="received_on",
        )
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


# The page stamp covers the footer WeasyPrint put on each rendered page ("Side 1 af 1" on a
# letter), so the whole file is numbered once, over every page.
STAMP_HTML = """<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 0 }
body { margin: 0; font-family: "DejaVu Sans", sans-serif; }
.page { position: relative; height: 297mm; break-after: page; }
.stamp { position: absolute; right: 14mm; bottom: 5mm; width: 70mm; height: 12mm;
         line-height: 12mm; background: white; text-align: right; padding-right: 6mm;
         font-size: 8pt; color: #555; }
</style></head><body>%s</body></html>"""
A4_WIDTH = 595.28  # points


def _readable_pdf(data: bytes) -> Any | None:
    """An attached PDF's pages, or None when the file does not open as a PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return list(reader.pages)
    except (PdfReadError, ValueError, OSError):
        return None


def _attachments(decision: Decision) -> list[dict[str, Any]]:
    """The referrals' attachments: images shown in the summary, PDFs appended after it."""
    found = []
    for attachment in (
        ReferralAttachment.objects.filter(referral__child=decision.child)
        .exclude(referral__status=Referral.Status.DRAFT)
        .order_by("uploaded_at", "pk")
    ):
        with private_storage.open(attachment.stored_name) as stored:
            data = stored.read()
        item: dict[str, Any] = {"attachment": attachment, "image": None, "pages": None}
        if attachment.content_type.startswith("image/"):
            encoded = base64.b64encode(data).decode()
            item["image"] = f"data:{attachment.content_type};base64,{encoded}"
        else:
            item["pages"] = _readable_pdf(data)
        found.append(item)
    return found


def _stamp_page_numbers(writer: Any) -> None:
    """'Side X af Y' on every page of the file, bottom right, whatever its size."""
    from pypdf import PdfReader, Transformation
    from weasyprint import HTML

    total = len(writer.pages)
    pages = "".join(
        f'<div class="page"><div class="stamp">'
        f"{_('Side %(page)s af %(pages)s') % {'page': number, 'pages': total}}</div></div>"
        for number in range(1, total + 1)
    )
    stamps = PdfReader(io.BytesIO(HTML(string=STAMP_HTML % pages).write_pdf())).pages
    for page, stamp in zip(writer.pages, stamps, strict=True):
        box = page.mediabox
        shift = Transformation().translate(tx=float(box.right) - A4_WIDTH, ty=float(box.bottom))
        page.merge_transformed_page(stamp, shift)


def case_bundle(decision: Decision, upheld_reasons: str = "") -> bytes:
    """The case file for the appeals board: a summary (referrals with what was tried and the
    consent, decisions, the appeal and the municipality's reasons for upholding, attached
    images), then every letter and every attached PDF, numbered as one file."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    attachments = _attachments(decision)
    context = letter_context(decision) | {
        "referrals": decision.child.referrals.exclude(status=Referral.Status.DRAFT)
        .select_related("resource_group")
        .prefetch_related("addenda"),
        "decisions": decision.child.decisions.select_related("legal_basis").order_by(
            "decided_on", "pk"
        ),
        "attachments": attachments,
        "upheld_reasons": upheld_reasons,
    }
    summary = render_pdf("referrals/case_summary_pdf.html", context)
    for page in PdfReader(io.BytesIO(summary)).pages:
        writer.add_page(page)
    for letter in DecisionLetter.objects.filter(decision__child=decision.child).order_by(
        "created_at"
    ):
        for page in PdfReader(io.BytesIO(bytes(letter.pdf))).pages:
            writer.add_page(page)
    for item in attachments:
        for page in item["pages"] or []:
            writer.add_page(page)
    _stamp_page_numbers(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _lock_unassessed(appeal: Appeal) -> Appeal:
    """The appeal, locked; refused once reassessed, so it is upheld or changed only once."""
    locked: Appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if locked.status != Appeal.Status.RECEIVED:
        raise NotAllowedNow(_("Klagen er allerede genvurderet."))
    return locked


def appeal_uphold(*, actor: User, appeal: Appeal, on: datetime.date, reasons: str) -> Appeal:
    """The municipality keeps its decision: the appeal goes to the board with the case file
    and the municipality's reasons for upholding it."""
    if not reasons.strip():
        raise InvalidInput(
            _("Skriv kommunens begrundelse for at fastholde afgørelsen."), field="reasons"
        )
    bundle = case_bundle(appeal.decision, upheld_reasons=reasons)
    with transaction.atomic():
        locked = _lock_unassessed(appeal)
        locked.status = Appeal.Status.FORWARDED
        locked.reassessed_on = on
        locked.reassessed_by = actor
        locked.forwarded_on = on
        locked.upheld_reasons = reasons
        locked.bundle = bundle
        locked.save(
            update_fields=[
                "status",
                "reassessed_on",
                "reassessed_by",
                "forwarded_on",
                "upheld_reasons",
                "bundle",
            ]
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

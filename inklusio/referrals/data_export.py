"""The visitation part of a data-subject export: referrals with their additions and attachments,
decisions, letters, appeals (texts included) and places on the waiting list; the files
themselves go into the ZIP."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inklusio.children.export import ExportFile, iso, person
from inklusio.children.models import Child
from inklusio.core.storage import private_storage
from inklusio.referrals.models import Appeal, DecisionLetter, ReferralAttachment, WaitingListEntry

COVERS = (
    "referrals.Referral",
    "referrals.ReferralAddendum",
    "referrals.ReferralAttachment",
    "referrals.Decision",
    "referrals.DecisionLetter",
    "referrals.Appeal",
    "referrals.WaitingListEntry",
)

TITLE = gettext_lazy("Visitation")

LABELS = {
    "referrals": gettext_lazy("Indstillinger"),
    "offer": gettext_lazy("Tilbud"),
    "status": gettext_lazy("Status"),
    "description": gettext_lazy("Beskrivelse af vanskeligheden"),
    "tried": gettext_lazy("Hvad er prøvet"),
    "consent": gettext_lazy("Forældrenes samtykke"),
    "by": gettext_lazy("Af"),
    "date": gettext_lazy("Dato"),
    "method": gettext_lazy("Måde"),
    "referred_by": gettext_lazy("Indstillet af"),
    "created_at": gettext_lazy("Oprettet"),
    "submitted_at": gettext_lazy("Sendt"),
    "withdrawn_at": gettext_lazy("Trukket tilbage"),
    "withdrawn_by": gettext_lazy("Trukket tilbage af"),
    "withdrawal_reason": gettext_lazy("Hvorfor trukket tilbage"),
    "additions": gettext_lazy("Tilføjelser"),
    "text": gettext_lazy("Tekst"),
    "attachments": gettext_lazy("Bilag"),
    "file": gettext_lazy("Fil i udtrækket"),
    "uploaded_at": gettext_lazy("Lagt ind"),
    "decisions": gettext_lazy("Afgørelser"),
    "case_number": gettext_lazy("Sagsnummer"),
    "kind": gettext_lazy("Slags"),
    "outcome": gettext_lazy("Resultat"),
    "alternative": gettext_lazy("Andet tilbud"),
    "decided_on": gettext_lazy("Afgjort"),
    "start": gettext_lazy("Start"),
    "end": gettext_lazy("Slut"),
    "reasons": gettext_lazy("Begrundelse"),
    "legal_basis": gettext_lazy("Regler"),
    "reassessment_due": gettext_lazy("Revurderes senest"),
    "placed_on": gettext_lazy("Startet i tilbuddet"),
    "letters": gettext_lazy("Afgørelsesbreve"),
    "version": gettext_lazy("Version"),
    "sent_on": gettext_lazy("Sendt"),
    "appeals": gettext_lazy("Klager"),
    "received_on": gettext_lazy("Modtaget"),
    "reassessed_on": gettext_lazy("Genvurderet"),
    "forwarded_on": gettext_lazy("Sendt til Ankestyrelsen"),
    "upheld_reasons": gettext_lazy("Kommunens begrundelse for at fastholde"),
    "waiting_list": gettext_lazy("Venteliste"),
    "queue": gettext_lazy("Venter på"),
    "position": gettext_lazy("Plads i køen"),
    "added_on": gettext_lazy("Sat på listen"),
    "removed_on": gettext_lazy("Taget af listen"),
    "removed_reason": gettext_lazy("Hvorfor taget af listen"),
    "moves": gettext_lazy("Flyttet i køen"),
    "case_file": gettext_lazy("Sagens akter til Ankestyrelsen"),
}


def _attachment_file(a: ReferralAttachment) -> str:
    return f"bilag-{a.public_id}-{a.original_name}"


def _letter_file(letter: DecisionLetter) -> str:
    return f"afgoerelsesbrev-{letter.decision.public_id}-v{letter.version}.pdf"


def _bundle_file(appeal: Appeal) -> str:
    return f"klagesag-{appeal.public_id}.pdf"


def export(child: Child) -> dict[str, Any]:
    return {
        "referrals": [
            {
                "offer": r.get_offer_display(),
                "resource_group": r.resource_group.name if r.resource_group else None,
                "status": r.get_status_display(),
                "category": r.get_category_display(),
                "description": r.description,
                "tried": r.tried,
                "consent": {
                    "by": r.consent_by,
                    "date": iso(r.consent_date),
                    "method": r.get_consent_method_display() if r.consent_method else None,
                },
                "referred_by": person(r.referred_by),
                "created_at": iso(r.created_at),
                "submitted_at": iso(r.submitted_at),
                "withdrawn_at": iso(r.withdrawn_at),
                "withdrawn_by": person(r.withdrawn_by),
                "withdrawal_reason": r.withdrawal_reason,
                "additions": [
                    {"created_at": iso(a.created_at), "by": person(a.author), "text": a.text}
                    for a in r.addenda.all()
                ],
                "attachments": [
                    {
                        "name": a.original_name,
                        "uploaded_at": iso(a.uploaded_at),
                        "by": person(a.uploaded_by),
                        "file": f"files/{_attachment_file(a)}",
                    }
                    for a in r.attachments.all()
                ],
            }
            for r in child.referrals.select_related("resource_group", "referred_by", "withdrawn_by")
            .prefetch_related("addenda__author", "attachments__uploaded_by")
            .order_by("created_at", "pk")
        ],
        "decisions": [
            {
                "case_number": d.case_number,
                "kind": d.get_kind_display(),
                "outcome": d.get_outcome_display(),
                "offer": d.get_offer_display(),
                "category": d.get_category_display() if d.category else None,
                "resource_group": d.resource_group.name if d.resource_group else None,
                "alternative": d.alternative,
                "decided_on": iso(d.decided_on),
                "start": iso(d.start),
                "end": iso(d.end),
                "reasons": d.reasons,
                "legal_basis": str(d.legal_basis),
                "reassessment_due": iso(d.reassessment_due),
                "placed_on": iso(d.placed_on),
                "ended_on": iso(d.ended_on),
                "letters": [
                    {
                        "version": letter.version,
                        "created_at": iso(letter.created_at),
                        "sent_on": iso(letter.sent_on),
                        "file": f"files/{_letter_file(letter)}",
                    }
                    for letter in d.letters.all()
                ],
                "appeals": [
                    {
                        "received_on": iso(a.received_on),
                        "text": a.text,
                        "status": a.get_status_display(),
                        "reassessed_on": iso(a.reassessed_on),
                        "forwarded_on": iso(a.forwarded_on),
                        "upheld_reasons": a.upheld_reasons,
                        "case_file": f"files/{_bundle_file(a)}" if a.bundle else None,
                    }
                    for a in d.appeals.all()
                ],
            }
            for d in child.decisions.select_related("legal_basis", "resource_group")
            .prefetch_related("letters", "appeals")
            .order_by("decided_on", "pk")
        ],
        "waiting_list": [
            {
                "queue": e.queue_label,
                "position": e.position,
                "status": e.get_status_display(),
                "added_on": iso(e.added_on),
                "removed_on": iso(e.removed_on),
                "removed_reason": e.removed_reason,
                "moves": [
                    {"date": move["on"], "position": move["to"], "reasons": move["reason"]}
                    for move in e.moves
                ],
            }
            for e in WaitingListEntry.objects.filter(child=child)
            .select_related("period", "resource_group")
            .order_by("added_on", "pk")
        ],
    }


def files(child: Child) -> list[ExportFile]:
    """Attachments, every version of every decision letter and the appeals' case files."""
    found: list[ExportFile] = []
    attachments = ReferralAttachment.objects.filter(referral__child=child).order_by("pk")
    for a in attachments:
        with private_storage.open(a.stored_name) as stored:
            found.append(
                ExportFile(_attachment_file(a), stored.read(), _("Bilag: %s") % a.original_name)
            )
    letters = DecisionLetter.objects.filter(decision__child=child).select_related("decision")
    for letter in letters.order_by("pk"):
        about = _("Afgørelsesbrev, version %s") % letter.version
        found.append(ExportFile(_letter_file(letter), bytes(letter.pdf), about))
    for appeal in Appeal.objects.filter(decision__child=child).exclude(bundle=None).order_by("pk"):
        if appeal.bundle:
            about = _("Klagesagens akter til Ankestyrelsen")
            found.append(ExportFile(_bundle_file(appeal), bytes(appeal.bundle), about))
    return found

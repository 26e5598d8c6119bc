"""The visitation part of a data-subject export: referrals, decisions, letters, appeals."""

from typing import Any

from inklusio.children.models import Child


def export(child: Child) -> dict[str, Any]:
    return {
        "referrals": [
            {
                "offer": r.get_offer_display(),
                "status": r.get_status_display(),
                "category": r.get_category_display(),
                "description": r.description,
                "tried": r.tried,
                "consent": {
                    "by": r.consent_by,
                    "date": r.consent_date and r.consent_date.isoformat(),
                },
                "submitted_at": r.submitted_at and r.submitted_at.isoformat(),
                "additions": [a.text for a in r.addenda.all()],
                "attachments": [a.original_name for a in r.attachments.all()],
            }
            for r in child.referrals.prefetch_related("addenda", "attachments")
        ],
        "decisions": [
            {
                "kind": d.get_kind_display(),
                "outcome": d.get_outcome_display(),
                "offer": d.get_offer_display(),
                "decided_on": d.decided_on.isoformat(),
                "start": d.start and d.start.isoformat(),
                "end": d.end and d.end.isoformat(),
                "reasons": d.reasons,
                "legal_basis": str(d.legal_basis),
                "letters": [
                    {
                        "version": letter.version,
                        "sent_on": letter.sent_on and letter.sent_on.isoformat(),
                    }
                    for letter in d.letters.all()
                ],
                "appeals": [
                    {"received_on": a.received_on.isoformat(), "status": a.get_status_display()}
                    for a in d.appeals.all()
                ],
            }
            for d in child.decisions.select_related("legal_basis").prefetch_related(
                "letters", "appeals"
            )
        ],
    }

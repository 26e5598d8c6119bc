"""The transitions part of a data-subject export: each handover with what it says, to whom,
the consent it was shared under, and its handover meetings."""

from typing import Any

from django.utils.translation import gettext_lazy

from inklusio.children.export import iso, person
from inklusio.children.models import Child
from inklusio.transitions.models import Handover

COVERS = ("transitions.Handover", "transitions.HandoverMeeting")

TITLE = gettext_lazy("Overgange")

LABELS = {
    "handovers": gettext_lazy("Overgange"),
    "receiving_place": gettext_lazy("Modtagende sted"),
    "receiver": gettext_lazy("Modtager"),
    "what_works": gettext_lazy("Det, der virker"),
    "next_steps": gettext_lazy("Aftalte næste skridt"),
    "handover_date": gettext_lazy("Overgangsdato"),
    "access_until": gettext_lazy("Modtagerens adgang til og med"),
    "consent_given_on": gettext_lazy("Samtykke givet"),
    "shared_on": gettext_lazy("Delt"),
    "meetings": gettext_lazy("Overgangsmøder"),
    "participants": gettext_lazy("Deltagere"),
    "created_by": gettext_lazy("Udarbejdet af"),
}


def export(child: Child) -> dict[str, Any]:
    handovers = (
        Handover.objects.filter(child=child)
        .select_related("receiving_institution", "receiver", "consent", "created_by")
        .prefetch_related("meetings__recorded_by")
        .order_by("pk")
    )
    return {
        "handovers": [
            {
                "kind": h.get_kind_display(),
                "receiving_place": h.receiving_place,
                "receiver": person(h.receiver),
                "what_works": h.what_works,
                "next_steps": h.next_steps,
                "handover_date": iso(h.handover_date),
                "access_until": iso(h.access_until),
                "consent_given_on": iso(h.consent.given_on) if h.consent else None,
                "shared_on": iso(h.shared_on),
                "created_by": person(h.created_by),
                "created_at": iso(h.created_at),
                "meetings": [
                    {
                        "date": iso(m.date),
                        "participants": m.participants,
                        "note": m.note,
                        "recorded_by": person(m.recorded_by),
                        "created_at": iso(m.created_at),
                    }
                    for m in h.meetings.all()
                ],
            }
            for h in handovers
        ]
    }

"""The register's part of a data-subject export: the requests made about the child and how
each was answered."""

from typing import Any

from django.utils.translation import gettext_lazy

from inklusio.children.export import iso
from inklusio.children.models import Child
from inklusio.privacy.models import DataRequest

COVERS = ("privacy.DataRequest",)

TITLE = gettext_lazy("Anmodninger om indsigt")

LABELS = {
    "requests": gettext_lazy("Anmodninger"),
    "requester": gettext_lazy("Anmoder"),
    "registered_at": gettext_lazy("Registreret"),
    "deadline": gettext_lazy("Frist"),
    "answered_on": gettext_lazy("Besvaret"),
}


def export(child: Child) -> dict[str, Any]:
    return {
        "requests": [
            {
                "requester": r.requester,
                "registered_at": iso(r.registered_at),
                "received_on": iso(r.received_on),
                "deadline": iso(r.deadline),
                "status": r.get_status_display(),
                "reason": r.reason,
                "answered_on": iso(r.answered_on),
            }
            for r in DataRequest.objects.filter(child=child).order_by("received_on", "pk")
        ]
    }

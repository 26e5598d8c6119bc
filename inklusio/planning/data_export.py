"""The corps-planning part of a data-subject export: the half-days a support pedagogue is
planned with the child in the weekly plans (the pedagogue by role only)."""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inklusio.children.export import iso
from inklusio.children.models import Child
from inklusio.people.models import PedagogueAttachment
from inklusio.planning.models import PlanSlot

COVERS = ("planning.PlanSlot",)

TITLE = gettext_lazy("Planlagt støtte")

LABELS = {
    "support_half_days": gettext_lazy("Halve dage med støttepædagog i ugeplanerne"),
    "week_start": gettext_lazy("Uge der begynder"),
    "half": gettext_lazy("Halvdel af dagen"),
    "function": gettext_lazy("Funktion"),
    "plan_status": gettext_lazy("Ugeplanens status"),
}


def export(child: Child) -> dict[str, Any]:
    slots = (
        PlanSlot.objects.filter(child=child)
        .select_related("plan", "institution")
        .order_by("plan__week_start", "day", "half", "pk")
    )
    functions = dict(PedagogueAttachment.Function.choices)
    return {
        "support_half_days": [
            {
                "week_start": iso(slot.plan.week_start),
                "date": iso(slot.plan.week_start + datetime.timedelta(days=slot.day)),
                "half": _("formiddag") if slot.half == 0 else _("eftermiddag"),
                "institution": slot.institution.name,
                "function": str(functions.get(slot.function, slot.function)),
                "plan_status": slot.plan.get_status_display(),
            }
            for slot in slots
        ]
    }

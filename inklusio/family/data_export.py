"""The messages part of a data-subject export: every message on the child's plans, who wrote it
and when, and how far each person on the thread had read."""

from typing import Any

from django.utils.translation import gettext_lazy

from inklusio.children.export import iso, person
from inklusio.children.models import Child
from inklusio.family.models import Message, MessageRead

COVERS = ("family.Message", "family.MessageRead")

TITLE = gettext_lazy("Beskeder")

LABELS = {
    "messages": gettext_lazy("Beskeder"),
    "plan": gettext_lazy("Handleplan"),
    "author": gettext_lazy("Fra"),
    "text": gettext_lazy("Besked"),
    "created_at": gettext_lazy("Sendt"),
    "read": gettext_lazy("Læst"),
    "reader": gettext_lazy("Læst af"),
    "read_until": gettext_lazy("Læst til og med"),
}


def export(child: Child) -> dict[str, Any]:
    messages = (
        Message.objects.filter(plan__child=child)
        .select_related("plan", "author")
        .order_by("created_at", "pk")
    )
    reads = (
        MessageRead.objects.filter(plan__child=child)
        .select_related("plan", "user")
        .order_by("plan_id", "pk")
    )
    return {
        "messages": [
            {
                "plan": m.plan.title,
                "author": person(m.author),
                "text": m.text,
                "created_at": iso(m.created_at),
            }
            for m in messages
        ],
        "read": [
            {"plan": r.plan.title, "reader": person(r.user), "read_until": iso(r.read_until)}
            for r in reads
        ],
    }

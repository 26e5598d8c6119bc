"""The consultative-meeting part of a data-subject export: the guardians' consents (with their
notes), the agenda items about the child with their recommendations, and the minutes of the
meetings that discussed the child (every version)."""

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from inklusio.children.export import iso, person
from inklusio.children.models import Child
from inklusio.meetings.models import AgendaItem, MinutesVersion

# MinutesVersion has no key to the child: it is found through the meeting's agenda items.
COVERS = (
    "meetings.DiscussionConsent",
    "meetings.AgendaItem",
    "meetings.Recommendation",
    "meetings.MinutesVersion",
)

TITLE = gettext_lazy("Konsultative møder")

LABELS = {
    "consents": gettext_lazy("Samtykker"),
    "scope": gettext_lazy("Samtykket gælder"),
    "wording": gettext_lazy("Ordlyd"),
    "subject": gettext_lazy("Hvem eller hvad"),
    "source": gettext_lazy("Hvordan"),
    "withdrawn_by": gettext_lazy("Trukket tilbage af"),
    "given_by": gettext_lazy("Givet af"),
    "given_on": gettext_lazy("Givet"),
    "professions": gettext_lazy("Må drøftes med"),
    "recorded_by": gettext_lazy("Registreret af"),
    "withdrawn_on": gettext_lazy("Trukket tilbage"),
    "agenda_items": gettext_lazy("Drøftelser på møder"),
    "meeting": gettext_lazy("Møde"),
    "topic": gettext_lazy("Emne"),
    "recommendations": gettext_lazy("Anbefalinger"),
    "minutes_versions": gettext_lazy("Mødets referat"),
}


def export(child: Child) -> dict[str, Any]:
    items = (
        AgendaItem.objects.filter(child=child)
        .select_related("meeting__institution")
        .prefetch_related(
            "recommendations__by",
            Prefetch(
                "meeting__minutes_versions",
                queryset=MinutesVersion.objects.select_related("author").order_by("number"),
            ),
        )
        .order_by("meeting__date", "position", "pk")
    )
    return {
        "consents": [
            {
                "scope": c.get_scope_display(),
                "wording": c.wording,
                "subject": c.subject,
                "source": c.get_source_display(),
                "given_by": c.given_by,
                "given_on": iso(c.given_on),
                "professions": c.profession_labels,
                "note": c.note,
                "recorded_by": person(c.recorded_by),
                "withdrawn_on": iso(c.withdrawn_on),
                "withdrawn_by": person(c.withdrawn_by) if c.withdrawn_by_id else None,
            }
            for c in child.discussion_consents.select_related(
                "recorded_by", "withdrawn_by", "partner", "referral"
            ).order_by("pk")
        ],
        "agenda_items": [
            {
                "meeting": str(item.meeting),
                "date": iso(item.meeting.date),
                "kind": item.get_kind_display(),
                "topic": item.topic,
                "recommendations": [
                    {"text": r.text, "by": person(r.by), "created_at": iso(r.created_at)}
                    for r in item.recommendations.all()
                ],
                "minutes_versions": [
                    {
                        "number": v.number,
                        "created_at": iso(v.created_at),
                        "by": person(v.author),
                        "text": v.text,
                    }
                    for v in item.meeting.minutes_versions.all()
                ],
            }
            for item in items
        ],
    }

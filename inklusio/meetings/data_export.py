"""The consultative-meeting part of a data-subject export: consents and agenda items."""

from typing import Any

from inklusio.children.models import Child
from inklusio.meetings.models import AgendaItem


def export(child: Child) -> dict[str, Any]:
    return {
        "consents": [
            {
                "given_by": c.given_by,
                "given_on": c.given_on.isoformat(),
                "professions": c.profession_labels,
                "withdrawn_on": c.withdrawn_on and c.withdrawn_on.isoformat(),
            }
            for c in child.discussion_consents.all()
        ],
        "agenda_items": [
            {
                "meeting": item.meeting.date.isoformat(),
                "topic": item.topic,
                "recommendations": [r.text for r in item.recommendations.all()],
            }
            for item in AgendaItem.objects.filter(child=child)
            .select_related("meeting")
            .prefetch_related("recommendations")
        ],
    }

"""Upcoming consultative meetings on the start page, with whether the resource pedagogue needs to come."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.meetings.selectors import attendance_advice_for
from inklusio.people.models import Role, User


def section(user: User) -> dict | None:
    if user.role not in {Role.PEDAGOGUE, Role.PARTNER, Role.INSTITUTION_LEADER}:
        return None
    today = timezone.localdate()
    upcoming = (
        access.consultative_meetings_visible_to(user)
        .filter(date__gte=today, date__lte=today + datetime.timedelta(weeks=5))
        .select_related("institution", "resource_pedagogue")
        .order_by("date")
    )
    if user.role == Role.PEDAGOGUE:
        # Only the pedagogue is told whether to come (and which children they know).
        rows = attendance_advice_for(upcoming.filter(resource_pedagogue=user))
    else:
        rows = [{"meeting": meeting} for meeting in upcoming]
    if not rows:
        return None
    return {
        "template": "meetings/_start_panel.html",
        "rows": rows,
        # A pedagogue is shown the children they know on each agenda.
        "children": [child for row in rows for child in row.get("advice", {}).get("known", ())],
        "cards": [
            {
                "figure": len(rows),
                "label": _("Konsultative møder de næste uger"),
                "url": reverse("consultative-list"),
            }
        ],
    }

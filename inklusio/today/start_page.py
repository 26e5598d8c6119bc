"""The today list's figures on the start page, and the adjustments waiting for the plan's
owner (issue 16, point 5)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.people.models import User
from inklusio.today.selectors import today_for


def section(user: User) -> dict | None:
    if not access.can_use_today(user):
        return None
    listing = today_for(user)
    proposals = listing.proposals
    return {
        "template": "today/_start_panel.html",
        "proposals": proposals,
        # The start page logs the children of all its panels at once (core.selectors).
        "children": [item.child for item in proposals if item.child is not None],
        "cards": [
            {
                "figure": len(listing.events_today),
                "label": _("Møder og forløbsgange i dag"),
                "url": reverse("today"),
                "testid": "today-events",
            },
            {
                "figure": listing.waiting_count,
                "label": _("Ting, der venter på dig"),
                "url": reverse("today"),
                "testid": "today-waiting",
            },
        ],
    }

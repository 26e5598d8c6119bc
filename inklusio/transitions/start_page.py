"""A card on the start page: the handovers the user prepares or has received (the receiver's
way in, since receiving gives no other page about the child). Names no child."""

from django.urls import reverse
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.people.models import User


def section(user: User) -> dict | None:
    count = access.handovers_visible_to(user).count()
    if not count:
        return None
    return {
        "cards": [
            {
                "figure": count,
                "label": _("Overgange"),
                "url": reverse("handover-list"),
                "testid": "handovers",
            }
        ]
    }

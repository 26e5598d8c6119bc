"""The guardian's unread messages on the start page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.family import selectors
from inklusio.people.models import User


def section(user: User) -> dict | None:
    # The start page's own card ("Mit barn", with the count) leads to the child's page.
    cards = []
    if access.can_use_messages(user):
        cards.append(
            {
                "figure": selectors.unread_count(user),
                "label": _("Ulæste beskeder"),
                "url": reverse("message-list"),
                "testid": "unread-messages",
            }
        )
    if not cards:
        return None
    return {"cards": cards}

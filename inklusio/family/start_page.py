"""The guardian's way to their child's page, and unread messages, on the start page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.family import selectors
from inklusio.people.models import User


def section(user: User) -> dict | None:
    cards = []
    if access.can_use_family_page(user):
        cards.append(
            {
                "figure": "→",
                "label": _("Se hvad der sker med dit barn"),
                "url": reverse("family-home"),
                "testid": "family-link",
            }
        )
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

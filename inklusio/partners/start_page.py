"""A partner's start page: what they are invited to now (what, purpose, until when)."""

from django.utils.translation import gettext as _

from inklusio.partners.selectors import current_invitations_of
from inklusio.people.models import Role, User


def section(user: User) -> dict | None:
    if user.role != Role.PARTNER:
        return None
    invitations = current_invitations_of(user)
    rows = []
    for invitation in invitations:
        target = invitation.target
        rows.append(
            {"invitation": invitation, "label": invitation.label, "url": target.get_absolute_url()}
        )
    return {
        "template": "partners/_start_panel.html",
        "shown_to_partners": True,
        "invitations": rows,
        "children": [i.child for i in invitations if i.child is not None],
        "cards": [],
        "title": _("Det er du inviteret til"),
    }

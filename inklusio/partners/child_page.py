"""Partners invited to the child's case, and the invite button, on the child's page: for
the administration and the leader of the child's institution."""

from inklusio import access
from inklusio.children.models import Child, PartnerInvitation
from inklusio.partners.selectors import invitations_of_target
from inklusio.people.models import User


def section(user: User, child: Child) -> dict | None:
    if not access.can_use_partner_invitations(user) or not access.can_invite_to_child(user, child):
        return None
    return {
        "template": "partners/_target_section.html",
        "invite_url_name": "partner-invite-child",
        "target": child,
        "invitations": invitations_of_target(
            user, child=child, scope=PartnerInvitation.Scope.CHILD
        ),
    }

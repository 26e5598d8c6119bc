"""Partners invited to the child's case, and the invite button, on the child's page: for
the administration and the leader of the child's institution."""

from inklusio.children.models import Child
from inklusio.partners.sections import invitation_section
from inklusio.people.models import User


def section(user: User, child: Child) -> dict | None:
    return invitation_section(user, child)

"""A child's resource courses on the child's page."""

from inklusio.children.models import Child
from inklusio.courses import selectors
from inklusio.people.models import User


def section(user: User, child: Child) -> dict | None:
    participations = selectors.child_participations(user, child)
    if not participations:
        return None
    return {"template": "courses/_child_section.html", "participations": participations}

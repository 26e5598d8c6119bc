"""Discussion consents on the child's page, where they are recorded."""

from inklusio import access
from inklusio.children.models import Child
from inklusio.people.models import User


def section(user: User, child: Child) -> dict | None:
    if not access.can_record_consent(user, child):
        return None
    return {
        "template": "meetings/_child_section.html",
        "child": child,
        "consents": child.discussion_consents.all(),
    }

"""The child's data-subject requests on the child's page, for the administration."""

from inklusio import access
from inklusio.children.models import Child
from inklusio.people.models import User
from inklusio.privacy import selectors


def section(user: User, child: Child) -> dict | None:
    if not access.can_export_child_data(user, child):
        return None
    return {
        "template": "privacy/_child_section.html",
        "child": child,
        "requests": list(selectors.data_requests_of_child(user, child)),
    }

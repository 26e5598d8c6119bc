"""Handovers on the child's page, for the sending side (the receiver never sees the child page)."""

from inklusio import access
from inklusio.children.models import Child
from inklusio.people.models import User


def section(user: User, child: Child) -> dict | None:
    if not access.can_create_handover(user, child):
        return None
    return {
        "template": "transitions/_child_section.html",
        "child": child,
        "handovers": access.handovers_visible_to(user).filter(child=child),
    }

"""A child's action plans on the child's page."""

from inklusio import access
from inklusio.children.models import Child
from inklusio.people.models import User


def section(user: User, child: Child) -> dict | None:
    plans = list(access.plans_visible_to(user).filter(child=child).select_related("owner"))
    can_create = access.can_create_plan_for(user, child)
    if not plans and not can_create:
        return None
    return {
        "template": "plans/_child_section.html",
        "plans": plans,
        "child": child,
        "can_create": can_create,
    }

"""The child's screenings on the child's page: the lights over time, for those who follow
the rounds (the institution's people and the administration)."""

from inklusio import access
from inklusio.children.models import Child
from inklusio.people.models import User


def section(user: User, child: Child) -> dict | None:
    if not access.can_use_screening(user):
        return None
    ratings = child.screening_ratings.filter(
        round__in=access.screening_rounds_visible_to(user)
    ).select_related("round__room")
    return {
        "template": "screening/_child_section.html",
        "ratings": ratings.order_by("-round__year", "-round__half"),
    }

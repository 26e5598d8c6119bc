"""A pedagogue's running courses on the start page, with the next session of each."""

from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.courses.models import Session
from inklusio.people.models import Role, User


def section(user: User) -> dict | None:
    if user.role != Role.PEDAGOGUE:
        return None
    today = timezone.localdate()
    courses = (
        access.courses_visible_to(user)
        .filter(pedagogue=user, closed_on__isnull=True)
        .select_related("institution")
        .annotate(
            next_session=Min(
                "sessions__date",
                filter=Q(sessions__status=Session.Status.PLANNED, sessions__date__gte=today),
            )
        )
        .order_by("next_session")
    )
    if not courses:
        return None
    return {
        "template": "courses/_start_panel.html",
        "courses": courses,
        "cards": [
            {
                "figure": len(courses),
                "label": _("Dine igangværende forløb"),
                "url": reverse("course-overview"),
            }
        ],
    }

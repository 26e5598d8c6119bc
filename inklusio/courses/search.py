"""Resource courses in the global search (core/global_search.py): by title or institution. Not by a
participant's name: the child's own page lists the child's courses."""

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.children.selectors import ChildSearch
from inklusio.core.global_search import SearchGroup, SearchHit, first
from inklusio.courses.models import Course
from inklusio.people.models import User


def _hit(course: Course) -> SearchHit:
    return SearchHit(
        title=course.title,
        url=course.get_absolute_url(),
        detail=f"{course.get_kind_display()} · {course.institution} · "
        f"{date_format(course.start, 'j.n.Y')}",
    )


def groups(user: User, search: ChildSearch) -> list[SearchGroup]:
    words = [word for word in search.label.split() if not word[:1].isdigit()]
    if not words:
        return []
    courses = access.courses_visible_to(user)
    for word in words:
        courses = courses.filter(Q(title__icontains=word) | Q(institution__name__icontains=word))
    hits, more = first(courses.select_related("institution").order_by("-start", "pk"), _hit)
    return [SearchGroup("courses", _("Ressourceforløb"), hits, more, order=50)]

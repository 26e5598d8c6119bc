"""Institutions in the global search (core/global_search.py), by name."""

from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.core.global_search import SearchGroup, SearchHit, first
from inklusio.people.models import User


def groups(user: User, search) -> list[SearchGroup]:
    words = [word for word in search.label.split() if not word[:1].isdigit()]
    if not words:
        return []
    institutions = access.institutions_visible_to(user)
    for word in words:
        institutions = institutions.filter(name__icontains=word)
    hits, more = first(
        institutions.order_by("name", "pk"),
        lambda institution: SearchHit(str(institution), institution.get_absolute_url()),
    )
    return [SearchGroup("institutions", _("Institutioner"), hits, more, order=70)]

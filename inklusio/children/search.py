"""Children in the global search (core/global_search.py): by name part, whole CPR number (its keyed
hash) or birth date, as the child list finds them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inklusio.children.selectors import ChildSearch, children_visible_to
from inklusio.core.global_search import SearchGroup, SearchHit, first
from inklusio.people.models import User


def groups(user: User, search: ChildSearch) -> list[SearchGroup]:
    children = children_visible_to(user, query=search).select_related("institution")
    hits, more = first(
        children.order_by("first_name", "last_name", "pk"),
        lambda child: SearchHit(
            title=child.full_name,
            url=child.get_absolute_url(),
            detail=f"{child.masked_cpr} · {child.institution}"
            + (f" · {_('forladt dagtilbuddet')}" if child.left_on else ""),
            child=child,
        ),
    )
    return [SearchGroup("children", gettext_lazy("Børn"), hits, more, order=10)]

"""Action plans in the global search (core/global_search.py): by the child (name part, whole CPR
number by its keyed hash, birth date), the plan's title or its course's title."""

from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.children.selectors import ChildSearch, child_match
from inklusio.core.global_search import SearchGroup, SearchHit, first
from inklusio.people.models import User
from inklusio.plans.models import ActionPlan


def _hit(plan: ActionPlan) -> SearchHit:
    subject = plan.child.full_name if plan.child else str(plan.course)
    return SearchHit(
        title=f"{plan.title} ({subject})",
        url=plan.get_absolute_url(),
        detail=f"{plan.institution} · {plan.get_status_display()}",
        child=plan.child,
    )


def groups(user: User, search: ChildSearch) -> list[SearchGroup]:
    plans = access.plans_visible_to(user).filter(
        child_match(search.terms, path="child__", also=("title", "course__title"))
    )
    hits, more = first(
        plans.select_related("child", "course", "institution").order_by("-created_at", "pk"), _hit
    )
    return [SearchGroup("plans", _("Handleplaner"), hits, more, order=40)]

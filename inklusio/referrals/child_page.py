"""The visitation history on a child's page: referrals and decisions the user may see."""

from inklusio import access
from inklusio.children.models import Child
from inklusio.people.models import User
from inklusio.referrals import selectors


def section(user: User, child: Child) -> dict | None:
    history = selectors.child_case_history(user, child)
    can_refer = access.can_refer_child(user, child)
    if not (history["referrals"] or history["decisions"] or can_refer):
        return None
    return {
        "template": "referrals/_child_section.html",
        "child": child,
        "can_refer": can_refer,
        "only_own": access.sees_only_own_referrals(user),
        **history,
    }

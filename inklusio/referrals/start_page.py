"""The committee's figures on the administrator's start page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.people.models import User
from inklusio.referrals import selectors


def section(user: User) -> dict | None:
    if not access.can_decide(user):
        return None
    # The start page logs the children of all its panels at once (core.selectors).
    due = selectors.reassessments(user, log=False)
    return {
        "template": "referrals/_start_panel.html",
        "reassessments": due,
        "children": [decision.child for decision in due["overdue"]],
        "cards": [
            {
                "figure": len(due["overdue"]),
                "label": _("Revurderinger overskredet"),
                "url": reverse("reassessment-list"),
                "testid": "overdue-reassessments",
            },
            {
                "figure": len(due["upcoming"]),
                "label": _("Revurderinger de næste 60 dage"),
                "url": reverse("reassessment-list"),
            },
            {
                "figure": selectors.submitted_count(user),
                "label": _("Indstillinger venter på visitation"),
                "url": reverse("visitation-overview"),
            },
        ],
    }

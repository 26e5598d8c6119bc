"""Overdue follow-ups, objections to the user's plans and agreements waiting for the user's
acknowledgement, on the start page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.people.models import User
from inklusio.plans import selectors
from inklusio.plans.models import PlanMeeting

# The id of the start page's list of meetings waiting for the user's acknowledgement.
WAITING_ANCHOR = "kvitter-for-aftaler"


def section(user: User) -> dict | None:
    # A partner invited to a plan meeting alone sees no plan, yet is asked about its agreements.
    if not (access.can_use_plans(user) or access.invited_to_plan_meetings(user)):
        return None
    follows_up = access.follows_up_plans(user)
    # The start page logs the children of all its panels at once (core.selectors).
    overdue_count, overdue = (
        selectors.overdue_follow_ups(user, log=False) if follows_up else (0, [])
    )
    waiting = selectors.waiting_acknowledgements(user)
    objected = selectors.objected_plans(user) if follows_up else []
    if not follows_up and not waiting:
        return None
    cards = []
    if follows_up:
        cards.append(
            {
                "figure": overdue_count,
                "label": _("Handleplaner med overskredet opfølgning"),
                "url": reverse("plan-list"),
                "testid": "overdue-follow-ups",
            }
        )
    cards.append(
        {
            "figure": len(waiting),
            "label": _("Aftaler, du mangler at kvittere for"),
            "url": _acknowledgements_url(waiting),
            "testid": "waiting-acknowledgements-count",
        }
    )
    return {
        "template": "plans/_start_panel.html",
        # A partner who took part in a meeting acknowledges its agreements like everyone else
        # there; for them the panel holds only that list (they follow up and own no plan).
        "shown_to_partners": True,
        "overdue": overdue,
        "overdue_count": overdue_count,
        "waiting": waiting,
        "waiting_anchor": WAITING_ANCHOR,
        "objected": objected,
        "children": [plan.child for plan in overdue]
        + [m.plan.child for m in waiting]
        + [plan.child for plan in objected],
        "cards": cards,
    }


def _acknowledgements_url(waiting: list[PlanMeeting]) -> str:
    """Where the card leads: one meeting's agreements to acknowledge, or the start page's own
    list of them when there are several; the plans when none wait (the card then says 0 to the
    one who follows up plans)."""
    if len(waiting) == 1:
        return waiting[0].get_acknowledge_url()
    if waiting:
        return f"#{WAITING_ANCHOR}"
    return reverse("plan-list")

"""The "invited partners" section on the page of what partners can be invited to — a child's
case, an action plan, a consultative or a plan meeting: who is invited now or later, for what
and until when, with the invite button. Only for those who may invite there."""

from typing import Any

from django.db.models import Model

from inklusio.children.models import Child
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.partners.selectors import invitations_of_target
from inklusio.partners.services import INVITE_TARGETS
from inklusio.people.models import User
from inklusio.plans.models import ActionPlan, PlanMeeting

INVITE_PAGES: dict[type[Model], str] = {
    Child: "partner-invite-child",
    ActionPlan: "partner-invite-plan",
    PlanMeeting: "partner-invite-plan-meeting",
    ConsultativeMeeting: "partner-invite-meeting",
}


def invitation_section(user: User, target: Model) -> dict[str, Any] | None:
    may_invite, scope, field = INVITE_TARGETS[type(target)]
    if not may_invite(user, target):
        return None
    return {
        "template": "partners/_target_section.html",
        "invite_url_name": INVITE_PAGES[type(target)],
        "target": target,
        "invitations": invitations_of_target(user, scope=scope, **{field: target}),
    }

"""The "invited partners" section on the page of what partners can be invited to — a child's
case, an action plan, a consultative or a plan meeting: who is invited now or later, for what
and until when, with the invite button. Only for those who may invite there."""

from typing import Any

from django.db.models import Model

from inklusio import access
from inklusio.children.models import Child, PartnerInvitation
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.partners.selectors import invitations_of_target
from inklusio.people.models import User
from inklusio.plans.models import ActionPlan, PlanMeeting

Scope = PartnerInvitation.Scope


def invitation_section(user: User, target: Model) -> dict[str, Any] | None:
    match target:
        case Child():
            may, url_name, scope, field = (
                access.can_invite_to_child(user, target),
                "partner-invite-child",
                Scope.CHILD,
                "child",
            )
        case ActionPlan():
            may, url_name, scope, field = (
                access.can_invite_to_plan(user, target),
                "partner-invite-plan",
                Scope.PLAN,
                "plan",
            )
        case PlanMeeting():
            may, url_name, scope, field = (
                access.can_invite_to_plan_meeting(user, target),
                "partner-invite-plan-meeting",
                Scope.PLAN_MEETING,
                "plan_meeting",
            )
        case ConsultativeMeeting():
            may, url_name, scope, field = (
                access.can_invite_to_meeting(user, target),
                "partner-invite-meeting",
                Scope.MEETING,
                "meeting",
            )
        case _:
            raise TypeError(f"partners cannot be invited to {type(target).__name__}")
    if not may:
        return None
    return {
        "template": "partners/_target_section.html",
        "invite_url_name": url_name,
        "target": target,
        "invitations": invitations_of_target(user, scope=scope, **{field: target}),
    }

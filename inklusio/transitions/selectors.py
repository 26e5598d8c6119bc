"""Reads of handovers, scoped by inklusio.access; the pages log the children they show."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from inklusio import access
from inklusio.children.models import Child
from inklusio.meetings.models import DiscussionConsent
from inklusio.people.models import Role, User
from inklusio.plans.models import ActionPlan
from inklusio.transitions.models import Handover
from inklusio.transitions.rules import birth_years_starting_school, school_start


def handovers_for(user: User) -> QuerySet[Handover]:
    return access.handovers_visible_to(user).select_related(
        "child", "receiving_institution", "receiver"
    )


def handover_for_user(user: User, public_id: uuid.UUID | str) -> Handover:
    handover: Handover = access.get_visible_or_404(
        handovers_for(user).select_related("child__institution", "consent", "created_by"),
        public_id=public_id,
    )
    return handover


def school_starters(user: User) -> list[dict[str, Any]]:
    """Children in a resource group or minigruppe who start school within about a year
    (Hedensted: the school start is planned a year ahead), each with its school start and
    whether a handover to school exists."""
    if not access.can_create_handovers(user):
        return []
    children = (
        access.children_visible_to(user)
        .filter(
            resource_group__isnull=False,
            left_on__isnull=True,
            birth_date__year__in=birth_years_starting_school(),
        )
        .select_related("institution", "resource_group")
        .annotate(
            has_school_handover=Exists(
                Handover.objects.filter(child=OuterRef("pk"), kind=Handover.Kind.SCHOOL)
            )
        )
        .order_by("birth_date", "last_name", "first_name")
    )
    return [{"child": child, "school_start": school_start(child.birth_date)} for child in children]


def children_for_new_handovers(user: User) -> QuerySet[Child]:
    return access.children_visible_to(user).filter(left_on__isnull=True)


def receivers_for(user: User) -> QuerySet[User]:
    """Who can receive: institution leaders and partners of the municipality, active."""
    users: QuerySet[User] = User.objects.in_municipality_of(user)
    return (
        users.filter(is_active=True, role__in=[Role.INSTITUTION_LEADER, Role.PARTNER])
        .select_related("institution")
        .order_by("first_name", "last_name")
    )


def consents_for(handover: Handover) -> QuerySet[DiscussionConsent]:
    """The child's handover consents that are not withdrawn, for the share form."""
    return DiscussionConsent.objects.filter(
        child_id=handover.child_id,
        scope=DiscussionConsent.Scope.HANDOVER,
        withdrawn_on__isnull=True,
    ).order_by("-given_on")


def current_plan(handover: Handover) -> ActionPlan | None:
    """The child's action plan in force, as the packet shows it (not the user's view of plans:
    the receiver sees it in the packet only)."""
    return (
        ActionPlan.objects.filter(child_id=handover.child_id, status__in=ActionPlan.IN_FORCE)
        .select_related("owner")
        .prefetch_related("goals__statuses__meeting", "agreements")
        .order_by("-pk")
        .first()
    )

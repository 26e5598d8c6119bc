"""Reads of the partner directory and of invitations, scoped by inklusio.access; a list that
names children is logged as a search with the children it shows."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils import timezone

from inklusio import access
from inklusio.audit.services import audit_listing
from inklusio.children.models import PartnerInvitation
from inklusio.core.listing import Listing
from inklusio.partners.models import PartnerOrganisation, PartnerProfile
from inklusio.people.models import User

INVITATION_RELATIONS = (
    "partner",
    "invited_by",
    "ended_by",
    "child__institution",
    "plan__institution",
    "meeting__institution",
    "plan_meeting__plan__institution",
)


def organisations_for(user: User) -> QuerySet[PartnerOrganisation]:
    return access.partner_organisations_visible_to(user).order_by("name")


def people_for(user: User) -> QuerySet[PartnerProfile]:
    return (
        access.partner_profiles_visible_to(user)
        .select_related("user", "organisation")
        .order_by("user__first_name", "user__last_name")
    )


def organisation_for(user: User, public_id: uuid.UUID | str) -> PartnerOrganisation:
    organisation: PartnerOrganisation = access.get_visible_or_404(
        access.partner_organisations_visible_to(user), public_id=public_id
    )
    return organisation


def person_for(user: User, public_id: uuid.UUID | str) -> PartnerProfile:
    profile: PartnerProfile = access.get_visible_or_404(
        access.partner_profiles_visible_to(user).select_related("user", "organisation"),
        public_id=public_id,
    )
    return profile


def invitation_for(user: User, public_id: uuid.UUID | str) -> PartnerInvitation:
    invitation: PartnerInvitation = access.get_visible_or_404(
        access.invitations_visible_to(user).select_related(*INVITATION_RELATIONS),
        public_id=public_id,
    )
    return invitation


def invitations_for(user: User, listing: Listing) -> list[PartnerInvitation]:
    """The invitation list (one page), logged with the children it names."""
    rows = listing.paginate(
        access.invitations_visible_to(user).select_related(*INVITATION_RELATIONS)
    )
    audit_listing(
        actor=user,
        object_type="partnerinvitation",
        search_term=f"invitationer {listing.logged}",
        children=[row.child for row in rows if row.child is not None],
    )
    return rows


def current_invitations_of(user: User) -> list[PartnerInvitation]:
    """A partner's own invitations in force, soonest ending first (their start page)."""
    return list(
        access.invitations_visible_to(user)
        .filter(partner=user)
        .select_related(*INVITATION_RELATIONS)
        .order_by("valid_until", "created_at")
    )


def invitations_of_target(user: User, **target: object) -> list[PartnerInvitation]:
    """The invitations to one child, plan or meeting that the user may see (its page)."""
    today = timezone.localdate()
    rows = list(
        access.invitations_visible_to(user)
        .filter(**target)
        .select_related("partner")
        .order_by("-created_at")
    )
    return [row for row in rows if row.status(today) in {"current", "coming"}]

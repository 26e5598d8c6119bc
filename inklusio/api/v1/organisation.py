"""Institutions, their rooms and resource groups: no child data, so no read entries."""

import datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema

from inklusio import access
from inklusio.api.v1.common import DEFAULT_LIMIT, page_out, single
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.organisation import selectors
from inklusio.organisation.models import Institution, ResourceGroup, Room

router = Router(tags=["Organisation"])


class InstitutionOut(Schema):
    id: UUID
    name: str
    kind: str
    size: int
    district: str
    address: str
    updated_at: datetime.datetime | None


class InstitutionPage(Schema):
    items: list[InstitutionOut]
    next_cursor: str | None


def _institution(i: Institution, updated: datetime.datetime | None) -> InstitutionOut:
    return InstitutionOut(
        id=i.public_id,
        name=i.name,
        kind=i.kind,
        size=i.size,
        district=i.district,
        address=i.address,
        updated_at=updated,
    )


@router.get("/institutions", response=InstitutionPage)
def list_institutions(
    request: AuthenticatedHttpRequest,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    _rows, page = page_out(
        access.institutions_visible_to(request.user),
        cursor=cursor,
        limit=limit,
        since=changed_since,
        render=_institution,
    )
    return page


@router.get("/institutions/{public_id}", response=InstitutionOut)
def get_institution(request: AuthenticatedHttpRequest, public_id: UUID) -> InstitutionOut:
    institution = selectors.institution_for_user(request.user, public_id)
    return single(institution, _institution)


class RoomOut(Schema):
    institution: UUID
    name: str


class RoomPage(Schema):
    items: list[RoomOut]
    next_cursor: str | None


@router.get("/rooms", response=RoomPage)
def list_rooms(
    request: AuthenticatedHttpRequest,
    institution: UUID | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    rooms = Room.objects.in_municipality_of(request.user).filter(
        institution__in=access.institutions_visible_to(request.user)
    )
    if institution is not None:
        rooms = rooms.filter(institution__public_id=institution)
    _rows, page = page_out(
        rooms.select_related("institution"),
        cursor=cursor,
        limit=limit,
        since=changed_since,
        render=lambda r, _u: RoomOut(institution=r.institution.public_id, name=r.name),
    )
    return page


class ResourceGroupOut(Schema):
    id: UUID
    institution: UUID
    name: str
    kind: str
    places: int
    updated_at: datetime.datetime | None


class ResourceGroupPage(Schema):
    items: list[ResourceGroupOut]
    next_cursor: str | None


def _group(g: ResourceGroup, updated: datetime.datetime | None) -> ResourceGroupOut:
    return ResourceGroupOut(
        id=g.public_id,
        institution=g.institution.public_id,
        name=g.name,
        kind=g.kind,
        places=g.places,
        updated_at=updated,
    )


@router.get("/resource-groups", response=ResourceGroupPage)
def list_resource_groups(
    request: AuthenticatedHttpRequest,
    institution: UUID | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    groups = access.resource_groups_visible_to(request.user).select_related("institution")
    if institution is not None:
        groups = groups.filter(institution__public_id=institution)
    _rows, page = page_out(groups, cursor=cursor, limit=limit, since=changed_since, render=_group)
    return page


@router.get("/resource-groups/{public_id}", response=ResourceGroupOut)
def get_resource_group(request: AuthenticatedHttpRequest, public_id: UUID) -> ResourceGroupOut:
    group = selectors.resource_group_for_user(request.user, public_id)
    return single(group, _group)

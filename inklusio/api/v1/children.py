"""Children and their guardians. CPR numbers as on the pages: the masked form in every
answer, the whole number only from `/children/{id}/cpr`, for those who may see it, logged.
Guardians' contact details as on the child's page; a protected address is never given."""

import datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema

from inklusio import access
from inklusio.api.v1.common import DEFAULT_LIMIT, page_out, single
from inklusio.audit.services import audit_listing
from inklusio.children import selectors
from inklusio.children.models import Child, Guardianship
from inklusio.core.http import AuthenticatedHttpRequest

router = Router(tags=["Børn"])


class ChildOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    birth_date: datetime.date
    cpr_masked: str
    institution: UUID
    resource_group: UUID | None
    room: str
    category: str
    languages: str
    left_on: datetime.date | None
    version: int
    updated_at: datetime.datetime | None


class ChildPage(Schema):
    items: list[ChildOut]
    next_cursor: str | None


def _child(c: Child, updated: datetime.datetime | None) -> ChildOut:
    return ChildOut(
        id=c.public_id,
        first_name=c.first_name,
        last_name=c.last_name,
        birth_date=c.birth_date,
        cpr_masked=c.masked_cpr,
        institution=c.institution.public_id,
        resource_group=c.resource_group.public_id if c.resource_group is not None else None,
        room=c.room.name if c.room is not None else "",
        category=c.category,
        languages=c.languages,
        left_on=c.left_on,
        version=c.version,
        updated_at=updated,
    )


@router.get("/children", response=ChildPage)
def list_children(
    request: AuthenticatedHttpRequest,
    institution: UUID | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Children in daycare the caller may see; one search entry in the log per page."""
    children = selectors.children_visible_to(request.user).select_related(
        "institution", "room", "resource_group"
    )
    if institution is not None:
        children = children.filter(institution__public_id=institution)
    rows, page = page_out(children, cursor=cursor, limit=limit, since=changed_since, render=_child)
    audit_listing(actor=request.user, object_type="child", search_term="api: børn", children=rows)
    return page


@router.get("/children/{public_id}", response=ChildOut)
def get_child(request: AuthenticatedHttpRequest, public_id: UUID) -> ChildOut:
    return single(selectors.child_for_user(request.user, public_id), _child)


class FullCprOut(Schema):
    id: UUID
    cpr: str


@router.get("/children/{public_id}/cpr", response=FullCprOut)
def get_child_cpr(request: AuthenticatedHttpRequest, public_id: UUID) -> FullCprOut:
    """The whole CPR number: the administration and the child's institution leader; logged
    as shown, like the page's "Vis CPR-nummer"."""
    child = selectors.child_with_full_cpr(request.user, public_id)
    return FullCprOut(id=child.public_id, cpr=child.formatted_cpr)


class GuardianOut(Schema):
    id: UUID
    name: str
    email: str
    phone: str
    address: str
    address_protected: bool


class GuardianshipOut(Schema):
    child: UUID
    guardian: GuardianOut
    relation: str
    has_custody: bool
    ended_on: datetime.date | None


class GuardianshipPage(Schema):
    items: list[GuardianshipOut]
    next_cursor: str | None


@router.get("/guardians", response=GuardianshipPage)
def list_guardians(
    request: AuthenticatedHttpRequest,
    child: UUID | None = None,
    institution: UUID | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Guardianships of the children the caller sees (in force today), with the guardian.
    Phone, e-mail and address only for the municipality's staff; a protected address never."""
    children = selectors.children_visible_to(request.user)
    if child is not None:
        children = children.filter(public_id=child)
    if institution is not None:
        children = children.filter(institution__public_id=institution)
    ties = (
        Guardianship.objects.in_municipality_of(request.user)
        .current()
        .filter(child__in=children)
        .select_related("guardian", "child")
    )
    contacts = access.sees_guardian_contacts(request.user)

    def render(g: Guardianship, _updated: datetime.datetime | None) -> GuardianshipOut:
        guardian = g.guardian
        return GuardianshipOut(
            child=g.child.public_id,
            guardian=GuardianOut(
                id=guardian.public_id,
                name=guardian.name,
                email=guardian.email if contacts else "",
                phone=guardian.phone if contacts else "",
                address=guardian.shown_address if contacts else "",
                address_protected=guardian.address_protected,
            ),
            relation=g.relation,
            has_custody=g.has_custody,
            ended_on=g.ended_on,
        )

    rows, page = page_out(ties, cursor=cursor, limit=limit, since=changed_since, render=render)
    audit_listing(
        actor=request.user,
        object_type="guardian",
        search_term="api: forældre",
        children=[g.child for g in rows],
    )
    return page

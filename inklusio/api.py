"""The REST API for integrations; the same access rules and audit trail as the pages."""

from datetime import date
from uuid import UUID

from ninja import NinjaAPI, Schema
from ninja.security import SessionAuth

from inklusio import access
from inklusio.children import selectors as child_selectors

api = NinjaAPI(
    title="Inklusio API",
    version="1",
    description="Adgang følger de samme regler som brugerfladen; al læsning af børns data logges.",
    auth=SessionAuth(),
    urls_namespace="api",
)


class InstitutionOut(Schema):
    id: UUID
    name: str
    kind: str
    size: int


class ChildOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    birth_date: date
    institution: str
    category: str


def _child_out(child) -> ChildOut:
    return ChildOut(
        id=child.public_id,
        first_name=child.first_name,
        last_name=child.last_name,
        birth_date=child.birth_date,
        institution=child.institution.name,
        category=child.category,
    )


@api.get("/institutions", response=list[InstitutionOut])
def list_institutions(request):
    return [
        InstitutionOut(id=i.public_id, name=i.name, kind=i.kind, size=i.size)
        for i in access.institutions_visible_to(request.user).order_by("name")
    ]


@api.get("/children", response=list[ChildOut])
def list_children(request, q: str = ""):
    return [_child_out(c) for c in child_selectors.children_list_for(request.user, query=q)]


@api.get("/children/{child_id}", response=ChildOut)
def get_child(request, child_id: UUID):
    return _child_out(child_selectors.child_for_user(request.user, child_id))

"""The REST API for integrations; the same access rules and audit trail as the pages."""

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth

from inklusio import access
from inklusio.audit.services import CPR_SEARCH_PATTERN, audit_listing
from inklusio.children import selectors as child_selectors
from inklusio.children.models import Child
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.courses import selectors as course_selectors

api = NinjaAPI(
    title="Inklusio API",
    version="1",
    description="Adgang følger de samme regler som brugerfladen; al læsning af børns data logges.",
    auth=SessionAuth(),
    urls_namespace="api",
    # The schema and its docs are for the municipality's own integrators: signed in only.
    docs_decorator=login_required,
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


def _child_out(child: Child) -> ChildOut:
    return ChildOut(
        id=child.public_id,
        first_name=child.first_name,
        last_name=child.last_name,
        birth_date=child.birth_date,
        institution=child.institution.name,
        category=child.category,
    )


@api.get("/institutions", response=list[InstitutionOut])
def list_institutions(request: AuthenticatedHttpRequest) -> list[InstitutionOut]:
    return [
        InstitutionOut(id=i.public_id, name=i.name, kind=i.kind, size=i.size)
        for i in access.institutions_visible_to(request.user).order_by("name")
    ]


@api.get("/children", response=list[ChildOut])
def list_children(request: AuthenticatedHttpRequest, q: str = "") -> list[ChildOut]:
    if CPR_SEARCH_PATTERN.search(q):
        # A query string ends up in URLs and access logs: no (part of a) CPR number there.
        raise HttpError(400, _("Søg ikke på CPR-nummer i en adresse; søg på navn."))
    return [_child_out(c) for c in child_selectors.children_list_for(request.user, query=q)]


@api.get("/children/{child_id}", response=ChildOut)
def get_child(request: AuthenticatedHttpRequest, child_id: UUID) -> ChildOut:
    return _child_out(child_selectors.child_for_user(request.user, child_id))


class DecisionOut(Schema):
    id: UUID
    child: UUID
    kind: str
    outcome: str
    offer: str
    decided_on: date
    start: date | None
    end: date | None
    reassessment_due: date | None


@api.get("/decisions", response=list[DecisionOut])
def list_decisions(request: AuthenticatedHttpRequest) -> list[DecisionOut]:
    """Decisions the user may see (a waiting list or a case system reads these)."""
    decisions = list(access.decisions_visible_to(request.user).select_related("child")[:500])
    audit_listing(
        actor=request.user,
        object_type="decision",
        search_term="api: afgørelser",
        children=[d.child for d in decisions],
    )
    return [
        DecisionOut(
            id=d.public_id,
            child=d.child.public_id,
            kind=d.kind,
            outcome=d.outcome,
            offer=d.offer,
            decided_on=d.decided_on,
            start=d.start,
            end=d.end,
            reassessment_due=d.reassessment_due,
        )
        for d in decisions
    ]


class CourseOut(Schema):
    id: UUID
    title: str
    kind: str
    institution: str
    start: date
    planned_end: date
    closed_on: date | None
    children: int
    role_models: int


# CourseOut's fields and the columns (or counts) they are read from.
COURSE_LIST_COLUMNS = {
    "id": "public_id",
    "title": "title",
    "kind": "kind",
    "institution": "institution__name",
    "start": "start",
    "planned_end": "planned_end",
    "closed_on": "closed_on",
    "children": "case_count",
    "role_models": "role_model_count",
}


@api.get("/courses", response=list[CourseOut])
def list_courses(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """Courses with counts only: the children's names stay on the course page."""
    # Plain rows of the answer's own columns: no course instances, no pedagogue (a user row)
    # and none of the course's free texts read for the list. The response is validated against
    # CourseOut once, on the way out; building each row as a CourseOut first would validate
    # every field twice.
    rows = course_selectors.courses_list_for(request.user, status="").values(
        *COURSE_LIST_COLUMNS.values()
    )[:500]
    return [{name: row[column] for name, column in COURSE_LIST_COLUMNS.items()} for row in rows]

"""Reads of children that users see; every read of personal data is logged here."""

from __future__ import annotations

import re
import uuid

from django.db.models import Q, QuerySet

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.children.models import Child, ChildQuerySet, Guardianship
from inklusio.organisation.models import Institution, ResourceGroup
from inklusio.people.models import Role, User

_DIGITS = re.compile(r"\D")


def visible_children(user: User) -> ChildQuerySet:
    """access.children_visible_to, with the children's own query methods (in_daycare)."""
    return access.children_visible_to(user)


def children_visible_to(
    user: User,
    *,
    query: str = "",
    institution: Institution | None = None,
    resource_group: ResourceGroup | None = None,
) -> QuerySet[Child]:
    children = visible_children(user).select_related("institution", "room")
    if institution is not None:
        children = children.filter(institution=institution)
    if resource_group is not None:
        children = children.filter(resource_group=resource_group)
    query = query.strip()
    # Only the administration finds children who have left daycare, and only by searching.
    if not query or user.role != Role.ADMINISTRATOR:
        children = children.in_daycare()
    return _search(children, query) if query else children


def _search(children: QuerySet[Child], query: str) -> QuerySet[Child]:
    digits = _DIGITS.sub("", query)
    match = Q()
    for word in query.split():
        match &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    if len(digits) >= 6:
        match |= Q(cpr__startswith=digits)
    return children.filter(match)


def children_list_for(
    user: User,
    *,
    query: str = "",
    institution: Institution | None = None,
    resource_group: ResourceGroup | None = None,
    limit: int = 200,
) -> list[Child]:
    """A child list or search; logged once with the criterion, as the Data Protection Agency expects."""
    children = list(
        children_visible_to(
            user, query=query, institution=institution, resource_group=resource_group
        )[:limit]
    )
    where = institution or resource_group
    criterion = " ".join(part for part in [query.strip(), f"[{where}]" if where else ""] if part)
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="child",
        search_term=criterion or "(alle)",
        changes={"results": [str(child.public_id) for child in children]},
    )
    return children


def child_for_user(user: User, public_id: uuid.UUID | str, *, log: bool = True) -> Child:
    """The child if the user may see it, else 404; one read entry per view."""
    child: Child = access.get_visible_or_404(
        access.children_visible_to(user).select_related(
            "institution", "room", "resource_group", "municipality"
        ),
        public_id=public_id,
    )
    if log:
        audit_record(actor=user, action=AuditAction.READ, obj=child, child=child)
    return child


def guardianships_of(child: Child) -> QuerySet[Guardianship]:
    return child.guardianships.select_related("guardian").order_by("guardian__name")

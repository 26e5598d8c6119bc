"""The global search (issue 16, point 7): one field in the header, the results grouped.

Each app that has something a caseworker looks for contributes with `<app>/search.py`:
`groups(user, search)` reads only through the app's `*_visible_to(user)` selectors and returns
its `SearchGroup`s, each with its `order` on the page; a group without a match is left out.
The page logs once which children it showed (`global_search`).
The typed text is posted and kept under a session token (`core/saved_search.py`): a CPR number
is matched by its keyed hash and never reaches a URL or a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.functional import Promise

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.plugins import app_modules

if TYPE_CHECKING:
    from inklusio.children.models import Child
    from inklusio.children.selectors import ChildSearch
    from inklusio.people.models import User

# Rows shown per group; a group with more says so and asks for a narrower search.
LIMIT = 20


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    detail: str = ""
    child: Child | None = None


@dataclass
class SearchGroup:
    key: str
    title: Promise | str
    hits: list[SearchHit] = field(default_factory=list)
    more: bool = False  # more matches than shown
    order: int = 0


def first(queryset: QuerySet[Any], hit: Any, *, limit: int = LIMIT) -> tuple[list[SearchHit], bool]:
    """The first `limit` rows as hits, and whether there were more (one query: limit + 1)."""
    rows = list(queryset[: limit + 1])
    return [hit(row) for row in rows[:limit]], len(rows) > limit


def global_search(user: User, search: ChildSearch) -> list[SearchGroup]:
    """Every app's group of matches for the search, in `ORDER`; logged as one search entry
    with a link row per child shown (a child shown in several groups once)."""
    groups: list[SearchGroup] = []
    if search.terms:
        for _label, module in app_modules("search"):
            groups += [group for group in module.groups(user, search) if group.hits]
        groups.sort(key=lambda group: group.order)
    shown = {
        str(hit.child.public_id): hit.child
        for group in groups
        for hit in group.hits
        if hit.child is not None
    }
    if search.terms:
        audit_record(
            actor=user,
            action=AuditAction.SEARCH,
            object_type="globalsearch",
            search_term=search.logged,
            children=shown.values(),
        )
    return groups

"""Reads of children that users see; every read of personal data is logged here."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, hash_cpr_numbers
from inklusio.children.models import Child, ChildQuerySet, Guardianship
from inklusio.core.crypto import cpr_lookup_hash
from inklusio.core.listing import Listing
from inklusio.organisation.models import Institution, ResourceGroup
from inklusio.people.models import Role, User

# A whole CPR number (ten digits), or its birth-date part with up to three more digits.
_CPR_OR_PART = re.compile(r"(?<!\d)(\d{6})(?:[- ]?(\d{1,4}))?(?!\d)")
_CPR_HASH_WORD = "cprhash:"
_BIRTH_DATE_WORD = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class ChildSearch:
    """A child search as it may be kept between requests and logged: no CPR number in plain.

    `terms` has a whole CPR number as its lookup hash and a part of one as its birth date (the
    first six digits: the search matches on nothing more); `logged` is the typed text as the
    audit log keeps it (hashed with the log's key, so the administration finds searches for a
    number); `label` is what the page shows back (the number masked).
    """

    terms: str = ""
    logged: str = ""
    label: str = ""

    @classmethod
    def parse(cls, text: str) -> ChildSearch:
        text = text.strip()

        def kept(match: re.Match[str]) -> str:
            birth, rest = match.group(1), match.group(2) or ""
            if len(rest) == 4:
                return f" {_CPR_HASH_WORD}{cpr_lookup_hash(birth + rest)} "
            return f" {birth} "

        terms = " ".join(_CPR_OR_PART.sub(kept, text).split())
        label = _CPR_OR_PART.sub(lambda m: f"{m.group(1)}-xxxx", text)
        return cls(terms=terms, logged=hash_cpr_numbers(text), label=label)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChildSearch:
        return cls(**{name: str(data.get(name, "")) for name in ("terms", "logged", "label")})

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def visible_children(user: User) -> ChildQuerySet:
    """access.children_visible_to, with the children's own query methods (in_daycare)."""
    return access.children_visible_to(user)


def children_visible_to(
    user: User,
    *,
    query: str | ChildSearch = "",
    institution: Institution | None = None,
    resource_group: ResourceGroup | None = None,
) -> QuerySet[Child]:
    children = visible_children(user).select_related("institution", "room")
    if institution is not None:
        children = children.filter(institution=institution)
    if resource_group is not None:
        children = children.filter(resource_group=resource_group)
    search = query if isinstance(query, ChildSearch) else ChildSearch.parse(query)
    # Only the administration finds children who have left daycare, and only by searching.
    if not search.terms or user.role != Role.ADMINISTRATOR:
        children = children.in_daycare()
    return _search(children, search.terms) if search.terms else children


def _search(children: QuerySet[Child], terms: str) -> QuerySet[Child]:
    """Every word must match: a name part, a whole CPR number (by its keyed hash; the number is
    encrypted) or a birth date written as a CPR number's first six digits."""
    return children.filter(child_match(terms))


def child_match(terms: str, *, path: str = "", also: tuple[str, ...] = ()) -> Q:
    """The condition of `_search` on the child at `path` (e.g. "child__" from a referral): every
    word must match the child by name part, whole CPR number (its keyed hash) or birth date; a
    name word may instead match one of the `also` text fields (a title, a case number).
    `icontains` is case-insensitive on SQLite and PostgreSQL alike."""
    match = Q()
    for word in terms.split():
        if word.startswith(_CPR_HASH_WORD):
            match &= Q(**{f"{path}cpr_hash": word.removeprefix(_CPR_HASH_WORD)})
        elif _BIRTH_DATE_WORD.match(word) and (born := _born_on(word, path)) is not None:
            match &= born
        else:
            name = Q(**{f"{path}first_name__icontains": word}) | Q(
                **{f"{path}last_name__icontains": word}
            )
            for field in also:
                name |= Q(**{f"{field}__icontains": word})
            match &= name
    return match


def _born_on(ddmmyy: str, path: str = "") -> Q | None:
    """Children born on the day (either century: the seventh digit that tells is not given)."""
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    days = []
    for century in (1900, 2000):
        try:
            days.append(datetime.date(century + year, month, day))
        except ValueError:
            continue
    return Q(**{f"{path}birth_date__in": days}) if days else None


def children_list_for(
    user: User,
    *,
    query: str | ChildSearch = "",
    institution: Institution | None = None,
    resource_group: ResourceGroup | None = None,
    limit: int = 200,
    listing: Listing | None = None,
) -> list[Child]:
    """A child list or search (with a `listing`, its page, filtered and sorted); logged once
    with the criterion, as the Data Protection Agency expects."""
    search = query if isinstance(query, ChildSearch) else ChildSearch.parse(query)
    found = children_visible_to(
        user, query=search, institution=institution, resource_group=resource_group
    )
    children = listing.paginate(found) if listing is not None else list(found[:limit])
    where = institution or resource_group
    criterion = " ".join(
        part
        for part in [
            search.logged,
            f"[{where}]" if where else "",
            listing.url() if listing is not None and listing.filtered else "",
        ]
        if part
    )
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


def child_with_full_cpr(user: User, public_id: uuid.UUID | str) -> Child:
    """The child with its whole CPR number shown, for the roles that need it (else 404); the
    one read entry of the answer says the number was shown."""
    child = child_for_user(user, public_id, log=False)
    if not access.can_see_full_cpr(user, child):
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=child,
        child=child,
        changes={"full_cpr_shown": True},
    )
    return child


def guardianships_of(child: Child) -> QuerySet[Guardianship]:
    return child.guardianships.select_related("guardian").order_by("guardian__name")


def guardianship_for(child: Child, guardian_id: uuid.UUID | str) -> Guardianship:
    """The child's tie to one of its guardians, as the child page lists them (ended ones
    included), with the guardian; 404 for a guardian not linked to this child."""
    guardianship: Guardianship = access.get_visible_or_404(
        guardianships_of(child), guardian__public_id=guardian_id
    )
    return guardianship

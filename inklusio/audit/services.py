"""Writing the audit trail. Called explicitly by selectors and services, never by signals
(sign-ins and sign-outs excepted: Django announces them only as signals, see `signals.py`).

What the log keeps: who, when, which action, which object and which children, and for a
write the names of the fields that changed. What it never keeps: CPR numbers and free text
(art. 9 data). Sensitive fields are recorded as changed without their values, search terms
that look like a CPR number are stored as a keyed hash, and `changes` is capped in size.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import translation

from inklusio.audit.context import client_ip
from inklusio.audit.models import AuditAction, AuditEntry, AuditEntryChild

if TYPE_CHECKING:
    from inklusio.people.models import User


class ChildLike(Protocol):
    """What the log needs of a child: its opaque id and its name."""

    @property
    def public_id(self) -> uuid.UUID: ...

    @property
    def full_name(self) -> str: ...


# Fields whose values are art. 9 data or free text: the log records that they changed, never
# their values. Named after what services pass to `snapshot`/`diff` or build by hand.
SENSITIVE_FIELDS = frozenset(
    {
        "cpr",
        "description",
        "tried",
        "reasons",
        "alternative",
        "goals",
        "notes",
        "note",
        "text",
        "addendum",
        "minutes",
        "problem",
        "strategies",
        "parent_collaboration",
        "follow_up_how",
        "success_criterion",
        "reason",
        "comment",
        # A plan adjustment is created with its reason (free text) under this name.
        "adjustment",
        "observation",
        "email",
        "phone",
        "address",
    }
)
# Object types whose string form is free text (a recommendation's, a goal's own words).
FREE_TEXT_OBJECT_TYPES = frozenset({"recommendation", "goal", "agreement", "observation"})
REDACTED = "•••"
# The log is the municipality's record and is read in Danish, whatever language the person
# whose action it records had chosen.
LOG_LANGUAGE = "da"
# A value longer than this is free text whatever its field is called.
MAX_VALUE_CHARS = 100
# The whole `changes` of one entry, as JSON.
MAX_CHANGES_CHARS = 4000
CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})[- ]?(\d{4})(?!\d)")
# In a search term also a part of a CPR number (a birth date and more): searches match on it.
CPR_SEARCH_PATTERN = re.compile(r"(?<!\d)\d{6}(?:[- ]?\d{1,4})?(?!\d)")
CPR_HASH_PREFIX = "cpr#"
_CHAIN_LOCK_CLASS = 7310  # pg_advisory_xact_lock(class, municipality): the chain's writer lock


def audit_hash_key() -> bytes:
    """The key of the CPR search hashes and the entries' seals: AUDIT_HASH_KEY, else derived
    from SECRET_KEY (so rotating SECRET_KEY without setting AUDIT_HASH_KEY breaks both)."""
    configured: str = getattr(settings, "AUDIT_HASH_KEY", "") or ""
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"inklusio.audit", hashlib.sha256).digest()


def cpr_hash(cpr: str) -> str:
    """The keyed hash a CPR number is stored as in a search term; the administrator's search
    for a CPR number hashes it the same way."""
    digits = re.sub(r"\D", "", cpr)
    digest = hmac.new(audit_hash_key(), digits.encode(), hashlib.sha256).hexdigest()
    return f"{CPR_HASH_PREFIX}{digest}"


def looks_like_cpr(text: str) -> bool:
    return CPR_PATTERN.search(text) is not None


# A hash already in the text is kept whole, so hashing twice changes nothing (a search kept
# between requests is stored hashed and logged when it is shown).
_HASHED_OR_CPR = re.compile(
    rf"{re.escape(CPR_HASH_PREFIX)}[0-9a-f]{{64}}|{CPR_SEARCH_PATTERN.pattern}"
)


def hash_cpr_numbers(text: str) -> str:
    """A search term with every (part of a) CPR number in it replaced by its keyed hash."""

    def hashed(match: re.Match[str]) -> str:
        found = match.group(0)
        return found if found.startswith(CPR_HASH_PREFIX) else cpr_hash(found)

    return _HASHED_OR_CPR.sub(hashed, text)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _redact_value(value: Any) -> Any:
    """Empty stays empty (so "set" and "cleared" still show); anything else is hidden."""
    return value if value in (None, "", [], {}) else REDACTED


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _scrub(value: Any) -> Any:
    """Hide a value that is free text or holds a CPR number, whatever its field is called.
    A public id (UUID) can hold ten digits in a row by chance and is kept."""
    if isinstance(value, str) and not _is_uuid(value):
        if len(value) > MAX_VALUE_CHARS or looks_like_cpr(value):
            return REDACTED
        return value
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    return value


def redact(changes: Mapping[str, Any]) -> dict[str, Any]:
    """`changes` as the log may keep them: sensitive fields as changed without their values."""
    safe: dict[str, Any] = {}
    for name, change in changes.items():
        if name in SENSITIVE_FIELDS:
            if isinstance(change, dict) and ("before" in change or "after" in change):
                safe[name] = {
                    "before": _redact_value(change.get("before")),
                    "after": _redact_value(change.get("after")),
                }
            else:
                safe[name] = _redact_value(change)
        else:
            safe[name] = _scrub(change)
    return safe


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` as JSON-safe data, for before/after records of a write.

    Values are kept whole so that `diff` sees every change; `diff` and `audit_record` redact.
    """
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that changed, sensitive ones without their values."""
    changed = {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
    return redact(changed)


def _capped(changes: dict[str, Any]) -> dict[str, Any]:
    """At most MAX_CHANGES_CHARS of JSON: beyond that only the names of what changed."""
    if len(json.dumps(changes, ensure_ascii=False, default=str)) <= MAX_CHANGES_CHARS:
        return changes
    names = sorted(changes)
    capped: dict[str, Any] = {"truncated": True, "fields": names}
    while len(json.dumps(capped, ensure_ascii=False)) > MAX_CHANGES_CHARS and names:
        names = names[: len(names) // 2]
        capped["fields"] = names
    return capped


def _children_of_results(results: Any, known: dict[str, str]) -> dict[str, str]:
    """Children named by public id in a list read's `changes["results"]` (callers that
    predate the child links), with their names."""
    if not isinstance(results, list):
        return {}
    ids = []
    for value in results:
        try:
            ids.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    missing = [child_id for child_id in ids if child_id not in known]
    names = dict(known)
    if missing:
        child_model = apps.get_model("children", "Child")
        for public_id, first, last in child_model.objects.filter(public_id__in=missing).values_list(
            "public_id", "first_name", "last_name"
        ):
            names[str(public_id)] = f"{first} {last}"
    return {child_id: names.get(child_id, "") for child_id in ids}


# The fields an entry's seal covers, besides its child links (`seal_values` reads them by name).
SEALED_FIELDS = (
    "municipality_id",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "child_id",
    "child_name",
    "ip_address",
    "search_term",
    "changes",
    "prev_hash",
)


def _canonical(values: Mapping[str, Any], links: list[tuple[str, str]]) -> bytes:
    content = {
        "municipality_id": values["municipality_id"],
        "at": values["at"].astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": values["actor_id"],
        "actor_name": values["actor_name"],
        "action": str(values["action"]),
        "object_type": values["object_type"],
        "object_id": values["object_id"],
        "object_label": values["object_label"],
        "child_id": str(values["child_id"]) if values["child_id"] else None,
        "child_name": values["child_name"],
        "ip_address": values["ip_address"],
        "search_term": values["search_term"],
        "changes": values["changes"],
        "children": sorted(links),
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal_values(
    values: Mapping[str, Any], links: list[tuple[str, str]], key: bytes | None = None
) -> str:
    """The keyed hash over an entry's SEALED_FIELDS (as read with `values()`) and its child
    links; `key` saves deriving the key again when many entries are checked."""
    message = values["prev_hash"].encode() + b"\n" + _canonical(values, links)
    return hmac.new(key or audit_hash_key(), message, hashlib.sha256).hexdigest()


def seal(entry: AuditEntry, links: list[tuple[str, str]]) -> str:
    """The entry's keyed hash over its content and the seal of the entry before it."""
    return seal_values({name: getattr(entry, name) for name in SEALED_FIELDS}, links)


def _lock_chain(municipality_id: int | None) -> None:
    """Writers of one municipality's chain take turns; SQLite's IMMEDIATE transactions are
    serialised already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_CHAIN_LOCK_CLASS, municipality_id or 0]
            )


def _lock_chain_and_read_head(municipality_id: int | None) -> str | None:
    """`_lock_chain`, then the seal of the chain's newest entry. On PostgreSQL both go in one
    round trip, as every round trip under the lock keeps the municipality's
    other readers waiting: in READ COMMITTED each statement of a multi-statement query takes
    its own snapshot, so the head is read after the lock is granted and sees the entry the
    writer before committed (tests/audit/test_verify.py, writers at once)."""
    head = (
        AuditEntry.objects.filter(municipality_id=municipality_id)
        .order_by("-id")
        .values_list("entry_hash", flat=True)[:1]
    )
    if connection.vendor != "postgresql":
        return head.first()
    sql, params = head.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock(%s, %s); {sql}",
            [_CHAIN_LOCK_CLASS, municipality_id or 0, *params],
        )
        cursor.nextset()
        row = cursor.fetchone()
    return row[0] if row else None


def _append(
    *,
    municipality_id: int | None,
    actor: User | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str = "",
    object_label: str = "",
    child: ChildLike | None = None,
    children: dict[str, str] | None = None,
    search_term: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    links = dict(children or {})
    if child is not None:
        links[str(child.public_id)] = child.full_name[:200]
    ip_field = AuditEntry._meta.get_field("ip_address")
    # Stored exactly as sealed: JSON as the database gives it back, the address normalised.
    stored_changes = json.loads(json.dumps(_capped(redact(changes or {})), default=str))
    with transaction.atomic():
        previous = _lock_chain_and_read_head(municipality_id)
        entry = AuditEntry(
            municipality_id=municipality_id,
            actor=actor,
            actor_name=actor_name[:200],
            action=action,
            object_type=object_type[:50],
            object_id=object_id[:50],
            object_label=object_label[:200],
            child_id=child.public_id if child is not None else None,
            child_name=child.full_name[:200] if child is not None else "",
            ip_address=ip_field.get_prep_value(client_ip.get()),
            search_term=hash_cpr_numbers(search_term)[:200],
            changes=stored_changes,
            prev_hash=previous or "",
        )
        pairs = [(child_id, name[:200]) for child_id, name in links.items()]
        entry.entry_hash = seal(entry, pairs)
        entry.save()
        AuditEntryChild.objects.bulk_create(
            AuditEntryChild(entry=entry, child_id=uuid.UUID(child_id), child_name=name)
            for child_id, name in pairs
        )
    return entry


def _actor_name(actor: User) -> str:
    return actor.get_full_name() or actor.username


def audit_record(
    *,
    actor: User,
    action: AuditAction | str,
    obj: models.Model | None = None,
    child: ChildLike | None = None,
    search_term: str = "",
    changes: dict[str, Any] | None = None,
    object_type: str | None = None,
    children: Iterable[ChildLike] | None = None,
) -> AuditEntry:
    """Append one entry; callers run it inside the transaction of the change it records.

    `children` (or, from older callers, `changes["results"]` with public ids) are the
    children a list or search showed: each becomes a link row, so the child's access log
    finds the list read.
    """
    object_id = object_label = ""
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = str(getattr(obj, "public_id", obj.pk))
        with translation.override(LOG_LANGUAGE):
            label = str(obj)
        object_label = REDACTED if object_type in FREE_TEXT_OBJECT_TYPES else label
        object_label = REDACTED if looks_like_cpr(object_label) else object_label
    changes = dict(changes or {})
    shown = {str(c.public_id): c.full_name for c in children or ()}
    if "results" in changes:
        shown = _children_of_results(changes["results"], shown)
    return _append(
        municipality_id=actor.municipality_id,
        actor=actor,
        actor_name=_actor_name(actor),
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        object_label=object_label,
        child=child,
        children=shown,
        search_term=search_term,
        changes=changes,
    )


def audit_shown(
    *,
    actor: User,
    obj: models.Model | None,
    children: Iterable[ChildLike | None],
    action: AuditAction | str = AuditAction.READ,
    object_type: str | None = None,
) -> AuditEntry | None:
    """A page, file or answer about `obj` rendered for `actor`, showing these children: one
    entry, with a link row for each child (once, however often the page shows it). Nothing is
    written when the page shows no child. Call it where the answer is rendered, so a form
    page re-rendered with errors is logged like the page opened."""
    shown: dict[str, ChildLike] = {}
    for child in children:
        if child is not None:
            shown.setdefault(str(child.public_id), child)
    if not shown:
        return None
    if len(shown) == 1:
        (only,) = shown.values()
        return audit_record(
            actor=actor, action=action, obj=obj, child=only, object_type=object_type
        )
    return audit_record(
        actor=actor, action=action, obj=obj, children=shown.values(), object_type=object_type
    )


def children_in_forms(*forms: Any) -> list[ChildLike]:
    """The children a form's choice fields offer by name (a child picker shows every child it
    may pick), for `audit_shown`; one query per picker."""
    child_model = apps.get_model("children", "Child")
    shown: list[ChildLike] = []
    for form in forms:
        if form is None:
            continue
        for field in form.fields.values():
            # A picker that lists fewer than it accepts (courses.forms.OfferedChoiceField)
            # shows its `offered`.
            queryset = getattr(field, "offered", None)
            if queryset is None:
                queryset = getattr(field, "queryset", None)
            if queryset is not None and queryset.model is child_model:
                shown += list(queryset.only("public_id", "first_name", "last_name"))
    return shown


def audit_listing(
    *, actor: User, object_type: str, search_term: str, children: Iterable[ChildLike]
) -> None:
    """A list that shows children's names is a search in the log, with who was shown."""
    shown = list(children)
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type=object_type,
        search_term=search_term,
        changes={"results": sorted({str(child.public_id) for child in shown})},
        children=shown,
    )


def audit_sign_in(*, user: User, action: AuditAction) -> AuditEntry:
    """A sign-in or sign-out of a known user."""
    return _append(
        municipality_id=user.municipality_id,
        actor=user,
        actor_name=_actor_name(user),
        action=action,
        object_type="user",
        object_id=str(user.pk),
        object_label=user.username,
    )


def audit_failed_sign_in(*, username: str, changes: dict[str, Any] | None = None) -> AuditEntry:
    """A refused sign-in. There is no actor: the entry names the account tried when it
    exists, else only a keyed hash of the name typed (which may be a mistyped password).
    `changes` says how and why, where that is known (a refused single sign-on)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    target = user_model._default_manager.filter(username=username).first()
    if target is not None:
        return _append(
            municipality_id=target.municipality_id,
            actor=None,
            actor_name="",
            action=AuditAction.LOGIN_FAILED,
            object_type="user",
            object_id=str(target.pk),
            object_label=target.username,
            changes=changes,
        )
    digest = hmac.new(audit_hash_key(), username.encode(), hashlib.sha256).hexdigest()
    return _append(
        municipality_id=None,
        actor=None,
        actor_name="",
        action=AuditAction.LOGIN_FAILED,
        object_type="user",
        search_term=f"user#{digest}",
        changes=changes,
    )

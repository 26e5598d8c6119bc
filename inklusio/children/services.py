"""Changes to children and guardians; each writes its audit entry in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.dk import cpr as cpr_number

from inklusio.audit.edits import refuse_outdated, save_next_version
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.children.models import (
    DAYCARE_LEAVING_AGE,
    Child,
    Guardian,
    Guardianship,
    daycare_age_limit,
)
from inklusio.core.errors import DomainError
from inklusio.core.models import municipality_id_of
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.people.models import User

CHILD_FIELDS = [
    "cpr",
    "first_name",
    "last_name",
    "birth_date",
    "institution",
    "room",
    "resource_group",
    "languages",
    "category",
    "left_on",
]


class DuplicateChild(DomainError):
    """A child with this CPR number already exists in the municipality."""

    def __init__(self, existing: Child):
        self.existing = existing
        super().__init__(f"Child with this CPR number exists: {existing.pk}")


class ImplausibleAge(DomainError):
    """The CPR number's birth date makes the child too old for daycare (0–6 years), or the day
    the child left daycare lies before its birth (`field` says which the form should mark)."""

    def __init__(self, message: str, field: str = "cpr"):
        super().__init__(message, field=field)


# Daycare is for children aged 0–6; a child may stay until school starts, a little after 6.


def _check_plausible_age(cpr: str, left_on: datetime.date | None = None) -> None:
    """A daycare child is born at most DAYCARE_LEAVING_AGE years ago (a future birth date is
    refused by the CPR number's own check in the form). A child who has already left daycare
    (the history of a municipality moving in: docs/import.md) is measured on the day it left."""
    born = cpr_number.get_birth_date(cpr)
    today = timezone.localdate()
    if left_on is not None and left_on <= today:
        if born > left_on:
            raise ImplausibleAge(_("Barnet kan ikke have forladt dagtilbuddet før sin fødsel."))
        today = left_on
    # Born before the limit is a typing error (or the wrong child), so the number is refused.
    if born < daycare_age_limit(today):
        raise ImplausibleAge(
            _(
                "CPR-nummeret giver en fødselsdato (%(born)s), så barnet er over "
                "%(years)s år. Et barn i dagtilbud er 0–6 år: kontrollér nummeret."
            )
            % {"born": short_date(born), "years": DAYCARE_LEAVING_AGE}
        )
    if born > today:
        raise ImplausibleAge(_("CPR-nummerets fødselsdato ligger i fremtiden."))


class TooManyDuplicateAttempts(DomainError):
    """A user kept entering CPR numbers that already exist: a CPR existence oracle is closed."""


def _duplicates_key(actor: User) -> str:
    return f"child-create-duplicate-cpr:{actor.pk}"


def _check_duplicate_rate(actor: User) -> None:
    """After CHILD_DUPLICATE_CPR_LIMIT known CPR numbers in an hour, creating children stops
    for the user; the blocked attempt is logged for the administration."""
    if cache.get(_duplicates_key(actor), 0) < settings.CHILD_DUPLICATE_CPR_LIMIT:
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.SEARCH,
            object_type="child",
            search_term="CPR-dublet: spærret efter for mange forsøg",
        )
    raise TooManyDuplicateAttempts(
        _(
            "Du har for mange gange indtastet et CPR-nummer, der allerede er registreret. "
            "Prøv igen senere; forvaltningen er underrettet."
        )
    )


def _report_duplicate(actor: User, existing: Child) -> DuplicateChild:
    """A known CPR number on create: logged with the existing child, so the administration sees
    who asked about whom, and counted against the user's hourly limit."""
    key = _duplicates_key(actor)
    cache.add(key, 0, timeout=60 * 60)
    attempts = cache.incr(key)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.SEARCH,
            obj=existing,
            child=existing,
            search_term="CPR-dublet ved oprettelse",
            changes={"attempts_this_hour": attempts},
        )
    return DuplicateChild(existing)


def _assign(child: Child, data: dict[str, Any]) -> None:
    for name in CHILD_FIELDS:
        if name == "cpr" and data.get(name) == child.cpr:
            continue  # encrypting the same number again would only churn the stored token
        if name in data:
            setattr(child, name, data[name])
    child.birth_date = cpr_number.get_birth_date(child.cpr)


def child_create(*, actor: User, data: dict[str, Any]) -> Child:
    """Register a child; the CPR number is unique within the municipality. A known number is
    logged and rate-limited, so create cannot be used to probe CPR numbers unseen."""
    municipality_id = municipality_id_of(actor)
    _check_plausible_age(data["cpr"], data.get("left_on"))
    _check_duplicate_rate(actor)
    existing = Child.objects.filter(municipality_id=municipality_id).with_cpr(data["cpr"]).first()
    if existing is not None:
        raise _report_duplicate(actor, existing)
    child = Child(municipality_id=municipality_id)
    _assign(child, data)
    try:
        with transaction.atomic():
            child.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=child,
                child=child,
                changes=diff({}, snapshot(child, CHILD_FIELDS)),
            )
    except IntegrityError as race:
        # Two people registering the same child at once: the loser is told who won.
        existing = Child.objects.filter(municipality_id=municipality_id).with_cpr(data["cpr"]).get()
        raise _report_duplicate(actor, existing) from race
    return child


def child_update(
    *, actor: User, child: Child, data: dict[str, Any], expected_version: int
) -> Child:
    """Change a child's master data, refusing a save based on an outdated version."""
    with transaction.atomic():
        current: Child = Child.objects.select_for_update().get(pk=child.pk)
        before = snapshot(current, CHILD_FIELDS)
        refuse_outdated(current, expected_version)
        if not data.get("cpr"):
            # An edit form left the number empty: it stays as it is (the form never shows it).
            data = {name: value for name, value in data.items() if name != "cpr"}
        left_on = data.get("left_on", current.left_on)
        if data.get("cpr", current.cpr) != current.cpr:
            _check_plausible_age(data["cpr"], left_on)  # the new birth date, and the leaving day
            clash = Child.objects.filter(municipality_id=current.municipality_id)
            existing = clash.with_cpr(data["cpr"]).exclude(pk=current.pk).first()
            if existing is not None:
                raise DuplicateChild(existing)
        elif left_on is not None and left_on != current.left_on and left_on < current.birth_date:
            raise ImplausibleAge(
                _("Barnet kan ikke have forladt dagtilbuddet før sin fødsel."), field="left_on"
            )
        _assign(current, data)
        after = snapshot(current, CHILD_FIELDS)
        changes = diff(before, after)
        if not changes:
            return current
        save_next_version(actor=actor, current=current, changes=changes, child=current)
    return current


def guardian_add(
    *,
    actor: User,
    child: Child,
    data: dict[str, Any],
    relation: str = "",
    has_custody: bool = True,
) -> Guardian:
    """Add a parent or guardian with contact data to a child."""
    fields = list(Guardian.EDITABLE_FIELDS)
    with transaction.atomic():
        guardian = Guardian.objects.create(
            municipality_id=child.municipality_id,
            **{name: data[name] for name in fields if name in data},
        )
        Guardianship.objects.create(
            municipality_id=child.municipality_id,
            child=child,
            guardian=guardian,
            relation=relation,
            has_custody=has_custody,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=guardian,
            child=child,
            changes=diff({}, {**snapshot(guardian, fields), "relation": relation}),
        )
    return guardian


def guardian_update(
    *,
    actor: User,
    child: Child,
    guardian: Guardian,
    data: dict[str, Any],
    relation: str,
    expected_version: int,
) -> Guardian:
    """New contact data for a guardian of the child, or a new relation to it (a field left out
    of `data` keeps its value), refusing a change based on an outdated version with what the
    other person changed (EditConflict)."""
    fields = list(Guardian.EDITABLE_FIELDS)
    with transaction.atomic():
        current: Guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
        refuse_outdated(current, expected_version)
        link = Guardianship.objects.select_for_update().get(child=child, guardian=current)
        before = {**snapshot(current, fields), "relation": link.relation}
        for name in fields:
            setattr(current, name, data.get(name, getattr(current, name)))
        changes = diff(before, {**snapshot(current, fields), "relation": relation})
        if not changes:
            return current
        if link.relation != relation:
            link.relation = relation
            link.save(update_fields=["relation"])
        # One guardian record serves all the guardian's children: new contact data is a change
        # to each child's case, found in each child's access log; a relation is this child's.
        siblings = current.children.exclude(pk=child.pk) if changes.keys() - {"relation"} else []
        save_next_version(
            actor=actor, current=current, changes=changes, child=child, also_concerns=siblings
        )
    return current

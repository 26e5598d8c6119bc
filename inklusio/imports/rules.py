"""What a children file would do, row by row: create, update, leave unchanged or refuse (with the
Danish reasons). Reads only; `services.import_execute` carries out the plan.

The natural key of a child is the CPR number within the municipality; a guardian is known by
name among the child's guardians. The file is the truth for the columns it has, so a blank
optional cell clears the value, and re-running the same file plans nothing but "unchanged"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from stdnum.dk import cpr as cpr_number
from stdnum.exceptions import ValidationError

from inklusio.children.models import (
    Child,
    DifficultyCategory,
    Guardian,
    Guardianship,
    daycare_age_limit,
)
from inklusio.core.crypto import cpr_lookup_hash
from inklusio.imports.parsers import Row, parse_date, parse_decimal
from inklusio.organisation.models import Institution, Room
from inklusio.people.models import PedagogueAttachment, Role, User

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
# Marked for translation here, translated where shown.
ACTION_LABELS = {
    CREATE: gettext_noop("Opret"),
    UPDATE: gettext_noop("Opdater"),
    UNCHANGED: gettext_noop("Uændret"),
    REFUSED: gettext_noop("Afvist"),
}
CHILD_KEYS = ["cpr", "first_name", "last_name", "institution", "room", "languages", "category"]
GUARDIAN_SLOTS = ("guardian1", "guardian2")
# How many CPR numbers one look-up asks for (SQLite allows 999 parameters per statement).
LOOKUP_CHUNK = 500


@dataclass
class GuardianPlan:
    data: dict[str, str]
    relation: str
    existing: Guardian | None = None
    changed: bool = False


@dataclass
class RowPlan:
    line: int
    action: str
    label: str
    reasons: list[str] = field(default_factory=list)
    child: Child | None = None  # the existing child, for an update or unchanged row
    child_data: dict[str, Any] = field(default_factory=dict)
    child_changed: bool = False
    guardians: list[GuardianPlan] = field(default_factory=list)
    # Institutions: the existing one (by name), its new values, and the rooms it lacks.
    institution: Institution | None = None
    institution_data: dict[str, Any] = field(default_factory=dict)
    new_rooms: list[str] = field(default_factory=list)
    # Pedagogues: the existing account (by username), its new values, contract and attachments.
    pedagogue: User | None = None
    pedagogue_data: dict[str, Any] = field(default_factory=dict)
    contract_data: dict[str, Any] = field(default_factory=dict)
    contract_changed: bool = False
    new_attachments: list[tuple[Institution, str]] = field(default_factory=list)
    username: str = ""
    # Historic decisions and courses: what to store (`history.DecisionRecord`/`CourseRecord`).
    history: Any = None

    def as_result(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "action": self.action,
            "label": self.label,
            "reasons": self.reasons,
            "child": str(self.child.public_id) if self.child else "",
        }


@dataclass
class ChildContext:
    """What the rows are checked against, read once for the whole file."""

    today: datetime.date
    institutions: dict[str, Institution]
    rooms: dict[tuple[int, str], Room]
    children: dict[str, Child]
    guardianships: dict[int, list[Guardianship]]


def normalise_cpr(text: str) -> str:
    number = text.replace("-", "").replace(" ", "")
    # A spreadsheet cell formatted as a number drops the leading zero of days 01–09.
    return number.zfill(10) if number.isdigit() and len(number) == 9 else number


def child_context(municipality_id: int, rows: list[Row], today: datetime.date) -> ChildContext:
    institutions = {
        i.name.casefold(): i for i in Institution.objects.filter(municipality_id=municipality_id)
    }
    rooms = {
        (r.institution_id, r.name.casefold()): r
        for r in Room.objects.filter(municipality_id=municipality_id)
    }
    numbers = {normalise_cpr(row.values.get("cpr", "")) for row in rows}
    children = children_by_cpr(municipality_id, numbers)
    guardianships: dict[int, list[Guardianship]] = {}
    ids = sorted(child.pk for child in children.values())
    for start in range(0, len(ids), LOOKUP_CHUNK):
        links = Guardianship.objects.filter(child_id__in=ids[start : start + LOOKUP_CHUNK])
        for link in links.select_related("guardian"):
            guardianships.setdefault(link.child_id, []).append(link)
    return ChildContext(today, institutions, rooms, children, guardianships)


def children_by_cpr(municipality_id: int, numbers: set[str]) -> dict[str, Child]:
    """The municipality's children among these CPR numbers, by number, in a few queries."""
    # CPR numbers are stored encrypted: children are found by the keyed hash of each number.
    by_hash = {cpr_lookup_hash(number): number for number in numbers if number}
    hashes = sorted(by_hash)
    children: dict[str, Child] = {}
    for start in range(0, len(hashes), LOOKUP_CHUNK):
        chunk = hashes[start : start + LOOKUP_CHUNK]
        for child in Child.objects.filter(municipality_id=municipality_id, cpr_hash__in=chunk):
            children[by_hash[child.cpr_hash]] = child
    return children


def _category(text: str) -> str | None:
    if not text:
        return ""
    for value, label in DifficultyCategory.choices:
        if text.casefold() in {str(label).casefold(), value}:
            return value
    return None


def _is_daycare_age(birth_date: datetime.date, today: datetime.date) -> bool:
    # As `ChildQuerySet.of_daycare_age`: born, and not yet 7.
    return daycare_age_limit(today) < birth_date <= today


def plan_child_row(row: Row, context: ChildContext, seen: dict[str, int]) -> RowPlan:
    values = row.values
    cpr = normalise_cpr(values.get("cpr", ""))
    name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
    label = f"{name} ({cpr[:6]}-xxxx)" if cpr else name
    plan = RowPlan(line=row.line, action=REFUSED, label=label)
    reasons = plan.reasons
    for key, title in (
        ("cpr", _("CPR-nummer")),
        ("first_name", _("Fornavn")),
        ("last_name", _("Efternavn")),
        ("institution", _("Daginstitution")),
    ):
        if not values.get(key):
            reasons.append(_("%(column)s mangler.") % {"column": title})
    birth_date = None
    if cpr:
        try:
            cpr_number.validate(cpr)
            birth_date = cpr_number.get_birth_date(cpr)
        except ValidationError:
            reasons.append(_("CPR-nummeret %(cpr)s er ikke gyldigt.") % {"cpr": f"{cpr[:6]}-xxxx"})
    # A child who has left (history: the old system's cases) was of daycare age on that day.
    left_text = values.get("left_on", "")
    left_day = parse_date(left_text) if left_text else None
    age_day = left_day if left_day is not None and left_day <= context.today else context.today
    if birth_date is not None and not _is_daycare_age(birth_date, age_day):
        if age_day == context.today:
            reasons.append(_("Barnet er ikke i dagtilbudsalderen (0–6 år) efter CPR-nummeret."))
        else:
            reasons.append(
                _("Barnet var ikke i dagtilbudsalderen (0–6 år) den dag, det forlod dagtilbuddet.")
            )
    if cpr in seen:
        reasons.append(
            _("CPR-nummeret står også i række %(line)s; hvert barn må kun stå én gang.")
            % {"line": seen[cpr]}
        )
    elif cpr:
        seen[cpr] = row.line
    institution = context.institutions.get(values.get("institution", "").casefold())
    if values.get("institution") and institution is None:
        reasons.append(
            _("Daginstitutionen «%(name)s» findes ikke i kommunen.")
            % {"name": values["institution"]}
        )
    room = None
    if institution is not None and values.get("room"):
        room = context.rooms.get((institution.pk, values["room"].casefold()))
        if room is None:
            reasons.append(
                _("Stuen «%(room)s» findes ikke i %(institution)s.")
                % {"room": values["room"], "institution": institution.name}
            )
    category = _category(values.get("category", ""))
    if category is None:
        reasons.append(
            _("Vanskeligheden «%(value)s» er ikke en af: %(choices)s.")
            % {
                "value": values["category"],
                "choices": ", ".join(str(label) for _value, label in DifficultyCategory.choices),
            }
        )
    left_on = None
    if values.get("left_on"):
        left_on = parse_date(values["left_on"])
        if left_on is None:
            reasons.append(
                _("Datoen «%(value)s» kan ikke læses; skriv den som dd-mm-åååå.")
                % {"value": values["left_on"]}
            )
    guardians = _guardian_plans(values, reasons)
    if reasons:
        return plan
    plan.child_data = {
        "cpr": cpr,
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "institution": institution,
        "room": room,
        "languages": values.get("languages", ""),
        "category": category,
        "left_on": left_on,
    }
    plan.guardians = guardians
    existing = context.children.get(cpr)
    if existing is None:
        plan.action = CREATE
        return plan
    plan.child = existing
    plan.child_changed = any(
        _stored(existing, key) != _key_of(value) for key, value in plan.child_data.items()
    )
    known = {
        link.guardian.name.casefold(): link for link in context.guardianships.get(existing.pk, [])
    }
    for guardian in guardians:
        link = known.get(guardian.data["name"].casefold())
        if link is not None:
            guardian.existing = link.guardian
            guardian.changed = link.relation != guardian.relation or any(
                getattr(link.guardian, key) != value for key, value in guardian.data.items()
            )
    touched = plan.child_changed or any(g.existing is None or g.changed for g in guardians)
    plan.action = UPDATE if touched else UNCHANGED
    return plan


def _stored(child: Child, key: str) -> Any:
    # The institution and room by id: reading the related rows would cost a query per child.
    return getattr(child, f"{key}_id") if key in {"institution", "room"} else getattr(child, key)


def _key_of(value: Any) -> Any:
    return value.pk if isinstance(value, Institution | Room) else value


def _guardian_plans(values: dict[str, str], reasons: list[str]) -> list[GuardianPlan]:
    plans = []
    for number, slot in enumerate(GUARDIAN_SLOTS, start=1):
        name = values.get(f"{slot}_name", "")
        extra = [values.get(f"{slot}_{key}", "") for key in ("relation", "email", "phone")]
        if not name:
            if any(extra):
                reasons.append(_("Forælder %(number)s har ikke noget navn.") % {"number": number})
            continue
        email = values.get(f"{slot}_email", "")
        if email and "@" not in email:
            reasons.append(
                _("Forælder %(number)s: «%(email)s» er ikke en e-mailadresse.")
                % {"number": number, "email": email}
            )
        data = {"name": name, "email": email, "phone": values.get(f"{slot}_phone", "")}
        plans.append(GuardianPlan(data=data, relation=values.get(f"{slot}_relation", "")))
    return plans


# --- Institutions and rooms -------------------------------------------------------------------

INSTITUTION_KEYS = ["name", "kind", "size", "address", "district", "leader_name", "phone"]


@dataclass
class InstitutionContext:
    institutions: dict[str, Institution]
    rooms: dict[int, set[str]]  # institution id -> room names, casefolded


def institution_context(municipality_id: int) -> InstitutionContext:
    institutions = {
        i.name.casefold(): i for i in Institution.objects.filter(municipality_id=municipality_id)
    }
    rooms: dict[int, set[str]] = {}
    for room in Room.objects.filter(municipality_id=municipality_id):
        rooms.setdefault(room.institution_id, set()).add(room.name.casefold())
    return InstitutionContext(institutions, rooms)


def _institution_kind(text: str) -> str | None:
    for value, label in Institution.Kind.choices:
        # "Integreret institution (0–6 år)" may be written "Integreret institution" or
        # "Integreret"; the stored value works as well.
        short = str(label).split(" (")[0]
        names = {str(label), short, short.split()[0], value}
        if text.casefold() in {name.casefold() for name in names}:
            return value
    return None


def plan_institution_row(row: Row, context: InstitutionContext, seen: dict[str, int]) -> RowPlan:
    values = row.values
    name = values.get("name", "")
    plan = RowPlan(line=row.line, action=REFUSED, label=name)
    reasons = plan.reasons
    for key, title in (("name", _("Navn")), ("kind", _("Type")), ("size", _("Antal børn"))):
        if not values.get(key):
            reasons.append(_("%(column)s mangler.") % {"column": title})
    if name.casefold() in seen:
        reasons.append(
            _("Daginstitutionen står også i række %(line)s; hver må kun stå én gang.")
            % {"line": seen[name.casefold()]}
        )
    elif name:
        seen[name.casefold()] = row.line
    kind = _institution_kind(values.get("kind", "")) if values.get("kind") else ""
    if kind is None:
        reasons.append(
            _("Typen «%(value)s» er ikke en af: %(choices)s.")
            % {
                "value": values["kind"],
                "choices": ", ".join(str(label) for _value, label in Institution.Kind.choices),
            }
        )
    size = parse_decimal(values.get("size", "")) if values.get("size") else 0.0
    if size is None or size < 0 or not float(size).is_integer():
        reasons.append(
            _("Antal børn «%(value)s» skal være et helt tal.") % {"value": values["size"]}
        )
    if len(name) > 100:
        reasons.append(_("Navnet må højst være 100 tegn."))
    rooms = [room.strip() for room in values.get("rooms", "").split(",") if room.strip()]
    if reasons:
        return plan
    plan.institution_data = {
        "name": name,
        "kind": kind,
        "size": int(size or 0),
        **{key: values.get(key, "") for key in ("address", "district", "leader_name", "phone")},
    }
    existing = context.institutions.get(name.casefold())
    known = context.rooms.get(existing.pk, set()) if existing is not None else set()
    unique_rooms: dict[str, str] = {}
    for room in rooms:
        unique_rooms.setdefault(room.casefold(), room)
    plan.new_rooms = [room for key, room in unique_rooms.items() if key not in known]
    if existing is None:
        plan.action = CREATE
        return plan
    plan.institution = existing
    changed = any(getattr(existing, k) != v for k, v in plan.institution_data.items())
    plan.action = UPDATE if changed or plan.new_rooms else UNCHANGED
    return plan


# --- Pedagogues with contracts ----------------------------------------------------------------

PEDAGOGUE_KEYS = ["first_name", "last_name", "email", "phone"]
# The Ishøj week (footnote 27 of the evaluation), used where the file leaves a cell empty.
CONTRACT_DEFAULTS = {
    "weekly_hours": Decimal("37"),
    "institution_hours": Decimal("32"),
    "centre_meeting_hours": Decimal("2.5"),
    "action_learning_hours": Decimal("1"),
    "other_hours": Decimal("1.5"),
    "support_share_percent": 33,
}
HOURS = [key for key in CONTRACT_DEFAULTS if key != "support_share_percent"]


@dataclass
class PedagogueContext:
    municipality_id: int
    institutions: dict[str, Institution]
    users: dict[str, User]  # by username, every municipality (usernames are global)
    attachments: dict[int, dict[int, str]]  # pedagogue id -> institution id -> function
    contracts: dict[int, dict[str, Any]]  # pedagogue id -> saved contract values


def pedagogue_context(municipality_id: int, rows: list[Row]) -> PedagogueContext:
    from inklusio.planning.models import Contract

    institutions = {
        i.name.casefold(): i for i in Institution.objects.filter(municipality_id=municipality_id)
    }
    names = sorted({row.values.get("username", "") for row in rows})
    users: dict[str, User] = {}
    for start in range(0, len(names), LOOKUP_CHUNK):
        for user in User.objects.filter(username__in=names[start : start + LOOKUP_CHUNK]):
            users[user.username] = user
    ids = [u.pk for u in users.values()]
    attachments: dict[int, dict[int, str]] = {}
    for link in PedagogueAttachment.objects.current().filter(pedagogue_id__in=ids):
        attachments.setdefault(link.pedagogue_id, {})[link.institution_id] = link.function
    contracts = {
        c.pedagogue_id: {key: getattr(c, key) for key in CONTRACT_DEFAULTS}
        for c in Contract.objects.filter(pedagogue_id__in=ids)
    }
    return PedagogueContext(municipality_id, institutions, users, attachments, contracts)


def plan_pedagogue_row(row: Row, context: PedagogueContext, seen: dict[str, int]) -> RowPlan:
    values = row.values
    username = values.get("username", "")
    plan = RowPlan(
        line=row.line,
        action=REFUSED,
        label=f"{values.get('first_name', '')} {values.get('last_name', '')} ({username})",
    )
    reasons = plan.reasons
    for key, title in (
        ("username", _("Brugernavn")),
        ("first_name", _("Fornavn")),
        ("last_name", _("Efternavn")),
    ):
        if not values.get(key):
            reasons.append(_("%(column)s mangler.") % {"column": title})
    if username in seen:
        reasons.append(_("Brugernavnet står også i række %(line)s.") % {"line": seen[username]})
    elif username:
        seen[username] = row.line
    existing = context.users.get(username)
    if existing is not None and (
        existing.role != Role.PEDAGOGUE or existing.municipality_id != context.municipality_id
    ):
        reasons.append(
            _("Brugernavnet «%(name)s» er allerede i brug af en anden bruger.") % {"name": username}
        )
    elif existing is not None and not existing.is_active:
        reasons.append(
            _("Brugeren «%(name)s» er deaktiveret; genaktivér den først.") % {"name": username}
        )
    wanted: dict[int, tuple[Institution, str]] = {}
    for key, function in (
        ("resource", PedagogueAttachment.Function.RESOURCE.value),
        ("support", PedagogueAttachment.Function.SUPPORT.value),
    ):
        for name in [n.strip() for n in values.get(key, "").split(",") if n.strip()]:
            institution = context.institutions.get(name.casefold())
            if institution is None:
                reasons.append(
                    _("Daginstitutionen «%(name)s» findes ikke i kommunen.") % {"name": name}
                )
            elif institution.pk in wanted:
                reasons.append(
                    _(
                        "%(name)s står i begge funktioner; en pædagog har aldrig begge i samme institution."
                    )
                    % {"name": institution.name}
                )
            else:
                wanted[institution.pk] = (institution, function)
    contract: dict[str, Any] = {}
    for key, default in CONTRACT_DEFAULTS.items():
        text = values.get(key, "")
        number = parse_decimal(text) if text else None
        if text and number is None:
            reasons.append(_("«%(value)s» er ikke et tal.") % {"value": text})
            continue
        if key == "support_share_percent":
            contract[key] = int(number) if number is not None else default
        else:
            contract[key] = Decimal(str(number)) if number is not None else default
    if len(contract) == len(CONTRACT_DEFAULTS):
        parts = sum(contract[key] for key in HOURS if key != "weekly_hours")
        if parts != contract["weekly_hours"]:
            reasons.append(
                _("Timerne går ikke op: %(parts)s timer fordelt, men ugen har %(total)s timer.")
                % {"parts": _danish(parts), "total": _danish(contract["weekly_hours"])}
            )
        if not 0 <= contract["support_share_percent"] <= 100:
            reasons.append(_("En andel skal være mellem 0 og 100 %."))
    current = context.attachments.get(existing.pk, {}) if existing is not None else {}
    for institution_id, (institution, function) in wanted.items():
        if current.get(institution_id, function) != function:
            reasons.append(
                _("%(name)s: funktionen skiftes ikke ved import; afslut tilknytningen først.")
                % {"name": institution.name}
            )
    if reasons:
        return plan
    plan.username = username
    plan.pedagogue_data = {key: values.get(key, "") for key in PEDAGOGUE_KEYS}
    plan.contract_data = contract
    plan.new_attachments = [pair for pk, pair in wanted.items() if pk not in current]
    if existing is None:
        plan.action = CREATE
        plan.contract_changed = contract != CONTRACT_DEFAULTS
        return plan
    plan.pedagogue = existing
    saved = context.contracts.get(existing.pk, CONTRACT_DEFAULTS)
    plan.contract_changed = saved != contract
    changed = any(getattr(existing, k) != v for k, v in plan.pedagogue_data.items())
    touched = changed or plan.contract_changed or plan.new_attachments
    plan.action = UPDATE if touched else UNCHANGED
    return plan


def _danish(number: Decimal) -> str:
    """37.5 as a Dane writes it: 37,5 (and 37 without decimals)."""
    return f"{number.normalize():f}".replace(".", ",")

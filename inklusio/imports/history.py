"""What a file of historic decisions or historic courses would do, row by row (issue 17, point 3):
the old system's records, brought in so that the statistics tables go on from before Inklusio.

Reads only; `services.import_execute` carries out the plan. History is checked for what makes a
record true (a known child, a grant with its start, a session on or after its course's start),
not for the guards of live work that were not Inklusio's to keep then (capacity, the committee
meeting's date, the pedagogue's week, the child's current institution). Which rule applies to
history and why: docs/import.md, "Historic decisions and courses".

Natural keys, so a re-run changes nothing: a decision is the child (CPR), the offer, the type
and the day it was made; a course is its institution, title and start; a session is its course
and day. A decision is never changed by a file (a decision is superseded, never overwritten);
a known course gets the participants, sessions and closing day it lacks."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from stdnum.dk import cpr as cpr_number
from stdnum.exceptions import ValidationError

from inklusio.children.models import Child, DifficultyCategory
from inklusio.courses.models import Course, Participant, Session
from inklusio.imports.parsers import Row, parse_date
from inklusio.imports.rules import (
    CREATE,
    LOOKUP_CHUNK,
    REFUSED,
    UNCHANGED,
    UPDATE,
    RowPlan,
    children_by_cpr,
    normalise_cpr,
)
from inklusio.organisation.models import Institution, ResourceGroup
from inklusio.people.models import Role, User
from inklusio.referrals.models import Decision, LegalBasis, Offer
from inklusio.referrals.periods import one_year_from, period_label, period_start_for

# The outcomes and types a historic decision can have: the first decision on a referral and
# the yearly re-assessment. Ending early, withdrawal and appeals are steps on a decision in
# Inklusio; history keeps the decisions they led to.
DECISION_KINDS = (Decision.Kind.INITIAL, Decision.Kind.REASSESSMENT)
DECISION_OUTCOMES = (
    Decision.Outcome.GRANTED,
    Decision.Outcome.REFUSED,
    Decision.Outcome.ALTERNATIVE,
    Decision.Outcome.CONTINUED,
)
# Stored where the old system kept no text; a decision and a referral always have one.
HISTORIC_REASONS = "Historisk afgørelse, importeret fra kommunens tidligere system."
HISTORIC_REFERRAL = "Historisk indstilling, importeret fra kommunens tidligere system."
SESSION_TIME = datetime.time(9, 0)


@dataclass
class DecisionRecord:
    """A historic decision as it will be stored; `referred_on` adds the referral it answered."""

    child: Child
    values: dict[str, Any]
    period_starts: list[datetime.date]
    referred_on: datetime.date | None = None


@dataclass
class CourseRecord:
    """A historic course: new (`course` None, created from `values`) or known and completed
    with the participants, sessions and closing day it lacks."""

    values: dict[str, Any]
    course: Course | None = None
    new_participants: list[tuple[Child, str]] = field(default_factory=list)
    new_sessions: list[tuple[datetime.date, str, str]] = field(default_factory=list)
    recorded_sessions: list[tuple[int, str, str]] = field(default_factory=list)  # planned ones
    close_on: datetime.date | None = None


def _choice(text: str, choices: list[tuple[str, Any]]) -> str | None:
    """The stored value whose label (or value) is the text, case-insensitively."""
    for value, label in choices:
        if text.casefold() in {str(label).casefold(), value.casefold()}:
            return value
    return None


def _choice_names(choices: list[tuple[str, Any]]) -> str:
    return ", ".join(str(label) for _value, label in choices)


def _date(values: dict[str, str], key: str, reasons: list[str]) -> datetime.date | None:
    text = values.get(key, "")
    if not text:
        return None
    day = parse_date(text)
    if day is None:
        reasons.append(
            _("Datoen «%(value)s» kan ikke læses; skriv den som dd-mm-åååå.") % {"value": text}
        )
    return day


def _required(values: dict[str, str], columns: list[tuple[str, str]], reasons: list[str]) -> None:
    for key, title in columns:
        if not values.get(key):
            reasons.append(_("%(column)s mangler.") % {"column": title})


def _masked(cpr: str) -> str:
    return f"{cpr[:6]}-xxxx"


def _valid_cpr(cpr: str, reasons: list[str]) -> bool:
    try:
        cpr_number.validate(cpr)
    except ValidationError:
        reasons.append(_("CPR-nummeret %(cpr)s er ikke gyldigt.") % {"cpr": _masked(cpr)})
        return False
    return True


def _unknown_child(cpr: str) -> str:
    return _("Der er intet barn med CPR-nummeret %(cpr)s i kommunen; importér børnene først.") % {
        "cpr": _masked(cpr)
    }


# --- Decisions ---------------------------------------------------------------------------------


@dataclass
class DecisionContext:
    today: datetime.date
    children: dict[str, Child]
    legal_bases: dict[str, LegalBasis]
    groups: dict[str, ResourceGroup]
    # (child id, offer, kind, decided on) -> the decision already recorded
    decisions: dict[tuple[int, str, str, datetime.date], Decision]


def decision_context(
    municipality_id: int, rows: list[Row], today: datetime.date
) -> DecisionContext:
    numbers = {normalise_cpr(row.values.get("cpr", "")) for row in rows}
    children = children_by_cpr(municipality_id, numbers)
    legal_bases = {
        basis.title.casefold(): basis
        for basis in LegalBasis.objects.filter(municipality_id=municipality_id)
    }
    groups = {
        group.name.casefold(): group
        for group in ResourceGroup.objects.filter(municipality_id=municipality_id)
    }
    decisions = {}
    ids = sorted(child.pk for child in children.values())
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        for decision in Decision.objects.filter(child_id__in=chunk):
            key = (decision.child_id, decision.offer, decision.kind, decision.decided_on)
            decisions.setdefault(key, decision)
    return DecisionContext(today, children, legal_bases, groups, decisions)


# What an existing decision is compared on: a re-run of the same file finds them equal.
DECISION_COMPARED = ("outcome", "legal_basis", "start", "end", "category", "resource_group")


def plan_decision_row(row: Row, context: DecisionContext, seen: dict[str, int]) -> RowPlan:
    values = row.values
    cpr = normalise_cpr(values.get("cpr", ""))
    child = context.children.get(cpr)
    name = f"{child.full_name} ({child.masked_cpr})" if child else (_masked(cpr) if cpr else "")
    label = f"{name}: {values.get('offer', '')} {values.get('decided_on', '')}".strip()
    plan = RowPlan(line=row.line, action=REFUSED, label=label, child=child)
    reasons = plan.reasons
    _required(
        values,
        [
            ("cpr", _("CPR-nummer")),
            ("offer", _("Tilbud")),
            ("outcome", _("Afgørelse")),
            ("decided_on", _("Afgjort den")),
            ("legal_basis", _("Lovgrundlag")),
        ],
        reasons,
    )
    if cpr and _valid_cpr(cpr, reasons) and child is None:
        reasons.append(_unknown_child(cpr))
    offer = _choice(values.get("offer", ""), Offer.choices)
    if values.get("offer") and offer is None:
        reasons.append(
            _("Tilbuddet «%(value)s» er ikke et af: %(choices)s.")
            % {"value": values["offer"], "choices": _choice_names(Offer.choices)}
        )
    outcomes = [(v, label) for v, label in Decision.Outcome.choices if v in DECISION_OUTCOMES]
    outcome = _choice(values.get("outcome", ""), outcomes)
    if values.get("outcome") and outcome is None:
        reasons.append(
            _("Afgørelsen «%(value)s» er ikke en af: %(choices)s.")
            % {"value": values["outcome"], "choices": _choice_names(outcomes)}
        )
    kinds = [(v, label) for v, label in Decision.Kind.choices if v in DECISION_KINDS]
    kind = _choice(values.get("kind", ""), kinds) if values.get("kind") else Decision.Kind.INITIAL
    if kind is None:
        reasons.append(
            _("Typen «%(value)s» er ikke en af: %(choices)s.")
            % {"value": values["kind"], "choices": _choice_names(kinds)}
        )
    if outcome == Decision.Outcome.CONTINUED and kind != Decision.Kind.REASSESSMENT:
        reasons.append(_("«Fortsætter» er udfaldet af en revurdering; skriv Revurdering i Type."))
    decided_on = _date(values, "decided_on", reasons)
    if decided_on is not None and decided_on > context.today:
        reasons.append(_("Afgørelsesdatoen ligger i fremtiden; historik er truffet afgørelser."))
    legal_basis = context.legal_bases.get(values.get("legal_basis", "").casefold())
    if values.get("legal_basis") and legal_basis is None:
        reasons.append(
            _(
                "Lovgrundlaget «%(value)s» findes ikke i kommunen; opret det først "
                "(et gammelt lovgrundlag kan markeres som ikke i brug)."
            )
            % {"value": values["legal_basis"]}
        )
    start = _date(values, "start", reasons)
    end = _date(values, "end", reasons)
    granting = outcome in Decision.GRANTING
    if granting and start is None and not values.get("start"):
        reasons.append(_("En bevilling skal have en dato i «Bevilget fra»."))
    if not granting and outcome and (values.get("start") or values.get("end")):
        reasons.append(_("Kun en bevilling har en periode; lad «Bevilget fra» og «til» stå tomme."))
    if start and end and end < start:
        reasons.append(_("«Bevilget til» ligger før «Bevilget fra»."))
    category = _category(values.get("category", ""), reasons)
    group = None
    if values.get("resource_group"):
        group = context.groups.get(values["resource_group"].casefold())
        if group is None:
            reasons.append(
                _("Ressourcegruppen «%(name)s» findes ikke i kommunen.")
                % {"name": values["resource_group"]}
            )
    elif granting and offer == Offer.RESOURCE_GROUP_PLACE:
        reasons.append(_("Skriv, hvilken ressourcegruppe barnet fik plads i."))
    if outcome == Decision.Outcome.ALTERNATIVE and not values.get("alternative"):
        reasons.append(_("Skriv i «Andet tilbud», hvad barnet fik i stedet."))
    referred_on = _date(values, "referred_on", reasons)
    if referred_on and decided_on and referred_on > decided_on:
        reasons.append(_("«Indstillet den» ligger efter afgørelsen."))
    # A grant belongs to the period it starts in (the capacity and tables 4–5 count it there);
    # any other decision to the period it was made in (table 2).
    dated = start if granting else decided_on
    period = values.get("period", "").replace(" ", "")
    if dated is not None and period and period not in _period_names(dated):
        reasons.append(
            _("Visitationsperioden «%(value)s» passer ikke med datoen: den ligger i %(label)s.")
            % {"value": values["period"], "label": period_label(period_start_for(dated))}
        )
    key = f"{cpr}|{offer}|{kind}|{decided_on}"
    if key in seen:
        reasons.append(
            _("Samme afgørelse (barn, tilbud, type og dato) står også i række %(line)s.")
            % {"line": seen[key]}
        )
    elif cpr and offer and kind and decided_on:
        seen[key] = row.line
    if reasons or child is None or decided_on is None or dated is None:
        return plan
    if granting and offer == Offer.SUPPORT_PEDAGOGUE and start and end is None:
        end = one_year_from(start)  # as the committee's own grants: one year at a time
    stored = {
        "offer": offer,
        "outcome": outcome,
        "kind": kind,
        "decided_on": decided_on,
        "legal_basis": legal_basis,
        "start": start if granting else None,
        "end": end if granting else None,
        "category": category if category is not None else child.category,
        "resource_group": group if offer == Offer.RESOURCE_GROUP_PLACE else None,
        "alternative": values.get("alternative", ""),
        "reasons": values.get("reasons", "") or _(HISTORIC_REASONS),
        "case_number": values.get("case_number", ""),
    }
    existing = context.decisions.get((child.pk, offer, kind, decided_on))
    if existing is not None:
        if any(_stored(existing, name) != _key(stored[name]) for name in DECISION_COMPARED):
            reasons.append(
                _(
                    "Afgørelsen findes allerede med andre oplysninger; en afgørelse ændres "
                    "ikke ved import (en ny afgørelse afløser den)."
                )
            )
            return plan
        plan.action = UNCHANGED
        return plan
    starts = sorted({period_start_for(decided_on), period_start_for(dated)})
    plan.history = DecisionRecord(child, stored, starts, referred_on)
    plan.action = CREATE
    return plan


def _category(text: str, reasons: list[str]) -> str | None:
    """The category the committee saw; None (the child's own) when the cell is empty."""
    if not text:
        return None
    value = _choice(text, DifficultyCategory.choices)
    if value is None:
        reasons.append(
            _("Vanskeligheden «%(value)s» er ikke en af: %(choices)s.")
            % {"value": text, "choices": _choice_names(DifficultyCategory.choices)}
        )
    return value


def _period_names(day: datetime.date) -> set[str]:
    start = period_start_for(day).year
    return {f"{start}/{(start + 1) % 100:02d}", f"{start}/{start + 1}", f"{start}-{start + 1}"}


def _stored(obj: Any, name: str) -> Any:
    if name in {"legal_basis", "resource_group", "pedagogue", "institution"}:
        return getattr(obj, f"{name}_id")
    return getattr(obj, name)


def _key(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


# --- Courses -----------------------------------------------------------------------------------


@dataclass
class CourseContext:
    today: datetime.date
    institutions: dict[str, Institution]
    users: dict[str, User]  # the municipality's users named in the file, by username
    children: dict[str, Child]
    courses: dict[tuple[int, str, datetime.date], Course]
    participants: dict[int, dict[int, str]]  # course id -> child id -> role
    sessions: dict[int, dict[datetime.date, Session]]  # course id -> day -> first session


def _cpr_list(text: str) -> list[str]:
    return [normalise_cpr(part.strip()) for part in text.split(",") if part.strip()]


def course_context(municipality_id: int, rows: list[Row], today: datetime.date) -> CourseContext:
    institutions = {
        i.name.casefold(): i for i in Institution.objects.filter(municipality_id=municipality_id)
    }
    names = sorted({row.values.get("pedagogue", "") for row in rows})
    users: dict[str, User] = {}
    for start in range(0, len(names), LOOKUP_CHUNK):
        chunk = names[start : start + LOOKUP_CHUNK]
        for user in User.objects.filter(municipality_id=municipality_id, username__in=chunk):
            users[user.username] = user
    numbers = {
        number
        for row in rows
        for key in ("cases", "role_models")
        for number in _cpr_list(row.values.get(key, ""))
    }
    children = children_by_cpr(municipality_id, numbers)
    starts = sorted({day for row in rows if (day := parse_date(row.values.get("start", "")))})
    courses: dict[tuple[int, str, datetime.date], Course] = {}
    for begin in range(0, len(starts), LOOKUP_CHUNK):
        chunk = starts[begin : begin + LOOKUP_CHUNK]
        for course in Course.objects.filter(municipality_id=municipality_id, start__in=chunk):
            courses.setdefault(
                (course.institution_id, course.title.casefold(), course.start), course
            )
    ids = sorted(course.pk for course in courses.values())
    participants: dict[int, dict[int, str]] = {}
    sessions: dict[int, dict[datetime.date, Session]] = {}
    for begin in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[begin : begin + LOOKUP_CHUNK]
        found = Participant.objects.filter(course_id__in=chunk, child__isnull=False)
        for course_id, child_id, role in found.values_list("course_id", "child_id", "role"):
            participants.setdefault(course_id, {})[child_id] = role
        for session in Session.objects.filter(course_id__in=chunk).order_by("date", "start_time"):
            sessions.setdefault(session.course_id, {}).setdefault(session.date, session)
    return CourseContext(today, institutions, users, children, courses, participants, sessions)


def _course_kind(text: str) -> str | None:
    for value, label in Course.Kind.choices:
        # "Gruppeforløb" may be written "Gruppe", "Individuelt forløb" "Individuelt"; the stored
        # value works as well.
        names = {str(label).casefold(), value, str(label).casefold().removesuffix("forløb").strip()}
        if text.casefold() in names:
            return value
    return None


def _cause(text: str) -> str | None:
    """A cancellation's cause by (part of) its label: "sygdom", "institutionen", "møde"."""
    if not text:
        return Session.Cause.OTHER
    word = text.casefold()
    found = [v for v, label in Session.Cause.choices if word == v or word in str(label).casefold()]
    return found[0] if len(found) == 1 else None


CANCELLED_ITEM = re.compile(r"^(?P<day>[^()]+?)\s*(?:\((?P<cause>[^()]*)\))?$")


def _sessions(
    values: dict[str, str], start: datetime.date | None, today: datetime.date, reasons: list[str]
) -> dict[datetime.date, tuple[str, str]]:
    """The file's sessions by day: (status, cause)."""
    found: dict[datetime.date, tuple[str, str]] = {}
    items = [(Session.Status.HELD, part) for part in values.get("held", "").split(",")]
    items += [(Session.Status.CANCELLED, part) for part in values.get("cancelled", "").split(",")]
    for status, text in items:
        text = text.strip()
        if not text:
            continue
        match = CANCELLED_ITEM.match(text)
        day = parse_date(match.group("day")) if match else None
        if day is None or match is None:
            reasons.append(
                _(
                    "Samlingen «%(value)s» kan ikke læses; skriv dd-mm-åååå, ved aflysning evt. "
                    "med årsag i parentes."
                )
                % {"value": text}
            )
            continue
        cause = ""
        if status == Session.Status.CANCELLED:
            cause = _cause((match.group("cause") or "").strip()) or ""
            if not cause:
                reasons.append(
                    _("Årsagen «%(value)s» er ikke en af: %(choices)s.")
                    % {
                        "value": match.group("cause"),
                        "choices": _choice_names(Session.Cause.choices),
                    }
                )
        elif match.group("cause"):
            reasons.append(_("Kun en aflyst samling har en årsag: «%(value)s».") % {"value": text})
        if start is not None and day < start:
            reasons.append(
                _("Samlingen %(day)s ligger før forløbets start.") % {"day": f"{day:%d-%m-%Y}"}
            )
        if day > today:
            reasons.append(
                _("Samlingen %(day)s ligger i fremtiden; historik er holdte og aflyste samlinger.")
                % {"day": f"{day:%d-%m-%Y}"}
            )
        if day in found:
            reasons.append(
                _("Samlingen %(day)s står to gange; én samling pr. dag.")
                % {"day": f"{day:%d-%m-%Y}"}
            )
        found[day] = (status, cause)
    return found


def _participants(
    values: dict[str, str], context: CourseContext, kind: str | None, reasons: list[str]
) -> list[tuple[Child, str]]:
    wanted: list[tuple[Child, str]] = []
    seen: set[str] = set()
    for key, role in (
        ("cases", Participant.Role.CASE),
        ("role_models", Participant.Role.ROLE_MODEL),
    ):
        for cpr in _cpr_list(values.get(key, "")):
            if not _valid_cpr(cpr, reasons):
                continue
            if cpr in seen:
                reasons.append(
                    _("%(cpr)s står to gange; et barn har én rolle i et forløb.")
                    % {"cpr": _masked(cpr)}
                )
                continue
            seen.add(cpr)
            child = context.children.get(cpr)
            if child is None:
                reasons.append(_unknown_child(cpr))
            else:
                wanted.append((child, role))
    if kind in Course.STAFF_KINDS and seen:
        reasons.append(
            _(
                "Et refleksions- eller aktionslæringsforløb har medarbejdere, ikke børn, som deltagere."
            )
        )
    cases = sum(1 for _child, role in wanted if role == Participant.Role.CASE)
    if kind == Course.Kind.INDIVIDUAL and cases > 1:
        reasons.append(_("Et individuelt forløb har ét barn i udsat position."))
    return wanted


def plan_course_row(row: Row, context: CourseContext, seen: dict[str, int]) -> RowPlan:
    values = row.values
    title = values.get("title", "")
    plan = RowPlan(
        line=row.line,
        action=REFUSED,
        label=f"{values.get('institution', '')}: {title} ({values.get('start', '')})",
    )
    reasons = plan.reasons
    _required(
        values,
        [
            ("institution", _("Daginstitution")),
            ("title", _("Titel")),
            ("kind", _("Type")),
            ("pedagogue", _("Ressourcepædagog (brugernavn)")),
            ("start", _("Start")),
        ],
        reasons,
    )
    institution = context.institutions.get(values.get("institution", "").casefold())
    if values.get("institution") and institution is None:
        reasons.append(
            _("Daginstitutionen «%(name)s» findes ikke i kommunen.")
            % {"name": values["institution"]}
        )
    if len(title) > 200:
        reasons.append(_("Titlen må højst være 200 tegn."))
    kind = _course_kind(values["kind"]) if values.get("kind") else None
    if values.get("kind") and kind is None:
        reasons.append(
            _("Typen «%(value)s» er ikke en af: %(choices)s.")
            % {"value": values["kind"], "choices": _choice_names(Course.Kind.choices)}
        )
    # A pedagogue who has left the corps keeps their courses: history does not ask for an
    # active account, only for a pedagogue of this municipality.
    pedagogue = context.users.get(values.get("pedagogue", ""))
    if values.get("pedagogue") and (pedagogue is None or pedagogue.role != Role.PEDAGOGUE):
        reasons.append(
            _("«%(name)s» er ikke brugernavnet på en ressourcepædagog i kommunen.")
            % {"name": values["pedagogue"]}
        )
    start = _date(values, "start", reasons)
    planned_end = _date(values, "planned_end", reasons)
    closed_on = _date(values, "closed_on", reasons)
    if start and planned_end and planned_end < start:
        reasons.append(_("Forløbet kan ikke slutte, før det starter."))
    if start and closed_on and closed_on < start:
        reasons.append(_("«Afsluttet den» ligger før forløbets start."))
    if closed_on and closed_on > context.today:
        reasons.append(_("«Afsluttet den» ligger i fremtiden."))
    wanted = _participants(values, context, kind, reasons)
    sessions = _sessions(values, start, context.today, reasons)
    key = f"{values.get('institution', '').casefold()}|{title.casefold()}|{start}"
    if key in seen:
        reasons.append(
            _("Samme forløb (daginstitution, titel og start) står også i række %(line)s.")
            % {"line": seen[key]}
        )
    elif institution and title and start:
        seen[key] = row.line
    if reasons or institution is None or start is None or kind is None or pedagogue is None:
        return plan
    record = CourseRecord(
        values={
            "institution": institution,
            "kind": kind,
            "title": title,
            "goals": values.get("goals", ""),
            "start": start,
            "planned_end": planned_end or Course.default_end(start),
            "pedagogue": pedagogue,
        },
        close_on=closed_on,
    )
    existing = context.courses.get((institution.pk, title.casefold(), start))
    if existing is None:
        record.new_participants = wanted
        record.new_sessions = [(day, status, cause) for day, (status, cause) in sessions.items()]
        plan.history = record
        plan.action = CREATE
        return plan
    _complete(existing, record, wanted, sessions, context, reasons)
    if reasons:
        return plan
    plan.history = record
    touched = record.new_participants or record.new_sessions or record.recorded_sessions
    plan.action = UPDATE if touched or record.close_on else UNCHANGED
    return plan


def _complete(
    existing: Course,
    record: CourseRecord,
    wanted: list[tuple[Child, str]],
    sessions: dict[datetime.date, tuple[str, str]],
    context: CourseContext,
    reasons: list[str],
) -> None:
    """What a known course lacks of the file's row; a contradiction refuses the row."""
    record.course = existing
    if (
        existing.kind != record.values["kind"]
        or existing.pedagogue_id != record.values["pedagogue"].pk
    ):
        reasons.append(
            _(
                "Forløbet findes allerede med en anden type eller pædagog; ret det på forløbets side."
            )
        )
    if existing.closed_on is not None:
        if record.close_on is not None and record.close_on != existing.closed_on:
            reasons.append(
                _("Forløbet er allerede afsluttet den %(day)s.")
                % {"day": f"{existing.closed_on:%d-%m-%Y}"}
            )
        record.close_on = None
    roles = context.participants.get(existing.pk, {})
    for child, role in wanted:
        if child.pk not in roles:
            record.new_participants.append((child, role))
        elif roles[child.pk] != role:
            reasons.append(
                _("%(cpr)s deltager allerede i forløbet med en anden rolle.")
                % {"cpr": child.masked_cpr}
            )
    known = context.sessions.get(existing.pk, {})
    for day, (status, cause) in sessions.items():
        session = known.get(day)
        if session is None:
            record.new_sessions.append((day, status, cause))
        elif session.status == Session.Status.PLANNED:
            record.recorded_sessions.append((session.pk, status, cause))
        elif session.status != status:
            reasons.append(
                _("Samlingen %(day)s er allerede registreret som %(status)s.")
                % {"day": f"{day:%d-%m-%Y}", "status": session.get_status_display().lower()}
            )

"""The planner's input read from the municipality's records: the week, the demand rule,
contracts, absences, holidays and granted support. Reads only; `services.py` stores plans."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TypedDict

from django.db.models import Q, QuerySet
from django.utils import timezone

from inklusio.core.public_holidays import is_public_holiday
from inklusio.organisation.models import Institution, Municipality
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.planning import solver
from inklusio.planning.models import (
    DROPPED_ABSENT,
    DROPPED_CENTRE_MEETING,
    DROPPED_HOLIDAY,
    DROPPED_LEFT_CORPS,
    Absence,
    Contract,
    DemandRule,
    PlanSlot,
    WeeklyPlan,
)

HALF_DAY_HOURS = Decimal(str(solver.HALF_DAY_HOURS))

# Who is in the corps: an active user whose role is pedagogue. Deactivated, or moved to another
# role, they have left it. The one rule the planner (whom it plans, which manual edits it keeps)
# and every reading of the plan in force (a half-day of someone who left is a visit that lapses,
# from the day they left: `left_corps_on`) go by, as a filter (`corps_members`) and for a user
# already read (`in_corps`, no query).
CORPS_MEMBER: dict[str, object] = {"role": Role.PEDAGOGUE, "is_active": True}


def in_corps_q(prefix: str = "") -> Q:
    """`CORPS_MEMBER` as a filter on users, or on the user a relation names (`prefix`, e.g.
    "pedagogue__")."""
    return Q(**{f"{prefix}{name}": value for name, value in CORPS_MEMBER.items()})


def corps_members(users: QuerySet[User]) -> QuerySet[User]:
    """The users of `users` in the corps (`CORPS_MEMBER`)."""
    return users.filter(in_corps_q())


def in_corps(user: User) -> bool:
    """`user` is in the corps (`CORPS_MEMBER`), read from the row already loaded."""
    return all(getattr(user, name) == value for name, value in CORPS_MEMBER.items())


def left_corps_on(user: User) -> datetime.date | None:
    """The day `user` left the corps (`CORPS_MEMBER`), read from the row already loaded: None
    while they are in it; the day their account was closed (`User.deactivated_on`) when it
    was; else today, as a move to another role (or an account closed before the day was kept)
    records no day, so it counts from now on. A reopened account is in the corps again."""
    if in_corps(user):
        return None
    return user.deactivated_on or timezone.localdate()


def left_corps_by(user: User, day: datetime.date) -> bool:
    """`user` has left the corps by `day` (`left_corps_on`): a visit of theirs that day lapses.
    No query."""
    left = left_corps_on(user)
    return left is not None and day >= left


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class Lookups(TypedDict):
    """From the solver's ids back to the records they stand for, and what the records say
    beside the problem: the week's recorded absences, and the manual edits they override."""

    pedagogues: dict[str, User]
    institutions: dict[str, Institution]
    # Each pedagogue's half-days of the week with a recorded absence (`Absence.half_days`).
    absent: dict[str, frozenset[solver.Slot]]
    # Manual edits of `locked_from` on such a half-day, of a pedagogue no longer in the corps,
    # or on the centre meeting or a public holiday, with why (DROPPED_ABSENT, …): not carried
    # over as locks, as the absence, the departure, the meeting or the holiday wins; the new
    # plan names them to the corps leader.
    edits_dropped: list[tuple[PlanSlot, str]]


def demand_rule_for(municipality: Municipality) -> DemandRule:
    """The municipality's demand rule, or the defaults (unsaved) while none has been edited."""
    rule = DemandRule.objects.filter(municipality=municipality).first()
    return rule if rule is not None else DemandRule(municipality=municipality)


def default_contract(pedagogue: User) -> Contract:
    """The Ishøj week (37 hours, 32 in institutions) for a pedagogue whose contract has not
    been edited yet; unsaved, so reading a page never writes."""
    contract = Contract(pedagogue=pedagogue)
    if pedagogue.municipality_id is not None:
        contract.municipality_id = pedagogue.municipality_id
    return contract


def contracts_by_pedagogue(pedagogues: Iterable[User]) -> dict[int, Contract]:
    """Each pedagogue's contract, the default where none is saved, in one query."""
    pedagogues = list(pedagogues)
    saved = {c.pedagogue_id: c for c in Contract.objects.filter(pedagogue__in=pedagogues)}
    return {p.pk: saved.get(p.pk) or default_contract(p) for p in pedagogues}


def capacity_half_days(contract: Contract) -> int:
    """Institution hours as whole half-days (32 h / 3.5 h = 9 half-days)."""
    return int(contract.institution_hours // HALF_DAY_HOURS)


def public_holiday_days(week_start: datetime.date) -> set[int]:
    """The weekdays (0 = Monday) of the week that are public holidays."""
    return {
        index
        for index in range(5)
        if is_public_holiday(week_start + datetime.timedelta(days=index))
    }


def closed_half_days(rule: DemandRule, week_start: datetime.date) -> dict[solver.Slot, str]:
    """The half-days of the week no pedagogue is planned in an institution, with why: a public
    holiday (DROPPED_HOLIDAY) or the corps' centre meeting (DROPPED_CENTRE_MEETING), as the
    planner, the grid and a manual edit (`services.slot_set`) read them."""
    closed = {(rule.centre_meeting_day, rule.centre_meeting_half): DROPPED_CENTRE_MEETING}
    for day in public_holiday_days(week_start):
        closed.update({(day, 0): DROPPED_HOLIDAY, (day, 1): DROPPED_HOLIDAY})
    return closed


def _absent_slots(
    pedagogue: User, week_start: datetime.date, absences: Iterable[Absence]
) -> set[tuple[int, int]]:
    slots: set[tuple[int, int]] = set()
    for absence in absences:
        if absence.pedagogue_id == pedagogue.pk:
            slots |= absence.half_days(week_start)
    return slots


def support_children(
    municipality: Municipality, week_start: datetime.date
) -> list[solver.SupportChildInput]:
    """Children with a granted support pedagogue in force this week (from visitation)."""
    from inklusio.planning.demand import active_support_children

    rule = demand_rule_for(municipality)
    return [
        solver.SupportChildInput(
            id=str(child.public_id),
            institution_id=str(child.institution.public_id),
            demand_half_days=rule.support_half_days_per_child,
        )
        for child in active_support_children(municipality, week_start)
    ]


def build_problem(
    municipality: Municipality, week_start: datetime.date, *, locked_from: WeeklyPlan | None = None
) -> tuple[solver.PlanningProblem, Lookups]:
    """The planning problem of one week, and lookup tables from solver ids back to records."""
    rule = demand_rule_for(municipality)
    pedagogues = list(corps_members(User.objects.filter(municipality=municipality)).order_by("pk"))
    institutions = list(
        Institution.objects.filter(municipality=municipality).select_related("resource_override")
    )
    attachments = (
        PedagogueAttachment.objects.current()
        .filter(municipality=municipality)
        .select_related("institution")
    )
    absences = list(
        Absence.objects.filter(
            municipality=municipality,
            start__lte=week_start + datetime.timedelta(days=4),
            end__gte=week_start,
        )
    )
    contracts = contracts_by_pedagogue(pedagogues)
    absent = {
        str(pedagogue.pk): frozenset(_absent_slots(pedagogue, week_start, absences))
        for pedagogue in pedagogues
    }
    closed = closed_half_days(rule, week_start)
    holiday_slots = {slot for slot, why in closed.items() if why == DROPPED_HOLIDAY}
    current: dict[int, dict[str, solver.Function]] = {}
    for attachment in attachments:
        current.setdefault(attachment.pedagogue_id, {})[str(attachment.institution.public_id)] = (
            solver.Function(attachment.function)
        )
    pedagogue_inputs = [
        solver.PedagogueInput(
            id=str(pedagogue.pk),
            max_half_days=capacity_half_days(contracts[pedagogue.pk]),
            unavailable_slots=absent[str(pedagogue.pk)] | holiday_slots,
            current_attachments=current.get(pedagogue.pk, {}),
            district=None,
        )
        for pedagogue in pedagogues
    ]
    institution_inputs = [
        solver.InstitutionInput(
            id=str(institution.public_id),
            resource_demand_half_days=rule.resource_half_days(institution),
            district=institution.district or None,
        )
        for institution in institutions
    ]
    locked: tuple[solver.Assignment, ...] = ()
    previous: tuple[solver.Assignment, ...] = ()
    last = (
        WeeklyPlan.objects.filter(municipality=municipality, week_start__lt=week_start)
        .exclude(status=WeeklyPlan.Status.REPLACED)
        .order_by("-week_start")
        .first()
    )
    if last is not None:
        previous = tuple(
            assignment(slot) for slot in last.slots.select_related("institution", "child")
        )
    edits_dropped: list[tuple[PlanSlot, str]] = []
    if locked_from is not None:
        members = {pedagogue.pk for pedagogue in pedagogues}
        kept: list[solver.Assignment] = []
        # Manual locks only: session locks come from the sessions planned now
        # (`commitments.add_session_locks`), so a moved or cancelled session lets go.
        for slot in locked_from.slots.filter(locked=True, for_session=False).select_related(
            "institution", "child", "pedagogue"
        ):
            # An edit made before the absence was recorded, or before its pedagogue left the
            # corps (is deactivated, or no longer a pedagogue): the pedagogue is not coming, so
            # the half-day is planned anew (another pedagogue, or unmet as any other); the
            # solver knows no one outside the corps. An edit on the centre meeting or a holiday
            # (made before slot_set refused it, or before the meeting moved) would break a hard
            # rule: no one is planned then.
            if slot.pedagogue_id not in members:
                edits_dropped.append((slot, DROPPED_LEFT_CORPS))
            elif (slot.day, slot.half) in absent[str(slot.pedagogue_id)]:
                edits_dropped.append((slot, DROPPED_ABSENT))
            elif (slot.day, slot.half) in closed:
                edits_dropped.append((slot, closed[(slot.day, slot.half)]))
            else:
                kept.append(assignment(slot))
        locked = tuple(kept)
    problem = solver.PlanningProblem(
        pedagogues=tuple(pedagogue_inputs),
        institutions=tuple(institution_inputs),
        support_children=tuple(support_children(municipality, week_start)),
        centre_meeting_slots=frozenset({(rule.centre_meeting_day, rule.centre_meeting_half)}),
        locked=locked,
        previous_plan=previous,
    )
    lookups = Lookups(
        pedagogues={str(p.pk): p for p in pedagogues},
        institutions={str(i.public_id): i for i in institutions},
        absent=absent,
        edits_dropped=edits_dropped,
    )
    return problem, lookups


def assignment(slot: PlanSlot) -> solver.Assignment:
    return solver.Assignment(
        pedagogue_id=str(slot.pedagogue_id),
        slot=(slot.day, slot.half),
        institution_id=str(slot.institution.public_id),
        function=solver.Function(slot.function),
        child_id=str(slot.child.public_id) if slot.child is not None else None,
    )

"""What the corps planning pages show, scoped through inklusio.access."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.organisation.models import Institution
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.planning.models import (
    DAYS,
    HALVES,
    Absence,
    CalendarFeed,
    Contract,
    PlanSlot,
    WeeklyPlan,
)
from inklusio.planning.problem import (
    HALF_DAY_HOURS,
    contracts_by_pedagogue,
    demand_rule_for,
    public_holiday_days,
)

SLOT_HEADERS = [f"{day} {half}" for day in DAYS for half in HALVES]
SLOT_KEYS = [(day, half) for day in range(5) for half in range(2)]


@dataclass
class GridRow:
    label: str
    cells: list[list[str]] = field(default_factory=list)
    hours: float = 0.0
    demand_hours: float | None = None


@dataclass
class CorpsRow:
    pedagogue: User
    contract: Contract  # unsaved defaults while the contract has never been edited
    attachments: list[PedagogueAttachment]

    @property
    def has_contract(self) -> bool:
        return self.contract.pk is not None


def plan_for_user(user: User, public_id: uuid.UUID | str) -> WeeklyPlan:
    plan: WeeklyPlan = access.get_visible_or_404(
        access.weekly_plans_visible_to(user), public_id=public_id
    )
    return plan


def _pedagogues_in_grid(user: User, slots: list[PlanSlot]) -> list[User]:
    """Rows of the pedagogue grid: the corps sees every active pedagogue (absent ones too, so
    nobody drops out of the week unnoticed), a pedagogue themself, others whoever they meet."""
    people = {slot.pedagogue.pk: slot.pedagogue for slot in slots}
    if user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER}:
        corps = User.objects.in_municipality_of(user).filter(role=Role.PEDAGOGUE, is_active=True)
        people.update({p.pk: p for p in corps})
    elif user.role == Role.PEDAGOGUE:
        people[user.pk] = user
    return sorted(people.values(), key=lambda p: (str(p), p.pk))


def _fixed_cells(
    user: User, plan: WeeklyPlan, pedagogues: list[User]
) -> dict[int, dict[tuple[int, int], str]]:
    """What keeps a pedagogue from the institutions on a half-day: an absence (its reason only
    for the corps and the pedagogue themself), a public holiday, the centre meeting."""
    rule = demand_rule_for(plan.municipality)
    holidays = public_holiday_days(plan.week_start)
    fixed: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    for pedagogue in pedagogues:
        for day, half in SLOT_KEYS:
            if day in holidays:
                fixed[pedagogue.pk][(day, half)] = _("Helligdag")
            elif (day, half) == (rule.centre_meeting_day, rule.centre_meeting_half):
                fixed[pedagogue.pk][(day, half)] = _("Centermøde")
    absences = Absence.objects.filter(
        municipality_id=plan.municipality_id,
        pedagogue__in=[p.pk for p in pedagogues],
        start__lte=plan.day(4),
        end__gte=plan.week_start,
    )
    sees_reason = user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER}
    for absence in absences:
        text = (
            _("Fravær: %(reason)s") % {"reason": absence.get_kind_display()}
            if sees_reason or absence.pedagogue_id == user.pk
            else _("Fravær")
        )
        for day in range(5):
            if absence.start <= plan.day(day) <= absence.end:
                for half in absence.halves():
                    fixed[absence.pedagogue_id][(day, half)] = text
    return fixed


def plan_grids(user: User, plan: WeeklyPlan) -> dict[str, list[GridRow]]:
    """Two week grids: one row per pedagogue, one row per institution."""
    slots = list(access.plan_slots_visible_to(user, plan))
    by_pedagogue: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    by_institution: dict[str, dict[tuple[int, int], list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for slot in slots:
        function = "S" if slot.function == "support" else "R"
        lock = f" – {_('låst')}" if slot.locked else ""
        by_pedagogue[slot.pedagogue.pk][(slot.day, slot.half)] = (
            f"{slot.institution.name} ({function}){lock}"
        )
        by_institution[slot.institution.name][(slot.day, slot.half)].append(
            f"{slot.pedagogue.first_name} ({function})"
        )
    rule = demand_rule_for(plan.municipality)
    # The demand override comes along in the same query, not one query per institution.
    institutions: dict[str, Institution] = {
        i.name: i for i in access.institutions_visible_to(user).select_related("resource_override")
    }
    pedagogues = _pedagogues_in_grid(user, slots)
    fixed = _fixed_cells(user, plan, pedagogues)
    pedagogue_rows = []
    for pedagogue in pedagogues:
        cells = by_pedagogue.get(pedagogue.pk, {})
        pedagogue_rows.append(
            GridRow(
                label=str(pedagogue),
                cells=[
                    [text for text in (cells.get(key), fixed[pedagogue.pk].get(key)) if text]
                    for key in SLOT_KEYS
                ],
                hours=float(len(cells) * HALF_DAY_HOURS),
            )
        )
    institution_rows = []
    for name in sorted(
        set(by_institution)
        | ({*institutions} if user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER} else set())
    ):
        visits = by_institution.get(name, {})
        institution = institutions.get(name)
        institution_rows.append(
            GridRow(
                label=name,
                cells=[visits.get(key, []) for key in SLOT_KEYS],
                hours=float(sum(len(v) for v in visits.values()) * HALF_DAY_HOURS),
                demand_hours=float(rule.resource_half_days(institution) * HALF_DAY_HOURS)
                if institution
                else None,
            )
        )
    return {"pedagogues": pedagogue_rows, "institutions": institution_rows}


def hours_split(plan: WeeklyPlan) -> dict[str, float]:
    """Planned hours by function: the 33 %/67 % support/resource split of the evaluation."""
    counts = plan.slots.aggregate(
        support=Count("pk", filter=Q(function="support")),
        resource=Count("pk", filter=Q(function="resource")),
    )
    support, resource = int(counts["support"]), int(counts["resource"])
    total = support + resource
    return {
        "support_hours": float(support * HALF_DAY_HOURS),
        "resource_hours": float(resource * HALF_DAY_HOURS),
        "support_percent": round(100 * support / total) if total else 0,
        "resource_percent": round(100 * resource / total) if total else 0,
    }


def corps_overview(user: User) -> list[CorpsRow]:
    """The corps with contracts and attachments, in a fixed number of queries; a pedagogue
    whose contract was never edited shows the defaults (nothing is written on reading)."""
    pedagogues = User.objects.in_municipality_of(user).filter(role=Role.PEDAGOGUE, is_active=True)
    if user.role == Role.PEDAGOGUE:
        pedagogues = pedagogues.filter(pk=user.pk)
    elif user.role not in {Role.ADMINISTRATOR, Role.CORPS_LEADER}:
        return []
    attachments: dict[int, list[PedagogueAttachment]] = defaultdict(list)
    for attachment in (
        PedagogueAttachment.objects.in_municipality_of(user).current().select_related("institution")
    ):
        attachments[attachment.pedagogue_id].append(attachment)
    people = list(pedagogues.order_by("first_name"))
    contracts = contracts_by_pedagogue(people)
    return [
        CorpsRow(
            pedagogue=pedagogue,
            contract=contracts[pedagogue.pk],
            attachments=attachments[pedagogue.pk],
        )
        for pedagogue in people
    ]


def calendar_feed_of(user: User) -> CalendarFeed | None:
    """The user's secret calendar address, if they have asked for one."""
    feed: CalendarFeed | None = (
        CalendarFeed.objects.in_municipality_of(user).filter(user=user).first()
    )
    return feed


def corps_pedagogues(user: User) -> QuerySet[User]:
    """The active pedagogues of the user's municipality: whom a week, a contract or an
    absence can be about."""
    pedagogues: QuerySet[User] = User.objects.in_municipality_of(user).filter(
        role=Role.PEDAGOGUE, is_active=True
    )
    return pedagogues


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a calendar program asks for by its secret token (the only credential), if its
    user is still active."""
    feed: CalendarFeed | None = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    return feed

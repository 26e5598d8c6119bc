"""What the corps planning pages show, scoped through inklusio.access."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from inklusio import access
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.planning.models import DAYS, HALVES, WeeklyPlan
from inklusio.planning.services import HALF_DAY_HOURS, contract_for, demand_rule_for

SLOT_HEADERS = [f"{day} {half}" for day in DAYS for half in HALVES]
SLOT_KEYS = [(day, half) for day in range(5) for half in range(2)]


@dataclass
class GridRow:
    label: str
    cells: list[list[str]] = field(default_factory=list)
    hours: float = 0.0
    demand_hours: float | None = None


def plan_for_user(user: User, public_id) -> WeeklyPlan:
    return access.get_visible_or_404(access.weekly_plans_visible_to(user), public_id=public_id)


def plan_grids(user: User, plan: WeeklyPlan) -> dict[str, list[GridRow]]:
    """Two week grids: one row per pedagogue, one row per institution."""
    slots = list(access.plan_slots_visible_to(user, plan))
    by_pedagogue: dict[str, dict] = defaultdict(dict)
    by_institution: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for slot in slots:
        function = "S" if slot.function == "support" else "R"
        lock = f" – {_('låst')}" if slot.locked else ""
        by_pedagogue[str(slot.pedagogue)][(slot.day, slot.half)] = (
            f"{slot.institution.name} ({function}){lock}"
        )
        by_institution[slot.institution.name][(slot.day, slot.half)].append(
            f"{slot.pedagogue.first_name} ({function})"
        )
    rule = demand_rule_for(plan.municipality)
    institutions = {i.name: i for i in access.institutions_visible_to(user)}
    pedagogue_rows = [
        GridRow(
            label=name,
            cells=[[cells[key]] if key in cells else [] for key in SLOT_KEYS],
            hours=float(len(cells) * HALF_DAY_HOURS),
        )
        for name, cells in sorted(by_pedagogue.items())
    ]
    institution_rows = []
    for name in sorted(
        set(by_institution)
        | ({*institutions} if user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER} else set())
    ):
        cells = by_institution.get(name, {})
        institution = institutions.get(name)
        institution_rows.append(
            GridRow(
                label=name,
                cells=[cells.get(key, []) for key in SLOT_KEYS],
                hours=float(sum(len(v) for v in cells.values()) * HALF_DAY_HOURS),
                demand_hours=float(rule.resource_half_days(institution) * HALF_DAY_HOURS)
                if institution
                else None,
            )
        )
    return {"pedagogues": pedagogue_rows, "institutions": institution_rows}


def hours_split(plan: WeeklyPlan) -> dict[str, float]:
    """Planned hours by function: the 33 %/67 % support/resource split of the evaluation."""
    support = plan.slots.filter(function="support").count()
    resource = plan.slots.filter(function="resource").count()
    total = support + resource
    return {
        "support_hours": float(support * HALF_DAY_HOURS),
        "resource_hours": float(resource * HALF_DAY_HOURS),
        "support_percent": round(100 * support / total) if total else 0,
        "resource_percent": round(100 * resource / total) if total else 0,
    }


def corps_overview(user: User) -> list[dict]:
    pedagogues = User.objects.in_municipality_of(user).filter(role=Role.PEDAGOGUE, is_active=True)
    if user.role == Role.PEDAGOGUE:
        pedagogues = pedagogues.filter(pk=user.pk)
    elif user.role not in {Role.ADMINISTRATOR, Role.CORPS_LEADER}:
        return []
    attachments = defaultdict(list)
    for attachment in (
        PedagogueAttachment.objects.in_municipality_of(user).current().select_related("institution")
    ):
        attachments[attachment.pedagogue_id].append(attachment)
    return [
        {
            "pedagogue": pedagogue,
            "contract": contract_for(pedagogue),
            "attachments": attachments[pedagogue.pk],
        }
        for pedagogue in pedagogues.order_by("first_name")
    ]

"""The plan's rules that compute without changing anything: when the next follow-up is due,
and what differs between two versions."""

from __future__ import annotations

import datetime
import difflib
from typing import Any

from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.core.public_holidays import off_public_holiday
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.plans.models import ActionPlan

Snapshot = dict[str, Any]

PLAN_FIELDS = [
    "title",
    "problem",
    "strategies",
    "duration",
    "parent_collaboration",
    "follow_up_how",
    "follow_up_weeks",
]


def version_changes(before: Snapshot, after: Snapshot) -> list[Snapshot]:
    """Field by field, what differs between two snapshots (goals and agreements as text lines)."""
    changes = []

    def lines(snapshot: Snapshot, name: str) -> str:
        value = snapshot.get(name, "")
        if name == "goals":
            return "\n".join(
                f"{g['text']} – {g['success_criterion']}"
                + (f" ({_('opgivet')})" if g.get("dropped") else "")
                for g in value
            )
        if name == "agreements":
            return "\n".join(
                f"{a['text']} – {a['owner']}"
                + (f" – {short_date(a['due'])}" if a.get("due") else "")
                for a in value
            )
        return str(value)

    for name in [*PLAN_FIELDS, "goals", "agreements"]:
        old, new = lines(before, name), lines(after, name)
        if old != new:
            diff = [
                {"op": {"-": "removed", "+": "added"}.get(line[0], "same"), "text": line[2:]}
                for line in difflib.ndiff(old.splitlines(), new.splitlines())
                if not line.startswith("?")
            ]
            changes.append({"field": name, "before": old, "after": new, "lines": diff})
    return changes


def proposed_snapshot(
    before: Snapshot,
    *,
    kind: str,
    strategies: str,
    agreement: Snapshot,
    target_index: int | None,
) -> Snapshot:
    """The plan as it would read with a proposal applied: what the owner confirms."""
    after = {**before, "agreements": list(before.get("agreements", []))}
    if strategies.strip():
        after["strategies"] = strategies
    if kind == "add" and agreement["text"].strip():
        after["agreements"].append(agreement)
    elif kind == "replace" and target_index is not None:
        after["agreements"][target_index] = agreement
    elif kind == "end" and target_index is not None:
        del after["agreements"][target_index]
    return after


def _verbose_name(name: str) -> str:
    field = ActionPlan._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, Field) else name


def field_labels() -> dict[str, str]:
    labels = {name: str(_verbose_name(name)) for name in PLAN_FIELDS}
    return {**labels, "goals": _("Mål og succeskriterier"), "agreements": _("Aftaler")}


def follow_up_due(
    created_at: datetime.datetime, follow_up_weeks: int, last_held: datetime.date | None
) -> datetime.date:
    """The rule: the last meeting held (or the plan's start) plus the follow-up interval; on a
    public holiday the next working day, as a Danish deadline moves (and the meeting the form
    proposes for that day is not held on a day the institution is closed)."""
    start = last_held or timezone.localtime(created_at).date()
    return off_public_holiday(start + datetime.timedelta(weeks=follow_up_weeks))


# More days than a deadline moves over the longest run of holidays and weekend (from Maundy
# Thursday to the Tuesday after Easter: five).
MOST_DAYS_MOVED = 14


def overdue_starts(
    today: datetime.date, follow_up_weeks: int
) -> tuple[datetime.date, list[datetime.date]]:
    """The starts (last meeting held, or the day the plan was written) of the plans with this
    interval that `follow_up_due` finds overdue `today`, so that a query can count them the way
    the rule does: every start before the day returned, and the starts listed, from the days
    after it whose deadline a holiday did not move to today or later."""
    interval = datetime.timedelta(weeks=follow_up_weeks)
    surely_overdue = today - interval - datetime.timedelta(days=MOST_DAYS_MOVED)
    window = (surely_overdue + datetime.timedelta(days=n) for n in range(MOST_DAYS_MOVED))
    return surely_overdue, [
        start for start in window if off_public_holiday(start + interval) < today
    ]

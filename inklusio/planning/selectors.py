"""What the corps planning pages show, scoped through inklusio.access."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inklusio import access
from inklusio.core.templatetags.danish_dates import day_month, short_date
from inklusio.courses.models import Session
from inklusio.organisation.models import Institution
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.planning import commitments
from inklusio.planning.models import (
    DAYS,
    DROPPED_ABSENT,
    DROPPED_CENTRE_MEETING,
    DROPPED_HOLIDAY,
    DROPPED_LEFT_CORPS,
    FUNCTIONS,
    Absence,
    CalendarFeed,
    Contract,
    DemandRule,
    PlanSlot,
    WeeklyPlan,
    half_day_label,
    place_label,
)
from inklusio.planning.problem import (
    HALF_DAY_HOURS,
    contracts_by_pedagogue,
    corps_members,
    demand_rule_for,
    in_corps,
    in_corps_q,
    left_corps_by,
    left_corps_on,
    public_holiday_days,
)

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


def week_days(plan: WeeklyPlan) -> list[tuple[str, datetime.date]]:
    """The grid's column groups: each weekday with its date, split in morning and afternoon."""
    return [(str(DAYS[index]), plan.day(index)) for index in range(5)]


def plan_for_user(user: User, public_id: uuid.UUID | str) -> WeeklyPlan:
    plan: WeeklyPlan = access.get_visible_or_404(
        access.weekly_plans_visible_to(user), public_id=public_id
    )
    return plan


def newest_version(user: User, plan: WeeklyPlan) -> WeeklyPlan:
    """The plan that holds the week now in `plan`'s place (itself while it is current), read
    afresh: where a refused, outdated edit is shown again."""
    return plan_for_user(user, plan_for_user(user, plan.public_id).newest_version().public_id)


def proposal_to_replace(user: User, plan: WeeklyPlan) -> WeeklyPlan | None:
    """The week's open proposal, for a published plan: it takes the published plan's place when
    it is published; until then the published plan holds the week, and changes go to the
    proposal."""
    if plan.status != WeeklyPlan.Status.PUBLISHED:
        return None
    proposal: WeeklyPlan | None = (
        access.weekly_plans_visible_to(user)
        .filter(week_start=plan.week_start, status=WeeklyPlan.Status.PROPOSED)
        .first()
    )
    return proposal


def slot_saved_now(user: User, plan: WeeklyPlan, pedagogue: User, day: int, half: int) -> str:
    """What the plan holds now for one pedagogue's half-day, shown beside a refused edit of it."""
    slot = (
        access.plan_slots_visible_to(user, plan)
        .filter(pedagogue=pedagogue, day=day, half=half)
        .first()
    )
    return _("Gemt nu for %(name)s, %(slot)s: %(where)s") % {
        "name": pedagogue,
        "slot": half_day_label(day, half),
        "where": _("Ingen (fri)")
        if slot is None
        else place_label(slot.institution.name, str(FUNCTIONS.get(slot.function, slot.function))),
    }


def _pedagogues_in_grid(user: User, slots: list[PlanSlot], with_sessions: list[User]) -> list[User]:
    """Rows of the pedagogue grid: the corps sees every pedagogue in the corps (absent ones too,
    so nobody drops out of the week unnoticed), a pedagogue themself, others whoever they meet,
    and whoever holds a course session they can see (one who has left the corps too, while the
    plan has them: their half-days show that they are not coming)."""
    people = {slot.pedagogue.pk: slot.pedagogue for slot in slots}
    people.update({p.pk: p for p in with_sessions})
    if user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER}:
        corps = corps_members(User.objects.in_municipality_of(user))
        people.update({p.pk: p for p in corps})
    elif user.role == Role.PEDAGOGUE:
        people[user.pk] = user
    elif user.role in {Role.INSTITUTION_LEADER, Role.STAFF}:
        # The institution's own pedagogues stay in the grid when away all week, so the
        # institution sees the absence instead of an empty week.
        attachments = PedagogueAttachment.objects.current().filter(
            in_corps_q("pedagogue__"), institution__in=access.institutions_visible_to(user)
        )
        people.update(
            {a.pedagogue.pk: a.pedagogue for a in attachments.select_related("pedagogue")}
        )
    return sorted(people.values(), key=lambda p: (str(p), p.pk))


def left_corps(plan: WeeklyPlan, slot: PlanSlot) -> bool:
    """The plan in force has `slot`'s pedagogue on a half-day on or after the day they left
    the corps (`problem.left_corps_on`: the day their account was closed, else today): the
    visit lapses until a new version is published. A half-day before they left keeps its
    visit, as the plan held then. A proposal is calculated with the corps as it is, so it gets
    none. No query (the slot's pedagogue is read with it)."""
    return _lapses(plan, plan.day(slot.day), slot.pedagogue)


def _lapses(plan: WeeklyPlan, day: datetime.date, pedagogue: User) -> bool:
    return plan.in_force and left_corps_by(pedagogue, day)


def _marked_left(plan: WeeklyPlan, day: datetime.date, pedagogue: User) -> bool:
    """The grids mark `pedagogue`'s half-day as left the corps: where the plan in force has
    the visit lapse (`_lapses`), and alike in a proposal, which keeps the visits of one who
    left after it was calculated (`departed_in_proposal`) and would have them lapse once
    published, so the corps leader sees it in the grid, not only in the warning. No query."""
    if plan.status == WeeklyPlan.Status.PROPOSED:
        return left_corps_by(pedagogue, day)
    return _lapses(plan, day, pedagogue)


def left_corps_lines(plan: WeeklyPlan, slots: Iterable[PlanSlot]) -> list[str]:
    """One line per half-day of `slots` whose visit lapses as its pedagogue left the corps,
    for the notice above the grids."""
    return [
        _("%(institution)s, %(slot)s %(date)s: %(name)s har forladt korpset.")
        % {
            "institution": slot.institution.name,
            "slot": half_day_label(slot.day, slot.half),
            "date": day_month(plan.day(slot.day)),
            "name": slot.pedagogue,
        }
        for slot in sorted(slots, key=lambda s: (s.day, s.half, s.institution.name, s.pk))
        if left_corps(plan, slot)
    ]


def absent_half_days(plan: WeeklyPlan) -> set[tuple[int, int, int]]:
    """(pedagogue id, weekday, half) of the plan's week that its pedagogues have a recorded
    absence on, for a plan in force (published): there the absence, not the visit, holds. A
    proposal shows the clash instead, so it gets none. One query."""
    if not plan.in_force:
        return set()
    return {
        (absence.pedagogue_id, day, half)
        for absence in _absences_in_week(plan, plan.slots.values("pedagogue"))
        for day, half in absence.half_days(plan.week_start)
    }


def _absences_in_week(plan: WeeklyPlan, pedagogues: Any) -> QuerySet[Absence]:
    """The absences of these pedagogues (ids or a subquery) that touch the plan's week."""
    return Absence.objects.filter(
        municipality_id=plan.municipality_id,
        pedagogue__in=pedagogues,
        start__lte=plan.day(4),
        end__gte=plan.week_start,
    )


def _absent_cells(
    user: User, plan: WeeklyPlan, pedagogues: list[User]
) -> dict[int, dict[tuple[int, int], str]]:
    """The week's half-days each pedagogue has a recorded absence, as the grid names them: its
    reason only for the corps and the pedagogue themself."""
    absences = _absences_in_week(plan, [p.pk for p in pedagogues])
    sees_reason = user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER}
    absent: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    for absence in absences:
        text = (
            _("Fravær: %(reason)s") % {"reason": absence.get_kind_display()}
            if sees_reason or absence.pedagogue_id == user.pk
            else _("Fravær")
        )
        for key in absence.half_days(plan.week_start):
            absent[absence.pedagogue_id][key] = text
    return absent


def _fixed_cells(
    plan: WeeklyPlan, pedagogues: list[User], absent: dict[int, dict[tuple[int, int], str]]
) -> dict[int, dict[tuple[int, int], str]]:
    """What keeps a pedagogue from the institutions on a half-day: in the plan in force or a
    proposal, from the day they left, having left the corps (`_marked_left`: every such
    half-day, visit or not, as they are not coming back this week), else an absence (`_absent_cells`), a
    public holiday, the centre meeting."""
    rule = demand_rule_for(plan.municipality)
    holidays = public_holiday_days(plan.week_start)
    fixed: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    for pedagogue in pedagogues:
        away = absent.get(pedagogue.pk, {})
        for day, half in SLOT_KEYS:
            key = (day, half)
            if _marked_left(plan, plan.day(day), pedagogue):
                fixed[pedagogue.pk][key] = _("Har forladt korpset")
            elif key in away:
                fixed[pedagogue.pk][key] = away[key]
            elif day in holidays:
                fixed[pedagogue.pk][key] = _("Helligdag")
            elif key == (rule.centre_meeting_day, rule.centre_meeting_half):
                fixed[pedagogue.pk][key] = _("Centermøde")
    return fixed


def _visible_sessions(user: User, plan: WeeklyPlan) -> list[Session]:
    """The week's planned course sessions of the courses the user may see."""
    return list(
        commitments.week_sessions(plan.municipality_id, plan.week_start).filter(
            course__in=access.courses_visible_to(user)
        )
    )


def _session_text(session: Session) -> str:
    return _("Samling kl. %(time)s: %(course)s") % {
        "time": f"{session.start_time:%H:%M}",
        "course": session.course.title,
    }


def sessions_not_kept(
    plan: WeeklyPlan,
    sessions: list[Session],
    slots: list[PlanSlot],
    absent: dict[int, dict[tuple[int, int], str]] | None = None,
) -> list[dict[str, Any]]:
    """The sessions the plan does not hold as a resource half-day at their institution (`slots`:
    the half-days the plan holds, without those its pedagogue has since been absent on, and
    without any of a pedagogue who has since left the corps), with the reason: in the plan in
    force or a proposal that the pedagogue has left the corps, else the reason the planner gave, the
    absence, or that the plan was made before the session."""
    at = {(s.pedagogue_id, s.day, s.half): s for s in slots}
    reasons = {item["session"]: item["reason"] for item in plan.broken_sessions}
    missing = []
    for session in sessions:
        key = (session.date.weekday(), session.half)
        slot = at.get((session.course.pedagogue_id, *key))
        if (
            slot is not None
            and slot.institution_id == session.course.institution_id
            and slot.function == "resource"
        ):
            continue
        if _marked_left(plan, session.date, session.course.pedagogue):
            reason = _("pædagogen har forladt korpset")
        elif reasons.get(str(session.public_id)):
            reason = reasons[str(session.public_id)]
        elif absent and key in absent.get(session.course.pedagogue_id, {}):
            reason = _("pædagogen er fraværende")
        elif slot is not None:
            reason = _("ugeplanen har pædagogen et andet sted denne halve dag – beregn ugen igen")
        else:
            reason = _("samlingen er ikke med i ugeplanen – beregn ugen igen")
        missing.append(commitments.broken_session(session, reason))
    return missing


def plan_grids(user: User, plan: WeeklyPlan) -> dict[str, Any]:
    """Two week grids, one row per pedagogue and one per institution, the week's course
    sessions the plan does not keep, and the grids' hours by function (`hours_split`). In the
    plan in force, a half-day its pedagogue has since been recorded absent on shows the
    absence instead of the visit (the re-planned revision is a proposal until it is
    published, and the institutions read this plan meanwhile); the visit is back when the
    absence is deleted, as nothing of it is stored in the plan. So does a half-day of a
    pedagogue who has since left the corps (`left_corps`): they are not coming, their row
    says so on every half-day from the day they left (`_fixed_cells`), and the corps leader is told
    to calculate the week again (`left_corps_lines`). A proposal marks such a pedagogue's
    half-days alike (`_marked_left`); the warning above it (`publish_warnings`) tells the
    corps leader what to do, so the list of lapsing visits is the plan in force's alone."""
    slots = list(access.plan_slots_visible_to(user, plan))
    sessions = _visible_sessions(user, plan)
    pedagogues = _pedagogues_in_grid(user, slots, [s.course.pedagogue for s in sessions])
    absent = _absent_cells(user, plan, pedagogues)
    by_pedagogue: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    by_institution: dict[str, dict[tuple[int, int], list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    held: list[PlanSlot] = []
    visits: dict[str, int] = defaultdict(int)
    for slot in slots:
        function = "S" if slot.function == "support" else "R"
        key = (slot.day, slot.half)
        # Having left the corps says more than an absence on the same half-day.
        if _marked_left(plan, plan.day(slot.day), slot.pedagogue):
            away: str | None = _("Har forladt korpset")
        else:
            away = absent.get(slot.pedagogue_id, {}).get(key) if plan.in_force else None
        name = f"{slot.pedagogue.first_name} ({function})"
        if away is not None:
            by_institution[slot.institution.name][key].append(f"{name} – {away}")
            continue
        held.append(slot)
        visits[slot.institution.name] += 1
        # A session's half-day is explained by the session itself, not as a manual lock.
        lock = f" – {_('låst')}" if slot.locked and not slot.for_session else ""
        by_pedagogue[slot.pedagogue.pk][key] = f"{slot.institution.name} ({function}){lock}"
        by_institution[slot.institution.name][key].append(name)
    rule = demand_rule_for(plan.municipality)
    # The demand override comes along in the same query, not one query per institution.
    institutions: dict[str, Institution] = {
        i.name: i for i in access.institutions_visible_to(user).select_related("resource_override")
    }
    lapsed_unmet = _unmet_of_lapsed(plan, slots, institutions, rule)
    fixed = _fixed_cells(plan, pedagogues, absent)
    booked: dict[int, dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    for session in sessions:
        key = (session.date.weekday(), session.half)
        booked[session.course.pedagogue_id][key].append(_session_text(session))
    pedagogue_rows = []
    for pedagogue in pedagogues:
        cells = by_pedagogue.get(pedagogue.pk, {})
        pedagogue_rows.append(
            GridRow(
                label=str(pedagogue),
                cells=[
                    [
                        *(text for text in (cells.get(key), fixed[pedagogue.pk].get(key)) if text),
                        *booked[pedagogue.pk][key],
                    ]
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
        cells_of = by_institution.get(name, {})
        institution = institutions.get(name)
        institution_rows.append(
            GridRow(
                label=name,
                cells=[cells_of.get(key, []) for key in SLOT_KEYS],
                hours=float(visits[name] * HALF_DAY_HOURS),
                demand_hours=float(rule.resource_half_days(institution) * HALF_DAY_HOURS)
                if institution
                else None,
            )
        )
    return {
        "pedagogues": pedagogue_rows,
        "institutions": institution_rows,
        "sessions_not_kept": sessions_not_kept(plan, sessions, held, absent),
        "split": hours_split(held),
        "left_corps": left_corps_lines(plan, slots),
        "lapsed_unmet": lapsed_unmet,
        # Whether the grids can show "Har forladt korpset", for the legend below them: a
        # proposal only says it when it does.
        "marks_left": plan.in_force
        or any(_marked_left(plan, plan.day(day), p) for p in pedagogues for day in range(5)),
    }


def _unmet_of_lapsed(
    plan: WeeklyPlan,
    slots: list[PlanSlot],
    institutions: dict[str, Institution],
    rule: DemandRule,
) -> dict[str, float]:
    """The hours of the week's demand that the visits of pedagogues who left the corps leave
    uncovered as they lapse (`_marked_left`), by institution, counted as the planner counts
    unmet demand (`solver.model._unmet`): each support half-day for a child, and the resource
    half-days the institution is left short of its demand (none where the plan held more
    than the demand). `slots` are all the plan's half-days at an institution the user sees.
    No query."""
    planned: dict[str, int] = defaultdict(int)
    lapsed: dict[str, int] = defaultdict(int)
    support: dict[str, int] = defaultdict(int)
    for slot in slots:
        name = slot.institution.name
        resource = slot.function == "resource"
        planned[name] += resource
        if _marked_left(plan, plan.day(slot.day), slot.pedagogue):
            lapsed[name] += resource
            support[name] += slot.function == "support" and slot.child_id is not None
    unmet: dict[str, float] = {}
    for name in sorted(set(lapsed) | set(support)):
        half_days = support[name]
        institution = institutions.get(name)
        if institution is not None and lapsed[name]:
            demand = rule.resource_half_days(institution)
            half_days += max(0, demand - planned[name] + lapsed[name]) - max(
                0, demand - planned[name]
            )
        if half_days:
            unmet[name] = float(half_days * HALF_DAY_HOURS)
    return unmet


def plan_gaps(user: User, plan: WeeklyPlan, grids: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the week cannot cover: its shortage, the half-days a re-plan lost and the unmet
    demand, with what the visits of pedagogues who have left the corps leave uncovered
    (`grids`, the user's `plan_grids`: the grid counts none of those visits, so neither does
    the unmet demand). Those who oversee the planning see all of it; the rest see their own
    institutions' part, as in the grid (another institution's gaps are not theirs to act on),
    and the facts about the corps or the municipality as a whole."""
    unmet = dict(plan.unmet)
    for name, hours in (grids or {}).get("lapsed_unmet", {}).items():
        unmet[name] = unmet.get(name, 0.0) + hours
    if access.sees_plan_proposals(user):
        return {"shortage": plan.shortage, "lost": plan.lost, "unmet": unmet}
    own = set(access.institutions_visible_to(user).values_list("name", flat=True))
    return {
        "shortage": [
            fact
            for fact in plan.shortage
            if fact.get("scope") != "institution" or fact.get("where") in own
        ],
        "lost": [item for item in plan.lost if item.get("institution") in own],
        "unmet": {name: hours for name, hours in unmet.items() if name in own},
    }


def edits_dropped(plan: WeeklyPlan) -> list[str]:
    """The manual edits the plan left out (`WeeklyPlan.edits_dropped`): their pedagogue is
    recorded absent on the half-day or is no longer in the corps, or it is the centre meeting
    or a public holiday. One line each for the corps leader. No query."""
    lines = {
        DROPPED_ABSENT: _(
            "%(slot)s %(date)s er %(name)s registreret som fraværende, så den manuelle "
            "rettelse til %(institution)s er taget ud af planen."
        ),
        DROPPED_CENTRE_MEETING: _(
            "%(slot)s %(date)s holder korpset centermøde, så den manuelle rettelse, der satte "
            "%(name)s i %(institution)s, er taget ud af planen."
        ),
        DROPPED_HOLIDAY: _(
            "%(slot)s %(date)s er helligdag, så den manuelle rettelse, der satte %(name)s i "
            "%(institution)s, er taget ud af planen."
        ),
        DROPPED_LEFT_CORPS: _(
            "%(slot)s %(date)s: %(name)s er ikke længere i korpset, så den manuelle rettelse "
            "til %(institution)s er taget ud af planen."
        ),
    }
    return [
        lines[item.get("reason", DROPPED_ABSENT)]
        % {
            "slot": half_day_label(item["day"], item["half"]),
            "date": day_month(datetime.date.fromisoformat(item["date"])),
            "name": item["pedagogue"],
            "institution": item["institution"],
        }
        for item in plan.edits_dropped
    ]


def hours_split(slots: Iterable[PlanSlot]) -> dict[str, float]:
    """Planned hours by function, the 33 %/67 % support/resource split of the evaluation, of
    the half-days a grid holds (`plan_grids`): in the plan in force without those a pedagogue
    is recorded absent on, in it and in a proposal without those of one who has left the
    corps, so the split adds up to the hours
    of the grid's rows. No query."""
    functions = [slot.function for slot in slots]
    support, resource = functions.count("support"), functions.count("resource")
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
    pedagogues = corps_members(User.objects.in_municipality_of(user))
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


@dataclass(frozen=True)
class PedagogueAttachments:
    """A pedagogue's attachments as the contract page lists them: those in force today (one
    set to end on a later day among them) and the ended ones, newest first."""

    current: list[PedagogueAttachment]
    ended: list[PedagogueAttachment]


def attachments_of_pedagogue(user: User, pedagogue: User) -> PedagogueAttachments:
    """The pedagogue's attachments, current and ended, in one query whatever their number;
    whoever sees the pedagogue's contract page (access.contracts_visible_to) sees them."""
    today = timezone.localdate()
    rows = list(
        PedagogueAttachment.objects.in_municipality_of(user)
        .filter(pedagogue_id=pedagogue.pk)
        .select_related("institution")
        .order_by("institution__name", "-ended_on", "pk")
    )
    current = [row for row in rows if row.ended_on is None or row.ended_on > today]
    ended = [row for row in rows if row.ended_on is not None and row.ended_on <= today]
    ended.sort(key=lambda row: row.ended_on or today, reverse=True)
    return PedagogueAttachments(current=current, ended=ended)


def attachment_of_pedagogue(user: User, pedagogue: User, attachment_id: Any) -> PedagogueAttachment:
    """One of the pedagogue's attachments in the user's municipality, ended ones included (a
    second tab's end is refused by the service with its reason); else 404."""
    attachment: PedagogueAttachment = access.get_visible_or_404(
        PedagogueAttachment.objects.in_municipality_of(user)
        .filter(pedagogue_id=pedagogue.pk)
        .select_related("institution"),
        pk=attachment_id,
    )
    return attachment


def calendar_feed_of(user: User) -> CalendarFeed | None:
    """The user's secret calendar address, if they have asked for one."""
    feed: CalendarFeed | None = (
        CalendarFeed.objects.in_municipality_of(user).filter(user=user).first()
    )
    return feed


def corps_pedagogues(user: User) -> QuerySet[User]:
    """The active pedagogues of the user's municipality: whom a week, a contract or an
    absence can be about."""
    pedagogues: QuerySet[User] = corps_members(User.objects.in_municipality_of(user))
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


def departed_in_proposal(plan: WeeklyPlan) -> list[User]:
    """The pedagogues a proposal has visits by who are no longer in the corps
    (`problem.in_corps`): a proposal is calculated with the corps as it was, so they left
    after, and once published their visits lapse (`left_corps`). None for a plan that is no
    proposal. One query."""
    if plan.status != WeeklyPlan.Status.PROPOSED:
        return []
    return list(
        User.objects.filter(pk__in=plan.slots.values("pedagogue"))
        .exclude(in_corps_q())
        .order_by("first_name", "last_name", "pk")
    )


def publish_warnings(plan: WeeklyPlan) -> list[str]:
    """What the corps leader should see to before publishing a week's plan, for its confirm
    page: visits by pedagogues who have left the corps since it was calculated."""
    departed = departed_in_proposal(plan)
    if not departed:
        return []
    return [
        ngettext(
            "%(names)s har forladt korpset, efter at forslaget blev beregnet, men har stadig "
            "besøg i det. Beregn ugen igen, før du offentliggør: så planlægges de halve dage "
            "med korpsets pædagoger.",
            "%(names)s har forladt korpset, efter at forslaget blev beregnet, men har stadig "
            "besøg i det. Beregn ugen igen, før du offentliggør: så planlægges de halve dage "
            "med korpsets pædagoger.",
            len(departed),
        )
        % {"names": get_text_list([str(pedagogue) for pedagogue in departed], _("og"))}
    ]


def publish_consequences(plan: WeeklyPlan) -> list[str]:
    """What publishing a week's plan does, for its confirm page."""
    lines = [
        _(
            "Planen for uge %(week)s bliver den gældende: pædagogerne og institutionerne ser den "
            "på siden og i deres kalender."
        )
        % {"week": plan.week_number}
    ]
    earlier = WeeklyPlan.objects.filter(
        municipality_id=plan.municipality_id,
        week_start=plan.week_start,
        status=WeeklyPlan.Status.PUBLISHED,
    ).exclude(pk=plan.pk)
    if earlier.exists():
        lines.append(_("Den plan, der er offentliggjort for ugen nu, bliver erstattet."))
    if plan.lost:
        lines.append(
            ngettext(
                "%(count)s halv dag kan ikke dækkes; giv institutionen besked.",
                "%(count)s halve dage kan ikke dækkes; giv institutionerne besked.",
                len(plan.lost),
            )
            % {"count": len(plan.lost)}
        )
    if plan.broken_sessions:
        lines.append(
            ngettext(
                "%(count)s forløbssamling holdes ikke af planen; flyt eller aflys den.",
                "%(count)s forløbssamlinger holdes ikke af planen; flyt eller aflys dem.",
                len(plan.broken_sessions),
            )
            % {"count": len(plan.broken_sessions)}
        )
    return lines


def absence_delete_consequences(absence: Absence) -> list[str]:
    """What deleting an absence does, for its confirm page: the weekly plans are not changed,
    but the published one shows its visits on the absence's half-days again, except those
    from the day a pedagogue who has left the corps left it (`_lapses`), who is not planned
    again either."""
    pedagogue = absence.pedagogue
    lines = [
        _("%(name)s: %(kind)s %(start)s–%(end)s (%(part)s) slettes.")
        % {
            "name": pedagogue,
            "kind": absence.get_kind_display().lower(),
            "start": short_date(absence.start),
            "end": short_date(absence.end),
            "part": absence.get_part_display().lower(),
        },
        _("Ved næste beregning af en uge kan pædagogen planlægges i de halve dage.")
        if in_corps(pedagogue)
        else _(
            "%(name)s har forladt korpset og planlægges ikke igen; besøg, som den "
            "offentliggjorte ugeplan har fra %(day)s, bortfalder fortsat."
        )
        % {"name": pedagogue, "day": short_date(left_corps_on(pedagogue))},
    ]
    # Another absence of the same days keeps hiding the visit.
    others = list(
        Absence.objects.filter(
            pedagogue_id=absence.pedagogue_id, start__lte=absence.end, end__gte=absence.start
        ).exclude(pk=absence.pk)
    )
    back = [
        f"{half_day_label(slot.day, slot.half)} {day_month(slot.plan.day(slot.day))} "
        f"({slot.institution.name})"
        for slot in PlanSlot.objects.filter(
            plan__in=absence.plans_during().filter(status=WeeklyPlan.Status.PUBLISHED),
            pedagogue_id=absence.pedagogue_id,
        )
        .select_related("plan", "institution")
        .order_by("plan__week_start", "day", "half")
        if (slot.day, slot.half) in absence.half_days(slot.plan.week_start)
        and not any((slot.day, slot.half) in o.half_days(slot.plan.week_start) for o in others)
        # Having left the corps, not the absence, hides these (plan_grids).
        and not _lapses(slot.plan, slot.plan.day(slot.day), pedagogue)
    ]
    if back:
        # The plan in force shows the absence instead of these visits (plan_grids): without it
        # the institutions see the pedagogue coming again.
        lines.append(
            _("Den offentliggjorte ugeplan viser igen %(name)s i institutionen: %(half_days)s.")
            % {"name": pedagogue, "half_days": ", ".join(back)}
        )
    if absence.plans_during().exists():
        lines.append(
            _(
                "Ugeplanerne herunder ændres ikke: en offentliggjort plan er læst af "
                "institutionerne. Beregn ugen igen og offentliggør den nye udgave, hvis "
                "pædagogen skal bruges i de frigjorte halve dage."
            )
            if in_corps(pedagogue)
            else _(
                "Ugeplanerne herunder ændres ikke: en offentliggjort plan er læst af "
                "institutionerne."
            )
        )
    return lines


def plan_links(plans: QuerySet[WeeklyPlan]) -> list[dict[str, str]]:
    return [
        {"label": f"{plan} · {plan.get_status_display()}", "url": plan.get_absolute_url()}
        for plan in plans
    ]

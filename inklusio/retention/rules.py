"""The retention rules: how long each kind of record is kept, and what is due today.

Defaults follow Danish practice for case records: a child's case is kept five years after it
ended. The municipality may set other periods within `BOUNDS`: at least three years for a case
(forældelsesloven's ordinary limitation period, so a claim about the case can still be
answered), at most ten (its longest). Reads only; deleting is in `services.py`.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from inklusio.audit.purge import purgeable
from inklusio.children.models import Child
from inklusio.core.storage import private_storage
from inklusio.courses.models import Participant
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.organisation.models import Municipality
from inklusio.plans.models import ActionPlan
from inklusio.referrals.models import Appeal, Decision, Referral
from inklusio.retention import graph
from inklusio.retention.models import RetentionPolicy, Rule

# Rule -> (fewest, most) months a municipality may choose.
BOUNDS: dict[str, tuple[int, int]] = {
    Rule.CHILD_CASE: (36, 120),
    Rule.REFERRAL_NOT_GRANTED: (12, 120),
    Rule.CONSULTATIVE_MEETING: (12, 120),
    # The access log answers "who has seen my child?": at least half a year (Datatilsynet's
    # guidance on logging), and no longer than the cases it is about.
    Rule.AUDIT_LOG: (6, 120),
}
# The rules that delete records from the application; the access log is purged by the owner
# role (`manage.py retention_purge_audit`, docs/retention.md).
DELETING_RULES = (Rule.CHILD_CASE, Rule.REFERRAL_NOT_GRANTED, Rule.CONSULTATIVE_MEETING)
GRANTS = (Decision.Outcome.GRANTED, Decision.Outcome.CONTINUED, Decision.Outcome.CHANGED)


def policy_for(municipality: Municipality | int) -> RetentionPolicy:
    """The municipality's periods, or the defaults (unsaved) when it has set none."""
    municipality_id = municipality.pk if isinstance(municipality, Municipality) else municipality
    policy = RetentionPolicy.objects.filter(municipality_id=municipality_id).first()
    return policy or RetentionPolicy(municipality_id=municipality_id)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), or the month's last day when it is shorter:
    five years after 29 February is 28 February."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def due_on(end: datetime.date, months: int) -> datetime.date:
    """The first day a record that ended on `end` may be deleted."""
    return add_months(end, months)


@dataclass(frozen=True)
class DueItem:
    rule: str
    model: type[models.Model]
    pk: int
    due_on: datetime.date


def due_items(municipality_id: int, today: datetime.date) -> list[DueItem]:
    """Everything in the municipality whose retention period has run out by `today`."""
    policy = policy_for(municipality_id)
    children = _due_children(municipality_id, today, policy.months(Rule.CHILD_CASE))
    referrals = _due_referrals(
        municipality_id, today, policy.months(Rule.REFERRAL_NOT_GRANTED), children
    )
    meetings = _due_meetings(municipality_id, today, policy.months(Rule.CONSULTATIVE_MEETING))
    return [*children, *referrals, *meetings]


def still_due(municipality_id: int, item: DueItem, today: datetime.date) -> bool:
    """The rule asked again for one case alone (under its row lock, before deleting it)."""
    months = policy_for(municipality_id).months(item.rule)
    found: list[DueItem]
    match item.rule:
        case Rule.CHILD_CASE:
            found = _due_children(municipality_id, today, months, only=item.pk)
        case Rule.REFERRAL_NOT_GRANTED:
            found = _due_referrals(municipality_id, today, months, [], only=item.pk)
        case _:
            found = _due_meetings(municipality_id, today, months, only=item.pk)
    return item in found


def case_ends(
    municipality_id: int, today: datetime.date, only: int | None = None
) -> dict[int, datetime.date]:
    """Children whose case has ended, with the day it ended.

    A case ends when the child has left daycare and nothing is open any more: no grant still
    running, no referral waiting, no appeal being re-assessed, no plan that is not closed, no
    course still running with the child in it. It ended on the latest of the day the child left
    and the last thing that happened in it (a decision, its end, a plan or course closing, an
    appeal).
    """
    children = Child._base_manager.filter(
        municipality_id=municipality_id, left_on__isnull=False, left_on__lte=today
    )
    if only is not None:
        children = children.filter(pk=only)
    left = dict(children.values_list("pk", "left_on"))
    open_cases = _open_cases(set(left), today)
    ends = {pk: day for pk, day in left.items() if pk not in open_cases and day is not None}
    for latest in _latest_events(set(ends)):
        for pk, day in latest.items():
            if day is not None and day > ends[pk]:
                ends[pk] = day
    return ends


def _open_cases(children: set[int], today: datetime.date) -> set[int]:
    running_grants = Decision.objects.filter(
        child__in=children, outcome__in=GRANTS, ended_on__isnull=True
    ).filter(models.Q(end__isnull=True) | models.Q(end__gte=today))
    sources = [
        running_grants.exclude(superseded_by__isnull=False).values_list("child", flat=True),
        Referral.objects.filter(child__in=children, status=Referral.Status.SUBMITTED).values_list(
            "child", flat=True
        ),
        Appeal.objects.filter(
            decision__child__in=children, status=Appeal.Status.RECEIVED
        ).values_list("decision__child", flat=True),
        ActionPlan.objects.filter(child__in=children)
        .exclude(status=ActionPlan.Status.CLOSED)
        .values_list("child", flat=True),
        Participant.objects.filter(child__in=children, course__closed_on__isnull=True).values_list(
            "child", flat=True
        ),
    ]
    return {pk for source in sources for pk in source}


def _latest_events(children: set[int]) -> list[dict[int, datetime.date | None]]:
    def latest(
        queryset: models.QuerySet[Any], child: str, **dates: Max
    ) -> dict[int, datetime.date | None]:
        rows = queryset.values(child).annotate(**dates).values_list(child, *dates)
        return {row[0]: max((d for d in row[1:] if d), default=None) for row in rows}

    return [
        latest(
            Decision.objects.filter(child__in=children),
            "child",
            a=Max("decided_on"),
            # A grant ended early ended then, not on the end it was given.
            b=Max(Coalesce("ended_on", "end")),
        ),
        latest(ActionPlan.objects.filter(child__in=children), "child", a=Max("closed_on")),
        latest(Participant.objects.filter(child__in=children), "child", a=Max("course__closed_on")),
        latest(
            Appeal.objects.filter(decision__child__in=children),
            "decision__child",
            a=Max("received_on"),
            b=Max("reassessed_on"),
            c=Max("forwarded_on"),
        ),
    ]


def _due_children(
    municipality_id: int, today: datetime.date, months: int, only: int | None = None
) -> list[DueItem]:
    return [
        DueItem(Rule.CHILD_CASE, Child, pk, due_on(end, months))
        for pk, end in sorted(case_ends(municipality_id, today, only).items())
        if due_on(end, months) <= today
    ]


def _due_referrals(
    municipality_id: int,
    today: datetime.date,
    months: int,
    children: list[DueItem],
    only: int | None = None,
) -> list[DueItem]:
    """Referrals that came to nothing: refused (and no appeal being re-assessed, no later
    decision built on the refusal), drafts never submitted, or withdrawn. A referral of a child whose
    whole case is due goes with the case instead."""
    going = {item.pk for item in children}
    referrals = Referral.objects.filter(municipality_id=municipality_id).exclude(child__in=going)
    if only is not None:
        referrals = referrals.filter(pk=only)
    refused = (
        referrals.filter(status=Referral.Status.DECIDED, decisions__isnull=False)
        .exclude(decisions__outcome__in=[o for o in Decision.Outcome if o != "refused"])
        .exclude(decisions__superseded_by__isnull=False)
        .exclude(decisions__appeals__status=Appeal.Status.RECEIVED)
        .annotate(
            decided=Max("decisions__decided_on"),
            appealed=Max("decisions__appeals__received_on"),
            reassessed=Max("decisions__appeals__reassessed_on"),
            forwarded=Max("decisions__appeals__forwarded_on"),
        )
        .values_list("pk", "decided", "appealed", "reassessed", "forwarded")
    )
    ends = {pk: max(d for d in dates if d) for pk, *dates in refused}
    drafts = referrals.filter(status=Referral.Status.DRAFT).values_list("pk", "created_at")
    ends.update({pk: timezone.localdate(created) for pk, created in drafts})
    withdrawn = referrals.filter(status=Referral.Status.WITHDRAWN).values_list("pk", "withdrawn_at")
    ends.update({pk: timezone.localdate(day) for pk, day in withdrawn if day is not None})
    return [
        DueItem(Rule.REFERRAL_NOT_GRANTED, Referral, pk, due_on(end, months))
        for pk, end in sorted(ends.items())
        if due_on(end, months) <= today
    ]


def _due_meetings(
    municipality_id: int, today: datetime.date, months: int, only: int | None = None
) -> list[DueItem]:
    meetings = ConsultativeMeeting.objects.filter(
        municipality_id=municipality_id, date__lte=add_months(today, -months)
    )
    if only is not None:
        meetings = meetings.filter(pk=only)
    return [
        DueItem(Rule.CONSULTATIVE_MEETING, ConsultativeMeeting, pk, due_on(day, months))
        for pk, day in meetings.order_by("pk").values_list("pk", "date")
    ]


def audit_cutoff(municipality_id: int, today: datetime.date) -> datetime.date:
    """Access-log entries from before this day are past their retention period."""
    return add_months(today, -policy_for(municipality_id).months(Rule.AUDIT_LOG))


# Danish names of the record types a deletion can take that have none of their own (their
# models name only the singular or nothing; adding it there would mean migrations in every app).
RECORD_TYPES = {
    "children.guardianship": _("Forældremyndigheder"),
    "children.partnerinvitation": _("Invitationer af samarbejdspartnere"),
    "referrals.referraladdendum": _("Tilføjelser til indstillinger"),
    "referrals.referralattachment": _("Bilag"),
    "referrals.decisionletter": _("Afgørelsesbreve"),
    "referrals.appeal": _("Klager"),
    "courses.participant": _("Deltagelser i forløb"),
    "courses.session": _("Samlinger"),
    "courses.observation": _("Observationer"),
    "courses.effectmeasure": _("Effektmålinger"),
    "meetings.consultativemeeting": _("Konsultative møder"),
    "meetings.minutesversion": _("Referatversioner"),
    "meetings.agendaitem": _("Dagsordenspunkter"),
    "meetings.recommendation": _("Anbefalinger"),
    "plans.goal": _("Mål"),
    "plans.agreement": _("Aftaler"),
    "plans.planversion": _("Handleplansversioner"),
    "plans.planmeeting": _("Handleplansmøder"),
    "plans.acknowledgement": _("Kvitteringer for aftaler"),
    "plans.adjustment": _("Justeringer"),
    "plans.goalstatus": _("Status på mål"),
}


def record_type_name(label: str) -> str:
    """The Danish plural of a record type, e.g. "Børn" for children.child."""
    if label in RECORD_TYPES:
        return str(RECORD_TYPES[label])
    return str(capfirst(apps.get_model(label)._meta.verbose_name_plural))


def count_rows(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Row counts by model label as (the type's Danish name, count), for pages."""
    return [(record_type_name(label), count) for label, count in counts.items()]


# A file younger than this may be an upload whose record is still being written.
STRAY_FILE_AGE = datetime.timedelta(days=1)


def stray_files(now: datetime.datetime) -> list[str]:
    """Files in the private storage that no record holds, written before `now` less a day:
    a file whose removal failed after its record was deleted, or an upload cut off between
    storing the file and saving its record. They belong to no municipality, so the daily run
    removes them for the whole installation (schedule.py)."""
    stray = []
    for folder, label in graph.FILE_FOLDERS.items():
        held = set(apps.get_model(label)._base_manager.values_list("stored_name", flat=True))
        try:
            _dirs, names = private_storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            path = f"{folder}/{name}"
            if path not in held and private_storage.get_modified_time(path) < now - STRAY_FILE_AGE:
                stray.append(path)
    return sorted(stray)


@dataclass
class RuleReport:
    rule: str
    months: int
    items: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def title(self) -> str:
        return str(Rule(self.rule).label)

    @property
    def count_rows(self) -> list[tuple[str, int]]:
        return count_rows(self.counts)


@dataclass
class DryRun:
    """What a run would delete today: per rule, how many cases and rows of each type, and how
    many files; no content, no names. `fingerprint` identifies exactly these rows, so a
    confirmation deletes what the administration saw and nothing that became due since."""

    today: datetime.date
    rules: list[RuleReport]
    audit_entries: int
    fingerprint: str

    @property
    def items(self) -> int:
        return sum(report.items for report in self.rules)


def fingerprint(items: list[DueItem]) -> str:
    keys = sorted(f"{item.rule}:{item.model._meta.label_lower}:{item.pk}" for item in items)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def dry_run(municipality_id: int, today: datetime.date) -> DryRun:
    policy = policy_for(municipality_id)
    items = due_items(municipality_id, today)
    by_rule: dict[str, list[DueItem]] = defaultdict(list)
    for item in items:
        by_rule[item.rule].append(item)
    reports = []
    for rule in DELETING_RULES:
        report = RuleReport(rule=rule, months=policy.months(rule), items=len(by_rule[rule]))
        if by_rule[rule]:
            plan = graph.deletion_plan(by_rule[rule][0].model, [i.pk for i in by_rule[rule]])
            report.counts = graph.counts(plan)
            report.files = len(graph.stored_files(plan))
        reports.append(report)
    audit_entries, _last = purgeable(municipality_id, audit_cutoff(municipality_id, today))
    return DryRun(
        today=today,
        rules=reports,
        audit_entries=audit_entries,
        fingerprint=fingerprint(items),
    )

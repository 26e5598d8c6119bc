"""State changes of action plans. Nothing is overwritten: every accepted change is a new version."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.errors import DomainError, EditConflict
from inklusio.people.models import User
from inklusio.plans.models import (
    Acknowledgement,
    ActionPlan,
    Adjustment,
    Agreement,
    Goal,
    GoalStatus,
    PlanMeeting,
    PlanVersion,
)
from inklusio.plans.rules import PLAN_FIELDS, version_changes

if TYPE_CHECKING:
    from inklusio.children.models import Child
    from inklusio.courses.models import Course
    from inklusio.meetings.models import Recommendation

# A goal or an agreement as the form (or the demo) hands it over: field name -> value.
ItemData = dict[str, Any]
# A snapshot, or one change between two snapshots, as kept in JSON.
Snapshot = dict[str, Any]


class PlanRuleBroken(DomainError):
    """A plan rule the user can act on; the message says what to do."""


def _plain(value: Any) -> Any:
    """Field defaults may be lazy translations; a snapshot keeps plain text."""
    return value if isinstance(value, int | str) else str(value)


def snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The whole plan as it reads now: what a version keeps."""
    return {
        **{name: _plain(getattr(plan, name)) for name in PLAN_FIELDS},
        "goals": [
            {"text": g.text, "success_criterion": g.success_criterion, "dropped": g.dropped}
            for g in plan.goals.all()
        ],
        "agreements": [
            {"text": a.text, "owner": a.owner, "due": a.due.isoformat() if a.due else ""}
            for a in plan.agreements.all()
        ],
    }


def _new_version(plan: ActionPlan, actor: User, source: str, reason: str = "") -> PlanVersion:
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PlanVersion.objects.create(
        municipality_id=plan.municipality_id,
        plan=plan,
        number=number,
        snapshot=snapshot(plan),
        source=source,
        reason=reason,
        created_by=actor,
    )
    return version


def _audit(
    actor: User, action: AuditAction, plan: ActionPlan, changes: dict[str, Any] | None = None
) -> None:
    audit_record(actor=actor, action=action, obj=plan, child=plan.child, changes=changes or {})


def _check_goals(goals: list[ItemData]) -> None:
    for goal in goals:
        if goal.get("text") and not goal.get("success_criterion"):
            raise PlanRuleBroken(
                _("Målet «%(goal)s» mangler et succeskriterium: hvordan kan I se, at det er nået?")
                % {"goal": goal["text"]}
            )


def _save_items(plan: ActionPlan, goals: list[ItemData], agreements: list[ItemData]) -> None:
    """Goals are never deleted (follow-ups refer to them): a removed goal is marked dropped."""
    kept = []
    for position, data in enumerate(goals):
        goal = data.get("id") or Goal(municipality_id=plan.municipality_id, plan=plan)
        goal.position, goal.text, goal.success_criterion = (
            position,
            data["text"],
            data["success_criterion"],
        )
        goal.dropped = bool(data.get("dropped"))
        goal.save()
        kept.append(goal.pk)
    plan.goals.exclude(pk__in=kept).update(dropped=True)
    plan.agreements.all().delete()  # agreements live on in the versions
    Agreement.objects.bulk_create(
        Agreement(
            municipality_id=plan.municipality_id,
            plan=plan,
            position=position,
            text=data["text"],
            owner=data["owner"],
            due=data.get("due"),
        )
        for position, data in enumerate(agreements)
    )


def plan_create(
    *, actor: User, data: dict[str, Any], goals: list[ItemData], agreements: list[ItemData]
) -> ActionPlan:
    """A plan is for a child or a course and has at least one goal with a success criterion."""
    _check_goals(goals)
    if not goals:
        raise PlanRuleBroken(_("En handleplan skal have mindst ét mål."))
    subject: Child | Course | None = data.get("child") or data.get("course")
    if subject is None:
        raise PlanRuleBroken(_("Vælg barnet eller forløbet, planen gælder."))
    with transaction.atomic():
        plan = ActionPlan.objects.create(
            municipality_id=subject.municipality_id,
            institution=subject.institution,
            **{k: v for k, v in data.items() if k in {"child", "course", "owner", *PLAN_FIELDS}},
        )
        _save_items(plan, goals, agreements)
        _new_version(plan, actor, PlanVersion.Source.CREATED)
        _audit(actor, AuditAction.CREATE, plan)
    return plan


def plan_update(
    *,
    actor: User,
    plan: ActionPlan,
    data: dict[str, Any],
    goals: list[ItemData],
    agreements: list[ItemData],
    expected_version: int | None,
    reason: str = "",
) -> ActionPlan:
    """A direct change by the plan's owner: refused if someone else saved in between."""
    _check_goals(goals)
    with transaction.atomic():
        current: ActionPlan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if current.is_closed:
            raise PlanRuleBroken(_("Planen er afsluttet og kan ikke ændres."))
        if expected_version is not None and current.version != expected_version:
            latest = current.versions.order_by("-number").first()
            raise EditConflict(
                current=current, changed_fields=_changed_since(current, expected_version, latest)
            )
        for name in PLAN_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        _save_items(current, goals, agreements)
        version = _new_version(current, actor, PlanVersion.Source.EDITED, reason)
        _audit(
            actor,
            AuditAction.CHANGE,
            current,
            {"version": {"before": version.number - 1, "after": version.number}},
        )
    return current


def _changed_since(
    plan: ActionPlan, expected_version: int, latest: PlanVersion | None
) -> dict[str, Snapshot]:
    """What the other person changed, for the conflict message."""
    base = plan.versions.filter(number__lte=expected_version).order_by("-number").first()
    if base is None or latest is None:
        return {}
    return {
        change["field"]: {
            "before": change["before"],
            "after": change["after"],
            "by": str(latest.created_by),
        }
        for change in version_changes(base.snapshot, latest.snapshot)
    }


def _lock_open(plan: ActionPlan) -> ActionPlan:
    """The plan, locked until the transaction ends; a closed plan takes no more changes."""
    current: ActionPlan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if current.is_closed:
        raise PlanRuleBroken(_("Planen er afsluttet."))
    return current


def plan_meeting_schedule(
    *,
    actor: User,
    plan: ActionPlan,
    kind: str,
    date: datetime.date,
    start_time: datetime.time,
    place: str,
    participants: list[User],
    others: str = "",
) -> PlanMeeting:
    """A plan meeting (start or follow-up) with its participants; a closed plan has no more."""
    with transaction.atomic():
        plan = _lock_open(plan)
        meeting: PlanMeeting = PlanMeeting.objects.create(
            municipality_id=plan.municipality_id,
            plan=plan,
            kind=kind,
            date=date,
            start_time=start_time,
            place=place,
            others=others,
            created_by=actor,
        )
        meeting.participants.set(participants)
        _audit(
            actor, AuditAction.CREATE, plan, {"meeting": {"before": None, "after": str(meeting)}}
        )
    return meeting


def plan_meeting_hold(
    *,
    actor: User,
    meeting: PlanMeeting,
    note: str,
    goal_statuses: dict[int, tuple[str, str]] | None = None,
) -> PlanMeeting:
    """The meeting took place: the current version is what was agreed, and each participant is
    asked to acknowledge it. At a follow-up every goal gets a status."""
    goal_statuses = goal_statuses or {}
    with transaction.atomic():
        current: PlanMeeting = PlanMeeting.objects.select_for_update().get(pk=meeting.pk)
        if current.held:
            raise PlanRuleBroken(_("Mødet er allerede registreret som holdt."))
        plan = current.plan
        if current.kind == PlanMeeting.Kind.FOLLOW_UP:
            open_goals = list(plan.goals.filter(dropped=False))
            missing = [g.text for g in open_goals if g.pk not in goal_statuses]
            if missing:
                raise PlanRuleBroken(
                    _("Giv hvert mål en status ved opfølgningen. Mangler: %(goals)s")
                    % {"goals": "; ".join(missing)}
                )
            for goal in open_goals:
                status, note_text = goal_statuses[goal.pk]
                GoalStatus.objects.create(
                    municipality_id=plan.municipality_id,
                    meeting=current,
                    goal=goal,
                    status=status,
                    note=note_text,
                )
                if status == GoalStatus.Status.DROPPED:
                    Goal.objects.filter(pk=goal.pk).update(dropped=True)
        current.held = True
        current.note = note
        source = (
            PlanVersion.Source.FOLLOW_UP
            if current.kind == PlanMeeting.Kind.FOLLOW_UP
            else PlanVersion.Source.EDITED
        )
        current.agreed_version = (
            plan.versions.order_by("-number").first()
            if current.kind == PlanMeeting.Kind.INITIAL
            else _new_version(
                plan, actor, source, _("Opfølgning %(day)s") % {"day": f"{current.date:%d.%m.%Y}"}
            )
        )
        current.save()
        ActionPlan.objects.filter(pk=plan.pk, status=ActionPlan.Status.DRAFT).update(
            status=ActionPlan.Status.ACTIVE
        )
        _audit(
            actor,
            AuditAction.CHANGE,
            plan,
            {"meeting_held": {"before": None, "after": str(current)}},
        )
    return current


def plan_meeting_acknowledge(
    *, actor: User, meeting: PlanMeeting, answer: str, comment: str = ""
) -> Acknowledgement:
    """Each participant states explicitly that they agree – or records an objection with a comment."""
    if answer == Acknowledgement.Answer.OBJECTED and not comment.strip():
        raise PlanRuleBroken(_("Skriv, hvad du ikke er enig i."))
    try:
        with transaction.atomic():
            meeting = (
                PlanMeeting.objects.select_for_update().select_related("plan").get(pk=meeting.pk)
            )
            if not meeting.held:
                raise PlanRuleBroken(_("Aftalerne kan kvitteres for, når mødet er holdt."))
            if not meeting.participants.filter(pk=actor.pk).exists():
                raise PlanRuleBroken(_("Kun mødets deltagere kvitterer for aftalerne."))
            acknowledgement: Acknowledgement = Acknowledgement.objects.create(
                municipality_id=meeting.municipality_id,
                meeting=meeting,
                user=actor,
                answer=answer,
                comment=comment,
            )
            _audit(
                actor,
                AuditAction.CHANGE,
                meeting.plan,
                {"acknowledgement": {"before": None, "after": answer}},
            )
    except IntegrityError as twice:
        raise PlanRuleBroken(
            _("Du har allerede kvitteret for aftalerne fra dette møde.")
        ) from twice
    return acknowledgement


def adjustment_propose(
    *,
    actor: User,
    plan: ActionPlan,
    reason: str,
    strategies: str = "",
    agreement_text: str = "",
    agreement_owner: str = "",
    agreement_due: datetime.date | None = None,
    source_recommendation: Recommendation | None = None,
) -> Adjustment:
    """Anyone on the plan may propose new strategies or an agreement (with an owner) between
    meetings; the plan's owner decides."""
    if not strategies.strip() and not agreement_text.strip():
        raise PlanRuleBroken(_("Foreslå nye strategier eller en ny aftale."))
    if agreement_text.strip() and not agreement_owner.strip():
        raise PlanRuleBroken(_("En aftale skal have en ansvarlig: hvem gør det?"))
    with transaction.atomic():
        plan = _lock_open(plan)
        adjustment: Adjustment = Adjustment.objects.create(
            municipality_id=plan.municipality_id,
            plan=plan,
            proposed_by=actor,
            strategies=strategies,
            agreement_text=agreement_text,
            agreement_owner=agreement_owner,
            agreement_due=agreement_due,
            reason=reason,
            source_recommendation=source_recommendation,
        )
        _audit(actor, AuditAction.CREATE, plan, {"adjustment": {"before": None, "after": reason}})
    return adjustment


def adjustment_decide(*, actor: User, adjustment: Adjustment, accept: bool) -> Adjustment:
    """The owner accepts (a new version, no formal meeting needed) or rejects a proposal."""
    with transaction.atomic():
        current: Adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if current.status != Adjustment.Status.PROPOSED:
            raise PlanRuleBroken(_("Forslaget er allerede behandlet."))
        plan: ActionPlan = ActionPlan.objects.select_for_update().get(pk=current.plan_id)
        current.status = Adjustment.Status.ACCEPTED if accept else Adjustment.Status.REJECTED
        current.decided_by = actor
        current.decided_at = timezone.now()
        if accept:
            if current.strategies.strip():
                plan.strategies = current.strategies
            plan.version = F("version") + 1
            plan.save()
            plan.refresh_from_db()
            if current.agreement_text.strip():
                Agreement.objects.create(
                    municipality_id=plan.municipality_id,
                    plan=plan,
                    position=plan.agreements.count(),
                    text=current.agreement_text,
                    owner=current.agreement_owner,
                    due=current.agreement_due,
                )
            source = (
                PlanVersion.Source.RECOMMENDATION
                if current.source_recommendation_id
                else PlanVersion.Source.ADJUSTMENT
            )
            current.version = _new_version(plan, actor, source, current.reason)
        current.save()
        _audit(
            actor,
            AuditAction.CHANGE,
            plan,
            {"adjustment": {"before": "proposed", "after": current.status}},
        )
    return current


def plan_close(
    *, actor: User, plan: ActionPlan, evaluation: str, methods_in_practice: str
) -> ActionPlan:
    """Closing needs an evaluation, including whether the staff now use the methods every day
    (the Ishøj evaluation asks whether the methods became everyday practice)."""
    if not evaluation.strip() or methods_in_practice not in ActionPlan.Rating.values:
        raise PlanRuleBroken(
            _("Skriv en evaluering, og angiv om metoderne er blevet en del af hverdagen.")
        )
    with transaction.atomic():
        current: ActionPlan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if current.is_closed:
            raise PlanRuleBroken(_("Planen er allerede afsluttet."))
        before = current.status
        current.status = ActionPlan.Status.CLOSED
        current.closed_on = timezone.localdate()
        current.evaluation = evaluation
        current.methods_in_practice = methods_in_practice
        current.save()
        _audit(
            actor,
            AuditAction.CHANGE,
            current,
            {"status": {"before": before, "after": current.status}},
        )
    return current

"""State changes of action plans. Nothing is overwritten: every accepted change is a new version."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.edits import update_versioned
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff
from inklusio.audit.services import snapshot as audit_snapshot
from inklusio.core.errors import DomainError, EditConflict, refuse_unknown_version
from inklusio.core.public_holidays import public_holiday_refusal
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.people.models import User
from inklusio.plans.models import (
    Acknowledgement,
    ActionPlan,
    Adjustment,
    Agreement,
    Goal,
    GoalBankEntry,
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
    expected_version: int,
    reason: str = "",
) -> ActionPlan:
    """A direct change by the plan's owner: refused if someone else saved in between."""
    _check_goals(goals)
    with transaction.atomic():
        current: ActionPlan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if current.is_closed:
            raise PlanRuleBroken(_("Planen er afsluttet og kan ikke ændres."))
        refuse_unknown_version(sent=expected_version, current=current.version)
        if current.version != expected_version:
            latest = current.versions.order_by("-number").first()
            raise EditConflict(
                current=current, changed_fields=_changed_since(current, expected_version, latest)
            )
        for name in PLAN_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        objected = current.status == ActionPlan.Status.OBJECTED
        if objected:
            current.status = ActionPlan.Status.ACTIVE
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        _save_items(current, goals, agreements)
        version = _new_version(current, actor, PlanVersion.Source.EDITED, reason)
        changes: dict[str, Any] = {
            "version": {"before": version.number - 1, "after": version.number}
        }
        if objected:
            # A new version answers the objection: the owner changed the plan instead of a note.
            _resolve_objections(
                current, actor, reason or _("Ny version %(number)s") % {"number": version.number}
            )
            changes["status"] = {"before": ActionPlan.Status.OBJECTED, "after": current.status}
        _audit(actor, AuditAction.CHANGE, current, changes)
    return current


def _open_objections(plan: ActionPlan) -> Any:
    return Acknowledgement.objects.filter(
        meeting__plan=plan, answer=Acknowledgement.Answer.OBJECTED, resolved_at__isnull=True
    )


def _resolve_objections(plan: ActionPlan, actor: User, note: str) -> None:
    _open_objections(plan).update(resolved_at=timezone.now(), resolved_by=actor, resolution=note)


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
    """A plan meeting (start or follow-up) with its participants; a closed plan has no more,
    none is dated before the plan was made (the meeting is about the plan), and none on a
    public holiday (the institution is closed)."""
    holiday = public_holiday_refusal(date)
    if holiday:
        raise PlanRuleBroken(holiday, field="date")
    with transaction.atomic():
        plan = _lock_open(plan)
        created = timezone.localdate(plan.created_at)
        if date < created:
            raise PlanRuleBroken(
                _("Mødet kan ikke ligge før handleplanen blev oprettet (%(day)s).")
                % {"day": short_date(created)},
                field="date",
            )
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
                plan, actor, source, _("Opfølgning %(day)s") % {"day": short_date(current.date)}
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
        raise PlanRuleBroken(_("Skriv, hvad du ikke er enig i."), field="comment")
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
            changes: dict[str, Any] = {"acknowledgement": {"before": None, "after": answer}}
            if answer == Acknowledgement.Answer.OBJECTED:
                plan = ActionPlan.objects.select_for_update().get(pk=meeting.plan_id)
                if plan.status == ActionPlan.Status.ACTIVE:
                    plan.status = ActionPlan.Status.OBJECTED
                    plan.save(update_fields=["status"])
                    changes["status"] = {"before": ActionPlan.Status.ACTIVE, "after": plan.status}
                owner_email = plan.owner.email
                transaction.on_commit(lambda: _notify_objection(owner_email))
            _audit(actor, AuditAction.CHANGE, meeting.plan, changes)
    except IntegrityError as twice:
        raise PlanRuleBroken(
            _("Du har allerede kvitteret for aftalerne fra dette møde.")
        ) from twice
    return acknowledgement


def _notify_objection(email: str) -> None:
    """The owner sees the objection on the plan list and the start page; the e-mail only says
    there is one (e-mail is no place for a child's name or the objection's text)."""
    if not email:
        return
    send_mail(
        _("Der er en indsigelse til en handleplan i Inklusio"),
        _(
            "Der er en indsigelse til en handleplan, du er ansvarlig for.\n\n"
            "Log ind i Inklusio, og se den under Handleplaner."
        ),
        settings.DEFAULT_FROM_EMAIL,
        [email],
        # The objection is saved and shown in the app; a mail server that is down must not
        # turn the participant's answer into an error page.
        fail_silently=True,
    )


def plan_objection_resolve(*, actor: User, plan: ActionPlan, note: str) -> ActionPlan:
    """The owner has talked the objection through without changing the plan: back to "Aftalt",
    with a note on each open objection."""
    if not note.strip():
        raise PlanRuleBroken(_("Skriv, hvordan indsigelsen er afklaret."), field="note")
    with transaction.atomic():
        current = _lock_open(plan)
        if current.status != ActionPlan.Status.OBJECTED:
            raise PlanRuleBroken(_("Planen har ingen åbne indsigelser."))
        current.status = ActionPlan.Status.ACTIVE
        current.save(update_fields=["status"])
        _resolve_objections(current, actor, note)
        _audit(
            actor,
            AuditAction.CHANGE,
            current,
            {"status": {"before": ActionPlan.Status.OBJECTED, "after": current.status}},
        )
    return current


def adjustment_propose(
    *,
    actor: User,
    plan: ActionPlan,
    reason: str,
    strategies: str = "",
    kind: str = Adjustment.Kind.ADD,
    target: Agreement | None = None,
    agreement_text: str = "",
    agreement_owner: str = "",
    agreement_due: datetime.date | None = None,
    source_recommendation: Recommendation | None = None,
) -> Adjustment:
    """Anyone on the plan may propose new strategies, a new agreement (with an owner), a new
    wording of an agreement, or the end of one, between meetings; the plan's owner decides."""
    _check_proposal(kind, target, strategies, agreement_text, agreement_owner)
    with transaction.atomic():
        plan = _lock_open(plan)
        if target is not None and target.plan_id != plan.pk:
            raise PlanRuleBroken(_("Vælg en af planens aftaler."))
        if kind == Adjustment.Kind.END:
            agreement_text, agreement_owner, agreement_due = "", "", None
        adjustment: Adjustment = Adjustment.objects.create(
            municipality_id=plan.municipality_id,
            plan=plan,
            proposed_by=actor,
            strategies=strategies,
            kind=kind,
            target=target if kind != Adjustment.Kind.ADD else None,
            target_text=target.text if target and kind != Adjustment.Kind.ADD else "",
            agreement_text=agreement_text,
            agreement_owner=agreement_owner,
            agreement_due=agreement_due,
            reason=reason,
            source_recommendation=source_recommendation,
        )
        _audit(actor, AuditAction.CREATE, plan, {"adjustment": {"before": None, "after": reason}})
    return adjustment


def _check_proposal(
    kind: str, target: Agreement | None, strategies: str, text: str, owner: str
) -> None:
    if kind not in Adjustment.Kind.values:
        raise PlanRuleBroken(_("Vælg, hvad forslaget gør."))
    if kind != Adjustment.Kind.ADD and target is None:
        raise PlanRuleBroken(
            _("Vælg den aftale, forslaget erstatter eller afslutter."), field="target"
        )
    if kind == Adjustment.Kind.REPLACE and not text.strip():
        raise PlanRuleBroken(
            _("Skriv den nye aftale, der skal erstatte den gamle."), field="agreement_text"
        )
    if kind == Adjustment.Kind.ADD and not strategies.strip() and not text.strip():
        raise PlanRuleBroken(_("Foreslå nye strategier eller en ny aftale."))
    if kind != Adjustment.Kind.END and text.strip() and not owner.strip():
        raise PlanRuleBroken(
            _("En aftale skal have en ansvarlig: hvem gør det?"), field="agreement_owner"
        )


def _apply_agreement(plan: ActionPlan, adjustment: Adjustment) -> None:
    """Add, replace or end the agreement the proposal names (the old one lives on in the
    versions)."""
    if adjustment.kind == Adjustment.Kind.ADD:
        if adjustment.agreement_text.strip():
            Agreement.objects.create(
                municipality_id=plan.municipality_id,
                plan=plan,
                position=plan.agreements.count(),
                text=adjustment.agreement_text,
                owner=adjustment.agreement_owner,
                due=adjustment.agreement_due,
            )
        return
    target = (
        plan.agreements.filter(pk=adjustment.target_id).first() if adjustment.target_id else None
    )
    if target is None:
        raise PlanRuleBroken(
            _(
                "Aftalen «%(agreement)s» er ændret i planen, siden forslaget blev givet. "
                "Afvis forslaget, og foreslå det igen ud fra planen, som den er nu."
            )
            % {"agreement": adjustment.target_text}
        )
    if adjustment.kind == Adjustment.Kind.END:
        target.delete()
        adjustment.target = None  # saved with the decision: the row is gone
        return
    target.text = adjustment.agreement_text
    target.owner = adjustment.agreement_owner
    target.due = adjustment.agreement_due
    target.save()


def adjustment_decide(*, actor: User, adjustment: Adjustment, accept: bool) -> Adjustment:
    """The owner accepts (a new version, no formal meeting needed) or rejects a proposal."""
    with transaction.atomic():
        current: Adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if current.status != Adjustment.Status.PROPOSED:
            raise PlanRuleBroken(_("Forslaget er allerede behandlet."))
        plan = _lock_open(current.plan)
        current.status = Adjustment.Status.ACCEPTED if accept else Adjustment.Status.REJECTED
        current.decided_by = actor
        current.decided_at = timezone.now()
        if accept:
            if current.strategies.strip():
                plan.strategies = current.strategies
            _apply_agreement(plan, current)
            plan.version = F("version") + 1
            plan.save()
            plan.refresh_from_db()
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
            # Not "adjustment": that name carries the proposal's free-text reason and is
            # redacted, which hid whether the proposal was accepted or rejected.
            {"adjustment_status": {"before": Adjustment.Status.PROPOSED, "after": current.status}},
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


def plan_reopen(*, actor: User, plan: ActionPlan, reason: str) -> ActionPlan:
    """A closed plan taken up again (the child needs it after all): a new version, with why."""
    if not reason.strip():
        raise PlanRuleBroken(_("Skriv, hvorfor planen genåbnes."), field="reason")
    with transaction.atomic():
        current: ActionPlan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if not current.is_closed:
            raise PlanRuleBroken(_("Planen er ikke afsluttet."))
        current.status = ActionPlan.Status.ACTIVE
        current.closed_on = None
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        version = _new_version(current, actor, PlanVersion.Source.REOPENED, reason)
        _audit(
            actor,
            AuditAction.CHANGE,
            current,
            {
                "status": {"before": ActionPlan.Status.CLOSED, "after": current.status},
                "version": {"before": version.number - 1, "after": version.number},
            },
        )
    return current


GOAL_BANK_FIELDS = list(GoalBankEntry.EDITABLE_FIELDS)


def _check_goal_bank_entry(data: dict[str, Any]) -> None:
    if not str(data.get("goal", "")).strip():
        raise PlanRuleBroken(_("Skriv målet."))
    if not str(data.get("success_criterion", "")).strip():
        raise PlanRuleBroken(_("Et mål skal have et succeskriterium."))


def goal_bank_create(*, actor: User, data: dict[str, Any]) -> GoalBankEntry:
    """A goal for the municipality's bank, with its area of difficulty (issue 16, point 8)."""
    _check_goal_bank_entry(data)
    if actor.municipality_id is None:
        raise PlanRuleBroken(_("Du er ikke tilknyttet en kommune."))
    with transaction.atomic():
        entry = GoalBankEntry.objects.create(
            municipality_id=actor.municipality_id,
            created_by=actor,
            **{name: data.get(name, "") for name in GOAL_BANK_FIELDS},
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=entry,
            changes=diff({}, audit_snapshot(entry, GOAL_BANK_FIELDS)),
        )
    return entry


def goal_bank_update(
    *,
    actor: User,
    entry: GoalBankEntry,
    data: dict[str, Any],
    expected_version: int,
) -> GoalBankEntry:
    """Change a bank entry; plans that started from it keep their own copy. A save based on
    an outdated version is refused with what the other person changed."""
    _check_goal_bank_entry(data)
    return update_versioned(
        actor=actor,
        obj=entry,
        fields=GOAL_BANK_FIELDS,
        data=data,
        expected_version=expected_version,
    )


def goal_bank_retire(*, actor: User, entry: GoalBankEntry) -> GoalBankEntry:
    """Retire an entry: no longer offered for new plans, kept for the record (plans hold their
    own copy of its text)."""
    with transaction.atomic():
        current: GoalBankEntry = GoalBankEntry.objects.select_for_update().get(pk=entry.pk)
        if current.is_retired:
            raise PlanRuleBroken(_("Målet er allerede udgået af målbanken."))
        current.retired_on = timezone.localdate()
        current.version = F("version") + 1
        current.save(update_fields=["retired_on", "version"])
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=current,
            changes={
                "retired_on": {"before": None, "after": current.retired_on.isoformat()},
                "version": {"before": current.version - 1, "after": current.version},
            },
        )
    return current

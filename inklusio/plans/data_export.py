"""The action-plan part of a data-subject export: each plan as it reads now with its goals and
agreements, every version, the meetings (minutes, acknowledgements, goal statuses) and the
adjustments between meetings."""

from typing import Any

from django.utils.translation import gettext_lazy

from inklusio.children.export import iso, person
from inklusio.children.models import Child
from inklusio.plans.models import ActionPlan, Adjustment, PlanMeeting

COVERS = (
    "plans.ActionPlan",
    "plans.Goal",
    "plans.Agreement",
    "plans.PlanVersion",
    "plans.PlanMeeting",
    "plans.Acknowledgement",
    "plans.Adjustment",
    "plans.GoalStatus",
)

TITLE = gettext_lazy("Handleplaner")

LABELS = {
    "plans": gettext_lazy("Handleplaner"),
    "title": gettext_lazy("Titel"),
    "owner": gettext_lazy("Ansvarlig"),
    "problem": gettext_lazy("Problemet"),
    "strategies": gettext_lazy("Pædagogiske strategier og metoder"),
    "duration": gettext_lazy("Forventet varighed"),
    "parent_collaboration": gettext_lazy("Samarbejdet med forældrene"),
    "follow_up_how": gettext_lazy("Opfølgning: hvordan"),
    "follow_up_weeks": gettext_lazy("Opfølgning: hvor ofte (uger)"),
    "closed_on": gettext_lazy("Afsluttet"),
    "evaluation": gettext_lazy("Evaluering"),
    "methods_in_practice": gettext_lazy("Er metoderne blevet en del af hverdagen"),
    "goals": gettext_lazy("Mål"),
    "success_criterion": gettext_lazy("Succeskriterium"),
    "dropped": gettext_lazy("Opgivet"),
    "agreements": gettext_lazy("Aftaler"),
    "due": gettext_lazy("Senest"),
    "versions": gettext_lazy("Versioner"),
    "number": gettext_lazy("Nummer"),
    "source": gettext_lazy("Hvorfor en ny version"),
    "content": gettext_lazy("Planen i denne version"),
    "meetings": gettext_lazy("Møder"),
    "start_time": gettext_lazy("Klokken"),
    "place": gettext_lazy("Sted"),
    "participants": gettext_lazy("Deltagere"),
    "others": gettext_lazy("Andre deltagere"),
    "held": gettext_lazy("Afholdt"),
    "minutes": gettext_lazy("Referat"),
    "acknowledgements": gettext_lazy("Tilslutning til aftalerne"),
    "answer": gettext_lazy("Svar"),
    "comment": gettext_lazy("Kommentar"),
    "goal_statuses": gettext_lazy("Status for målene"),
    "goal": gettext_lazy("Mål"),
    "note": gettext_lazy("Note"),
    "adjustments": gettext_lazy("Justeringer mellem møderne"),
    "proposed_by": gettext_lazy("Foreslået af"),
    "proposed_at": gettext_lazy("Foreslået"),
    "agreement_text": gettext_lazy("Ny aftale"),
    "agreement_owner": gettext_lazy("Hvem"),
    "agreement_due": gettext_lazy("Senest"),
    "decided_by": gettext_lazy("Besluttet af"),
    "decided_at": gettext_lazy("Besluttet"),
}


def _meeting(m: PlanMeeting) -> dict[str, Any]:
    return {
        "kind": m.get_kind_display(),
        "date": iso(m.date),
        "start_time": m.start_time.strftime("%H:%M"),
        "place": m.place,
        "participants": [person(p) for p in m.participants.all()],
        "others": m.others,
        "held": m.held,
        "minutes": m.note,
        "acknowledgements": [
            {
                "by": person(a.user),
                "answer": a.get_answer_display(),
                "comment": a.comment,
                "at": iso(a.at),
            }
            for a in m.acknowledgements.all()
        ],
        "goal_statuses": [
            {"goal": s.goal.text, "status": s.get_status_display(), "note": s.note}
            for s in m.goal_statuses.all()
        ],
    }


def _adjustment(a: Adjustment) -> dict[str, Any]:
    return {
        "proposed_by": person(a.proposed_by),
        "proposed_at": iso(a.proposed_at),
        "reason": a.reason,
        "strategies": a.strategies,
        "agreement_text": a.agreement_text,
        "agreement_owner": a.agreement_owner,
        "agreement_due": iso(a.agreement_due),
        "status": a.get_status_display(),
        "decided_by": person(a.decided_by),
        "decided_at": iso(a.decided_at),
    }


def _plan(plan: ActionPlan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "status": plan.get_status_display(),
        "institution": plan.institution.name if plan.institution else None,
        "owner": person(plan.owner),
        "created_at": iso(plan.created_at),
        "problem": plan.problem,
        "strategies": plan.strategies,
        "duration": plan.duration,
        "parent_collaboration": plan.parent_collaboration,
        "follow_up_how": plan.follow_up_how,
        "follow_up_weeks": plan.follow_up_weeks,
        "goals": [
            {"text": g.text, "success_criterion": g.success_criterion, "dropped": g.dropped}
            for g in plan.goals.all()
        ],
        "agreements": [
            {"text": a.text, "owner": a.owner, "due": iso(a.due)} for a in plan.agreements.all()
        ],
        "closed_on": iso(plan.closed_on),
        "evaluation": plan.evaluation,
        "methods_in_practice": plan.get_methods_in_practice_display()
        if plan.methods_in_practice
        else None,
        "versions": [
            {
                "number": v.number,
                "created_at": iso(v.created_at),
                "source": v.get_source_display(),
                "reason": v.reason,
                "content": v.snapshot,
            }
            for v in plan.versions.all()
        ],
        "meetings": [_meeting(m) for m in plan.meetings.all()],
        "adjustments": [_adjustment(a) for a in plan.adjustments.all()],
    }


def export(child: Child) -> dict[str, Any]:
    plans = (
        child.action_plans.select_related("institution", "owner")
        .prefetch_related(
            "goals",
            "agreements",
            "versions",
            "meetings__participants",
            "meetings__acknowledgements__user",
            "meetings__goal_statuses__goal",
            "adjustments__proposed_by",
            "adjustments__decided_by",
        )
        .order_by("created_at", "pk")
    )
    return {"plans": [_plan(plan) for plan in plans]}

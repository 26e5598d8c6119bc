"""Action plans with their goals and agreements, as those on the plan may read them."""

import datetime
from typing import Any, Literal
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from ninja import Router, Schema

from inklusio import access
from inklusio.api.v1.common import DEFAULT_LIMIT, page_out, single
from inklusio.audit.services import audit_listing
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.plans import selectors
from inklusio.plans.models import ActionPlan, Agreement, Goal

router = Router(tags=["Handleplaner"])


class GoalOut(Schema):
    text: str
    success_criterion: str
    dropped: bool


class AgreementOut(Schema):
    text: str
    owner: str
    due: datetime.date | None


class PlanOut(Schema):
    id: UUID
    child: UUID | None
    course: UUID | None
    institution: UUID
    title: str
    problem: str
    strategies: str
    duration: str
    parent_collaboration: str
    follow_up_weeks: int | None
    status: str
    version: int
    created_at: datetime.datetime
    closed_on: datetime.date | None
    goals: list[GoalOut]
    agreements: list[AgreementOut]
    updated_at: datetime.datetime | None


class PlanPage(Schema):
    items: list[PlanOut]
    next_cursor: str | None


def _plan(p: ActionPlan, updated: datetime.datetime | None) -> PlanOut:
    return PlanOut(
        id=p.public_id,
        child=p.child.public_id if p.child is not None else None,
        course=p.course.public_id if p.course is not None else None,
        institution=p.institution.public_id,
        title=p.title,
        problem=p.problem,
        strategies=p.strategies,
        duration=p.duration,
        parent_collaboration=p.parent_collaboration,
        follow_up_weeks=p.follow_up_weeks,
        status=p.status,
        version=p.version,
        created_at=p.created_at,
        closed_on=p.closed_on,
        goals=[
            GoalOut(text=g.text, success_criterion=g.success_criterion, dropped=g.dropped)
            for g in p.goals.all()
        ],
        agreements=[
            AgreementOut(text=a.text, owner=a.owner, due=a.due) for a in p.agreements.all()
        ],
        updated_at=updated,
    )


def _with_parts(plans: QuerySet[ActionPlan]) -> QuerySet[ActionPlan]:
    return plans.select_related("child", "course", "institution").prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("position", "pk")),
        Prefetch("agreements", queryset=Agreement.objects.order_by("position", "pk")),
    )


@router.get("/action-plans", response=PlanPage)
def list_action_plans(
    request: AuthenticatedHttpRequest,
    status: Literal["draft", "active", "objected", "closed"] | None = None,
    institution: UUID | None = None,
    child: UUID | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    plans = access.plans_visible_to(request.user)
    if status:
        plans = plans.filter(status=status)
    if institution is not None:
        plans = plans.filter(institution__public_id=institution)
    if child is not None:
        plans = plans.filter(child__public_id=child)
    rows, page = page_out(
        _with_parts(plans), cursor=cursor, limit=limit, since=changed_since, render=_plan
    )
    audit_listing(
        actor=request.user,
        object_type="actionplan",
        search_term="api: handleplaner",
        children=[p.child for p in rows if p.child is not None],
    )
    return page


@router.get("/action-plans/{public_id}", response=PlanOut)
def get_action_plan(request: AuthenticatedHttpRequest, public_id: UUID) -> PlanOut:
    plan = selectors.plan_for_user(request.user, public_id)
    return single(_with_parts(type(plan).objects.filter(pk=plan.pk)).get(), _plan)

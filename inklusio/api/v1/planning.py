"""The corps' weekly plans (the grid each role may see; a support half-day names no child)
and absences, registered through the planner's service."""

import datetime
from typing import Any, Literal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from inklusio import access
from inklusio.api.v1.common import (
    DEFAULT_LIMIT,
    ApiRefusal,
    ErrorOut,
    page_out,
    period_filter,
    require_write,
    single,
)
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.planning import selectors, services
from inklusio.planning.models import Absence, WeeklyPlan

router = Router(tags=["Korpsets planlægning"])


class SlotOut(Schema):
    pedagogue: str
    day: int
    half: int
    institution: UUID
    function: str
    absent: bool = Field(
        description="Pædagogen er meldt fraværende den halve dag (kun i en offentliggjort"
        " plan): besøget bortfalder, til planens revision er offentliggjort."
    )
    left_corps: bool = Field(
        description="Pædagogen har forladt korpset (er deaktiveret eller ikke længere"
        " pædagog; kun i en offentliggjort plan): besøget bortfalder, til en ny udgave af"
        " planen er offentliggjort."
    )


class WeeklyPlanOut(Schema):
    id: UUID
    week_start: datetime.date
    status: str
    created_at: datetime.datetime
    updated_at: datetime.datetime | None


class WeeklyPlanPage(Schema):
    items: list[WeeklyPlanOut]
    next_cursor: str | None


class WeeklyPlanDetailOut(WeeklyPlanOut):
    slots: list[SlotOut]


def _plan(p: WeeklyPlan, updated: datetime.datetime | None) -> WeeklyPlanOut:
    return WeeklyPlanOut(
        id=p.public_id,
        week_start=p.week_start,
        status=p.status,
        created_at=p.created_at,
        updated_at=updated,
    )


@router.get("/weekly-plans", response=WeeklyPlanPage)
def list_weekly_plans(
    request: AuthenticatedHttpRequest,
    status: Literal["proposed", "published", "replaced"] | None = None,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Weekly plans; the period filter is on the week's Monday."""
    plans = access.weekly_plans_visible_to(request.user)
    if status:
        plans = plans.filter(status=status)
    plans = period_filter(plans, "week_start", period_from, period_to)
    _rows, page = page_out(plans, cursor=cursor, limit=limit, since=changed_since, render=_plan)
    return page


@router.get("/weekly-plans/{public_id}", response=WeeklyPlanDetailOut)
def get_weekly_plan(request: AuthenticatedHttpRequest, public_id: UUID) -> WeeklyPlanDetailOut:
    plan = selectors.plan_for_user(request.user, public_id)
    slots = access.plan_slots_visible_to(request.user, plan).order_by("day", "half", "pk")
    absent = selectors.absent_half_days(plan)
    out = single(plan, _plan)
    return WeeklyPlanDetailOut(
        **out.dict(),
        slots=[
            SlotOut(
                pedagogue=s.pedagogue.username,
                day=s.day,
                half=s.half,
                institution=s.institution.public_id,
                function=s.function,
                absent=(s.pedagogue_id, s.day, s.half) in absent,
                left_corps=selectors.left_corps(plan, s),
            )
            for s in slots
        ],
    )


class AbsenceIn(Schema):
    pedagogue: str = Field(description="Pædagogens brugernavn.", max_length=150)
    start: datetime.date
    end: datetime.date
    part: Absence.Part = Absence.Part.WHOLE_DAY
    kind: Absence.Kind
    note: str = Field(default="", max_length=200)


class AbsenceOut(Schema):
    pedagogue: str
    start: datetime.date
    end: datetime.date
    part: str
    kind: str
    note: str


@router.post("/absences", response={201: AbsenceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def create_absence(request: AuthenticatedHttpRequest, payload: AbsenceIn) -> Status[AbsenceOut]:
    """A pedagogue's absence, registered by the corps leader as on the contract page
    (`planning.absence_add`); the planner leaves those half-days free."""
    if not access.can_manage_planning(request.user):
        raise ApiRefusal(404, _("Findes ikke, eller du har ikke adgang."))
    require_write(request)
    pedagogue = selectors.corps_pedagogues(request.user).filter(username=payload.pedagogue).first()
    if pedagogue is None:
        raise ApiRefusal(422, _("Der er ingen pædagog i korpset med det brugernavn."), "pedagogue")
    data = {
        "start": payload.start,
        "end": payload.end,
        "part": str(payload.part.value),
        "kind": str(payload.kind.value),
        "note": payload.note,
    }
    try:
        absence = services.absence_add(actor=request.user, pedagogue=pedagogue, data=data)
    except services.PlanningError as error:
        raise ApiRefusal(422, str(error), error.field) from error
    return Status(
        201,
        AbsenceOut(
            pedagogue=pedagogue.username,
            start=absence.start,
            end=absence.end,
            part=absence.part,
            kind=absence.kind,
            note=absence.note,
        ),
    )

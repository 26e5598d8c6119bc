"""Consultative meetings. The list names no child; a meeting's agenda follows the consent
rules of the page (`access.agenda_items_visible_to`): an item about a child the caller has no
need to know is left out and only counted."""

import datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema
from pydantic import Field

from inklusio.api.v1.common import DEFAULT_LIMIT, page_out, period_filter, single
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.meetings import selectors
from inklusio.meetings.models import ConsultativeMeeting

router = Router(tags=["Konsultative møder"])


class MeetingOut(Schema):
    id: UUID
    institution: UUID
    date: datetime.date
    start_time: str = Field(pattern=r"^\d{2}:\d{2}$", description="Lokal tid, TT:MM (fx 09:00).")
    updated_at: datetime.datetime | None


class MeetingPage(Schema):
    items: list[MeetingOut]
    next_cursor: str | None


def _meeting(m: ConsultativeMeeting, updated: datetime.datetime | None) -> MeetingOut:
    return MeetingOut(
        id=m.public_id,
        institution=m.institution.public_id,
        date=m.date,
        start_time=f"{m.start_time:%H:%M}",
        updated_at=updated,
    )


@router.get("/consultative-meetings", response=MeetingPage)
def list_consultative_meetings(
    request: AuthenticatedHttpRequest,
    institution: UUID | None = None,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    meetings = selectors.consultative_meetings_for(request.user)
    if institution is not None:
        meetings = meetings.filter(institution__public_id=institution)
    meetings = period_filter(meetings, "date", period_from, period_to)
    _rows, page = page_out(
        meetings, cursor=cursor, limit=limit, since=changed_since, render=_meeting
    )
    return page


class AgendaItemOut(Schema):
    id: UUID
    kind: str
    child: UUID | None
    topic: str


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]
    hidden_items: int


@router.get("/consultative-meetings/{public_id}", response=MeetingDetailOut)
def get_consultative_meeting(
    request: AuthenticatedHttpRequest, public_id: UUID
) -> MeetingDetailOut:
    meeting = selectors.consultative_meeting_for_user(request.user, str(public_id), log=False)
    agenda = selectors.agenda_for(request.user, meeting)
    selectors.consultative_meeting_read_log(request.user, meeting, agenda)
    out = single(meeting, _meeting)
    return MeetingDetailOut(
        **out.dict(),
        agenda=[
            AgendaItemOut(
                id=item.public_id,
                kind=item.kind,
                child=item.child.public_id if item.child is not None else None,
                topic=item.topic,
            )
            for item in agenda
        ],
        hidden_items=selectors.hidden_items(meeting, agenda),
    )

"""Action-plan meetings in the participants' calendar feed (no child names: the title only)."""

import datetime

from django.utils.translation import gettext as _
from icalendar import Event

from inklusio.planning.calendar import TZ
from inklusio.planning.calendar import meeting_event as calendar_event
from inklusio.plans.models import PlanMeeting


def meeting_event(meeting: PlanMeeting) -> Event:
    return calendar_event(
        uid=f"plan-meeting-{meeting.public_id}",
        summary=f"{meeting.get_kind_display()} ({_('handleplan')})",
        location=meeting.place or str(meeting.plan.institution),
        start=datetime.datetime.combine(meeting.date, meeting.start_time, TZ),
        minutes=60,
    )


def events(user) -> list[Event]:
    since = datetime.date.today() - datetime.timedelta(weeks=4)
    meetings = PlanMeeting.objects.filter(participants=user, date__gte=since).select_related(
        "plan__institution"
    )
    return [meeting_event(meeting) for meeting in meetings]

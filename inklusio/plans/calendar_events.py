"""Action-plan meetings in the participants' calendar feed (no child names: the title only)."""

import datetime

from django.utils.translation import gettext as _
from icalendar import Event

from inklusio.planning.calendar import calendar_event, feed_since, local
from inklusio.plans.models import PlanMeeting


def meeting_event(meeting: PlanMeeting) -> Event:
    start = local(meeting.date, meeting.start_time)
    return calendar_event(
        uid=f"plan-meeting-{meeting.public_id}",
        summary=f"{meeting.get_kind_display()} ({_('handleplan')})",
        location=meeting.place or str(meeting.plan.institution),
        start=start,
        end=start + datetime.timedelta(minutes=60),
    )


def events(user) -> list[Event]:
    meetings = PlanMeeting.objects.filter(participants=user, date__gte=feed_since()).select_related(
        "plan__institution"
    )
    return [meeting_event(meeting) for meeting in meetings]

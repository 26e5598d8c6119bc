"""Action-plan meetings in the participants' calendar feed (no child names: the title only)."""

import datetime

from django.utils.translation import gettext as _
from icalendar import Event

from inklusio import access
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
    """The meetings the user takes part in, of plans the user may still see: taking part ends
    with the access it gave (a move, an ended attachment or guardianship)."""
    meetings = PlanMeeting.objects.filter(
        plan__in=access.plans_visible_to(user), participants=user, date__gte=feed_since()
    ).select_related("plan__institution")
    return [meeting_event(meeting) for meeting in meetings]

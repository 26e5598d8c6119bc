"""Consultative meetings in the calendar feed of those taking part."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from icalendar import Event

from inklusio import access
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.planning.calendar import calendar_event, feed_since, local


def meeting_event(meeting: ConsultativeMeeting) -> Event:
    start = local(meeting.date, meeting.start_time)
    return calendar_event(
        uid=f"consultative-{meeting.public_id}",
        summary=f"{_('Konsultativt møde')} – {meeting.institution}",
        location=meeting.institution.address or str(meeting.institution),
        start=start,
        end=start + datetime.timedelta(minutes=120),
    )


def events(user) -> list[Event]:
    """The meetings the user takes part in, as long as the meetings' rule lets them see them."""
    meetings = (
        access.consultative_meetings_visible_to(user)
        .filter(Q(partners=user) | Q(resource_pedagogue=user), date__gte=feed_since())
        .select_related("institution")
    )
    return [meeting_event(meeting) for meeting in meetings.distinct()]

"""Planned course sessions in the calendar feed of the pedagogue who runs the course, while they
are in the corps.

The summary names the course type and the institution, not the course title: a title is free
text and may name a child, and the feed promises no child names."""

import datetime

from django.utils.translation import gettext as _
from icalendar import Event

from inklusio import access
from inklusio.courses.models import Session
from inklusio.planning.calendar import HALF_DAY_TIMES, calendar_event, feed_since, local
from inklusio.planning.problem import in_corps

# No end time is recorded for a session: it takes the rest of its half-day, and an hour when
# it starts after the half-day's usual end.
LATE_SESSION = datetime.timedelta(hours=1)


def session_event(session: Session) -> Event:
    start = local(session.date, session.start_time)
    end = local(session.date, HALF_DAY_TIMES[session.half][1])
    course = session.course
    return calendar_event(
        uid=f"session-{session.public_id}",
        summary=f"{_('Samling')}: {course.get_kind_display()} – {course.institution.name}",
        location=course.institution.address or course.institution.name,
        start=start,
        end=end if end > start else start + LATE_SESSION,
    )


def events(user) -> list[Event]:
    # A pedagogue who has left the corps is not going to their sessions, as to the plan's
    # half-days (`planning.calendar._slot_events`): the plan in force lists the sessions as
    # not kept, even where another role still lets them see the course.
    if not in_corps(user):
        return []
    # Running the course gives the sessions while the rules let the pedagogue see the course:
    # not after the attachment to its institution ended.
    sessions = Session.objects.filter(
        course__in=access.courses_visible_to(user),
        course__pedagogue=user,
        course__closed_on__isnull=True,
        status=Session.Status.PLANNED,
        date__gte=feed_since(),
    ).select_related("course__institution")
    return [session_event(session) for session in sessions]

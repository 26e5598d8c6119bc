"""Attendance advice for many consultative meetings at once (the start page) in a fixed number
of queries, with the same answer per meeting as for one: the resource pedagogue knows a child
from one of their courses, a plan they own, or a plan meeting they took part in."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inklusio.courses.models import Participant
from inklusio.meetings.models import AgendaItem, ConsultativeMeeting
from inklusio.meetings.selectors import attendance_advice, attendance_advice_for
from inklusio.people.models import Role
from tests.conftest import TODAY, make_child, make_user


def _meeting(cast, pedagogue, *children):
    meeting = ConsultativeMeeting.objects.create(
        municipality=cast.ishoj,
        institution=cast.boegely,
        date=TODAY + datetime.timedelta(days=7),
        resource_pedagogue=pedagogue,
        created_by=cast.alice,
    )
    for child in children:
        AgendaItem.objects.create(
            municipality=cast.ishoj,
            meeting=meeting,
            kind="child",
            child=child,
            consent=cast.consent_mia,
            topic="-",
            added_by=cast.alice,
        )
    return meeting


def test_each_meeting_gets_the_advice_it_would_get_alone(cast):
    pete = make_user("pete", cast.ishoj, Role.PEDAGOGUE)
    cast.plan_meeting.participants.add(pete)  # Pete took part in Mia's plan meeting
    noah = make_child(cast.ishoj, cast.boegely, "Noah", "0202224321")
    Participant.objects.create(  # Noah is in Bob's course
        municipality=cast.ishoj, course=cast.course_boegely, child=noah, role="case"
    )
    meetings = [
        _meeting(cast, cast.bob, cast.emil, noah),  # Bob knows Noah, not Emil
        _meeting(cast, pete, cast.mia),  # Pete knows Mia from her plan meeting
        _meeting(cast, pete, cast.emil, noah),  # Pete knows neither
        _meeting(cast, None, cast.mia),  # no resource pedagogue
        _meeting(cast, cast.bob),  # nobody on the agenda
    ]
    with CaptureQueriesContext(connection) as context:
        rows = attendance_advice_for(meetings)
    assert len(context) == 4
    assert [row["advice"] for row in rows] == [
        {"needed": True, "known": [noah]},
        {"needed": True, "known": [cast.mia]},
        {"needed": False, "known": []},
        {"needed": False, "known": []},
        {"needed": False, "known": []},
    ]
    assert [row["meeting"] for row in rows] == meetings
    assert [attendance_advice(m) for m in meetings] == [row["advice"] for row in rows]

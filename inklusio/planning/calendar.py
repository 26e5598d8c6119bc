"""A user's calendar feed: planned half-days and meetings (no child names or CPR numbers)."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from inklusio.core.plugins import app_modules
from inklusio.planning.models import Absence, PlanSlot, WeeklyPlan
from inklusio.planning.problem import in_corps

TZ = ZoneInfo("Europe/Copenhagen")
FEED_WEEKS_BACK = 4
HALF_DAY_TIMES = {
    0: (datetime.time(8, 0), datetime.time(11, 30)),
    1: (datetime.time(12, 0), datetime.time(15, 30)),
}


def week_feed(user) -> bytes:
    """The user's calendar: planned half-days, and every app's events from its
    `calendar_events.py` (action-plan meetings, consultative meetings)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Inklusio//Korpsplan//DA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Inklusio – {user.get_full_name()}")
    for event in events(user):
        calendar.add_component(event)
    return calendar.to_ical()


def events(user) -> list[Event]:
    found = list(_slot_events(user))
    for _label, module in app_modules("calendar_events"):
        found += module.events(user)
    return found


def feed_since() -> datetime.date:
    """The feed reaches this far back; everything ahead is in it."""
    return timezone.localdate() - datetime.timedelta(weeks=FEED_WEEKS_BACK)


def local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, TZ)


def calendar_event(
    *, uid: str, summary: str, location: str, start: datetime.datetime, end: datetime.datetime
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@inklusio")
    event.add("summary", summary)
    event.add("location", location)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("dtstamp", datetime.datetime.now(TZ))
    return event


def single_event_ics(event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Inklusio//Møde//DA")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()


def _slot_events(user):
    """The half-days of the published plans. One the pedagogue has since been recorded absent
    on is left out, as a cancelled course session is: the plan still holds the visit until its
    revision is published, but the pedagogue is not going. A subscribed calendar drops an event
    the feed no longer has, and gets it back (same UID) if the absence is deleted. A user who
    has left the corps (moved to another role; a deactivated user has no feed) gets none: the
    plans still hold their visits until new versions are published, but they are not going."""
    if not in_corps(user):
        return
    since = feed_since()
    slots = list(
        PlanSlot.objects.filter(
            pedagogue=user,
            plan__status=WeeklyPlan.Status.PUBLISHED,
            plan__week_start__gte=since,
        )
        .select_related("plan", "institution")
        .order_by("plan__week_start", "day", "half")
    )
    absences = list(Absence.objects.filter(pedagogue=user, end__gte=since)) if slots else []
    for slot in slots:
        if any((slot.day, slot.half) in a.half_days(slot.plan.week_start) for a in absences):
            continue
        date = slot.plan.day(slot.day)
        start, end = HALF_DAY_TIMES[slot.half]
        function = "støttefunktion" if slot.function == "support" else "ressourcefunktion"
        yield calendar_event(
            uid=f"{slot.plan.public_id}-{slot.day}-{slot.half}",
            summary=f"{slot.institution.name} ({function})",
            location=slot.institution.address or slot.institution.name,
            start=local(date, start),
            end=local(date, end),
        )

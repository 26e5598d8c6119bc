"""A pedagogue's planned half-days as an iCalendar feed (no child names or CPR numbers)."""

import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from inklusio.planning.models import PlanSlot, WeeklyPlan

TZ = ZoneInfo("Europe/Copenhagen")
HALF_DAY_TIMES = {
    0: (datetime.time(8, 0), datetime.time(11, 30)),
    1: (datetime.time(12, 0), datetime.time(15, 30)),
}


def week_feed(user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Inklusio//Korpsplan//DA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Inklusio – {user.get_full_name()}")
    slots = (
        PlanSlot.objects.filter(
            pedagogue=user,
            plan__status=WeeklyPlan.Status.PUBLISHED,
            plan__week_start__gte=datetime.date.today() - datetime.timedelta(weeks=4),
        )
        .select_related("plan", "institution")
        .order_by("plan__week_start", "day", "half")
    )
    for slot in slots:
        date = slot.plan.day(slot.day)
        start, end = HALF_DAY_TIMES[slot.half]
        function = "støttefunktion" if slot.function == "support" else "ressourcefunktion"
        event = Event()
        event.add("uid", f"{slot.plan.public_id}-{slot.day}-{slot.half}@inklusio")
        event.add("summary", f"{slot.institution.name} ({function})")
        event.add("location", slot.institution.address or slot.institution.name)
        event.add("dtstart", datetime.datetime.combine(date, start, TZ))
        event.add("dtend", datetime.datetime.combine(date, end, TZ))
        event.add("dtstamp", datetime.datetime.now(TZ))
        calendar.add_component(event)
    return calendar.to_ical()

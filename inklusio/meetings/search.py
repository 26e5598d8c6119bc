"""Consultative meetings in the global search (core/global_search.py): by institution. Not by a
child on the agenda: who may see an agenda item is decided per item (access)."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.children.selectors import ChildSearch
from inklusio.core.global_search import SearchGroup, SearchHit, first
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.people.models import User


def _hit(meeting: ConsultativeMeeting) -> SearchHit:
    return SearchHit(
        title=f"{meeting.institution} {date_format(meeting.date, 'j.n.Y')}",
        url=meeting.get_absolute_url(),
        detail=meeting.resource_pedagogue.get_full_name() if meeting.resource_pedagogue else "",
    )


def groups(user: User, search: ChildSearch) -> list[SearchGroup]:
    words = [word for word in search.label.split() if not word[:1].isdigit()]
    if not words:
        return []
    meetings = access.consultative_meetings_visible_to(user)
    for word in words:
        meetings = meetings.filter(institution__name__icontains=word)
    hits, more = first(
        meetings.select_related("institution", "resource_pedagogue").order_by("-date", "pk"), _hit
    )
    return [SearchGroup("meetings", _("Konsultative møder"), hits, more, order=60)]

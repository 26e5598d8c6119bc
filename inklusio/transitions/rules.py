"""Rules of a handover that are read, not changed: is the guardians' consent in force, and when
does a child start school."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.utils import timezone

from inklusio.meetings.models import DiscussionConsent

if TYPE_CHECKING:
    from inklusio.transitions.models import Handover

# Danish school start: the August of the calendar year the child turns 6 (folkeskoleloven § 34).
SCHOOL_START_AGE = 6
SCHOOL_START_MONTH = 8
# Children in a group are planned a year ahead of school start (Hedensted).
PLANNING_HORIZON_DAYS = 366


def consent_in_force_filter(on: datetime.date | None = None) -> Q:
    """The one rule for a handover's consent, as a filter on handovers: a consent recorded for
    the same child, for a handover, already given and not withdrawn (or withdrawn only from a
    later day)."""
    on = on or timezone.localdate()
    return (
        Q(consent__isnull=False)
        & Q(consent__child_id=F("child_id"))
        & Q(consent__scope=DiscussionConsent.Scope.HANDOVER)
        & Q(consent__given_on__lte=on)
        & (Q(consent__withdrawn_on__isnull=True) | Q(consent__withdrawn_on__gt=on))
    )


def consent_in_force(handover: Handover, on: datetime.date | None = None) -> bool:
    """Whether the handover's consent is in force (see `consent_in_force_filter`)."""
    from inklusio.transitions.models import Handover

    return Handover.objects.filter(pk=handover.pk).filter(consent_in_force_filter(on)).exists()


def school_start(birth_date: datetime.date) -> datetime.date:
    """The first of August of the year the child turns six."""
    return datetime.date(birth_date.year + SCHOOL_START_AGE, SCHOOL_START_MONTH, 1)


def birth_years_starting_school(on: datetime.date | None = None) -> list[int]:
    """Birth years of the children whose school start lies from today to a year ahead."""
    on = on or timezone.localdate()
    horizon = on + datetime.timedelta(days=PLANNING_HORIZON_DAYS)
    years = []
    for year in range(on.year - SCHOOL_START_AGE, horizon.year - SCHOOL_START_AGE + 1):
        if on <= datetime.date(year + SCHOOL_START_AGE, SCHOOL_START_MONTH, 1) <= horizon:
            years.append(year)
    return years

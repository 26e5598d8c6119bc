"""The referral and visitation rules a user can break, each with its Danish explanation.

`field` names the form field the message belongs by (None: the form as a whole), so a view shows
the service's own message where the user typed the value."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from inklusio.core.errors import DomainError
from inklusio.core.templatetags.danish_dates import short_date

if TYPE_CHECKING:
    from inklusio.referrals.models import VisitationPeriod


class ReferralRuleError(DomainError):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, field=field)


class InvalidInput(ReferralRuleError):
    """A value the rules do not accept (a start date missing, an end before the start, …)."""


class NotAllowedNow(ReferralRuleError):
    """The object's state does not allow the step (already submitted, sent, reassessed, …)."""


class ConsentMissing(ReferralRuleError):
    """Barnets lov and GDPR: a referral is submitted only with the guardians' consent."""


class AttachmentRejected(ReferralRuleError):
    field = "attachment"


class CapacityExceeded(ReferralRuleError):
    def __init__(self, *, capacity: int, used: int, what: str):
        self.capacity, self.used, self.what = capacity, used, what
        super().__init__(
            _(
                "Der er ikke flere ledige pladser: %(what)s har %(capacity)s pladser, og alle er "
                "bevilget. Giv afslag, tilbyd noget andet, eller sæt barnet på ventelisten."
            )
            % {"what": what, "capacity": capacity}
        )


class PeriodMissing(ReferralRuleError):
    def __init__(self, day: datetime.date, *, field: str | None = None):
        self.day = day
        super().__init__(
            _("Der er ikke oprettet en visitationsperiode, der dækker %(day)s.")
            % {"day": short_date(day)},
            field=field,
        )


class DateOutsidePeriod(ReferralRuleError):
    field = "start"

    def __init__(self, period: VisitationPeriod, day: datetime.date):
        self.period, self.day = period, day
        super().__init__(
            _("Startdatoen %(day)s ligger uden for visitationsperioden %(period)s.")
            % {"day": short_date(day), "period": period.label}
        )

"""Support demand comes from visitation: children granted a support pedagogue."""

import datetime

from inklusio.children.models import Child


def active_support_children(municipality, week_start: datetime.date) -> list[Child]:
    """Children whose support-pedagogue grant is in force in the week starting `week_start`."""
    try:
        from inklusio.referrals.selectors import support_children_on
    except ImportError:  # visitation not installed: no support demand to plan
        return []
    return list(support_children_on(municipality, week_start).select_related("institution"))

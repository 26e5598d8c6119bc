"""The corps: Bob (resource at Bøgely) and Pete (resource at Elverhøj), led by Cora."""

import pytest

from inklusio.people.models import PedagogueAttachment, Role
from inklusio.planning import services
from inklusio.planning.models import CalendarFeed, DemandRule, PlanSlot
from tests.conftest import NEXT_MONDAY, make_user

# The Monday after the suite's today (the cast's weekly plan is for this week).
MONDAY = NEXT_MONDAY
# How a pedagogue leaves the corps (`problem.in_corps`): the user deactivated, or moved to
# another role.
HOW_THEY_LEAVE = ["deactivated", "moved"]


@pytest.fixture
def corps(cast):
    """Bob (resource at Bøgely) and Pete (resource at Elverhøj)."""
    pete = make_user("pete", cast.ishoj, Role.PEDAGOGUE)
    PedagogueAttachment.objects.create(
        municipality=cast.ishoj, pedagogue=pete, institution=cast.elverhoej, function="resource"
    )
    DemandRule.objects.create(municipality=cast.ishoj, small_half_days=3, large_half_days=6)
    cast.pete = pete
    return cast


@pytest.fixture
def published_week(corps, client_for):
    """The week published, with Lene as Bøgely's leader and Bob's calendar address; `bobs` are
    Bob's half-days in it."""
    corps.client_for = client_for
    corps.lene = make_user("lene", corps.ishoj, Role.INSTITUTION_LEADER, institution=corps.boegely)
    corps.published = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
    services.plan_publish(actor=corps.cora, plan=corps.published)
    corps.bobs = list(
        PlanSlot.objects.filter(plan=corps.published, pedagogue=corps.bob).order_by("day", "half")
    )
    corps.feed = CalendarFeed.objects.create(municipality=corps.ishoj, user=corps.bob)
    return corps


def leave_the_corps(pedagogue, how: str, *, to=None) -> None:
    """`pedagogue` leaves the corps (`HOW_THEY_LEAVE`): deactivated, or moved to staff at the
    institution `to`."""
    if how == "deactivated":
        pedagogue.is_active = False
    else:
        pedagogue.role = Role.STAFF
        pedagogue.institution = to
    pedagogue.save()

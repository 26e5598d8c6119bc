"""The corps: Bob (resource at Bøgely) and Pete (resource at Elverhøj), led by Cora."""

import pytest

from inklusio.people.models import PedagogueAttachment, Role
from inklusio.planning.models import DemandRule
from tests.conftest import NEXT_MONDAY, make_user

# The Monday after the suite's today (the cast's weekly plan is for this week).
MONDAY = NEXT_MONDAY


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

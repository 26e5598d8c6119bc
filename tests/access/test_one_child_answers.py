"""Questions about one child already read are answered in Python (the child's page asks them
for its sections): each answer must be the set's answer, at the edges of daycare (left today,
left tomorrow, turning seven today) and for every role, ended relations included."""

import datetime

import pytest

from inklusio import access
from inklusio.children.models import Child, daycare_age_limit
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
STATES = {
    "in daycare": {},
    "left yesterday": {"left_on": TODAY - DAY},
    "leaves today": {"left_on": TODAY},
    "leaves tomorrow": {"left_on": TODAY + DAY},
    "turns seven today": {"birth_date": daycare_age_limit(TODAY)},
    "turns seven tomorrow": {"birth_date": daycare_age_limit(TODAY) + DAY},
}
USERS = ("alice", "cora", "bob", "carl", "sara", "pia", "gert")
ENDED = ("ida", "mads", "olga", "petra")


@pytest.mark.parametrize("state", STATES)
def test_one_childs_answers_are_the_sets_answers(cast, ended, state):
    Child.objects.filter(pk__in=[cast.mia.pk, cast.emil.pk]).update(**STATES[state])
    users = [getattr(cast, name) for name in USERS] + [getattr(ended, name) for name in ENDED]
    answers = set()
    for child in Child.objects.filter(pk__in=[cast.mia.pk, cast.emil.pk]):
        for user in users:
            may_refer = access.children_user_may_refer(user).filter(pk=child.pk).exists()
            may_plan = access.children_for_new_plans(user).filter(pk=child.pk).exists()
            assert access.can_refer_child(user, child) == may_refer, (user, child)
            assert access.can_create_plan_for(user, child) == may_plan, (user, child)
            answers |= {may_refer, may_plan}
    if state in {"in daycare", "leaves tomorrow", "turns seven tomorrow"}:
        assert answers == {True, False}  # some may, some may not: the question was real

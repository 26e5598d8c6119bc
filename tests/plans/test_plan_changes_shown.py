"""How a plan's changes read: the version comparison and the audit log."""

import pytest
from django.urls import reverse

from inklusio.plans import services
from inklusio.plans.rules import version_changes

pytestmark = pytest.mark.django_db


def test_a_dropped_goal_reads_as_dropped_in_the_comparison():
    goal = {"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}
    (change,) = version_changes({"goals": [goal]}, {"goals": [{**goal, "dropped": True}]})
    assert change["field"] == "goals"
    assert change["after"] == "Deltager i samling – 4 af 5 dage (opgivet)"


def test_a_direct_change_is_logged_as_the_next_version(cast, client_for):
    before = cast.plan_mia.version
    services.plan_update(
        actor=cast.bob, plan=cast.plan_mia, data={"strategies": "Billedstøtte"},
        goals=[{"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}],
        agreements=[], expected_version=before,
    )  # fmt: skip
    number = cast.plan_mia.versions.order_by("-number").first().number
    page = client_for(cast.alice).get(reverse("audit-log")).content.decode()
    assert f"version: {number - 1} → {number}" in page

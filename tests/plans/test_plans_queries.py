"""The start page counts overdue follow-ups in the database: the figure is right however many
plans are overdue, while the panel names only the most overdue few."""

import datetime

from django.urls import reverse
from django.utils import timezone

from inklusio.plans.models import ActionPlan
from inklusio.plans.selectors import OVERDUE_SHOWN
from tests.conftest import TODAY, make_child


def _plans(cast, count: int, *, weeks: int, created_days_ago: int) -> list[ActionPlan]:
    made, first = [], ActionPlan.objects.count()
    for k in range(first, first + count):
        child = make_child(
            cast.ishoj, cast.boegely, f"Barn{k:02d}", f"{1 + k % 28:02d}0122{6000 + k}"
        )
        made.append(
            ActionPlan.objects.create(
                municipality=cast.ishoj,
                child=child,
                institution=cast.boegely,
                owner=cast.bob,
                title=f"Plan {k:02d}",
                problem="-",
                strategies="-",
                duration="-",
                status=ActionPlan.Status.ACTIVE,
                follow_up_weeks=weeks,
                created_at=timezone.make_aware(
                    datetime.datetime.combine(
                        TODAY - datetime.timedelta(days=created_days_ago), datetime.time(12)
                    )
                ),
            )
        )
    return made


def _figure(page: str) -> str:
    return page.split('data-testid="overdue-follow-ups">', 1)[1].split("<", 1)[0]


def test_the_figure_counts_overdue_plans_beyond_those_the_panel_names(cast, client_for):
    # Mia's plan (meeting held 1 October, every 10 weeks) is not due yet; 13 plans are overdue,
    # the last 3 only by a day; 4 are due today or later (not overdue).
    most = _plans(cast, OVERDUE_SHOWN, weeks=8, created_days_ago=8 * 7 + 30)
    barely = _plans(cast, 3, weeks=12, created_days_ago=12 * 7 + 1)
    _plans(cast, 2, weeks=12, created_days_ago=12 * 7)  # due today
    _plans(cast, 2, weeks=2, created_days_ago=3)
    response = client_for(cast.bob).get(reverse("start"))
    page = response.content.decode()
    assert _figure(page) == str(OVERDUE_SHOWN + 3)
    panel = next(p for p in response.context["panels"] if p.get("overdue_count") is not None)
    assert [plan.title for plan in panel["overdue"]] == [plan.title for plan in most]
    assert all(plan.get_absolute_url() not in page for plan in barely)
    due = (TODAY - datetime.timedelta(days=30)).strftime("%-d.%-m.%Y")
    assert f"skulle følges op senest {due}" in page


def test_a_held_meeting_moves_the_follow_up_and_others_plans_are_not_counted(cast, client_for):
    ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(follow_up_weeks=1)
    assert _figure(client_for(cast.bob).get(reverse("start")).content.decode()) == "1"
    ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(follow_up_weeks=520)  # from 1 Oct
    assert _figure(client_for(cast.bob).get(reverse("start")).content.decode()) == "0"
    ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(follow_up_weeks=1, owner=cast.carl)
    # Sara is not the owner (only leaders see everyone's); Alice, the administration, does.
    assert _figure(client_for(cast.sara).get(reverse("start")).content.decode()) == "0"
    assert _figure(client_for(cast.alice).get(reverse("start")).content.decode()) == "1"

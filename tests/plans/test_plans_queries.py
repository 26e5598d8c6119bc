"""The start page counts overdue follow-ups in the database: the figure is right however many
plans are overdue, while the panel names only the most overdue few; the agreements waiting for
a partner invited to meetings alone cost the same queries however many they are."""

import datetime

from django.urls import reverse
from django.utils import timezone

from inklusio.audit.models import AuditEntry
from inklusio.children.models import PartnerInvitation
from inklusio.people.models import Role
from inklusio.plans.models import ActionPlan, PlanMeeting
from inklusio.plans.selectors import OVERDUE_SHOWN
from tests.conftest import TODAY, make_child, make_user
from tests.core.test_query_counts import FEW, MANY, _repeated, measure


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


def _meetings_quinn_took_part_in(cast, quinn, first: int, stop: int) -> list[PlanMeeting]:
    """Held meetings of Mia's plan with Quinn there, each her only invitation to it."""
    made = []
    for k in range(first, stop):
        meeting = PlanMeeting.objects.create(
            municipality=cast.ishoj,
            plan=cast.plan_mia,
            kind=PlanMeeting.Kind.FOLLOW_UP,
            date=TODAY - datetime.timedelta(days=k + 1),
            held=True,
            agreed_version=cast.plan_mia.versions.first(),
            created_by=cast.bob,
        )
        meeting.participants.set([cast.bob, quinn])
        PartnerInvitation.objects.create(
            municipality=cast.ishoj,
            scope=PartnerInvitation.Scope.PLAN_MEETING,
            child=cast.mia,
            plan_meeting=meeting,
            partner=quinn,
            invited_by=cast.alice,
            reason="Sparring",
            valid_until=TODAY + datetime.timedelta(days=30),
        )
        made.append(meeting)
    return made


def test_a_partner_invited_to_meetings_alone_is_asked_in_the_same_queries(cast, client):
    """Her start page lists each meeting whose agreements wait for her, 5 or 50 of them, in
    the same queries, and logs Mia (the child of them all) in one entry."""
    quinn = make_user("quinn", cast.ishoj, Role.PARTNER, profession="psychologist")
    shown = _meetings_quinn_took_part_in(cast, quinn, 0, FEW)
    few, _sql = measure(client, quinn, reverse("start"))
    shown += _meetings_quinn_took_part_in(cast, quinn, FEW, MANY)
    many, sql = measure(client, quinn, reverse("start"))
    assert few == many, _repeated(sql)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    page = client.get(reverse("start")).content.decode()
    assert all(meeting.get_acknowledge_url() in page for meeting in shown)
    (entry,) = AuditEntry.objects.filter(id__gt=before, object_type="startpage")
    assert entry.child_id == cast.mia.public_id

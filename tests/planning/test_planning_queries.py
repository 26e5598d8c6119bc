"""The planning pages read in a fixed number of queries, however large the corps, and never
write on reading (an earlier version created a contract per pedagogue on every visit)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from inklusio.courses.models import Course, Session
from inklusio.organisation.models import Institution
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.planning.models import (
    Absence,
    CalendarFeed,
    Contract,
    InstitutionDemandOverride,
    PlanSlot,
    WeeklyPlan,
)
from tests.conftest import make_user
from tests.planning.conftest import MONDAY


def grow(corps, start: int, stop: int) -> None:
    """Pedagogues and institutions number `start`..`stop`-1: every other one with a saved
    contract or a demand override, each pedagogue in the plan and attached, with a course
    session that week, each with an absence."""
    for k in range(start, stop):
        pedagogue = make_user(f"extra{k:02d}", corps.ishoj, Role.PEDAGOGUE)
        institution = Institution.objects.create(
            municipality=corps.ishoj, name=f"Institution {k:02d}", kind="integrated", size=50 + k
        )
        if k % 2:
            Contract.objects.create(municipality=corps.ishoj, pedagogue=pedagogue)
            InstitutionDemandOverride.objects.create(
                municipality=corps.ishoj, institution=institution, half_days=4
            )
        PedagogueAttachment.objects.create(
            municipality=corps.ishoj,
            pedagogue=pedagogue,
            institution=institution,
            function="resource",
        )
        PlanSlot.objects.create(
            municipality=corps.ishoj,
            plan=corps.plan,
            pedagogue=pedagogue,
            day=k % 5,
            half=0,
            institution=institution,
            function="resource",
        )
        # A course of theirs with a planned session in the plan's week: the grid shows it.
        course = Course.objects.create(
            municipality=corps.ishoj,
            institution=institution,
            kind=Course.Kind.GROUP,
            title=f"Legegruppe {k:02d}",
            goals="Flere børn med i legen",
            start=MONDAY - datetime.timedelta(weeks=4),
            planned_end=MONDAY + datetime.timedelta(weeks=20),
            pedagogue=pedagogue,
            created_by=pedagogue,
        )
        Session.objects.create(
            municipality=corps.ishoj,
            course=course,
            date=MONDAY + datetime.timedelta(days=k % 5),
            start_time=datetime.time(9, 0),
        )
        Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.bob,
            start=MONDAY,
            end=MONDAY,
            kind="course",
            created_by=corps.cora,
        )


def count_queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), [query["sql"] for query in context.captured_queries]


def grow_absent(corps, start: int, stop: int) -> None:
    """As `grow`, and each new pedagogue ill on the half-day the plan has them in their
    institution: the plan in force shows the absence there instead of the visit."""
    grow(corps, start, stop)
    for k in range(start, stop):
        Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=User.objects.get(username=f"extra{k:02d}"),
            start=MONDAY + datetime.timedelta(days=k % 5),
            end=MONDAY + datetime.timedelta(days=k % 5),
            part=Absence.Part.MORNING,
            kind=Absence.Kind.ILLNESS,
            created_by=corps.cora,
        )


def grow_departed(corps, start: int, stop: int) -> None:
    """As `grow`, and each new pedagogue then leaves the corps, every other one deactivated and
    the rest moved to staff in their institution: the plan in force shows their half-days as
    lapsing."""
    grow(corps, start, stop)
    for k in range(start, stop):
        departed = User.objects.get(username=f"extra{k:02d}")
        if k % 2:
            departed.is_active = False
        else:
            departed.role = Role.STAFF
            departed.institution = Institution.objects.get(name=f"Institution {k:02d}")
        departed.save()


def queries_with_5_and_50(corps, client, url: str, grow=grow) -> tuple[int, int]:
    grow(corps, 0, 5)
    client.get(url)  # warm caches that belong to the first request of a session
    few, _sql = count_queries(client, url)
    grow(corps, 5, 50)
    many, sql = count_queries(client, url)
    assert not [q for q in sql if q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    return few, many


class TestConstantQueries:
    def test_the_weekly_plan_page(self, corps, client_for):
        url = corps.plan.get_absolute_url()
        few, many = queries_with_5_and_50(corps, client_for(corps.cora), url)
        assert few == many

    def test_the_weekly_plan_page_as_a_pedagogue(self, corps, client_for):
        # A pedagogue reads the plan in force (a proposal is the corps leader's draft).
        WeeklyPlan.objects.filter(pk=corps.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
        url = corps.plan.get_absolute_url()
        few, many = queries_with_5_and_50(corps, client_for(corps.bob), url)
        assert few == many

    @pytest.mark.parametrize("viewer", ["cora", "bob", "carl"])
    def test_the_published_plan_page_with_absences_in_it(self, corps, client_for, viewer):
        """The absences that hide the published plan's visits are read in the one query that
        reads the week's absences, not one per half-day."""
        WeeklyPlan.objects.filter(pk=corps.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
        corps.plan.refresh_from_db()
        url = corps.plan.get_absolute_url()
        client = client_for(getattr(corps, viewer))
        few, many = queries_with_5_and_50(corps, client, url, grow=grow_absent)
        assert few == many
        shown = client.get(url).context["grids"]["institutions"]
        if viewer == "cora":
            [row] = [r for r in shown if r.label == "Institution 49"]
            assert row.cells[4 * 2] == ["Extra49 (R) – Fravær: Sygdom"] and row.hours == 0

    @pytest.mark.parametrize("viewer", ["cora", "carl"])
    def test_the_published_plan_page_with_departed_pedagogues(self, corps, client_for, viewer):
        """Whether a planned pedagogue is still in the corps is read from the row read with the
        half-day, not asked per pedagogue."""
        WeeklyPlan.objects.filter(pk=corps.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
        corps.plan.refresh_from_db()
        url = corps.plan.get_absolute_url()
        client = client_for(getattr(corps, viewer))
        few, many = queries_with_5_and_50(corps, client, url, grow=grow_departed)
        assert few == many
        shown = client.get(url).context["grids"]
        if viewer == "cora":
            [row] = [r for r in shown["institutions"] if r.label == "Institution 49"]
            assert row.cells[4 * 2] == ["Extra49 (R) – Har forladt korpset"] and row.hours == 0
            assert len(shown["left_corps"]) == 50

    def test_the_weekly_plan_api_answer_with_departed_pedagogues(self, corps, client_for):
        WeeklyPlan.objects.filter(pk=corps.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
        url = f"/api/v1/weekly-plans/{corps.plan.public_id}"
        client = client_for(corps.cora)
        few, many = queries_with_5_and_50(corps, client, url, grow=grow_departed)
        assert few == many
        slots = client.get(url).json()["slots"]
        assert len([s for s in slots if s["left_corps"]]) == 50

    def test_the_calendar_feed_with_departed_pedagogues(self, corps, client):
        """Many published weeks with Bob and pedagogues who have since left the corps: Bob's
        feed and a departed (moved) pedagogue's read in as many queries for 2 weeks as for 20,
        and the departed one's has none of the visits."""
        bob_feed = CalendarFeed.objects.create(municipality=corps.ishoj, user=corps.bob)
        grow_departed(corps, 0, 1)
        moved = User.objects.get(username="extra00")
        moved_feed = CalendarFeed.objects.create(municipality=corps.ishoj, user=moved)

        def weeks(start: int, stop: int) -> None:
            for k in range(start, stop):
                plan = WeeklyPlan.objects.create(
                    municipality=corps.ishoj,
                    week_start=MONDAY + datetime.timedelta(weeks=k + 1),
                    created_by=corps.cora,
                    status=WeeklyPlan.Status.PUBLISHED,
                )
                grow_departed(corps, k + 1, k + 2)
                for pedagogue in (corps.bob, moved, User.objects.get(username=f"extra{k + 1:02d}")):
                    PlanSlot.objects.create(
                        municipality=corps.ishoj, plan=plan, pedagogue=pedagogue, day=0,
                        half=0, institution=corps.boegely, function="resource",
                    )  # fmt: skip

        weeks(0, 2)
        few = [count_queries(client, f.get_absolute_url())[0] for f in (bob_feed, moved_feed)]
        weeks(2, 20)
        many = [count_queries(client, f.get_absolute_url())[0] for f in (bob_feed, moved_feed)]
        assert few == many
        planned = [
            e
            for e in Calendar.from_ical(client.get(moved_feed.get_absolute_url()).content).walk(
                "VEVENT"
            )
            if "funktion)" in str(e["SUMMARY"])
        ]
        assert planned == []

    def test_the_calendar_feed(self, corps, client):
        """Bob's feed over many published weeks, every other half-day of them absent."""
        feed = CalendarFeed.objects.create(municipality=corps.ishoj, user=corps.bob)

        def weeks(start: int, stop: int) -> None:
            for k in range(start, stop):
                week = MONDAY + datetime.timedelta(weeks=k + 1)
                plan = WeeklyPlan.objects.create(
                    municipality=corps.ishoj,
                    week_start=week,
                    created_by=corps.cora,
                    status=WeeklyPlan.Status.PUBLISHED,
                )
                for day in range(5):
                    PlanSlot.objects.create(
                        municipality=corps.ishoj, plan=plan, pedagogue=corps.bob, day=day,
                        half=0, institution=corps.boegely, function="resource",
                    )  # fmt: skip
                    if day % 2:
                        Absence.objects.create(
                            municipality=corps.ishoj, pedagogue=corps.bob,
                            start=week + datetime.timedelta(days=day),
                            end=week + datetime.timedelta(days=day),
                            kind=Absence.Kind.COURSE, created_by=corps.cora,
                        )  # fmt: skip

        url = feed.get_absolute_url()
        weeks(0, 2)
        few, _sql = count_queries(client, url)
        weeks(2, 20)
        many, _sql = count_queries(client, url)
        assert few == many
        events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
        assert len([e for e in events if "funktion)" in str(e["SUMMARY"])]) == 20 * 3

    def test_the_corps_overview(self, corps, client_for):
        few, many = queries_with_5_and_50(
            corps, client_for(corps.cora), reverse("planning-overview")
        )
        assert few == many

    def test_the_contract_page(self, corps, client_for):
        url = corps.contract_bob.get_absolute_url()
        few, many = queries_with_5_and_50(corps, client_for(corps.cora), url)
        assert few == many

    def test_reading_the_overview_creates_no_contract(self, corps, client_for):
        grow(corps, 0, 5)
        client_for(corps.cora).get(reverse("planning-overview"))
        assert Contract.objects.count() == 1 + 2  # Bob's, and the two odd pedagogues'


class TestContractOpenedFromTheOverview:
    def test_a_pedagogue_without_a_contract_shows_the_defaults_and_gets_one_when_opened(
        self, corps, client_for
    ):
        client = client_for(corps.cora)
        page = client.get(reverse("planning-overview"))
        [pete] = [row for row in page.context["corps"] if row.pedagogue == corps.pete]
        assert not pete.has_contract and pete.contract.institution_hours == 32
        response = client.post(
            reverse("planning-overview"), {"contract_for": "1", "pedagogue": corps.pete.pk}
        )
        contract = Contract.objects.get(pedagogue=corps.pete)
        assert response["Location"] == contract.get_absolute_url()

    def test_only_the_corps_leader_may_open_one(self, corps, client_for):
        response = client_for(corps.alice).post(
            reverse("planning-overview"), {"contract_for": "1", "pedagogue": corps.pete.pk}
        )
        assert response.status_code == 404
        assert not Contract.objects.filter(pedagogue=corps.pete).exists()

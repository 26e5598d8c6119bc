"""Filters, sorting and pages on every list (issue 16, point 7), through one mechanism
(core/listing.py): what a user sees after choosing a filter, clicking a column heading or
going to the next page."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse

from inklusio.courses.models import Course
from inklusio.jobs.models import Job
from inklusio.partners import services as partner_services
from inklusio.planning.models import WeeklyPlan
from inklusio.plans import services as plan_services
from tests.conftest import TODAY, make_child
from tests.partners.directory import profile

pytestmark = pytest.mark.django_db


def page(client, name, **params):
    answer = client.get(reverse(name), params)
    assert answer.status_code == 200
    return answer.content.decode()


def order(text, *names):
    """The names in the order the page shows them."""
    return sorted(names, key=text.index)


class TestChildList:
    def test_the_administration_filters_by_institution(self, cast, client_for):
        text = page(client_for(cast.alice), "child-list", institution=cast.elverhoej.pk)
        assert "Emil" in text and "Mia" not in text

    def test_a_leader_of_one_institution_gets_no_institution_filter(self, cast, client_for):
        text = page(client_for(cast.carl), "child-list")
        assert 'name="institution"' not in text
        assert 'name="institution"' in page(client_for(cast.alice), "child-list")

    def test_a_column_heading_sorts_and_a_second_click_reverses(self, cast, client_for):
        client = client_for(cast.alice)
        assert order(page(client, "child-list"), "Emil Testesen", "Mia Testesen") == [
            "Emil Testesen",
            "Mia Testesen",
        ]
        text = page(client, "child-list", sort="-name")
        assert order(text, "Emil Testesen", "Mia Testesen") == ["Mia Testesen", "Emil Testesen"]
        assert 'aria-sort="descending"' in text

    def test_an_unknown_sort_falls_back_to_the_default(self, cast, client_for):
        text = page(client_for(cast.alice), "child-list", sort="cpr_hash")
        assert order(text, "Emil Testesen", "Mia Testesen") == ["Emil Testesen", "Mia Testesen"]

    def test_the_next_page_keeps_the_filter_and_the_sort(self, cast, client_for):
        for number in range(55):
            make_child(
                cast.ishoj, cast.boegely, f"Barn{number:02d}", f"0101{22 + number % 2}4{number:03d}"
            )
        client = client_for(cast.alice)
        text = page(client, "child-list", institution=cast.boegely.pk, sort="-name")
        assert "Side 1 af 2" in text
        next_link = text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
        assert f"institution={cast.boegely.pk}" in next_link and "sort=-name" in next_link
        second = client.get(
            reverse("child-list") + next_link.replace("&amp;", "&")
        ).content.decode()
        assert "Side 2 af 2" in second and "Emil" not in second

    def test_a_search_keeps_the_filter(self, cast, client_for):
        client = client_for(cast.alice)
        filtered = f"{reverse('child-list')}?institution={cast.boegely.pk}"
        answer = client.post(filtered, {"q": "Testesen"})
        assert f"institution={cast.boegely.pk}" in answer["Location"]
        text = client.get(answer["Location"]).content.decode()
        assert "Mia" in text and "Emil" not in text


class TestReferralList:
    def test_open_by_default_then_by_status_institution_and_sort(self, cast, client_for):
        client = client_for(cast.alice)
        open_ones = page(client, "visitation-overview")
        assert "Emil Testesen" in open_ones and "Mia Testesen" not in open_ones
        decided = page(client, "visitation-overview", status="decided")
        assert "Mia Testesen" in decided and "Emil Testesen" not in decided
        everything = page(client, "visitation-overview", status="", sort="child")
        assert order(everything, "Emil Testesen", "Mia Testesen") == [
            "Emil Testesen",
            "Mia Testesen",
        ]
        bøgely = page(client, "visitation-overview", status="", institution=cast.boegely.pk)
        assert "Mia Testesen" in bøgely and "Emil Testesen" not in bøgely

    def test_a_bad_date_is_explained_and_kept(self, cast, client_for):
        text = page(client_for(cast.alice), "visitation-overview", submitted_from="31.02.x")
        assert "Indtast en gyldig dato." in text
        assert 'value="31.02.x"' in text


class TestPlanList:
    def test_status_and_own_plans(self, cast, client_for):
        assert "Mias handleplan" in page(client_for(cast.bob), "plan-list", owner="mine")
        assert "Mias handleplan" not in page(client_for(cast.alice), "plan-list", owner="mine")
        closed = page(client_for(cast.bob), "plan-list", status="closed")
        assert "Ingen handleplaner." in closed

    def test_those_who_own_no_plan_are_not_offered_their_own(self, cast, client_for):
        assert 'name="owner"' in page(client_for(cast.bob), "plan-list")
        for reader in (cast.pia, cast.gert):
            assert 'name="owner"' not in page(client_for(reader), "plan-list")

    def test_the_institutions_offered_are_those_of_the_plans_listed(self, cast, client_for):
        # Pia sees Mia's plan (Bøgely) through her invitation to Mia, and Emil's (Elverhøj)
        # through an invitation to that plan alone: both institutions are worth filtering by.
        emils = plan_services.plan_create(
            actor=cast.alice,
            data={
                "child": cast.emil,
                "owner": cast.alice,
                "title": "Emils handleplan",
                "problem": "Sprog",
                "strategies": "Billeder",
                "duration": "Et halvt år",
            },
            goals=[{"text": "Siger sit navn", "success_criterion": "3 af 5 dage"}],
            agreements=[],
        )
        profile(cast)
        partner_services.invitation_create(
            actor=cast.alice,
            target=emils,
            partner=cast.pia,
            reason="Sprogvurdering",
            valid_until=TODAY + datetime.timedelta(days=30),
        )
        client = client_for(cast.pia)
        text = page(client, "plan-list", institution=cast.elverhoej.pk)
        assert 'name="institution"' in text
        assert "Emils handleplan" in text and "Mias handleplan" not in text
        assert "Mias handleplan" in page(client, "plan-list", institution=cast.boegely.pk)


class TestCourseList:
    def test_by_type(self, cast, client_for):
        client = client_for(cast.alice)
        assert "Legegruppe" in page(client, "course-overview", kind=Course.Kind.GROUP)
        assert "Ingen forløb." in page(client, "course-overview", kind=Course.Kind.INDIVIDUAL)

    def test_no_filter_for_own_courses_as_a_pedagogue_sees_only_those(self, cast, client_for):
        for user in (cast.alice, cast.cora, cast.bob):
            assert 'name="pedagogue"' not in page(client_for(user), "course-overview")


class TestConsultativeMeetings:
    def test_by_institution_and_coming_or_held(self, cast, client_for):
        client = client_for(cast.alice)
        meeting = cast.consultative_boegely.get_absolute_url()
        assert meeting in page(client, "consultative-list", institution=cast.boegely.pk)
        assert meeting not in page(client, "consultative-list", institution=cast.elverhoej.pk)
        coming = "upcoming" if cast.consultative_boegely.date >= TODAY else "past"
        held = "past" if coming == "upcoming" else "upcoming"
        assert meeting in page(client, "consultative-list", when=coming)
        assert meeting not in page(client, "consultative-list", when=held)


class TestWeeklyPlans:
    def test_by_status_and_week(self, cast, client_for):
        client = client_for(cast.cora)
        plan = cast.plan.get_absolute_url()
        assert plan in page(client, "planning-overview", status=cast.plan.status)
        other = next(s for s in WeeklyPlan.Status.values if s != cast.plan.status)
        assert plan not in page(client, "planning-overview", status=other)
        later = cast.plan.week_start + datetime.timedelta(days=7)
        assert plan not in page(client, "planning-overview", week_from=later.isoformat())

    def test_proposals_are_offered_as_a_status_to_those_who_see_them(self, cast, client_for):
        def statuses(user) -> list[str]:
            form = client_for(user).get(reverse("planning-overview")).context["listing"].form
            return [value for value, _label in form.fields["status"].choices]

        assert "proposed" in statuses(cast.cora) and "proposed" in statuses(cast.alice)
        for user in (cast.bob, cast.carl, cast.sara):
            assert statuses(user) == ["", "published", "replaced"], user


class TestJobs:
    def test_own_files_by_status(self, cast, client_for):
        failed = Job.objects.create(
            municipality=cast.ishoj,
            kind="annual-report",
            requested_by=cast.cora,
            status=Job.Status.FAILED,
        )
        client = client_for(cast.cora)
        done = page(client, "job-list", status=Job.Status.DONE)
        assert (
            str(cast.job_cora.public_id) in done
            and str(failed.public_id) not in done.split('data-testid="failed-jobs"')[0]
        )
        assert "Ingen filer matcher filteret." in page(
            client, "job-list", status=Job.Status.RUNNING
        )


class TestSortArrow:
    """The arrow beside the sorted heading (and its aria-sort) says which way the rows run,
    also for columns whose first click sorts newest first."""

    def _two_courses(self, cast):
        later = Course.objects.get(pk=cast.course_boegely.pk)
        later.pk = None
        later.public_id = uuid.uuid4()
        later.title = "Senere gruppe"
        later.start = cast.course_boegely.start + datetime.timedelta(days=14)
        later.save()
        return cast.course_boegely.title, later.title

    def test_the_course_list_by_default_and_reversed(self, cast, client_for):
        earlier, later = self._two_courses(cast)
        client = client_for(cast.alice)
        default = page(client, "course-overview")
        heading = default.split('aria-sort="')[1].split("</th>")[0]
        arrow = heading.split('"')[0]
        shown = order(default, earlier, later)
        assert "Periode<span" in heading
        assert arrow == ("ascending" if shown == [earlier, later] else "descending")
        swapped = page(client, "course-overview", sort=heading.split("sort=")[1].split('"')[0])
        assert order(swapped, earlier, later) == shown[::-1]
        assert swapped.split('aria-sort="')[1].split('"')[0] != arrow

    @pytest.mark.parametrize("sort", ["week", "-week"])
    def test_the_weekly_plans_newest_first_point_down(self, cast, client_for, sort):
        WeeklyPlan.objects.create(
            municipality=cast.ishoj,
            week_start=cast.plan.week_start + datetime.timedelta(days=7),
            status=cast.plan.status,
            created_by=cast.cora,
        )
        text = page(client_for(cast.cora), "planning-overview", sort=sort)
        arrow = text.split('aria-sort="')[1].split('"')[0]
        weeks = [int(number) for number in re.findall(r">Uge (\d+) \(", text)]
        assert len(weeks) == 2
        assert arrow == ("descending" if weeks[0] > weeks[1] else "ascending")
        assert arrow == ("descending" if sort == "week" else "ascending")

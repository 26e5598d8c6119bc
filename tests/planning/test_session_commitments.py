"""Course sessions are commitments in the corps' week (issue 19, point 4): scheduling one checks
the pedagogue's week, planned sessions are locked half-days in the weekly plan, a re-plan that
cannot keep one says so, and they are in the calendar feed and on the plan grid.

The cast: Bob runs "Legegruppe" at Bøgely with a session on Wednesday 2 December at 09:00, in
the week of the cast's plan (Monday 30 November, `MONDAY`)."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from inklusio.audit.services import REDACTED
from inklusio.core.templatetags.danish_dates import day_month
from inklusio.courses import services as course_services
from inklusio.courses.models import Course, Session
from inklusio.people.models import PedagogueAttachment
from inklusio.planning import services, solver
from inklusio.planning.models import Absence, CalendarFeed, PlanSlot
from tests.audit_rows import new_audit_rows
from tests.planning.conftest import MONDAY

WEDNESDAY = MONDAY + datetime.timedelta(days=2)
NINE, TEN, ONE_PM = datetime.time(9, 0), datetime.time(10, 0), datetime.time(13, 0)


@pytest.fixture
def elverhoej_course(corps):
    """Bob also runs an individual course at Elverhøj (where Pete has the resource function)."""
    PedagogueAttachment.objects.create(
        municipality=corps.ishoj,
        pedagogue=corps.bob,
        institution=corps.elverhoej,
        function="resource",
    )
    return Course.objects.create(
        municipality=corps.ishoj,
        institution=corps.elverhoej,
        kind=Course.Kind.INDIVIDUAL,
        title="Sprogforløb",
        goals="Flere ord i legen",
        start=MONDAY - datetime.timedelta(weeks=4),
        planned_end=MONDAY + datetime.timedelta(weeks=20),
        pedagogue=corps.bob,
        created_by=corps.bob,
    )


def plan_session(client, course, day, time, reason=""):
    return client.post(
        reverse("session-plan", args=[course.public_id]),
        {"date": day.isoformat(), "start_time": f"{time:%H:%M}", "clash_reason": reason},
    )


class TestSchedulingChecksThePedagoguesWeek:
    def test_a_session_elsewhere_in_the_same_half_day_is_refused_with_what_it_clashes_with(
        self, corps, elverhoej_course, client_for
    ):
        response = plan_session(client_for(corps.bob), elverhoej_course, WEDNESDAY, TEN)
        page = response.content.decode()
        assert response.status_code == 200
        assert (
            "Samlingen falder sammen med samlingen i “Legegruppe” kl. 09:00 (Bøgely). "
            "Vælg et andet tidspunkt, eller skriv en begrundelse for at planlægge den alligevel."
        ) in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
        assert f'value="{WEDNESDAY.isoformat()}"' in page and 'value="10:00"' in page
        assert not elverhoej_course.sessions.exists()

    def test_with_a_reason_it_is_planned_the_reason_kept_and_the_clash_logged(
        self, corps, elverhoej_course, client_for
    ):
        client = client_for(corps.bob)
        with new_audit_rows(writes_only=True) as rows:
            response = plan_session(
                client, elverhoej_course, WEDNESDAY, TEN, reason="Legegruppen slutter kl. 9.45"
            )
        assert response.status_code == 302
        session = elverhoej_course.sessions.get()
        assert (session.date, session.start_time) == (WEDNESDAY, TEN)
        assert session.clash_reason == "Legegruppen slutter kl. 9.45"
        [row] = rows
        assert (row.action, row.object_type) == ("create", "session")
        assert row.changes["clashes"] == {"before": None, "after": ["session"]}
        # The reason is free text: the log says it was given, never its words.
        assert row.changes["reason"]["after"] == REDACTED
        page = client.get(elverhoej_course.get_absolute_url()).content.decode()
        assert "Planlagt trods sammenfald: Legegruppen slutter kl. 9.45" in page

    def test_the_centre_meeting_an_absence_and_the_weekly_plan_are_clashes_too(
        self, corps, elverhoej_course
    ):
        course = corps.course_boegely
        tuesday, thursday, friday = (MONDAY + datetime.timedelta(days=d) for d in (1, 3, 4))

        def refused(day, time):
            with pytest.raises(course_services.SessionClash) as error:
                course_services.session_plan(
                    actor=corps.bob, course=course, date=day, start_time=time
                )
            return str(error.value)

        # The demand rule puts the centre meeting on Tuesday afternoon.
        assert "Samlingen falder sammen med centermødet." in refused(tuesday, ONE_PM)
        Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.bob,
            start=friday,
            end=friday,
            part=Absence.Part.MORNING,
            kind=Absence.Kind.COURSE,
            created_by=corps.cora,
        )
        assert "Samlingen falder sammen med fravær (kursus)." in refused(friday, NINE)
        PlanSlot.objects.create(
            municipality=corps.ishoj,
            plan=corps.plan,
            pedagogue=corps.bob,
            day=3,
            half=0,
            institution=corps.elverhoej,
            function="resource",
        )
        assert (
            "Samlingen falder sammen med ugeplanen, der har Bob i Elverhøj (ressourcefunktion)."
            in refused(thursday, NINE)
        )
        # Where nothing clashes (Friday afternoon) no reason is asked for.
        free = course_services.session_plan(
            actor=corps.bob, course=course, date=friday, start_time=ONE_PM
        )
        assert free.clash_reason == ""
        assert not Session.objects.filter(date__in=[tuesday, thursday]).exists()

    def test_a_second_session_at_the_same_institution_that_morning_is_no_clash(self, corps):
        later = course_services.session_plan(
            actor=corps.bob,
            course=corps.course_boegely,
            date=WEDNESDAY,
            start_time=datetime.time(10, 30),
        )
        assert later.clash_reason == ""


class TestSessionsInTheWeeklyPlan:
    def bob_wednesday_morning(self, plan):
        return PlanSlot.objects.get(plan=plan, pedagogue__username="bob", day=2, half=0)

    def test_a_planned_session_is_a_locked_resource_half_day_at_its_institution(self, corps):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        slot = self.bob_wednesday_morning(plan)
        assert (slot.institution, slot.function) == (corps.boegely, "resource")
        assert slot.locked and slot.for_session
        assert plan.broken_sessions == []

    def test_it_survives_solving_again_and_lets_go_when_the_session_is_cancelled(self, corps):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        again = services.plan_week(
            actor=corps.cora, week_start=MONDAY, time_limit_s=5, keep_locked_from=plan
        )
        slot = self.bob_wednesday_morning(again)
        assert (slot.institution, slot.locked, slot.for_session) == (corps.boegely, True, True)
        course_services.session_cancel(
            actor=corps.bob, session=corps.session_boegely, cause=Session.Cause.OTHER
        )
        third = services.plan_week(
            actor=corps.cora, week_start=MONDAY, time_limit_s=5, keep_locked_from=again
        )
        assert not PlanSlot.objects.filter(plan=third, for_session=True).exists()

    def test_a_plan_that_cannot_keep_a_session_says_so(self, corps, client_for):
        Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.bob,
            start=WEDNESDAY,
            end=WEDNESDAY,
            kind=Absence.Kind.ILLNESS,
            created_by=corps.cora,
        )
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        [broken] = plan.broken_sessions
        assert (broken["course"], broken["reason"]) == ("Legegruppe", "pædagogen er fraværende")
        page = client_for(corps.cora).get(plan.get_absolute_url()).content.decode()
        assert "Forløbssamlinger, som planen ikke holder" in page
        assert f"Onsdag formiddag {day_month(WEDNESDAY)} kl. 09:00: pædagogen er fraværende" in page

    def test_a_session_allowed_over_another_is_listed_as_not_kept_by_the_plan(
        self, corps, elverhoej_course
    ):
        course_services.session_plan(
            actor=corps.bob,
            course=elverhoej_course,
            date=WEDNESDAY,
            start_time=TEN,
            clash_reason="Legegruppen slutter tidligt",
        )
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        assert self.bob_wednesday_morning(plan).institution == corps.boegely
        assert [(b["course"], b["reason"]) for b in plan.broken_sessions] == [
            ("Sprogforløb", "en anden samling samme halve dag (Bøgely)")
        ]

    def test_replanning_an_absence_over_a_session_lists_the_session_as_not_kept(
        self, corps, client_for
    ):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        revision = services.replan_absence(
            actor=corps.cora,
            plan=plan,
            pedagogue=corps.bob,
            slots=frozenset({(2, 0)}),
            kind=Absence.Kind.ILLNESS,
        )
        [broken] = revision.broken_sessions
        assert broken["session"] == str(corps.session_boegely.public_id)
        assert broken["reason"] == "pædagogen er fraværende"
        assert not PlanSlot.objects.filter(plan=revision, pedagogue=corps.bob, day=2, half=0)
        # The revision is a proposal: the corps leader's to read until it is published.
        page = client_for(corps.cora).get(revision.get_absolute_url()).content.decode()
        assert "Legegruppe</a> (Bøgely, Bob Testesen) Onsdag formiddag" in page

    def test_a_manual_edit_cannot_move_a_sessions_half_day_elsewhere(self, corps, client_for):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        response = client_for(corps.cora).post(
            reverse("planning-slot-edit", args=[plan.public_id]),
            {
                "pedagogue": corps.bob.pk,
                "slot": "2-0",
                "institution": corps.elverhoej.pk,
                "function": "resource",
                "version": plan.version,
            },
            follow=True,
        )
        assert (
            "Bob Testesen har en samling i forløbet “Legegruppe” (Bøgely) Onsdag formiddag "
            f"{day_month(WEDNESDAY)} kl. 09:00. Flyt eller aflys samlingen på forløbet først."
        ) in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
        assert self.bob_wednesday_morning(plan).institution == corps.boegely


class TestReplanKeepsLockedHalfDays:
    """The pure re-planner: a colleague's locked half-day is never swapped away."""

    def problem(self, locked):
        pedagogues = (
            solver.PedagogueInput("a", 9, current_attachments={"x": solver.Function.RESOURCE}),
            solver.PedagogueInput(
                "b",
                9,
                current_attachments={"x": solver.Function.RESOURCE, "y": solver.Function.RESOURCE},
            ),
            solver.PedagogueInput("c", 9, current_attachments={"y": solver.Function.RESOURCE}),
        )
        institutions = (solver.InstitutionInput("x", 1), solver.InstitutionInput("y", 1))
        return solver.PlanningProblem(pedagogues, institutions, locked=locked)

    def plan(self):
        return (
            solver.Assignment("a", (0, 0), "x", solver.Function.RESOURCE),
            solver.Assignment("b", (0, 0), "y", solver.Function.RESOURCE),
        )

    def test_a_swap_covers_the_absence_when_nothing_is_locked(self):
        result = solver.replan(self.problem(()), self.plan(), {"a": frozenset({(0, 0)})})
        assert not result.lost
        assert {(a.pedagogue_id, a.institution_id) for a in result.assignments} == {
            ("b", "x"),
            ("c", "y"),
        }

    def test_a_locked_half_day_stays_and_the_absence_is_lost_instead(self):
        locked = (self.plan()[1],)
        result = solver.replan(self.problem(locked), self.plan(), {"a": frozenset({(0, 0)})})
        assert [a.institution_id for a in result.lost] == ["x"]
        assert self.plan()[1] in result.assignments


class TestSessionsOnTheGridAndInTheFeed:
    def test_the_grid_shows_the_session_and_a_plan_made_before_it_says_it_is_not_kept(
        self, corps, client_for
    ):
        # The cast's plan has no half-days: it was made before Bob planned the session.
        response = client_for(corps.cora).get(corps.plan.get_absolute_url())
        [bob] = [r for r in response.context["grids"]["pedagogues"] if r.label == str(corps.bob)]
        assert bob.cells[4] == ["Samling kl. 09:00: Legegruppe"]
        [missing] = response.context["grids"]["sessions_not_kept"]
        assert missing["reason"] == "samlingen er ikke med i ugeplanen – beregn ugen igen"

    def test_a_solved_plan_shows_the_session_in_its_locked_half_day(self, corps, client_for):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        services.plan_publish(actor=corps.cora, plan=plan)
        response = client_for(corps.bob).get(plan.get_absolute_url())
        [bob] = [r for r in response.context["grids"]["pedagogues"] if r.label == str(corps.bob)]
        assert bob.cells[4] == ["Bøgely (R)", "Samling kl. 09:00: Legegruppe"]
        assert response.context["grids"]["sessions_not_kept"] == []
        assert "Forløbssamlinger, som planen ikke holder" not in response.content.decode()

    def test_another_institutions_leader_does_not_see_the_session(self, corps, client_for):
        services.plan_publish(actor=corps.cora, plan=corps.plan)
        response = client_for(corps.carl).get(corps.plan.get_absolute_url())
        assert response.status_code == 200
        assert "Legegruppe" not in response.content.decode()

    def test_planned_sessions_are_in_the_pedagogues_feed_without_child_names(self, corps, client):
        feed = CalendarFeed.objects.create(municipality=corps.ishoj, user=corps.bob)
        response = client.get(feed.get_absolute_url())
        events = Calendar.from_ical(response.content).walk("VEVENT")
        [session] = [e for e in events if str(e["UID"]).startswith("session-")]
        assert str(session["SUMMARY"]) == "Samling: Gruppeforløb – Bøgely"
        start, end = session["DTSTART"].dt, session["DTEND"].dt
        assert (start.date(), start.time(), end.time()) == (
            WEDNESDAY,
            NINE,
            datetime.time(11, 30),
        )
        assert "Mia" not in response.content.decode()
        course_services.session_cancel(
            actor=corps.bob, session=corps.session_boegely, cause=Session.Cause.ILLNESS
        )
        again = Calendar.from_ical(client.get(feed.get_absolute_url()).content)
        assert not [e for e in again.walk("VEVENT") if str(e["UID"]).startswith("session-")]


def test_the_demo_pedagogues_sessions_are_in_the_demo_plans(db):
    """Sign in as demo-korpsleder: next week's plan holds demo-paedagog's course sessions."""
    from django.core.management import call_command

    from inklusio.people.models import User
    from inklusio.planning.models import WeeklyPlan
    from inklusio.planning.problem import monday_of

    call_command("load_demo")
    bo = User.objects.get(username="demo-paedagog")
    week = monday_of(datetime.date.today()) + datetime.timedelta(weeks=1)
    plan = WeeklyPlan.objects.get(week_start=week)
    sessions = Session.objects.filter(
        course__pedagogue=bo, status=Session.Status.PLANNED, date__range=(week, plan.day(4))
    )
    assert sessions.count() >= 2
    held = PlanSlot.objects.filter(plan=plan, pedagogue=bo, for_session=True)
    assert {(s.day, s.half, s.institution_id) for s in held} == {
        (s.date.weekday(), s.half, s.course.institution_id) for s in sessions
    }
    assert not [b for b in plan.broken_sessions if b["pedagogue"] == str(bo)]

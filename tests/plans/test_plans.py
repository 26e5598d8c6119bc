"""Action plans: explicit, acknowledged agreements; light adjustments; versions; follow-ups."""

import datetime
import io
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar
from pypdf import PdfReader

from inklusio.core.templatetags.danish_dates import short_date
from inklusio.plans import selectors, services
from inklusio.plans.models import ActionPlan, Adjustment, GoalStatus
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def plan_post(plan, **changes):
    """The edit form as the browser posts it."""
    data = {
        "title": plan.title,
        "problem": plan.problem,
        "strategies": plan.strategies,
        "duration": plan.duration,
        "parent_collaboration": plan.parent_collaboration,
        "follow_up_how": plan.follow_up_how,
        "follow_up_weeks": plan.follow_up_weeks,
        "version": plan.version,
        "goals-TOTAL_FORMS": 1,
        "goals-INITIAL_FORMS": 0,
        "goals-0-text": "Deltager i samling",
        "goals-0-success_criterion": "4 af 5 dage",
        "agreements-TOTAL_FORMS": 1,
        "agreements-INITIAL_FORMS": 0,
        "agreements-0-text": "Laver dagsprogram",
        "agreements-0-owner": "Stuens pædagoger",
    }
    return {**data, **changes}


class TestWritingAPlan:
    def test_a_goal_without_a_success_criterion_cannot_be_saved(self, cast, client_for):
        response = client_for(cast.bob).post(
            reverse("plan-create"),
            {
                **plan_post(cast.plan_mia, **{"goals-0-success_criterion": ""}),
                "child": cast.mia.pk,
                "owner": cast.bob.pk,
                "title": "Ny plan",
            },
        )
        assert response.status_code == 200
        assert "Et mål skal have et succeskriterium." in response.content.decode()
        assert not ActionPlan.objects.filter(title="Ny plan").exists()

    def test_a_mangled_link_opens_the_form_without_its_child_or_course(self, cast, client_for):
        """`?barn=`/`?forloeb=` that is no id (a link cut short, typed by hand) is ignored, as
        the referral form ignores one: the form opens, with nothing chosen from it."""
        bob = client_for(cast.bob)
        response = bob.get(reverse("plan-create") + "?barn=ikke-et-id&forloeb=123")
        assert response.status_code == 200
        assert response.context["form"].initial == {"owner": cast.bob.pk}
        # A whole id still chooses the child.
        response = bob.get(reverse("plan-create") + f"?barn={cast.mia.public_id}")
        assert response.context["form"].initial["child"] == cast.mia.pk

    def test_a_plan_for_no_one_is_refused_by_its_fields_in_danish(self, cast, client_for):
        """No child or course chosen and no weeks between follow-ups: each is said by its field,
        in words; the database's rule names ("plan_for_child_or_course") never reach the page."""
        response = client_for(cast.bob).post(
            reverse("plan-create"),
            {**plan_post(cast.plan_mia, follow_up_weeks=0), "owner": cast.bob.pk, "title": "Ny"},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Begrænsning" not in page and "plan_for_child_or_course" not in page
        assert "plan_follow_up_at_least_weekly_unit" not in page
        errors = response.context["form"].errors
        assert errors["child"] == ["Vælg enten et barn eller et forløb, som planen gælder."]
        assert errors["follow_up_weeks"] == [
            "Skriv, hvor mange uger der går mellem opfølgningerne (mindst 1)."
        ]
        assert "__all__" not in errors
        assert 'value="Deltager i samling"' in page  # what was typed is kept
        assert not ActionPlan.objects.filter(title="Ny").exists()

    def test_a_negative_number_of_weeks_gets_one_message_with_one_lower_bound(
        self, cast, client_for
    ):
        """Found in a QA pass: -5 weeks gave "at least 0" (the column's own bound) beside "at
        least 1" in one error. The field says its rule once."""
        response = client_for(cast.bob).post(
            reverse("plan-edit", args=[cast.plan_mia.public_id]),
            plan_post(cast.plan_mia, follow_up_weeks=-5),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["follow_up_weeks"] == [
            "Skriv, hvor mange uger der går mellem opfølgningerne (mindst 1)."
        ]
        assert "lig 0" not in response.content.decode()

    def test_an_edit_with_no_weeks_between_follow_ups_is_refused_by_the_field(
        self, cast, client_for
    ):
        response = client_for(cast.bob).post(
            reverse("plan-edit", args=[cast.plan_mia.public_id]),
            plan_post(cast.plan_mia, follow_up_weeks=0),
        )
        assert response.status_code == 200
        assert "Begrænsning" not in response.content.decode()
        assert list(response.context["form"].errors) == ["follow_up_weeks"]

    def test_every_agreement_has_an_owner(self, cast, client_for):
        response = client_for(cast.bob).post(
            reverse("plan-edit", args=[cast.plan_mia.public_id]),
            plan_post(cast.plan_mia, **{"agreements-0-owner": ""}),
        )
        assert "Hver aftale skal have en ansvarlig." in response.content.decode()

    def test_two_people_editing_the_second_is_refused_and_keeps_the_text(self, cast):
        bob, alice = Client(), Client()
        bob.force_login(cast.bob)
        alice.force_login(cast.alice)
        url = reverse("plan-edit", args=[cast.plan_mia.public_id])
        opened = plan_post(cast.plan_mia)  # both opened version 1
        assert (
            bob.post(url, {**opened, "strategies": "Billedstøtte og faste pladser"}).status_code
            == 302
        )
        response = alice.post(url, {**opened, "strategies": "Alices udgave af strategierne"})
        page = response.content.decode()
        assert (
            response.status_code == 200 and "Nogen har gemt ændringer, mens du redigerede" in page
        )
        assert "Alices udgave af strategierne" in page  # kept in the form
        # What Bob changed is named; free text is not repeated in the conflict summary.
        assert "Pædagogiske strategier og metoder" in page
        assert "Billedstøtte og faste pladser" not in page
        cast.plan_mia.refresh_from_db()
        assert cast.plan_mia.strategies == "Billedstøtte og faste pladser"
        assert cast.plan_mia.versions.count() == 2

    def test_versions_are_never_overwritten_and_the_diff_shows_the_change(self, cast, client_for):
        first = cast.plan_mia.versions.get(number=1).snapshot
        services.adjustment_decide(actor=cast.bob, adjustment=cast.adjustment_mia, accept=True)
        assert cast.plan_mia.versions.get(number=1).snapshot == first
        response = client_for(cast.gert).get(
            reverse("plan-versions", args=[cast.plan_mia.public_id]), {"fra": 1, "til": 2}
        )
        changes = response.context["changes"]
        assert [c["field"] for c in changes] == ["agreements"]
        assert {"op": "added", "text": "Går efter 10 min – Sara"} in changes[0]["lines"]


class TestMeetingsAndAcknowledgements:
    def test_each_participant_acknowledges_or_objects(self, cast, client_for):
        meeting = cast.plan_meeting
        status = {
            row["user"].username: row["acknowledgement"]
            for row in selectors.acknowledgement_status(meeting)
        }
        assert status == {"bob": None, "gert": None, "sara": None}
        client_for(cast.gert).post(
            meeting.get_absolute_url(), {"action": "acknowledge", "answer": "agreed"}
        )
        response = client_for(cast.sara).post(
            meeting.get_absolute_url(), {"action": "acknowledge", "answer": "objected"}
        )
        assert "Skriv, hvad du ikke er enig i." in response.content.decode()
        client_for(cast.sara).post(
            meeting.get_absolute_url(),
            {
                "action": "acknowledge",
                "answer": "objected",
                "comment": "Samlingen er for lang for Mia",
            },
        )
        status = {
            row["user"].username: row["acknowledgement"]
            for row in selectors.acknowledgement_status(meeting)
        }
        assert status["gert"].answer == "agreed" and status["gert"].at is not None
        assert (
            status["sara"].answer == "objected"
            and status["sara"].comment == "Samlingen er for lang for Mia"
        )
        assert status["bob"] is None
        with pytest.raises(services.PlanRuleBroken, match="allerede kvitteret"):
            services.plan_meeting_acknowledge(actor=cast.gert, meeting=meeting, answer="agreed")
        with pytest.raises(services.PlanRuleBroken, match="Kun mødets deltagere"):
            services.plan_meeting_acknowledge(actor=cast.alice, meeting=meeting, answer="agreed")

    def test_waiting_acknowledgements_show_on_the_start_page(self, cast, client_for):
        page = client_for(cast.gert).get(reverse("start")).content.decode()
        assert "Kvittér for aftaler" in page and cast.plan_meeting.get_absolute_url() in page

    def test_a_parent_is_asked_to_acknowledge_but_shown_no_staff_follow_up_counter(
        self, cast, client_for
    ):
        """Gert is asked to acknowledge, but answers for no plan's follow-up: no "overdue
        follow-up" figure on his start page, while the staff who follow plans up keep it."""
        label = "Handleplaner med overskredet opfølgning"
        page = client_for(cast.gert).get(reverse("start")).content.decode()
        assert "Kvittér for aftaler" in page
        assert label not in page and 'data-testid="overdue-follow-ups"' not in page
        for user in (cast.bob, cast.sara, cast.alice):
            page = client_for(user).get(reverse("start")).content.decode()
            assert label in page and 'data-testid="overdue-follow-ups">0<' in page, user

    def test_a_participant_whose_access_ended_is_no_longer_asked_to_acknowledge(
        self, cast, ended, client_for
    ):
        """Mads moved to Elverhøj and Petra's attachment to Bøgely ended: both took part in
        the meeting, neither may see Mia's plan, so neither start page names it."""
        for user in (ended.mads, ended.petra):
            assert cast.plan_meeting.participants.filter(pk=user.pk).exists()
            assert not selectors.waiting_acknowledgements(user)
            page = client_for(user).get(reverse("start")).content.decode()
            assert "Kvittér for aftaler" not in page and cast.plan_mia.title not in page
            plan_list = client_for(user).get(reverse("plan-list"))
            assert cast.plan_mia.title not in plan_list.content.decode()

    def test_the_next_follow_up_follows_the_rule_and_overdue_shows(self, cast, client_for):
        assert selectors.next_follow_up(cast.plan_mia) == datetime.date(
            2026, 10, 1
        ) + datetime.timedelta(weeks=10)
        ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(follow_up_weeks=1)
        plans = client_for(cast.bob).get(reverse("plan-list")).context["plans"]
        assert [p.follow_up_overdue for p in plans] == [True]
        assert (
            'data-testid="overdue-follow-ups">1<'
            in client_for(cast.bob).get(reverse("start")).content.decode()
        )

    def test_at_a_follow_up_every_goal_gets_a_status(self, cast, client_for):
        follow_up = services.plan_meeting_schedule(
            actor=cast.bob, plan=cast.plan_mia, kind="follow_up", date=TODAY + datetime.timedelta(days=15),
            start_time=datetime.time(9), place="", participants=[cast.bob, cast.gert],
        )  # fmt: skip
        goal = cast.plan_mia.goals.get()
        client = client_for(cast.bob)
        response = client.post(
            follow_up.get_absolute_url(), {"action": "hold", "note": "Godt på vej"}
        )
        assert "Giv hvert mål en status." in response.content.decode()
        client.post(
            follow_up.get_absolute_url(),
            {
                "action": "hold",
                "note": "Godt på vej",
                f"goal-{goal.pk}-status": "partly",
                f"goal-{goal.pk}-note": "3 af 5",
            },
        )
        status = GoalStatus.objects.get(goal=goal)
        assert (status.status, status.note) == ("partly", "3 af 5")
        follow_up.refresh_from_db()
        assert follow_up.held and follow_up.agreed_version.number == 2
        assert selectors.next_follow_up(cast.plan_mia) == datetime.date(
            2026, 12, 10
        ) + datetime.timedelta(weeks=10)

    @pytest.mark.parametrize("days_before", [1, 30])
    def test_a_meeting_dated_before_the_plan_was_written_is_refused_by_the_date(
        self, cast, client_for, days_before
    ):
        written = timezone.localdate(cast.plan_mia.created_at)
        day = written - datetime.timedelta(days=days_before)
        url = reverse("plan-meeting-create", args=[cast.plan_mia.public_id])
        response = client_for(cast.bob).post(
            url,
            {
                "kind": "follow_up",
                "date": str(day),
                "start_time": "09:30",
                "place": "Bøgely, personalestuen",
                "participants": [cast.bob.pk, cast.sara.pk],
            },
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors == {
            "date": [
                f"Mødet kan ikke ligge før handleplanen blev oprettet ({short_date(written)})."
            ]
        }
        page = response.content.decode()
        assert f'value="{day}"' in page and 'value="Bøgely, personalestuen"' in page
        assert cast.plan_mia.meetings.count() == 1  # the cast's first meeting only

    def test_a_meeting_on_the_day_the_plan_was_written_is_accepted(self, cast):
        written = timezone.localdate(cast.plan_mia.created_at)
        meeting = services.plan_meeting_schedule(
            actor=cast.bob, plan=cast.plan_mia, kind="follow_up", date=written,
            start_time=datetime.time(9), place="", participants=[cast.bob],
        )  # fmt: skip
        assert meeting.date == written


def next_christmas_day() -> datetime.date:
    christmas = datetime.date(TODAY.year, 12, 25)
    return christmas if christmas > TODAY else christmas.replace(year=TODAY.year + 1)


def follow_up_due_at_christmas(cast) -> datetime.date:
    """The cast's plan, its last meeting held its interval before Christmas Day: the day the
    follow-up falls due is a public holiday. Christmas Day returned."""
    christmas = next_christmas_day()
    weeks = cast.plan_mia.follow_up_weeks
    cast.plan_meeting.__class__.objects.filter(pk=cast.plan_meeting.pk).update(
        date=christmas - datetime.timedelta(weeks=weeks)
    )
    return christmas


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo("Europe/Copenhagen"))


class TestFollowUpsOffPublicHolidays:
    def test_a_follow_up_due_on_christmas_day_moves_to_the_next_working_day(self, cast, client_for):
        """Proposed in the meeting form and shown on the plan as the day after the Christmas
        holidays (and any weekend after them), not on a day the institution is closed."""
        christmas = follow_up_due_at_christmas(cast)
        due = selectors.next_follow_up(cast.plan_mia)
        assert due > christmas and due.weekday() < 5
        between = [christmas + datetime.timedelta(days=n) for n in range((due - christmas).days)]
        assert all(d in holidays.Denmark(years=d.year) or d.weekday() > 4 for d in between)
        assert due not in holidays.Denmark(years=due.year)
        client = client_for(cast.bob)
        form = client.get(reverse("plan-meeting-create", args=[cast.plan_mia.public_id]))
        assert f'value="{due}"' in form.content.decode()
        plan_page = client.get(cast.plan_mia.get_absolute_url()).content.decode()
        assert f"næste senest {date_format(due, 'j.n.Y')}" in plan_page

    def test_the_plan_list_the_start_page_and_the_report_agree_when_it_is_overdue(
        self, cast, client_for
    ):
        """On Christmas Day and the days the deadline moved over, the plan is not overdue
        anywhere; the day after the moved deadline it is overdue everywhere."""
        christmas = follow_up_due_at_christmas(cast)
        due = selectors.next_follow_up(cast.plan_mia)
        from inklusio.reports.registry import build_table

        for day, overdue in [
            (christmas, False),
            (due - datetime.timedelta(days=1), False),
            (due, False),
            (due + datetime.timedelta(days=1), True),
        ]:
            with time_machine.travel(at_noon(day)):
                client = client_for(cast.bob)
                plans = client.get(reverse("plan-list")).context["plans"]
                start = client.get(reverse("start")).content.decode()
                table = build_table("plans-follow-up", cast.ishoj).rows
            assert [p.follow_up_overdue for p in plans] == [overdue], day
            assert f'data-testid="overdue-follow-ups">{int(overdue)}<' in start, day
            assert table == [["Bøgely", 1, int(overdue)]], day

    def test_a_meeting_typed_on_new_years_day_is_refused_by_the_date(self, cast, client_for):
        new_year = datetime.date(TODAY.year + 1, 1, 1)
        response = client_for(cast.bob).post(
            reverse("plan-meeting-create", args=[cast.plan_mia.public_id]),
            {
                "kind": "follow_up",
                "date": str(new_year),
                "start_time": "09:30",
                "place": "Bøgely, personalestuen",
                "participants": [cast.bob.pk, cast.sara.pk],
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "date": [f"1.1.{new_year.year} er nytårsdag – vælg en anden dag."]
        }
        page = response.content.decode()
        assert f'value="{new_year}"' in page and 'value="Bøgely, personalestuen"' in page
        assert cast.plan_mia.meetings.count() == 1  # the cast's first meeting only

    def test_the_holiday_is_said_with_the_forms_other_errors_at_once(self, cast, client_for):
        new_year = datetime.date(TODAY.year + 1, 1, 1)
        response = client_for(cast.bob).post(
            reverse("plan-meeting-create", args=[cast.plan_mia.public_id]),
            {"kind": "follow_up", "date": str(new_year), "start_time": "09:30"},
        )
        assert response.status_code == 200
        assert sorted(response.context["form"].errors) == ["date", "participants"]

    def test_the_service_refuses_a_holiday_too(self, cast):
        """For every caller, not only the form (the demo, a future API)."""
        christmas = next_christmas_day()
        with pytest.raises(services.PlanRuleBroken) as refused:
            services.plan_meeting_schedule(
                actor=cast.bob, plan=cast.plan_mia, kind="follow_up", date=christmas,
                start_time=datetime.time(9), place="", participants=[cast.bob],
            )  # fmt: skip
        assert refused.value.field == "date"
        assert str(refused.value) == f"{short_date(christmas)} er juledag – vælg en anden dag."
        assert cast.plan_mia.meetings.count() == 1


class TestAdjustments:
    def test_a_participant_proposes_and_the_owner_accepts_without_a_meeting(self, cast, client_for):
        client_for(cast.gert).post(
            reverse("plan-adjust", args=[cast.plan_mia.public_id]),
            {
                "reason": "Mia sover dårligt",
                "agreement_text": "Rolig stund efter frokost",
                "agreement_owner": "Stuen",
            },
        )
        proposal = Adjustment.objects.get(reason="Mia sover dårligt")
        assert proposal.status == "proposed" and proposal.proposed_by == cast.gert
        assert (
            client_for(cast.gert)
            .post(reverse("adjustment-decide", args=[proposal.public_id]), {"accept": "1"})
            .status_code
            == 404
        )
        client_for(cast.bob).post(
            reverse("adjustment-decide", args=[proposal.public_id]), {"accept": "1"}
        )
        proposal.refresh_from_db()
        assert proposal.status == "accepted" and proposal.version.reason == "Mia sover dårligt"
        assert "Rolig stund efter frokost" in cast.plan_mia.agreements.values_list(
            "text", flat=True
        )
        assert proposal in selectors.adjustments_for_next_meeting(cast.plan_mia)

    def test_the_plan_page_shows_what_the_follow_up_will_go_through(self, cast, client_for):
        """The page reads the meetings once and counts from the last one held: what it shows
        is what `next_follow_up` and `adjustments_for_next_meeting` say on their own."""
        Adjustment.objects.create(
            municipality=cast.ishoj, plan=cast.plan_mia, proposed_by=cast.sara, reason="Åben"
        )

        def accepted(reason: str, days_ago: int) -> Adjustment:
            return Adjustment.objects.create(
                municipality=cast.ishoj,
                plan=cast.plan_mia,
                proposed_by=cast.gert,
                reason=reason,
                status=Adjustment.Status.ACCEPTED,
                decided_by=cast.bob,
                decided_at=timezone.now() - datetime.timedelta(days=days_ago),
            )

        before_meeting = accepted("Godkendt før mødet", days_ago=90)
        since_meeting = accepted("Godkendt siden mødet", days_ago=0)
        held = list(cast.plan_mia.meetings.filter(held=True).values_list("date", flat=True))
        assert held and max(held) < TODAY  # the fixture's held meeting lies between the two

        context = client_for(cast.bob).get(cast.plan_mia.get_absolute_url()).context
        proposed = Adjustment.objects.filter(plan=cast.plan_mia, status="proposed")
        assert set(context["proposals"]) == set(proposed) and "Åben" in {
            a.reason for a in context["proposals"]
        }
        assert context["for_next_meeting"] == list(
            selectors.adjustments_for_next_meeting(cast.plan_mia)
        )
        assert context["for_next_meeting"] == [since_meeting]
        assert before_meeting not in context["for_next_meeting"]
        assert context["next_follow_up"] == selectors.next_follow_up(cast.plan_mia)

        cast.plan_mia.meetings.update(held=False)
        context = client_for(cast.bob).get(cast.plan_mia.get_absolute_url()).context
        assert set(context["for_next_meeting"]) == {before_meeting, since_meeting}
        assert context["next_follow_up"] == selectors.next_follow_up(cast.plan_mia)

    def test_a_proposal_must_change_something(self, cast):
        with pytest.raises(services.PlanRuleBroken, match="Foreslå nye strategier"):
            services.adjustment_propose(actor=cast.sara, plan=cast.plan_mia, reason="Intet")


NEEDS_EVALUATION = "Skriv en evaluering, og angiv om metoderne er blevet en del af hverdagen."


class TestClosingPrintAndCalendar:
    def test_closing_needs_an_evaluation_of_everyday_practice(self, cast, client_for):
        url = reverse("plan-close", args=[cast.plan_mia.public_id])
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.bob).post(url, {"evaluation": "  "})
        assert response.status_code == 200 and NEEDS_EVALUATION in response.content.decode()
        assert written == []
        client_for(cast.bob).post(
            url, {"evaluation": "Mia deltager nu i samling.", "methods_in_practice": "yes"}
        )
        cast.plan_mia.refresh_from_db()
        assert cast.plan_mia.is_closed and cast.plan_mia.methods_in_practice == "yes"
        assert cast.plan_mia.evaluation == "Mia deltager nu i samling."
        assert cast.plan_mia.closed_on == TODAY

    @pytest.mark.parametrize(
        ("evaluation", "methods_in_practice"),
        [("", "yes"), ("   ", "yes"), ("Mia deltager nu.", ""), ("Mia deltager nu.", "maybe")],
    )
    def test_the_service_refuses_a_close_without_an_evaluation(
        self, cast, evaluation, methods_in_practice
    ):
        with new_audit_rows() as written, pytest.raises(services.PlanRuleBroken) as refused:
            services.plan_close(
                actor=cast.bob,
                plan=cast.plan_mia,
                evaluation=evaluation,
                methods_in_practice=methods_in_practice,
            )
        assert str(refused.value) == NEEDS_EVALUATION
        cast.plan_mia.refresh_from_db()
        assert not cast.plan_mia.is_closed and cast.plan_mia.closed_on is None
        assert written == []

    def test_a_closed_plan_is_closed_once_and_takes_no_more_changes(self, cast):
        services.plan_close(
            actor=cast.bob, plan=cast.plan_mia, evaluation="Godt", methods_in_practice="partly"
        )
        with new_audit_rows() as written:
            with pytest.raises(services.PlanRuleBroken, match=r"^Planen er allerede afsluttet\.$"):
                services.plan_close(
                    actor=cast.bob, plan=cast.plan_mia, evaluation="Igen", methods_in_practice="no"
                )
            with pytest.raises(services.PlanRuleBroken, match=r"^Planen er afsluttet\.$"):
                services.adjustment_propose(
                    actor=cast.sara, plan=cast.plan_mia, reason="Sent", strategies="Nyt"
                )
            with pytest.raises(services.PlanRuleBroken, match=r"^Planen er afsluttet\.$"):
                services.plan_meeting_schedule(
                    actor=cast.bob, plan=cast.plan_mia, kind="follow_up", date=TODAY,
                    start_time=datetime.time(9), place="", participants=[cast.bob],
                )  # fmt: skip
            # An edit form opened before the plan was closed is saved afterwards.
            with pytest.raises(
                services.PlanRuleBroken, match=r"^Planen er afsluttet og kan ikke ændres\.$"
            ):
                services.plan_update(
                    actor=cast.bob, plan=cast.plan_mia, data={"strategies": "Nyt"},
                    goals=[{"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}],
                    agreements=[], expected_version=cast.plan_mia.version,
                )  # fmt: skip
        assert written == []
        cast.plan_mia.refresh_from_db()
        assert cast.plan_mia.evaluation == "Godt"

    def test_the_administrator_sees_the_close_in_the_audit_log(self, cast, client_for):
        url = reverse("plan-close", args=[cast.plan_mia.public_id])
        with new_audit_rows(writes_only=True) as written:
            client_for(cast.bob).post(
                url, {"evaluation": "Mia deltager nu i samling.", "methods_in_practice": "yes"}
            )
        [entry] = written
        assert (entry.action, entry.object_type, entry.actor) == ("change", "actionplan", cast.bob)
        assert entry.child_id == cast.mia.public_id
        assert entry.changes == {"status": {"before": "active", "after": "closed"}}
        page = client_for(cast.alice).get(reverse("audit-log")).content.decode()
        assert "Handleplan Mias handleplan" in page and "status: Aftalt → Afsluttet" in page

    def test_the_plan_prints_as_a_danish_pdf(self, cast, client_for):
        response = client_for(cast.gert).get(reverse("plan-pdf", args=[cast.plan_mia.public_id]))
        text = " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
        ).replace("\n", " ")
        for expected in (
            "Handleplan: Mias handleplan",
            "Deltager i samling",
            "4 af 5 dage",
            "Laver dagsprogram",
            "Stuens pædagoger",
        ):
            assert expected in text, expected

    def test_a_meeting_downloads_as_icalendar(self, cast, client_for):
        response = client_for(cast.gert).get(
            reverse("plan-meeting-ics", args=[cast.plan_meeting.public_id])
        )
        event = Calendar.from_ical(response.content).walk("VEVENT")[0]
        assert event["DTSTART"].dt.isoformat() == "2026-10-01T09:00:00+02:00"
        assert str(event["LOCATION"]) == "Bøgely"
        assert "Mia" not in str(event["SUMMARY"])  # no child names in calendars

    def test_guardians_and_partners_see_only_their_childrens_plans(self, cast, client_for):
        emil_plan = services.plan_create(
            actor=cast.carl,
            data={
                "child": cast.emil,
                "owner": cast.carl,
                "title": "Emils plan",
                "problem": "-",
                "strategies": "-",
                "duration": "-",
            },
            goals=[{"text": "Mål", "success_criterion": "Kriterium"}],
            agreements=[],
        )
        for user in (cast.gert, cast.pia, cast.sara):
            titles = [p.title for p in client_for(user).get(reverse("plan-list")).context["plans"]]
            assert titles == ["Mias handleplan"], user
        assert client_for(cast.gert).get(emil_plan.get_absolute_url()).status_code == 404


def test_plans_with_overdue_follow_ups_are_counted_per_institution(cast):
    from inklusio.reports.registry import build_table

    ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(follow_up_weeks=520)
    assert build_table("plans-follow-up", cast.ishoj).rows == [["Bøgely", 1, 0]]
    ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(follow_up_weeks=1)
    assert build_table("plans-follow-up", cast.ishoj).rows == [["Bøgely", 1, 1]]


def _open_meeting(cast):
    return services.plan_meeting_schedule(
        actor=cast.bob, plan=cast.plan_mia, kind="initial", date=TODAY,
        start_time=datetime.time(9), place="Bøgely", participants=[cast.bob, cast.gert],
    )  # fmt: skip


# Each change a user makes on the plan pages: who posts, where, what (built from the cast).
PAGE_CHANGES = {
    "create": lambda cast: (
        cast.carl,
        reverse("plan-create"),
        {**plan_post(cast.plan_mia), "child": cast.emil.pk, "owner": cast.carl.pk},
        "create",
    ),
    "edit": lambda cast: (
        cast.bob,
        reverse("plan-edit", args=[cast.plan_mia.public_id]),
        plan_post(cast.plan_mia, strategies="Faste pladser"),
        "change",
    ),
    "propose": lambda cast: (
        cast.gert,
        reverse("plan-adjust", args=[cast.plan_mia.public_id]),
        {"reason": "Sover dårligt", "agreement_text": "Rolig stund", "agreement_owner": "Stuen"},
        "create",
    ),
    "decide": lambda cast: (
        cast.bob,
        reverse("adjustment-decide", args=[cast.adjustment_mia.public_id]),
        {"accept": "1"},
        "change",
    ),
    "schedule": lambda cast: (
        cast.bob,
        reverse("plan-meeting-create", args=[cast.plan_mia.public_id]),
        {
            "kind": "follow_up",
            "date": str(TODAY + datetime.timedelta(days=7)),
            "start_time": "09:00",
            "place": "Bøgely",
            "participants": [cast.bob.pk, cast.gert.pk],
        },
        "create",
    ),
    "hold": lambda cast: (
        cast.bob,
        _open_meeting(cast).get_absolute_url(),
        {"action": "hold", "note": "Alle enige"},
        "change",
    ),
    "acknowledge": lambda cast: (
        cast.gert,
        cast.plan_meeting.get_absolute_url(),
        {"action": "acknowledge", "answer": "agreed"},
        "change",
    ),
    "close": lambda cast: (
        cast.bob,
        reverse("plan-close", args=[cast.plan_mia.public_id]),
        {"evaluation": "Mia deltager nu.", "methods_in_practice": "yes"},
        "change",
    ),
}


@pytest.mark.parametrize("change", sorted(PAGE_CHANGES))
def test_every_change_on_the_plan_pages_writes_one_audit_row(change, cast, client_for):
    user, url, data, action = PAGE_CHANGES[change](cast)
    with new_audit_rows(writes_only=True) as written:
        response = client_for(user).post(url, data)
    assert response.status_code == 302, change
    [entry] = written
    assert (entry.action, entry.object_type, entry.actor) == (action, "actionplan", user)
    child = cast.emil if change == "create" else cast.mia
    assert entry.child_id == child.public_id

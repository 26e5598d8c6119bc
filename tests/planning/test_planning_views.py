"""Corps planning as the corps leader, a pedagogue and an institution leader meet it."""

import datetime
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from inklusio.meetings.models import ConsultativeMeeting
from inklusio.organisation.models import Institution
from inklusio.people.models import Role, User
from inklusio.planning import problem, services
from inklusio.planning.models import Absence, CalendarFeed, PlanSlot, WeeklyPlan
from tests.inline_forms import shown_form
from tests.planning.conftest import MONDAY


def slots_of(plan, **filters):
    return list(PlanSlot.objects.filter(plan=plan, **filters))


class TestPlanWeek:
    def test_the_solver_plan_meets_demand_within_the_hard_rules(self, corps):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        assert plan.solver_status in {"OPTIMAL", "FEASIBLE"}
        # Bøgely (120 children, large) needs 6 resource half-days, Elverhøj (80, small) needs 3.
        assert len(slots_of(plan, institution=corps.boegely, function="resource")) == 6
        assert len(slots_of(plan, institution=corps.elverhoej, function="resource")) == 3
        # Mia's granted support pedagogue (10–12 hours) is covered by one pedagogue, at Bøgely.
        support = slots_of(plan, function="support")
        assert len(support) >= 3
        assert {(s.institution, s.child) for s in support} == {(corps.boegely, corps.mia)}
        assert len({s.pedagogue for s in support}) == 1
        for slot in slots_of(plan):
            assert (slot.day, slot.half) != (1, 1), (
                "the centre meeting (Tuesday afternoon) is kept free"
            )
        for pedagogue in (corps.bob, corps.pete):
            pedagogue_slots = slots_of(plan, pedagogue=pedagogue)
            assert len(pedagogue_slots) <= 9
            assert len({(s.day, s.half) for s in pedagogue_slots}) == len(pedagogue_slots)
            functions = {}
            for slot in pedagogue_slots:
                functions.setdefault(slot.institution_id, set()).add(slot.function)
            assert all(len(f) == 1 for f in functions.values()), "never both functions in one place"

    def test_holidays_and_absences_are_respected(self, corps):
        Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.bob,
            start=MONDAY,
            end=MONDAY + datetime.timedelta(days=1),
            kind=Absence.Kind.ILLNESS,
            created_by=corps.cora,
        )
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        assert not [s for s in slots_of(plan, pedagogue=corps.bob) if s.day in (0, 1)]
        # Christmas Day 2026 (juledag) is a Friday.
        christmas = services.plan_week(
            actor=corps.cora, week_start=datetime.date(2026, 12, 21), time_limit_s=5
        )
        assert slots_of(christmas) and not [s for s in slots_of(christmas) if s.day == 4]

    def test_shortage_is_explained_in_hours_and_places_not_as_a_solver_error(
        self, corps, client_for
    ):
        for index in range(6):
            Institution.objects.create(
                municipality=corps.ishoj, name=f"Stor {index}", kind="integrated", size=150
            )
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        assert plan.shortage, "demand 6×6+6+3 = 45 half-days exceeds 2×9 = 18"
        whole = next(f for f in plan.shortage if f["scope"] == "municipality")
        # Mia's support pedagogue adds 3 half-days to the 45.
        assert whole["missing_hours"] == pytest.approx((45 + 3 - 18) * 3.5)
        assert whole["where"] == "Hele kommunen"
        page = client_for(corps.cora).get(plan.get_absolute_url()).content.decode()
        assert "der mangler" in page and "Behovet er større end korpsets kapacitet" in page

    def test_a_week_must_start_on_monday_through_the_form(self, corps, client_for):
        client = client_for(corps.cora)
        response = client.post(
            reverse("planning-overview"), {"week_start": "2026-12-02", "time_limit": 5}
        )
        plan = WeeklyPlan.objects.exclude(pk=corps.plan.pk).get()
        assert response["Location"] == plan.get_absolute_url()
        assert plan.week_start == MONDAY

    def test_a_corps_without_pedagogues_is_not_planned(self, cast, client_for):
        User.objects.filter(municipality=cast.ishoj, role=Role.PEDAGOGUE).update(is_active=False)
        response = client_for(cast.cora).post(
            reverse("planning-overview"), {"week_start": MONDAY.isoformat(), "time_limit": 5}
        )
        assert response.context["form"].non_field_errors() == [
            "Der er ingen pædagoger i korpset at planlægge for."
        ]
        assert not WeeklyPlan.objects.exclude(pk=cast.plan.pk).exists()


class TestReplan:
    """The absence form of the weekly plan's page."""

    def post(self, cast, data):
        url = reverse("planning-replan", args=[cast.plan.public_id])
        return url, self.client.post(url, data)

    @pytest.fixture(autouse=True)
    def signed_in(self, cast, client_for):
        self.client = client_for(cast.cora)

    def test_an_absence_is_covered_by_the_smallest_change_or_listed_as_lost(self, corps):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        bob_monday = [s for s in slots_of(plan, pedagogue=corps.bob) if s.day == 0]
        absent = frozenset((s.day, s.half) for s in bob_monday) or frozenset({(0, 0)})
        revision = services.replan_absence(
            actor=corps.cora, plan=plan, pedagogue=corps.bob, slots=absent, kind="illness"
        )
        plan.refresh_from_db()
        assert plan.status == WeeklyPlan.Status.REPLACED
        assert revision.based_on == plan
        assert not [s for s in slots_of(revision, pedagogue=corps.bob) if (s.day, s.half) in absent]
        untouched_before = {
            (s.pedagogue_id, s.day, s.half, s.institution_id)
            for s in slots_of(plan)
            if not (s.pedagogue_id == corps.bob.pk and (s.day, s.half) in absent)
        }
        after = {(s.pedagogue_id, s.day, s.half, s.institution_id) for s in slots_of(revision)}
        assert untouched_before <= after, "nothing outside the absent half-days changes"
        covered = len(after - untouched_before)
        assert covered + len(revision.lost) == len(bob_monday)
        assert revision.pairs_changed == 0
        assert Absence.objects.filter(pedagogue=corps.bob, kind="illness").count() == len(absent)

    def test_no_half_day_chosen_comes_back_by_the_field_with_the_choices_kept(self, cast):
        url, response = self.post(cast, {"pedagogue": cast.bob.pk, "kind": "illness"})
        assert response.status_code == 200
        form = shown_form(response.content.decode(), url)
        assert form.errors == {"slots": "Vælg mindst én halv dag."}
        assert form.focused == {"slots"}  # brought into view, below the grids
        assert form.values["pedagogue"] == [str(cast.bob.pk)]
        assert form.values["kind"] == ["illness"]
        assert not Absence.objects.exists()
        assert WeeklyPlan.objects.get(pk=cast.plan.pk).status != WeeklyPlan.Status.REPLACED

    def test_a_refusal_of_the_service_is_shown_above_the_form_with_the_choices_kept(
        self, cast, monkeypatch
    ):
        def refuse(**_kwargs):
            raise services.PlanningError("Planen er allerede erstattet af en nyere udgave.")

        monkeypatch.setattr(services, "replan_absence", refuse)
        url, response = self.post(
            cast, {"pedagogue": cast.bob.pk, "kind": "course", "slots": ["0-0", "2-1"]}
        )
        assert response.status_code == 200
        form = shown_form(response.content.decode(), url)
        assert form.alerts == ["Planen er allerede erstattet af en nyere udgave."]
        assert form.focused == {"pedagogue"}  # the form's first field, below the grids
        assert form.values["slots"] == ["0-0", "2-1"]
        assert form.values["kind"] == ["course"]

    def test_a_chosen_absence_is_replanned_and_goes_to_the_new_version(self, cast):
        _url, response = self.post(
            cast, {"pedagogue": cast.bob.pk, "kind": "illness", "slots": ["0-0"]}
        )
        revision = WeeklyPlan.objects.get(based_on=cast.plan)
        assert response.status_code == 302
        assert response["Location"] == revision.get_absolute_url()


class TestManualEdits:
    def test_a_manual_edit_is_locked_and_kept_when_solving_again(self, corps, client_for):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        client = client_for(corps.cora)
        response = client.post(
            reverse("planning-slot-edit", args=[plan.public_id]),
            {
                "pedagogue": corps.pete.pk,
                "slot": "4-1",
                "institution": corps.elverhoej.pk,
                "function": "resource",
                "version": plan.version,
            },
        )
        assert response.status_code == 302
        locked = PlanSlot.objects.get(plan=plan, pedagogue=corps.pete, day=4, half=1)
        assert locked.locked and locked.institution == corps.elverhoej
        client.post(reverse("planning-resolve", args=[plan.public_id]))
        revision = WeeklyPlan.objects.get(based_on=plan)
        kept = PlanSlot.objects.get(plan=revision, pedagogue=corps.pete, day=4, half=1)
        assert kept.institution == corps.elverhoej and kept.locked

    def test_both_functions_in_one_institution_is_refused_with_a_reason(self, corps, client_for):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        client = client_for(corps.cora)
        response = client.post(
            reverse("planning-slot-edit", args=[plan.public_id]),
            {
                "pedagogue": corps.bob.pk,
                "slot": "0-0",
                "institution": corps.boegely.pk,
                "function": "support",
                "version": plan.version,
            },
            follow=True,
        )
        assert "kan ikke have begge funktioner" in response.content.decode()

    def test_a_fourth_institution_in_the_week_is_refused_but_a_swap_within_three_is_not(
        self, corps, client_for
    ):
        """The three-institution limit holds for the corps leader's manual edits too."""
        third, fourth = (
            Institution.objects.create(
                municipality=corps.ishoj, name=name, kind="integrated", size=40
            )
            for name in ("Tusindfryd", "Mælkebøtten")
        )
        client = client_for(corps.cora)

        def edit(slot, institution):
            return client.post(
                reverse("planning-slot-edit", args=[corps.plan.public_id]),
                {
                    "pedagogue": corps.pete.pk,
                    "slot": slot,
                    "institution": institution.pk,
                    "function": "resource",
                    "version": WeeklyPlan.objects.get(pk=corps.plan.pk).version,
                },
                follow=True,
            )

        for slot, institution in (("0-0", corps.elverhoej), ("0-1", corps.boegely), ("2-0", third)):
            assert "Ændringen er gemt" in edit(slot, institution).content.decode()
        refused = edit("3-0", fourth)
        assert "En pædagog kan højst være i tre institutioner om ugen." in refused.content.decode()
        assert not PlanSlot.objects.filter(plan=corps.plan, pedagogue=corps.pete, day=3).exists()
        # Moving the half-day at the third institution to the fourth keeps him in three.
        assert "Ændringen er gemt" in edit("2-0", fourth).content.decode()
        where = PlanSlot.objects.filter(plan=corps.plan, pedagogue=corps.pete)
        assert {s.institution for s in where} == {corps.elverhoej, corps.boegely, fourth}

    def test_an_absent_half_day_is_refused_by_the_half_day_with_what_was_typed(
        self, corps, client_for
    ):
        """Pete is ill all Friday: the form says so by the half-day and keeps his choices."""
        friday = corps.plan.day(4)
        Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.pete,
            start=friday,
            end=friday,
            kind=Absence.Kind.ILLNESS,
            created_by=corps.cora,
        )
        url = reverse("planning-slot-edit", args=[corps.plan.public_id])
        response = client_for(corps.cora).post(
            url,
            {
                "pedagogue": corps.pete.pk,
                "slot": "4-1",
                "institution": corps.elverhoej.pk,
                "function": "resource",
                "version": corps.plan.version,
            },
        )
        assert response.status_code == 200
        form = shown_form(response.content.decode(), f"{url}#ret-halv-dag")
        assert form.errors["slot"] == (
            "Fredag eftermiddag er Pete Testesen registreret som fraværende. Slet fraværet "
            "først, hvis Pete Testesen alligevel skal planlægges i en institution."
        )
        assert (form.value("pedagogue"), form.value("slot"), form.value("institution")) == (
            str(corps.pete.pk),
            "4-1",
            str(corps.elverhoej.pk),
        )
        assert not slots_of(corps.plan, pedagogue=corps.pete)


class TestWhoSeesWhat:
    def test_an_institution_leader_sees_only_their_institutions_row(self, corps, client_for):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        services.plan_publish(actor=corps.cora, plan=plan)
        grids = client_for(corps.carl).get(plan.get_absolute_url()).context["grids"]
        assert [row.label for row in grids["institutions"]] == ["Elverhøj"]
        assert all("Bob" not in str(row.cells) for row in grids["pedagogues"])

    def test_a_pedagogue_sees_their_own_row(self, corps, client_for):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        services.plan_publish(actor=corps.cora, plan=plan)
        grids = client_for(corps.pete).get(plan.get_absolute_url()).context["grids"]
        # Pete works this week, so his row is there; colleagues' rows only for the half-days
        # they spend in an institution Pete is attached to (Elverhøj).
        assert slots_of(plan, pedagogue=corps.pete)
        labels = [row.label for row in grids["pedagogues"]]
        colleagues_at_elverhoej = {
            str(s.pedagogue) for s in slots_of(plan, institution=corps.elverhoej)
        }
        assert sorted(labels) == sorted(colleagues_at_elverhoej | {str(corps.pete)})
        where_pete_works = {s.institution.name for s in slots_of(plan, pedagogue=corps.pete)}
        assert {row.label for row in grids["institutions"]} <= where_pete_works

    def test_how_the_week_was_calculated_is_shown_only_to_those_who_plan(self, corps, client_for):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=5)
        services.plan_publish(actor=corps.cora, plan=plan)
        calculation = ("Løsning", "Ændrede pædagog–institution-par")
        for planner in (corps.cora, corps.alice):
            page = client_for(planner).get(plan.get_absolute_url()).content.decode()
            assert all(label in page for label in calculation), planner
            assert "<dt>Fordeling</dt>" in page
        for reader in (corps.carl, corps.pete):
            page = client_for(reader).get(plan.get_absolute_url()).content.decode()
            # The hours by function are of the half-days the reader is shown, and say so.
            assert "<dt>Fordeling i det viste</dt>" in page
            assert not any(label in page for label in calculation), reader


class TestPlanPage:
    """Corps leaders read the week off the page: who is away, the centre meeting, the status."""

    def week_with_pete_ill_on_monday(self, corps):
        PlanSlot.objects.create(
            municipality=corps.ishoj,
            plan=corps.plan,
            pedagogue=corps.pete,
            day=2,
            half=0,
            institution=corps.elverhoej,
            function="resource",
        )
        Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.pete,
            start=MONDAY,
            end=MONDAY,
            kind=Absence.Kind.ILLNESS,
            created_by=corps.cora,
        )
        WeeklyPlan.objects.filter(pk=corps.plan.pk).update(solver_status="OPTIMAL")

    def row(self, response, pedagogue):
        [row] = [r for r in response.context["grids"]["pedagogues"] if r.label == str(pedagogue)]
        return row

    def test_an_absent_pedagogue_stays_in_the_grid_with_the_absence(self, corps, client_for):
        self.week_with_pete_ill_on_monday(corps)
        response = client_for(corps.cora).get(corps.plan.get_absolute_url())
        pete = self.row(response, corps.pete)
        assert pete.cells[0] == pete.cells[1] == ["Fravær: Sygdom"]
        assert pete.cells[4] == ["Elverhøj (R)"]
        # Bob has nothing planned this week, yet the corps leader still sees him.
        assert self.row(response, corps.bob).cells[0] == []

    def test_the_centre_meeting_is_named_and_the_status_is_in_danish(self, corps, client_for):
        self.week_with_pete_ill_on_monday(corps)
        response = client_for(corps.cora).get(corps.plan.get_absolute_url())
        # The demand rule puts the centre meeting on Tuesday afternoon (slot 3).
        assert self.row(response, corps.pete).cells[3] == ["Centermøde"]
        page = response.content.decode()
        assert "Den bedst mulige plan (bevist)" in page and "OPTIMAL" not in page

    def test_an_institution_leader_sees_their_pedagogue_away_all_week(self, corps, client_for):
        Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.pete,
            start=MONDAY,
            end=MONDAY + datetime.timedelta(days=4),
            kind=Absence.Kind.HOLIDAY,
            created_by=corps.cora,
        )
        services.plan_publish(actor=corps.cora, plan=corps.plan)
        response = client_for(corps.carl).get(corps.plan.get_absolute_url())
        assert self.row(response, corps.pete).cells == [["Fravær"]] * 10
        assert "Bob" not in str(response.context["grids"]["pedagogues"])

    def test_an_institution_leader_sees_the_absence_but_not_its_reason(self, corps, client_for):
        self.week_with_pete_ill_on_monday(corps)
        services.plan_publish(actor=corps.cora, plan=corps.plan)
        response = client_for(corps.carl).get(corps.plan.get_absolute_url())
        assert self.row(response, corps.pete).cells[0] == ["Fravær"]
        assert "Sygdom" not in response.content.decode()


class TestContract:
    def test_hours_that_do_not_add_up_are_refused_and_kept(self, corps, client_for):
        url = corps.contract_bob.get_absolute_url()
        response = client_for(corps.cora).post(
            url,
            {
                "weekly_hours": "37",
                "institution_hours": "33",
                "centre_meeting_hours": "2.5",
                "action_learning_hours": "1",
                "other_hours": "1.5",
                "support_share_percent": "33",
                "version": "1",
            },
        )
        assert response.status_code == 200
        assert (
            "Timerne går ikke op: 38,0 timer fordelt, men ugen har 37 timer."
            in response.content.decode()
        )
        assert 'value="33"' in response.content.decode()

    def contract_post(self, client, url, **changes):
        data = {
            "weekly_hours": "37",
            "institution_hours": "30",
            "centre_meeting_hours": "4.5",
            "action_learning_hours": "1",
            "other_hours": "1.5",
            "support_share_percent": "40",
            "version": "1",
        }
        return client.post(url, {**data, **changes})

    def test_a_contract_is_saved_through_the_page(self, corps, client_for):
        url = corps.contract_bob.get_absolute_url()
        response = self.contract_post(client_for(corps.cora), url)
        assert response.status_code == 302
        corps.contract_bob.refresh_from_db()
        assert (corps.contract_bob.institution_hours, corps.contract_bob.version) == (30, 2)
        assert corps.contract_bob.support_share_percent == 40

    def test_a_save_over_someone_elses_change_is_refused_and_keeps_the_typed_numbers(
        self, corps, client_for
    ):
        """Cora and a colleague both opened version 1; Cora saved first."""
        url = corps.contract_bob.get_absolute_url()
        client = client_for(corps.cora)
        self.contract_post(client, url)
        late = self.contract_post(client, url, institution_hours="28", other_hours="3.5")
        page = late.content.decode()
        assert late.status_code == 200
        assert "Nogen har gemt ændringer, mens du redigerede" in page
        assert 'value="28"' in page and 'value="3.5"' in page
        assert 'name="version" value="2"' in page, "saving again is based on the newest version"
        corps.contract_bob.refresh_from_db()
        assert corps.contract_bob.institution_hours == 30


class TestAbsence:
    def absence_post(self, client, url, **changes):
        data = {
            "absence-start": MONDAY.isoformat(),
            "absence-end": (MONDAY + datetime.timedelta(days=2)).isoformat(),
            "absence-part": "day",
            "absence-kind": "course",
            "absence-note": "Kursus i ICDP",
        }
        return client.post(url, {**data, **changes})

    def test_an_absence_is_registered_through_the_page(self, corps, client_for):
        url = corps.contract_bob.get_absolute_url()
        response = self.absence_post(client_for(corps.cora), url)
        assert response["Location"] == url
        absence = Absence.objects.get(pedagogue=corps.bob)
        assert (absence.start, absence.end, absence.kind) == (
            MONDAY,
            MONDAY + datetime.timedelta(days=2),
            "course",
        )
        page = client_for(corps.cora).get(url).content.decode()
        assert "Kursus i ICDP" in page

    def test_an_end_before_the_start_is_refused_in_danish_and_the_typed_text_kept(
        self, corps, client_for
    ):
        url = corps.contract_bob.get_absolute_url()
        the_day_before = (MONDAY - datetime.timedelta(days=1)).isoformat()
        response = self.absence_post(client_for(corps.cora), url, **{"absence-end": the_day_before})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Slutdatoen ligger før startdatoen." in page
        assert 'value="Kursus i ICDP"' in page and f'value="{the_day_before}"' in page
        assert not Absence.objects.exists()

    def test_a_pedagogue_cannot_register_absence(self, corps, client_for):
        url = corps.contract_bob.get_absolute_url()
        assert self.absence_post(client_for(corps.bob), url).status_code == 404
        assert not Absence.objects.exists()


class TestCalendarFeed:
    def test_the_feed_shows_published_half_days_and_needs_only_its_token(self, corps, client):
        # The feed shows the last four weeks and what is ahead: plan a coming week without holidays.
        import holidays

        week = problem.monday_of(datetime.date.today()) + datetime.timedelta(weeks=1)
        while any(week + datetime.timedelta(days=d) in holidays.Denmark() for d in range(5)):
            week += datetime.timedelta(weeks=1)
        ConsultativeMeeting.objects.filter(pk=corps.consultative_boegely.pk).update(date=week)
        plan = services.plan_week(actor=corps.cora, week_start=week, time_limit_s=5)
        services.plan_publish(actor=corps.cora, plan=plan)
        feed = CalendarFeed.objects.create(municipality=corps.ishoj, user=corps.bob)
        response = client.get(feed.get_absolute_url())
        assert response.status_code == 200
        events = [
            str(event["SUMMARY"]) for event in Calendar.from_ical(response.content).walk("VEVENT")
        ]
        half_days = [summary for summary in events if "funktion)" in summary]
        assert len(half_days) == len(slots_of(plan, pedagogue=corps.bob)) > 0
        assert all("Bøgely" in summary for summary in half_days)
        # The same feed carries Bob's meetings: the consultative meeting at Bøgely that week.
        assert "Konsultativt møde – Bøgely" in events
        assert client.get(reverse("planning-feed", args=["wrong-token"])).status_code == 404


class TestCalendarFeedEndsWithAccess:
    def test_a_meeting_of_a_plan_the_participant_no_longer_sees_leaves_the_feed(
        self, cast, ended, client
    ):
        """Mads moved from Bøgely to Elverhøj and Petra's attachment to Bøgely ended; both were
        put on a coming meeting of Mia's plan. Bob's feed has it, theirs do not."""
        from inklusio.plans import services as plan_services
        from tests.conftest import TODAY

        plan_services.plan_meeting_schedule(
            actor=cast.bob,
            plan=cast.plan_mia,
            kind="follow_up",
            date=TODAY + datetime.timedelta(days=7),
            start_time=datetime.time(9),
            place="Bøgely",
            participants=[cast.bob, ended.mads, ended.petra],
        )

        def plan_meetings_in_feed(user) -> int:
            feed = CalendarFeed.objects.create(municipality=cast.ishoj, user=user)
            response = client.get(feed.get_absolute_url())
            assert response.status_code == 200
            summaries = [
                str(event["SUMMARY"])
                for event in Calendar.from_ical(response.content).walk("VEVENT")
            ]
            return sum("(handleplan)" in summary for summary in summaries)

        assert plan_meetings_in_feed(cast.bob) == 1
        assert plan_meetings_in_feed(ended.mads) == 0
        assert plan_meetings_in_feed(ended.petra) == 0


class TestCalendarAddress:
    def test_showing_the_pages_makes_no_address_asking_for_one_does_once(self, cast, client_for):
        client = client_for(cast.bob)
        for page in (reverse("planning-overview"), reverse("plan-list")):
            assert "Lav kalenderadresse" in client.get(page).content.decode()
        assert not CalendarFeed.objects.filter(user=cast.bob).exists()

        create = reverse("planning-feed-create")
        response = client.post(create, {"next": reverse("plan-list")})
        assert response.status_code == 302 and response.url == reverse("plan-list")
        feed = CalendarFeed.objects.get(user=cast.bob)
        assert feed.get_absolute_url() in client.get(reverse("plan-list")).content.decode()
        client.post(create, {"next": "https://elsewhere.example/"})
        assert CalendarFeed.objects.get(user=cast.bob).token == feed.token  # the same address


def test_each_label_of_the_plan_page_points_at_a_field_of_its_own(corps, client_for):
    """The re-plan and the half-day forms both ask for a pedagogue: each field has an id of its
    own, so each "Pædagog" label (and a screen reader) reaches its own form's field."""
    page = client_for(corps.cora).get(corps.plan.get_absolute_url()).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert [name for name in set(ids) if ids.count(name) > 1] == []
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', page):
        assert target in ids, target


@pytest.mark.parametrize(
    ("language", "monday_morning", "friday_afternoon"),
    [
        ("en", "Monday morning", "Friday afternoon"),
        ("da", "Mandag formiddag", "Fredag eftermiddag"),
    ],
)
def test_the_half_day_choices_follow_the_chosen_language(
    corps, client_for, language, monday_morning, friday_afternoon
):
    """The absence form's boxes and the half-day form's list name the half-days in the language
    the user chose (they were named once, in Danish, when the app started)."""
    client = client_for(corps.cora)
    client.cookies["django_language"] = language
    page = client.get(corps.plan.get_absolute_url()).content.decode()
    boxes = dict(re.findall(r'name="slots" value="(\d-\d)"[^>]*>\s*([^<]+?)\s*</label>', page))
    slot_list = re.search(r'<select name="slot".*?</select>', page, re.S)
    assert slot_list, "the half-day form has no list of half-days"
    options = dict(re.findall(r'<option value="(\d-\d)"[^>]*>([^<]+)</option>', slot_list[0]))
    for shown in (boxes, options):
        assert len(shown) == 10
        assert (shown["0-0"], shown["4-1"]) == (monday_morning, friday_afternoon)

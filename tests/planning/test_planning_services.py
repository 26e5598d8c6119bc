"""Every planning service leaves exactly one audit row naming what changed and who did it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.core.errors import EditConflict
from inklusio.core.templatetags.danish_dates import day_month
from inklusio.planning import services
from inklusio.planning.models import Absence, Contract, PlanSlot, WeeklyPlan
from inklusio.planning.problem import assignment, build_problem
from inklusio.planning.solver import check_hard_rules, evaluate
from tests.planning.conftest import MONDAY

CONTRACT = {
    "weekly_hours": Decimal("37"),
    "institution_hours": Decimal("30"),
    "centre_meeting_hours": Decimal("4.5"),
    "action_learning_hours": Decimal("1"),
    "other_hours": Decimal("1.5"),
    "support_share_percent": 40,
}


def only_audit_row(**filters) -> AuditEntry:
    """The one audit entry for the change; fails if there is none or more than one."""
    [entry] = AuditEntry.objects.filter(**filters)
    return entry


def plan_of(corps, **extra) -> WeeklyPlan:
    return services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2, **extra)


class TestPlanWeek:
    def test_a_new_plan_is_recorded_as_created_by_the_corps_leader(self, corps):
        plan = plan_of(corps)
        entry = only_audit_row(object_type="weeklyplan")
        assert (entry.action, entry.object_id, entry.actor) == (
            AuditAction.CREATE,
            str(plan.public_id),
            corps.cora,
        )
        assert entry.changes["week_start"]["after"] == str(MONDAY)

    def test_solving_again_replaces_the_plan_in_the_same_record(self, corps):
        plan = plan_of(corps)
        revision = plan_of(corps, keep_locked_from=plan)
        plan.refresh_from_db()
        assert plan.status == WeeklyPlan.Status.REPLACED
        entry = only_audit_row(object_id=str(revision.public_id))
        assert entry.changes["replaces"]["after"] == str(plan.public_id)

    def test_a_replaced_plan_cannot_be_solved_again(self, corps):
        plan = plan_of(corps)
        plan_of(corps, keep_locked_from=plan)
        before = AuditEntry.objects.count()
        with pytest.raises(services.PlanningError, match="erstattet"):
            plan_of(corps, keep_locked_from=plan)
        assert AuditEntry.objects.count() == before
        assert WeeklyPlan.objects.filter(based_on=plan).count() == 1


class TestReplanAbsence:
    def test_the_revision_is_recorded_with_the_absence(self, corps):
        plan = plan_of(corps)
        revision = services.replan_absence(
            actor=corps.cora,
            plan=plan,
            pedagogue=corps.bob,
            slots=frozenset({(0, 0)}),
            kind="illness",
        )
        entry = only_audit_row(object_id=str(revision.public_id))
        assert (entry.action, entry.actor) == (AuditAction.CREATE, corps.cora)
        assert entry.changes["absent"]["after"] == str(corps.bob)
        assert entry.changes["replaces"]["after"] == str(plan.public_id)

    def test_the_revision_says_whose_absence_it_covers(self, corps):
        revision = services.replan_absence(
            actor=corps.cora,
            plan=corps.plan,
            pedagogue=corps.bob,
            slots=frozenset({(0, 0)}),
            kind="illness",
        )
        # Shown beside the status on the plan and in the list of plans.
        assert revision.note == f"Omplanlagt efter fravær: {corps.bob}"

    def test_a_replaced_plan_is_not_replanned_twice(self, corps):
        plan = plan_of(corps)
        services.replan_absence(
            actor=corps.cora,
            plan=plan,
            pedagogue=corps.bob,
            slots=frozenset({(0, 0)}),
            kind="illness",
        )
        with pytest.raises(services.PlanningError, match="erstattet"):
            services.replan_absence(
                actor=corps.cora,
                plan=plan,
                pedagogue=corps.bob,
                slots=frozenset({(0, 1)}),
                kind="illness",
            )
        assert WeeklyPlan.objects.filter(based_on=plan).count() == 1
        assert Absence.objects.filter(pedagogue=corps.bob).count() == 1


class TestSlotSet:
    def test_a_manual_edit_is_recorded_on_the_plan(self, corps):
        slot = services.slot_set(
            actor=corps.cora,
            plan=corps.plan,
            pedagogue=corps.pete,
            day=4,
            half=1,
            institution=corps.elverhoej,
            function="resource",
            version=corps.plan.version,
        )
        assert slot is not None and slot.locked
        entry = only_audit_row(object_type="weeklyplan")
        assert (entry.action, entry.object_id, entry.actor) == (
            AuditAction.CHANGE,
            str(corps.plan.public_id),
            corps.cora,
        )
        [(where, change)] = entry.changes.items()
        assert "Fredag eftermiddag" in where and str(corps.pete) in where
        assert change == {"before": None, "after": "Elverhøj (resource)"}

    def test_a_refused_edit_leaves_no_record_and_keeps_the_slot(self, corps):
        services.slot_set(
            actor=corps.cora,
            plan=corps.plan,
            pedagogue=corps.bob,
            day=0,
            half=0,
            institution=corps.boegely,
            function="resource",
            version=corps.plan.version,
        )
        with pytest.raises(services.PlanningError, match="begge funktioner"):
            services.slot_set(
                actor=corps.cora,
                plan=corps.plan,
                pedagogue=corps.bob,
                day=0,
                half=0,
                institution=corps.boegely,
                function="support",
                version=WeeklyPlan.objects.get(pk=corps.plan.pk).version,
            )
        assert AuditEntry.objects.filter(object_type="weeklyplan").count() == 1
        kept = PlanSlot.objects.get(plan=corps.plan, pedagogue=corps.bob, day=0, half=0)
        assert kept.function == "resource"


class TestSlotSetOnAnAbsence:
    """A half-day the pedagogue has a recorded absence on is not planned by hand: the plan
    would promise a visit that will not happen. Pete is away Wednesday morning."""

    @pytest.fixture
    def away(self, corps) -> Absence:
        wednesday = corps.plan.day(2)
        return Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.pete,
            start=wednesday,
            end=wednesday,
            part=Absence.Part.MORNING,
            kind=Absence.Kind.ILLNESS,
            created_by=corps.cora,
        )

    def edit(self, corps, half, institution):
        return services.slot_set(
            actor=corps.cora,
            plan=corps.plan,
            pedagogue=corps.pete,
            day=2,
            half=half,
            institution=institution,
            function="resource",
            version=WeeklyPlan.objects.get(pk=corps.plan.pk).version,
        )

    def test_planning_the_absent_half_day_is_refused_and_nothing_is_saved(self, corps, away):
        version = corps.plan.version
        with pytest.raises(services.PlanningError) as refused:
            self.edit(corps, 0, corps.elverhoej)
        assert str(refused.value) == (
            "Onsdag formiddag er Pete Testesen registreret som fraværende. Slet fraværet "
            "først, hvis Pete Testesen alligevel skal planlægges i en institution."
        )
        assert refused.value.field == "slot"
        assert not PlanSlot.objects.filter(plan=corps.plan, pedagogue=corps.pete).exists()
        assert not AuditEntry.objects.filter(object_type="weeklyplan").exists()
        corps.plan.refresh_from_db()
        assert corps.plan.version == version

    def test_the_other_half_of_the_day_is_planned(self, corps, away):
        slot = self.edit(corps, 1, corps.elverhoej)
        assert slot is not None and (slot.day, slot.half) == (2, 1)

    def test_the_half_day_is_planned_once_the_absence_is_deleted(self, corps, away):
        services.absence_delete(actor=corps.cora, absence=away)
        slot = self.edit(corps, 0, corps.elverhoej)
        assert slot is not None and (slot.day, slot.half) == (2, 0)

    def test_a_visit_planned_before_the_absence_can_be_cleared(self, corps, away):
        PlanSlot.objects.create(
            municipality=corps.ishoj,
            plan=corps.plan,
            pedagogue=corps.pete,
            day=2,
            half=0,
            institution=corps.elverhoej,
            function="resource",
        )
        version = corps.plan.version
        assert self.edit(corps, 0, None) is None
        assert not PlanSlot.objects.filter(plan=corps.plan, pedagogue=corps.pete).exists()
        corps.plan.refresh_from_db()
        assert corps.plan.version == version + 1


def absent(corps, pedagogue, day, half) -> Absence:
    """An absence recorded on one half-day of the cast's week (`absence_add` changes no plan)."""
    date = corps.plan.day(day)
    return Absence.objects.create(
        municipality=corps.ishoj,
        pedagogue=pedagogue,
        start=date,
        end=date,
        part=("am", "pm")[half],
        kind=Absence.Kind.ILLNESS,
        created_by=corps.cora,
    )


def lock(corps, plan, pedagogue, day, half, institution) -> None:
    """Cora's manual edit: `pedagogue` at `institution` (resource) that half-day, locked."""
    services.slot_set(
        actor=corps.cora,
        plan=plan,
        pedagogue=pedagogue,
        day=day,
        half=half,
        institution=institution,
        function="resource",
        version=WeeklyPlan.objects.get(pk=plan.pk).version,
    )


def held(plan) -> set[tuple[str, int, int]]:
    return set(plan.slots.values_list("pedagogue__username", "day", "half"))


class TestPlanWeekOverAnAbsence:
    """Cora locked Pete at Elverhøj on Wednesday morning and Thursday afternoon; Pete falls
    ill on Wednesday morning after that (the absence changes no plan). Calculating the week
    again keeps Thursday's edit, but not Wednesday's: the absence wins, and the plan says so."""

    @pytest.fixture
    def edited(self, corps) -> WeeklyPlan:
        plan = plan_of(corps)
        lock(corps, plan, corps.pete, 2, 0, corps.elverhoej)
        lock(corps, plan, corps.pete, 3, 1, corps.elverhoej)
        absent(corps, corps.pete, 2, 0)
        plan.refresh_from_db()
        return plan

    @pytest.fixture
    def recalculated(self, corps, edited) -> WeeklyPlan:
        return plan_of(corps, keep_locked_from=edited)

    def dropped_line(self, corps) -> str:
        return (
            f"Onsdag formiddag {day_month(corps.plan.day(2))} er {corps.pete} registreret som "
            "fraværende, så den manuelle rettelse til Elverhøj er taget ud af planen."
        )

    def test_the_absent_half_day_is_not_kept_and_the_other_edit_is(self, corps, recalculated):
        slots = recalculated.slots.filter(pedagogue=corps.pete)
        assert not slots.filter(day=2, half=0).exists()
        thursday = slots.get(day=3, half=1)
        assert (thursday.institution, thursday.locked) == (corps.elverhoej, True)

    def test_the_plan_names_the_dropped_edit_to_the_corps_leader(
        self, corps, recalculated, client_for
    ):
        assert recalculated.edits_dropped == [
            {
                "pedagogue": str(corps.pete),
                "day": 2,
                "half": 0,
                "date": corps.plan.day(2).isoformat(),
                "institution": "Elverhøj",
                "reason": "absent",
            }
        ]
        page = client_for(corps.cora).get(recalculated.get_absolute_url()).content.decode()
        assert self.dropped_line(corps) in page
        entry = only_audit_row(object_id=str(recalculated.public_id))
        assert entry.changes["edits_dropped"] == {"before": None, "after": 1}

    def test_calculating_again_from_the_page_does_not_claim_every_edit_kept(
        self, corps, edited, client_for
    ):
        response = client_for(corps.cora).post(
            reverse("planning-resolve", args=[edited.public_id]), follow=True
        )
        page = response.content.decode()
        assert (
            "Ugeplanen er beregnet igen med de låste halve dage, undtagen dem, planen nævner "
            "som taget ud."
        ) in page
        assert self.dropped_line(corps) in page

    def test_the_plan_keeps_the_hard_rules_and_its_status_is_true(self, corps, recalculated):
        """The lock made the whole-week model impossible, and the greedy plan it fell back on
        kept Pete at Elverhøj while absent, under a proven "OPTIMAL". Elverhøj's half-day is
        planned as any other now (Pete has half-days enough for all of Elverhøj's demand)."""
        problem, _lookups = build_problem(corps.ishoj, MONDAY)
        stored = [
            assignment(slot) for slot in recalculated.slots.select_related("institution", "child")
        ]
        assert check_hard_rules(problem, stored) == []
        assert recalculated.solver_status == "OPTIMAL"
        assert evaluate(problem, stored) == recalculated.objective == recalculated.best_bound
        assert "Elverhøj" not in recalculated.unmet


class TestReplanOverEarlierAbsences:
    """The plan was calculated before Bob and Pete were each recorded absent on a half-day it
    has them in an institution; then Bob falls ill on another half-day and Cora re-plans. The
    revision keeps none of the three visits: each is covered by a colleague or listed as lost,
    as the new absence's half-day is."""

    @pytest.fixture
    def plan(self, corps) -> WeeklyPlan:
        return plan_of(corps)

    def visits(self, plan, pedagogue) -> list[PlanSlot]:
        """The pedagogue's half-days in an institution that hold no course session."""
        return list(
            plan.slots.filter(pedagogue=pedagogue, for_session=False)
            .select_related("institution")
            .order_by("day", "half")
        )

    def replan_bob(self, corps, plan, slot) -> WeeklyPlan:
        return services.replan_absence(
            actor=corps.cora,
            plan=plan,
            pedagogue=corps.bob,
            slots=frozenset({(slot.day, slot.half)}),
            kind="illness",
        )

    def test_no_visit_on_an_earlier_absence_is_copied_and_each_is_covered_or_lost(
        self, corps, plan
    ):
        bob_earlier, bob_now = self.visits(plan, corps.bob)[:2]
        pete_earlier = self.visits(plan, corps.pete)[0]
        absent(corps, corps.bob, bob_earlier.day, bob_earlier.half)
        absent(corps, corps.pete, pete_earlier.day, pete_earlier.half)
        revision = self.replan_bob(corps, plan, bob_now)
        away = {
            ("bob", bob_earlier.day, bob_earlier.half),
            ("bob", bob_now.day, bob_now.half),
            ("pete", pete_earlier.day, pete_earlier.half),
        }
        assert held(revision) & away == set()
        # Each visit is made by a colleague who steps in that half-day, or it is listed lost.
        lost = {(item["institution"], item["day"], item["half"]) for item in revision.lost}
        stepped_in = {
            (slot.institution.name, slot.day, slot.half, slot.function)
            for slot in revision.slots.select_related("institution")
        } - {
            (slot.institution.name, slot.day, slot.half, slot.function)
            for slot in plan.slots.select_related("institution")
        }
        for gone in (bob_earlier, bob_now, pete_earlier):
            where = (gone.institution.name, gone.day, gone.half)
            assert (*where, gone.function) in stepped_in or where in lost, where
        # Everything else of the plan is copied as it was.
        assert held(revision) >= held(plan) - away

    def test_a_manual_edit_on_an_earlier_absence_is_named_as_dropped(self, corps, plan):
        lock(corps, plan, corps.pete, 4, 1, corps.elverhoej)
        absent(corps, corps.pete, 4, 1)
        plan.refresh_from_db()
        revision = self.replan_bob(corps, plan, self.visits(plan, corps.bob)[0])
        assert not revision.slots.filter(pedagogue=corps.pete, day=4, half=1).exists()
        assert [
            (item["pedagogue"], item["day"], item["half"]) for item in revision.edits_dropped
        ] == [(str(corps.pete), 4, 1)]


class TestPlanPublish:
    def test_publishing_is_recorded_as_a_status_change(self, corps):
        services.plan_publish(actor=corps.cora, plan=corps.plan)
        entry = only_audit_row(object_type="weeklyplan")
        assert (entry.action, entry.object_id, entry.actor) == (
            AuditAction.CHANGE,
            str(corps.plan.public_id),
            corps.cora,
        )
        assert entry.changes["status"] == {"before": "proposed", "after": "published"}

    def test_a_replaced_plan_cannot_be_published_again(self, corps):
        """Publishing the old version would silently undo the re-plan that replaced it."""
        services.plan_publish(actor=corps.cora, plan=corps.plan)
        revision = services.replan_absence(
            actor=corps.cora,
            plan=corps.plan,
            pedagogue=corps.bob,
            slots=frozenset({(0, 0)}),
            kind="illness",
        )
        services.plan_publish(actor=corps.cora, plan=revision)
        with pytest.raises(services.PlanningError) as refused:
            services.plan_publish(actor=corps.cora, plan=corps.plan)
        assert "En erstattet ugeplan kan ikke offentliggøres" in str(refused.value)
        corps.plan.refresh_from_db()
        revision.refresh_from_db()
        assert corps.plan.status == WeeklyPlan.Status.REPLACED
        assert revision.status == WeeklyPlan.Status.PUBLISHED

    def test_the_refusal_reaches_the_corps_leader_through_the_page(self, corps, client_for):
        WeeklyPlan.objects.filter(pk=corps.plan.pk).update(status=WeeklyPlan.Status.REPLACED)
        response = client_for(corps.cora).post(
            reverse("planning-publish", args=[corps.plan.public_id]),
            {"confirm": "yes"},
            follow=True,
        )
        assert "En erstattet ugeplan kan ikke offentliggøres" in response.content.decode()
        corps.plan.refresh_from_db()
        assert corps.plan.status == WeeklyPlan.Status.REPLACED
        assert not AuditEntry.objects.filter(object_type="weeklyplan").exists()


class TestContracts:
    def test_opening_a_contract_creates_it_once_with_a_record(self, corps):
        contract = services.contract_open(actor=corps.cora, pedagogue=corps.pete)
        again = services.contract_open(actor=corps.cora, pedagogue=corps.pete)
        assert again.pk == contract.pk
        assert contract.institution_hours == Decimal("32")
        entry = only_audit_row(object_type="contract")
        assert (entry.action, entry.object_id, entry.actor) == (
            AuditAction.CREATE,
            str(contract.public_id),
            corps.cora,
        )

    def test_no_contract_is_opened_for_a_deactivated_pedagogue(self, corps):
        corps.pete.is_active = False
        corps.pete.save()
        with pytest.raises(services.PlanningError) as refused:
            services.contract_open(actor=corps.cora, pedagogue=corps.pete)
        assert str(refused.value) == "Kun aktive pædagoger i korpset har en kontrakt."
        assert not Contract.objects.filter(pedagogue=corps.pete).exists()

    def test_an_update_is_recorded_with_the_changed_hours(self, corps):
        contract = services.contract_update(
            actor=corps.cora, contract=corps.contract_bob, data=CONTRACT, expected_version=1
        )
        assert (contract.institution_hours, contract.version) == (Decimal("30"), 2)
        entry = only_audit_row(object_type="contract")
        assert (entry.action, entry.object_id, entry.actor) == (
            AuditAction.CHANGE,
            str(contract.public_id),
            corps.cora,
        )
        assert entry.changes["institution_hours"] == {"before": "32.0", "after": "30"}
        assert entry.changes["version"] == {"before": 1, "after": 2}

    def test_a_save_on_an_outdated_version_is_refused_with_what_changed(self, corps):
        """Two leaders opened the contract at version 1; the second save must not overwrite."""
        services.contract_update(
            actor=corps.cora, contract=corps.contract_bob, data=CONTRACT, expected_version=1
        )
        with pytest.raises(EditConflict) as conflict:
            services.contract_update(
                actor=corps.alice,
                contract=corps.contract_bob,
                data={
                    **CONTRACT,
                    "institution_hours": Decimal("28"),
                    "other_hours": Decimal("3.5"),
                },
                expected_version=1,
            )
        assert "institution_hours" in conflict.value.changed_fields
        assert Contract.objects.get(pk=corps.contract_bob.pk).institution_hours == Decimal("30")
        assert AuditEntry.objects.filter(object_type="contract").count() == 1

    def test_hours_that_do_not_add_up_are_refused_by_the_service(self, corps):
        with pytest.raises(services.PlanningError, match="Timerne går ikke op"):
            services.contract_update(
                actor=corps.cora,
                contract=corps.contract_bob,
                data={**CONTRACT, "institution_hours": Decimal("31")},
                expected_version=1,
            )
        assert not AuditEntry.objects.filter(object_type="contract").exists()


class TestAbsenceAdd:
    def test_an_absence_is_recorded(self, corps):
        absence = services.absence_add(
            actor=corps.cora,
            pedagogue=corps.bob,
            data={"start": MONDAY, "end": MONDAY, "part": "am", "kind": "course", "note": ""},
        )
        entry = only_audit_row(object_type="absence")
        assert (entry.action, entry.object_id, entry.actor) == (
            AuditAction.CREATE,
            str(absence.pk),
            corps.cora,
        )
        assert entry.changes["kind"]["after"] == "course"

    def test_an_end_before_the_start_is_refused(self, corps):
        with pytest.raises(services.PlanningError, match=r"^Slutdatoen ligger før startdatoen\.$"):
            services.absence_add(
                actor=corps.cora,
                pedagogue=corps.bob,
                data={
                    "start": MONDAY,
                    "end": MONDAY - datetime.timedelta(days=1),
                    "part": "day",
                    "kind": "illness",
                    "note": "",
                },
            )
        assert not Absence.objects.exists()


def test_a_support_share_over_100_percent_is_refused_in_danish(corps):
    with pytest.raises(services.PlanningError) as refused:
        services.contract_update(
            actor=corps.cora,
            contract=corps.contract_bob,
            data={**CONTRACT, "support_share_percent": 101},
            expected_version=1,
        )
    assert str(refused.value) == "En andel kan højst være 100 %."
    assert Contract.objects.get(pk=corps.contract_bob.pk).support_share_percent != 101

"""Two corps-leader tabs on one weekly plan: a manual edit started from an outdated plan (another
edit saved meanwhile, the week calculated again, re-planned after an absence, another version
published) is refused with the one conflict message, what was typed is kept and nothing is
overwritten; saving again is deliberate."""

import re

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditEntry
from inklusio.core.errors import EDIT_CONFLICT_MESSAGE, OutdatedSave
from inklusio.planning import services
from inklusio.planning.models import PlanSlot, WeeklyPlan
from tests.planning.conftest import MONDAY

CONFLICT = str(EDIT_CONFLICT_MESSAGE)


def open_tab(client, plan) -> int:
    """Open the plan's page as a browser tab does; the version its slot form will send."""
    page = client.get(plan.get_absolute_url()).content.decode()
    [version] = re.findall(r'<input type="hidden" name="version" value="(\d+)"', page)
    return int(version)


def edit(client, plan, version, *, pedagogue, slot, institution, function="resource"):
    return client.post(
        reverse("planning-slot-edit", args=[plan.public_id]),
        {
            "pedagogue": pedagogue.pk,
            "slot": slot,
            "institution": institution.pk if institution else "",
            "function": function,
            "version": version,
        },
    )


def slot_of(plan, pedagogue, day, half) -> PlanSlot | None:
    return PlanSlot.objects.filter(plan=plan, pedagogue=pedagogue, day=day, half=half).first()


def slots_of(*plans) -> dict[int, list[tuple]]:
    """Every half-day of each plan, as saved."""
    fields = ("pedagogue", "day", "half", "institution", "function")
    return {
        plan.pk: sorted(PlanSlot.objects.filter(plan=plan).values_list(*fields)) for plan in plans
    }


def plan_edits() -> int:
    return AuditEntry.objects.filter(object_type="weeklyplan", action="change").count()


def assert_typed_kept(page: str, corps, institution) -> None:
    """The refused form shows what the user chose, not the defaults."""
    assert f'<option value="{corps.pete.pk}" selected>' in page
    assert '<option value="4-1" selected>' in page
    assert f'<option value="{institution.pk}" selected>' in page


class TestTwoTabs:
    def test_the_second_edit_from_the_same_opened_plan_is_refused(self, corps, client_for):
        first, second = client_for(corps.cora), client_for(corps.cora)
        version_a, version_b = open_tab(first, corps.plan), open_tab(second, corps.plan)
        assert version_a == version_b

        saved = edit(
            first, corps.plan, version_a, pedagogue=corps.pete, slot="4-1",
            institution=corps.elverhoej,
        )  # fmt: skip
        assert saved.status_code == 302
        edits_before = plan_edits()

        refused = edit(
            second, corps.plan, version_b, pedagogue=corps.pete, slot="4-1",
            institution=corps.boegely,
        )  # fmt: skip
        assert refused.status_code == 200
        page = refused.content.decode()
        assert CONFLICT in page
        assert_typed_kept(page, corps, corps.boegely)
        # What the half-day holds now, beside the form.
        assert "Gemt nu for Pete Testesen, Fredag eftermiddag: Elverhøj (Ressourcefunktion)" in page
        # Nothing overwritten, nothing logged.
        kept = slot_of(corps.plan, corps.pete, 4, 1)
        assert kept is not None and kept.institution == corps.elverhoej
        assert plan_edits() == edits_before
        corps.plan.refresh_from_db()
        assert corps.plan.version == version_a + 1

        # The form now carries the current version: saving again is a deliberate overwrite.
        assert f'name="version" value="{version_a + 1}"' in page
        again = edit(
            second, corps.plan, version_a + 1, pedagogue=corps.pete, slot="4-1",
            institution=corps.boegely,
        )  # fmt: skip
        assert again.status_code == 302
        assert slot_of(corps.plan, corps.pete, 4, 1).institution == corps.boegely

    def test_an_edit_of_another_half_day_is_refused_too(self, corps, client_for):
        """The form is opened on the whole week (its grid): any change since then is shown
        before the save, since the limits (three institutions a week) span the week."""
        first, second = client_for(corps.cora), client_for(corps.cora)
        version = open_tab(first, corps.plan)
        assert open_tab(second, corps.plan) == version
        edit(first, corps.plan, version, pedagogue=corps.bob, slot="0-0",
             institution=corps.boegely)  # fmt: skip
        refused = edit(
            second, corps.plan, version, pedagogue=corps.pete, slot="4-1",
            institution=corps.elverhoej,
        )  # fmt: skip
        assert CONFLICT in refused.content.decode()
        assert slot_of(corps.plan, corps.pete, 4, 1) is None


class TestNormalEdit:
    def test_an_edit_is_saved_and_moves_the_plans_version_on(self, corps, client_for):
        client = client_for(corps.cora)
        version = open_tab(client, corps.plan)
        response = edit(
            client, corps.plan, version, pedagogue=corps.pete, slot="4-1",
            institution=corps.elverhoej,
        )  # fmt: skip
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
        assert "Ændringen er gemt og låst" in page
        assert f'name="version" value="{version + 1}"' in page
        assert slot_of(corps.plan, corps.pete, 4, 1).institution == corps.elverhoej
        corps.plan.refresh_from_db()
        assert corps.plan.version == version + 1

    def test_a_refused_edit_keeps_what_was_typed(self, corps, client_for):
        """A broken rule comes back on the form with the choices made, not as a lost form."""
        client = client_for(corps.cora)
        version = open_tab(client, corps.plan)
        response = edit(
            client, corps.plan, version, pedagogue=corps.pete, slot="4-1",
            institution=corps.elverhoej, function="support",
        )  # fmt: skip
        assert response.status_code == 200
        page = response.content.decode()
        assert "kan ikke have begge funktioner" in page
        assert_typed_kept(page, corps, corps.elverhoej)
        assert '<option value="support" selected>' in page
        assert slot_of(corps.plan, corps.pete, 4, 1) is None
        corps.plan.refresh_from_db()
        assert corps.plan.version == version


def _resolve(corps, client, plan):
    client.post(reverse("planning-resolve", args=[plan.public_id]))
    return WeeklyPlan.objects.get(based_on=plan)


def _replan(corps, client, plan):
    client.post(
        reverse("planning-replan", args=[plan.public_id]),
        {"pedagogue": corps.bob.pk, "slots": ["0-0"], "kind": "illness"},
    )
    return WeeklyPlan.objects.get(based_on=plan)


def _publish_another(corps, client, plan):
    other = services.plan_week(actor=corps.cora, week_start=plan.week_start, time_limit_s=2)
    services.plan_publish(actor=corps.cora, plan=other)
    return other


class TestAfterTheWeekWasCalculatedAgain:
    @pytest.mark.parametrize(
        "rewrite", [_resolve, _replan, _publish_another], ids=["resolve", "replan", "publish"]
    )
    def test_an_edit_opened_before_is_refused_on_the_plan_that_holds_the_week(
        self, corps, client_for, rewrite
    ):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
        tab, other_tab = client_for(corps.cora), client_for(corps.cora)
        version = open_tab(tab, plan)
        if rewrite is _publish_another:
            # Publishing is no change of the half-days: the tab opened after it.
            services.plan_publish(actor=corps.cora, plan=plan)
            version = open_tab(tab, plan)
        newest = rewrite(corps, other_tab, plan)
        plan.refresh_from_db()
        assert plan.status == WeeklyPlan.Status.REPLACED
        before = slots_of(plan, newest)
        edits_before = plan_edits()

        refused = edit(
            tab, plan, version, pedagogue=corps.pete, slot="4-1", institution=corps.boegely
        )
        assert refused.status_code == 200
        page = refused.content.decode()
        assert CONFLICT in page
        assert_typed_kept(page, corps, corps.boegely)
        # Shown again on the plan that holds the week now, with what that half-day holds there.
        assert refused.context["plan"] == newest
        assert reverse("planning-slot-edit", args=[newest.public_id]) in page
        assert "Gemt nu for Pete Testesen, Fredag eftermiddag:" in page
        assert f'name="version" value="{newest.version}"' in page
        after = slots_of(plan, newest)
        assert after == before
        assert plan_edits() == edits_before

        # Saving again goes to the newest plan, deliberately.
        again = edit(
            tab, newest, newest.version, pedagogue=corps.pete, slot="4-1",
            institution=corps.elverhoej,
        )  # fmt: skip
        assert again.status_code == 302
        assert slot_of(newest, corps.pete, 4, 1).institution == corps.elverhoej


class TestSlotSetVersion:
    def test_a_save_on_an_outdated_version_raises_and_changes_nothing(self, corps):
        version = corps.plan.version
        services.slot_set(
            actor=corps.cora, plan=corps.plan, pedagogue=corps.pete, day=4, half=1,
            institution=corps.elverhoej, function="resource", version=version,
        )  # fmt: skip
        with pytest.raises(OutdatedSave) as refused:
            services.slot_set(
                actor=corps.cora, plan=corps.plan, pedagogue=corps.pete, day=4, half=1,
                institution=None, function="resource", version=version,
            )  # fmt: skip
        assert refused.value.current_version == version + 1
        assert slot_of(corps.plan, corps.pete, 4, 1).institution == corps.elverhoej

    def test_every_writer_of_the_week_moves_the_replaced_plans_version_on(self, corps):
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
        resolved = services.plan_week(
            actor=corps.cora, week_start=MONDAY, time_limit_s=2, keep_locked_from=plan
        )
        replanned = services.replan_absence(
            actor=corps.cora, plan=resolved, pedagogue=corps.bob,
            slots=frozenset({(0, 0)}), kind="illness",
        )  # fmt: skip
        for replaced in (plan, resolved):
            replaced.refresh_from_db()
            assert replaced.version == 2 and replaced.status == WeeklyPlan.Status.REPLACED
        assert replanned.version == 1

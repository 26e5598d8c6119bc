"""Publishing a weekly plan is confirmed first, and an absence can be deleted (issue 16,
point 4). Deleting an absence changes no weekly plan: a published plan has been read by the
institutions, so the freed half-days wait for the corps leader to plan the week again."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.planning import services
from inklusio.planning.models import Absence, WeeklyPlan
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY
from tests.planning.conftest import MONDAY

pytestmark = pytest.mark.django_db


def _delete_url(cast, absence) -> str:
    return reverse(
        "planning-absence-delete",
        kwargs={"public_id": cast.contract_bob.public_id, "absence_id": absence.pk},
    )


def _absence(cast, start=MONDAY, end=None) -> Absence:
    return Absence.objects.create(
        municipality=cast.ishoj,
        pedagogue=cast.bob,
        start=start,
        end=end or start,
        kind=Absence.Kind.ILLNESS,
        created_by=cast.cora,
    )


class TestPublishConfirm:
    def test_get_shows_the_consequence_and_publishes_nothing(self, corps, client_for):
        url = reverse("planning-publish", args=[corps.plan.public_id])
        page = client_for(corps.cora).get(url).content.decode()
        assert f"Planen for uge {corps.plan.week_number} bliver den gældende" in page
        assert "kan ikke gøres til forslag igen" in page
        assert "Bekræft: Offentliggør" in page
        corps.plan.refresh_from_db()
        assert corps.plan.status == WeeklyPlan.Status.PROPOSED

    def test_the_plan_page_links_to_the_confirm_page(self, corps, client_for):
        page = client_for(corps.cora).get(corps.plan.get_absolute_url()).content.decode()
        url = reverse("planning-publish", args=[corps.plan.public_id])
        assert f'href="{url}"' in page and f'action="{url}"' not in page

    def test_it_names_the_plan_it_replaces_and_what_cannot_be_covered(self, corps, client_for):
        WeeklyPlan.objects.create(
            municipality=corps.ishoj,
            week_start=corps.plan.week_start,
            created_by=corps.cora,
            status=WeeklyPlan.Status.PUBLISHED,
        )
        WeeklyPlan.objects.filter(pk=corps.plan.pk).update(
            lost=[{"institution": "Bøgely", "day": 0, "half": 0, "date": MONDAY.isoformat()}]
        )
        url = reverse("planning-publish", args=[corps.plan.public_id])
        page = client_for(corps.cora).get(url).content.decode()
        assert "bliver erstattet" in page
        assert "1 halv dag kan ikke dækkes" in page

    def test_post_without_confirm_does_not_publish(self, corps, client_for):
        url = reverse("planning-publish", args=[corps.plan.public_id])
        with new_audit_rows(writes_only=True) as written:
            response = client_for(corps.cora).post(url, {})
        assert response.status_code == 200
        assert "Intet er sket endnu" in response.content.decode()
        assert written == []
        corps.plan.refresh_from_db()
        assert corps.plan.status == WeeklyPlan.Status.PROPOSED

    def test_post_with_confirm_publishes(self, corps, client_for):
        url = reverse("planning-publish", args=[corps.plan.public_id])
        response = client_for(corps.cora).post(url, {"confirm": "yes"})
        assert response.status_code == 302
        corps.plan.refresh_from_db()
        assert corps.plan.status == WeeklyPlan.Status.PUBLISHED


class TestAbsenceDelete:
    def test_the_contract_page_offers_delete_for_coming_absences_only(self, corps, client_for):
        coming = _absence(corps)
        past = _absence(corps, start=TODAY - datetime.timedelta(days=10))
        page = client_for(corps.cora).get(corps.contract_bob.get_absolute_url()).content.decode()
        assert _delete_url(corps, coming) in page
        assert _delete_url(corps, past) not in page
        page = client_for(corps.bob).get(corps.contract_bob.get_absolute_url()).content.decode()
        assert _delete_url(corps, coming) not in page  # Bob reads his own absences only

    def test_get_names_the_plans_that_stay_unchanged(self, corps, client_for):
        absence = _absence(corps, start=MONDAY)
        WeeklyPlan.objects.filter(pk=corps.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
        page = client_for(corps.cora).get(_delete_url(corps, absence)).content.decode()
        assert "Ugeplanerne herunder ændres ikke" in page
        assert corps.plan.get_absolute_url() in page
        assert "Kan ikke fortrydes" in page
        assert Absence.objects.filter(pk=absence.pk).exists()

    def test_post_without_confirm_keeps_the_absence(self, corps, client_for):
        absence = _absence(corps)
        response = client_for(corps.cora).post(_delete_url(corps, absence), {})
        assert response.status_code == 200
        assert Absence.objects.filter(pk=absence.pk).exists()

    def test_delete_is_logged_and_the_published_plan_is_not_changed(self, corps, client_for):
        absence = _absence(corps, start=MONDAY, end=MONDAY + datetime.timedelta(days=1))
        plan = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
        services.plan_publish(actor=corps.cora, plan=plan)
        slots_before = sorted(plan.slots.values_list("pedagogue_id", "day", "half"))
        assert all((pk, day) != (corps.bob.pk, 0) for pk, day, _half in slots_before)
        grid = client_for(corps.cora).get(plan.get_absolute_url()).content.decode()
        assert "Fravær: Sygdom" in grid

        with new_audit_rows(writes_only=True) as written:
            response = client_for(corps.cora).post(_delete_url(corps, absence), {"confirm": "yes"})
        assert response.status_code == 302
        assert not Absence.objects.filter(pk=absence.pk).exists()
        [entry] = written
        assert entry.action == AuditAction.DELETE
        assert entry.object_type == "absence" and entry.object_id == str(absence.pk)
        assert entry.changes["start"]["before"] == MONDAY.isoformat()
        assert str(plan.public_id) in entry.changes["weekly_plans_unchanged"]["after"]

        plan.refresh_from_db()
        assert plan.status == WeeklyPlan.Status.PUBLISHED
        assert sorted(plan.slots.values_list("pedagogue_id", "day", "half")) == slots_before
        grid = client_for(corps.cora).get(plan.get_absolute_url()).content.decode()
        assert "Fravær: Sygdom" not in grid  # Bob shows as free, not as absent

    def test_an_absence_that_has_ended_is_kept(self, corps, client_for):
        past = _absence(corps, start=TODAY - datetime.timedelta(days=10))
        assert client_for(corps.cora).get(_delete_url(corps, past)).status_code == 404
        with pytest.raises(services.PlanningError, match="Fraværet er slut"):
            services.absence_delete(actor=corps.cora, absence=past)
        assert Absence.objects.filter(pk=past.pk).exists()

    @pytest.mark.parametrize("who", ["alice", "bob", "carl", "sara", "dora"])
    def test_only_the_corps_leader_deletes(self, corps, client_for, who):
        absence = _absence(corps)
        client = client_for(getattr(corps, who))
        assert client.get(_delete_url(corps, absence)).status_code == 404
        assert client.post(_delete_url(corps, absence), {"confirm": "yes"}).status_code == 404
        assert Absence.objects.filter(pk=absence.pk).exists()

    def test_a_deactivated_corps_leader_cannot_delete(self, corps, client):
        absence = _absence(corps)
        corps.cora.is_active = False
        corps.cora.save()
        client.force_login(corps.cora)
        client.post(_delete_url(corps, absence), {"confirm": "yes"})
        assert Absence.objects.filter(pk=absence.pk).exists()

    def test_an_absence_of_another_pedagogue_is_not_reached_through_bobs_contract(
        self, corps, client_for
    ):
        other = Absence.objects.create(
            municipality=corps.ishoj,
            pedagogue=corps.pete,
            start=MONDAY,
            end=MONDAY,
            kind=Absence.Kind.HOLIDAY,
            created_by=corps.cora,
        )
        assert client_for(corps.cora).get(_delete_url(corps, other)).status_code == 404

"""The goal bank (issue 16, point 8): the administration keeps reusable goals per
municipality, tagged by area of difficulty; plan writers read their own municipality's bank and
start a plan's goals from it. The text is copied: the plan never changes with the bank."""

import re

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.plans import services
from inklusio.plans.models import GoalBankEntry
from tests.audit_rows import new_audit_rows

pytestmark = pytest.mark.django_db

SPEECH = {
    "category": "speech_language",
    "goal": "Bruger ord til at bede om hjælp",
    "success_criterion": "Beder selv om hjælp 3 af 5 dage",
    "strategies": "Sprogstøttende samtale i små grupper.",
}
MOTOR = {
    "category": "motor",
    "goal": "Tager selv overtøj på",
    "success_criterion": "Tager selv jakke på før udetid",
    "strategies": "",
}


@pytest.fixture
def bank(cast):
    speech = services.goal_bank_create(actor=cast.alice, data=SPEECH)
    motor = services.goal_bank_create(actor=cast.alice, data=MOTOR)
    dragoer = services.goal_bank_create(
        actor=cast.dora, data={**SPEECH, "goal": "Dragørs eget mål om sprog"}
    )
    return {"speech": speech, "motor": motor, "dragoer": dragoer}


class TestKeepingTheBank:
    def test_the_administration_creates_an_entry_through_the_page(self, cast, client_for):
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.alice).post(reverse("goal-bank-create"), SPEECH)
        assert response.status_code == 302
        entry = GoalBankEntry.objects.get()
        assert (entry.municipality, entry.category, entry.goal) == (
            cast.ishoj,
            "speech_language",
            SPEECH["goal"],
        )
        [row] = written
        assert (row.action, row.object_type) == (AuditAction.CREATE, "goalbankentry")

    def test_a_goal_without_criterion_is_refused_and_the_text_kept(self, cast, client_for):
        response = client_for(cast.alice).post(
            reverse("goal-bank-create"), {**SPEECH, "success_criterion": ""}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert SPEECH["goal"] in page
        assert not GoalBankEntry.objects.exists()

    def test_editing_is_versioned_and_an_outdated_save_is_refused(self, cast, bank, client_for):
        entry = bank["speech"]
        url = reverse("goal-bank-edit", args=[entry.public_id])
        client = client_for(cast.alice)
        client.post(url, {**SPEECH, "goal": "Bruger ord eller tegn", "version": 1})
        entry.refresh_from_db()
        assert (entry.goal, entry.version) == ("Bruger ord eller tegn", 2)
        response = client.post(url, {**SPEECH, "goal": "Et gammelt udkast", "version": 1})
        assert response.status_code == 200
        assert "Et gammelt udkast" in response.content.decode()  # typed text kept
        entry.refresh_from_db()
        assert entry.goal == "Bruger ord eller tegn"

    def test_retiring_is_confirmed_and_the_entry_kept(self, cast, bank, client_for):
        entry = bank["motor"]
        url = reverse("goal-bank-retire", args=[entry.public_id])
        client = client_for(cast.alice)
        page = client.get(url).content.decode()
        assert "beholder deres egen tekst" in page and "Kan ikke fortrydes" in page
        client.post(url, {})
        entry.refresh_from_db()
        assert entry.retired_on is None
        with new_audit_rows(writes_only=True) as written:
            assert client.post(url, {"confirm": "yes"}).status_code == 302
        entry.refresh_from_db()
        assert entry.is_retired
        assert len(written) == 1
        listing = client.get(reverse("goal-bank")).content.decode()
        assert "Udgået" in listing and MOTOR["goal"] in listing
        bobs = client_for(cast.bob).get(reverse("goal-bank")).content.decode()
        assert MOTOR["goal"] not in bobs  # no longer offered to plan writers

    def test_a_goal_given_without_any_criterion_is_refused(self, cast):
        """A caller that leaves the criterion out (not only one that sends it empty)."""
        with pytest.raises(services.PlanRuleBroken) as refused:
            services.goal_bank_create(
                actor=cast.alice, data={"category": "motor", "goal": "Tager selv sko på"}
            )
        assert str(refused.value) == "Et mål skal have et succeskriterium."
        assert not GoalBankEntry.objects.exists()

    def test_an_entry_retired_meanwhile_is_not_retired_again(self, cast, bank):
        """Two administrators confirm the same retirement: the second is told why nothing
        happened, and the log has one retirement."""
        services.goal_bank_retire(actor=cast.alice, entry=bank["motor"])
        with (
            new_audit_rows(writes_only=True) as written,
            pytest.raises(services.PlanRuleBroken) as refused,
        ):
            services.goal_bank_retire(actor=cast.alice, entry=bank["motor"])
        assert str(refused.value) == "Målet er allerede udgået af målbanken."
        assert written == []

    @pytest.mark.parametrize("who", ["cora", "bob", "carl"])
    def test_plan_writers_read_but_do_not_edit(self, cast, bank, client_for, who):
        client = client_for(getattr(cast, who))
        assert client.get(reverse("goal-bank")).status_code == 200
        assert client.get(reverse("goal-bank-create")).status_code == 404
        assert client.post(reverse("goal-bank-create"), MOTOR).status_code == 404
        edit = reverse("goal-bank-edit", args=[bank["speech"].public_id])
        assert client.post(edit, {**SPEECH, "goal": "Nyt", "version": 1}).status_code == 404
        retire = reverse("goal-bank-retire", args=[bank["speech"].public_id])
        assert client.post(retire, {"confirm": "yes"}).status_code == 404
        bank["speech"].refresh_from_db()
        assert bank["speech"].goal == SPEECH["goal"] and not bank["speech"].is_retired

    @pytest.mark.parametrize("who", ["sara", "pia", "gert"])
    def test_those_who_write_no_plans_see_no_bank(self, cast, bank, client_for, who):
        assert client_for(getattr(cast, who)).get(reverse("goal-bank")).status_code == 404

    def test_a_deactivated_administrator_changes_nothing(self, cast, bank, client):
        cast.alice.is_active = False
        cast.alice.save()
        client.force_login(cast.alice)
        retire = reverse("goal-bank-retire", args=[bank["speech"].public_id])
        client.post(retire, {"confirm": "yes"})
        bank["speech"].refresh_from_db()
        assert not bank["speech"].is_retired


class TestListAndFilter:
    def test_filter_by_area(self, cast, bank, client_for):
        page = client_for(cast.bob).get(reverse("goal-bank") + "?omraade=motor").content.decode()
        assert MOTOR["goal"] in page and SPEECH["goal"] not in page
        page = client_for(cast.bob).get(reverse("goal-bank")).content.decode()
        assert MOTOR["goal"] in page and SPEECH["goal"] in page

    def test_another_municipalitys_bank_is_invisible(self, cast, bank, client_for):
        page = client_for(cast.alice).get(reverse("goal-bank")).content.decode()
        assert "Dragørs eget mål om sprog" not in page
        edit = reverse("goal-bank-edit", args=[bank["dragoer"].public_id])
        assert client_for(cast.alice).get(edit).status_code == 404
        page = client_for(cast.dora).get(reverse("goal-bank")).content.decode()
        assert "Dragørs eget mål om sprog" in page and SPEECH["goal"] not in page


class TestStartingAPlanFromTheBank:
    def test_the_plan_form_offers_the_own_bank_only(self, cast, bank, client_for):
        page = client_for(cast.bob).get(reverse("plan-create")).content.decode()
        assert "Start fra målbanken" in page
        assert SPEECH["goal"] in page and "Dragørs eget mål" not in page

    def test_chosen_goals_are_copied_into_the_form(self, cast, bank, client_for):
        url = reverse("plan-create") + (
            f"?barn={cast.mia.public_id}&maal={bank['speech'].public_id}"
            f"&maal={bank['dragoer'].public_id}"
        )
        page = client_for(cast.bob).get(url).content.decode()
        assert f'value="{SPEECH["goal"]}"' in page
        assert f'value="{SPEECH["success_criterion"]}"' in page
        assert SPEECH["strategies"] in page
        assert 'value="Dragørs eget mål om sprog"' not in page  # another municipality's: ignored

    def test_the_plan_keeps_its_copy_when_the_bank_changes(self, cast, bank, client_for):
        from inklusio.plans.models import ActionPlan

        entry = bank["speech"]
        data = {
            "child": cast.mia.pk,
            "owner": cast.bob.pk,
            "title": "Sprog ved frokost",
            "problem": "Taler kun få ord",
            "strategies": SPEECH["strategies"],
            "duration": "Et halvt år",
            "follow_up_how": "Møde hver tredje måned",
            "follow_up_weeks": 12,
            "parent_collaboration": "Samtale hver måned",
            "goals-TOTAL_FORMS": 1,
            "goals-INITIAL_FORMS": 0,
            "goals-0-text": SPEECH["goal"] + " ved frokost",  # adapted to the child
            "goals-0-success_criterion": SPEECH["success_criterion"],
            "agreements-TOTAL_FORMS": 1,
            "agreements-INITIAL_FORMS": 0,
            "agreements-0-text": "Billedstøtte ved frokost",
            "agreements-0-owner": "Stuen",
        }
        response = client_for(cast.bob).post(reverse("plan-create"), data)
        page = response.content.decode()
        assert response.status_code == 302, re.findall(
            r"form-error-message[^<]*<[^<]*|alert-body.{0,300}", page
        )
        plan = ActionPlan.objects.get(title="Sprog ved frokost")
        services.goal_bank_update(
            actor=cast.alice,
            entry=entry,
            data={**SPEECH, "goal": "Et helt andet mål", "strategies": "Noget andet"},
            expected_version=entry.version,
        )
        plan.refresh_from_db()
        assert [g.text for g in plan.goals.all()] == [SPEECH["goal"] + " ved frokost"]
        assert plan.strategies == SPEECH["strategies"]

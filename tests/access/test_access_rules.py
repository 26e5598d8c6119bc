"""Access rules the matrix does not reach: who is offered as a case officer, who sees the
municipality's failed jobs, which courses a plan can be made for, and what a deactivated
account or an invited partner gets from the rules themselves (issue 12, mutation testing)."""

import datetime

import pytest
from django.urls import reverse

from inklusio import access
from inklusio.courses.models import Course
from inklusio.jobs.models import Job
from inklusio.people.models import PedagogueAttachment, Role
from tests.conftest import TODAY, make_user

pytestmark = pytest.mark.django_db


def options(form, field: str) -> set[str]:
    return {str(choice) for _value, choice in form.fields[field].choices if _value}


class TestCaseOfficers:
    def test_an_appeal_is_given_to_one_of_the_municipalitys_active_administrators(
        self, cast, client_for
    ):
        anne = make_user("anne", cast.ishoj, Role.ADMINISTRATOR)
        make_user("otto", cast.ishoj, Role.ADMINISTRATOR, is_active=False)
        response = client_for(cast.alice).get(
            reverse("appeal-create", args=[cast.decision_mia.public_id])
        )
        owners = response.context["form"].fields["owner"].queryset
        # Not Cora (corps leader), not Otto (no longer active), not Dora (Dragør).
        assert set(owners) == {cast.alice, anne}


class TestFailedJobs:
    def test_only_the_administration_sees_the_municipalitys_failed_jobs(self, cast, client_for):
        Job.objects.create(
            municipality=cast.ishoj,
            kind="annual-report",
            params={"year": 2026},
            requested_by=cast.alice,
            status=Job.Status.FAILED,
            attempts=3,
            error="RuntimeError: printeren er løbet tør",
        )
        page = client_for(cast.alice).get(reverse("job-list")).content.decode()
        assert 'data-testid="failed-jobs"' in page and "printeren er løbet tør" in page
        for user in (cast.cora, cast.bob, cast.carl, cast.sara, cast.pia, cast.gert, cast.dora):
            page = client_for(user).get(reverse("job-list")).content.decode()
            assert "printeren er løbet tør" not in page, user.username
            assert 'data-testid="failed-jobs"' not in page, user.username


class TestPlansForCourses:
    def test_a_pedagogue_is_offered_their_running_course_not_a_closed_one(self, cast, client_for):
        Course.objects.create(
            municipality=cast.ishoj, institution=cast.boegely, kind=Course.Kind.GROUP,
            title="Afsluttet gruppe", goals="-", start=TODAY - datetime.timedelta(days=200),
            planned_end=TODAY - datetime.timedelta(days=20), pedagogue=cast.bob,
            created_by=cast.bob, closed_on=TODAY - datetime.timedelta(days=20),
        )  # fmt: skip
        form = client_for(cast.bob).get(reverse("plan-create")).context["form"]
        assert options(form, "course") == {str(cast.course_boegely)}

    def test_a_pedagogue_with_only_a_staff_course_may_make_a_plan_for_it(self, cast, client_for):
        """Nina runs a reflection course at Elverhøj with no children in it: she has no child
        to plan for, but the course itself can have a plan."""
        nina = make_user("nina", cast.ishoj, Role.PEDAGOGUE)
        PedagogueAttachment.objects.create(
            municipality=cast.ishoj,
            pedagogue=nina,
            institution=cast.elverhoej,
            function=PedagogueAttachment.Function.RESOURCE,
        )
        course = Course.objects.create(
            municipality=cast.ishoj, institution=cast.elverhoej, kind=Course.Kind.REFLECTION,
            title="Refleksion i garderoben", goals="-", start=TODAY,
            planned_end=TODAY + datetime.timedelta(days=90), pedagogue=nina, created_by=nina,
        )  # fmt: skip
        client = client_for(nina)
        assert reverse("plan-create") in client.get(reverse("plan-list")).content.decode()
        response = client.get(reverse("plan-create"))
        assert response.status_code == 200
        assert options(response.context["form"], "course") == {str(course)}
        assert options(response.context["form"], "child") == set()

    def test_staff_guardians_and_partners_make_no_plans(self, cast, client_for):
        for user in (cast.sara, cast.gert, cast.pia):
            client = client_for(user)
            assert reverse("plan-create") not in client.get(reverse("plan-list")).content.decode()
            assert client.get(reverse("plan-create")).status_code == 404, user.username


class TestTheRulesThemselves:
    """What the rules answer where every page has a second guard in front of them."""

    def test_a_deactivated_pedagogue_sees_no_contract_not_even_their_own(self, cast):
        assert list(access.contracts_visible_to(cast.bob)) == [cast.contract_bob]
        cast.bob.is_active = False
        assert list(access.contracts_visible_to(cast.bob)) == []

    def test_an_invited_partner_sees_the_child_but_not_the_guardians_consent(self, cast):
        assert access.can_view_child(cast.pia, cast.mia)
        assert list(access.consents_visible_to(cast.pia)) == []
        # Gert sees his own consents to Mia: to discussion, and to her handover to Elverhøj.
        assert set(access.consents_visible_to(cast.gert)) == {
            cast.consent_mia,
            cast.handover_mia.consent,
        }

    def test_master_data_is_edited_only_inside_the_municipality_and_while_active(self, cast):
        assert access.can_edit_child(cast.alice, cast.mia)
        assert not access.can_edit_child(cast.dora, cast.mia)  # Dragør's administrator
        cast.alice.is_active = False
        assert not access.can_edit_child(cast.alice, cast.mia)


class TestWeekGridForAPedagogue:
    def test_bob_sees_his_own_row_everywhere_and_the_grid_of_his_institution_only(
        self, cast, client_for
    ):
        from inklusio.planning.models import PlanSlot, WeeklyPlan

        WeeklyPlan.objects.filter(pk=cast.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
        kim = make_user("kim", cast.ishoj, Role.PEDAGOGUE)
        for pedagogue, day, institution in (
            (cast.bob, 0, cast.boegely),
            (cast.bob, 1, cast.elverhoej),  # not attached there, but it is his own half-day
            (kim, 2, cast.boegely),  # Bøgely's grid: Bob works there
            (kim, 3, cast.elverhoej),  # neither his half-day nor his institution
        ):
            PlanSlot.objects.create(
                municipality=cast.ishoj, plan=cast.plan, pedagogue=pedagogue, day=day, half=0,
                institution=institution, function="resource",
            )  # fmt: skip
        response = client_for(cast.bob).get(reverse("planning-plan", args=[cast.plan.public_id]))
        visits = {
            row.label: sorted(text for cell in row.cells for text in cell)
            for row in response.context["grids"]["institutions"]
        }
        assert visits == {"Bøgely": ["Bob (R)", "Kim (R)"], "Elverhøj": ["Bob (R)"]}


class TestWeekPlanProposals:
    """A proposal is the corps leader's draft: the pedagogues and the institutions read the
    week's plan once it is published (and a replaced version, marked as such), never a draft
    that may still change — not on the page, in the list or in the API."""

    def shown(self, cast, client_for, user) -> tuple[int, bool, int, bool]:
        client = client_for(user)
        page = client.get(reverse("planning-plan", args=[cast.plan.public_id]))
        listed = (
            str(cast.plan.public_id) in client.get(reverse("planning-overview")).content.decode()
        )
        api = client.get(f"/api/v1/weekly-plans/{cast.plan.public_id}")
        api_listed = str(cast.plan.public_id) in api_list_ids(client)
        return page.status_code, listed, api.status_code, api_listed

    def test_a_proposal_only_to_the_corps_leader_and_the_administration(self, cast, client_for):
        from inklusio.planning.models import WeeklyPlan

        assert cast.plan.status == WeeklyPlan.Status.PROPOSED
        for user in (cast.cora, cast.alice):
            assert self.shown(cast, client_for, user) == (200, True, 200, True), user
        page = client_for(cast.cora).get(reverse("planning-plan", args=[cast.plan.public_id]))
        assert "Et forslag ses kun af korpslederen og forvaltningen." in page.content.decode()
        for user in (cast.bob, cast.carl, cast.sara):
            assert self.shown(cast, client_for, user) == (404, False, 404, False), user

    @pytest.mark.parametrize("status", ["published", "replaced"])
    def test_a_published_or_replaced_plan_to_the_corps_and_its_institutions(
        self, cast, client_for, status
    ):
        from inklusio.planning.models import WeeklyPlan

        WeeklyPlan.objects.filter(pk=cast.plan.pk).update(status=status)
        for user in (cast.cora, cast.alice, cast.bob, cast.carl, cast.sara):
            assert self.shown(cast, client_for, user) == (200, True, 200, True), user
        for user in (cast.pia, cast.gert, cast.dora):
            assert self.shown(cast, client_for, user)[::2] == (404, 404), user


def api_list_ids(client) -> str:
    response = client.get("/api/v1/weekly-plans")
    return response.content.decode() if response.status_code == 200 else ""


class TestProposingAdjustments:
    def test_nobody_proposes_a_change_to_a_closed_plan(self, cast, client_for):
        from inklusio.plans.models import ActionPlan

        ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(
            status=ActionPlan.Status.CLOSED, closed_on=TODAY
        )
        url = reverse("plan-adjust", args=[cast.plan_mia.public_id])
        for user in (cast.bob, cast.sara, cast.gert):
            assert client_for(user).get(url).status_code == 404, user.username

    def test_a_father_proposes_changes_only_to_the_plan_whose_meeting_he_attended(
        self, cast, client_for
    ):
        from inklusio.plans import services as plans

        second = plans.plan_create(
            actor=cast.bob,
            data={
                "child": cast.mia, "owner": cast.bob, "title": "Mias sprogplan",
                "problem": "Få ord", "strategies": "Tegn til tale", "duration": "3 måneder",
            },
            goals=[{"text": "Bruger ti tegn", "success_criterion": "Hver dag"}],
            agreements=[],
        )  # fmt: skip
        client = client_for(cast.gert)
        assert client.get(reverse("plan-detail", args=[second.public_id])).status_code == 200
        assert client.get(reverse("plan-adjust", args=[second.public_id])).status_code == 404
        assert client.get(reverse("plan-adjust", args=[cast.plan_mia.public_id])).status_code == 200


class TestRegisteringChildren:
    def test_the_create_button_is_there_for_those_who_may_register_a_child(self, cast, client_for):
        create = reverse("child-create")
        for user, shown in (
            (cast.alice, True), (cast.carl, True), (cast.dora, True),
            (cast.cora, False), (cast.bob, False), (cast.sara, False), (cast.gert, False),
        ):  # fmt: skip
            for page in ("child-list", "start"):
                html = client_for(user).get(reverse(page)).content.decode()
                assert (create in html) == shown, (user.username, page)


class TestCaseFilesByRole:
    def test_an_invited_partner_reads_her_own_referral_not_anothers_about_the_same_child(
        self, cast, client_for
    ):
        from inklusio.referrals.models import Offer, Referral

        other = Referral.objects.create(
            municipality=cast.ishoj, child=cast.mia, offer=Offer.RESOURCE_GROUP_PLACE,
            category="contact_behaviour", description="Indstillet af forvaltningen.",
            referred_by=cast.alice,
        )  # fmt: skip
        client = client_for(cast.pia)
        assert (
            client.get(reverse("referral-detail", args=[cast.referral_mia.public_id])).status_code
            == 200
        )
        assert client.get(reverse("referral-detail", args=[other.public_id])).status_code == 404

    def test_an_institution_leader_reads_the_decisions_about_the_institutions_children(
        self, cast, client_for
    ):
        from inklusio.referrals import services as referrals
        from inklusio.referrals.models import Decision, Offer

        refusal = referrals.decision_record(
            actor=cast.alice, child=cast.emil, outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE, reasons="Behovet dækkes i gruppen",
            legal_basis=cast.legal_basis,
        )  # fmt: skip
        client = client_for(cast.carl)
        assert client.get(reverse("decision-detail", args=[refusal.public_id])).status_code == 200
        assert (
            client.get(reverse("decision-detail", args=[cast.decision_mia.public_id])).status_code
            == 404
        )


class TestManagingPlans:
    def test_the_leader_of_the_plans_institution_may_change_it_though_not_its_owner(
        self, cast, client_for
    ):
        lena = make_user("lena", cast.ishoj, Role.INSTITUTION_LEADER, institution=cast.boegely)
        url = reverse("plan-edit", args=[cast.plan_mia.public_id])
        assert client_for(lena).get(url).status_code == 200
        assert client_for(cast.sara).get(url).status_code == 404  # staff at Bøgely

    def test_nobody_changes_a_closed_plan_not_even_its_owner(self, cast, client_for):
        from inklusio.plans.models import ActionPlan

        ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(
            status=ActionPlan.Status.CLOSED, closed_on=TODAY
        )
        url = reverse("plan-edit", args=[cast.plan_mia.public_id])
        for user in (cast.bob, cast.alice):
            assert client_for(user).get(url).status_code == 404, user.username

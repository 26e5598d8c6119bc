"""Issue 16: adjustments that replace or end an agreement, objections that reach the plan's
owner, confirm pages for the steps that cannot be undone, reopening, and the printed plan."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from inklusio.plans import services
from inklusio.plans.models import Acknowledgement, ActionPlan, Adjustment
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _agreements_on_page(client, plan) -> str:
    page = client.get(plan.get_absolute_url()).content.decode()
    return page.split('data-testid="agreements"', 1)[1].split("</table>", 1)[0]


def _propose(client, plan, **data):
    return client.post(reverse("plan-adjust", args=[plan.public_id]), data)


class TestAdjustmentKinds:
    def test_a_replacement_takes_the_old_agreements_place(self, cast, client_for):
        old = cast.plan_mia.agreements.get()
        _propose(
            client_for(cast.gert),
            cast.plan_mia,
            reason="Mia kommer senere",
            kind="replace",
            target=old.pk,
            agreement_text="Dagsprogram kl. 10.15",
            agreement_owner="Stuens pædagoger",
        )
        proposal = Adjustment.objects.get(reason="Mia kommer senere")
        owner = client_for(cast.bob)
        confirm = owner.get(reverse("adjustment-decide", args=[proposal.public_id]))
        page = confirm.content.decode()
        # The confirm page shows the change before anything happens.
        assert "Hvis du godkender" in page
        assert "− Laver dagsprogram – Stuens pædagoger" in page
        assert "+ Dagsprogram kl. 10.15 – Stuens pædagoger" in page
        assert cast.plan_mia.agreements.get().text == "Laver dagsprogram"
        with new_audit_rows(writes_only=True) as written:
            response = owner.post(
                reverse("adjustment-decide", args=[proposal.public_id]), {"accept": "1"}
            )
        assert response.status_code == 302
        [row] = written
        # The log shows the decision, in Danish on the plan's log.
        assert row.changes == {"adjustment_status": {"before": "proposed", "after": "accepted"}}
        assert row.change_rows == [("justering", "Foreslået", "Godkendt")]
        shown = _agreements_on_page(owner, cast.plan_mia)
        assert "Dagsprogram kl. 10.15" in shown and "Laver dagsprogram" not in shown
        versions = owner.get(reverse("plan-versions", args=[cast.plan_mia.public_id]))
        diff = versions.content.decode()
        assert "− Laver dagsprogram" in diff and "+ Dagsprogram kl. 10.15" in diff
        assert "Mia kommer senere" in diff

    def test_an_ended_agreement_leaves_the_plan_and_stays_in_the_versions(self, cast, client_for):
        old = cast.plan_mia.agreements.get()
        _propose(
            client_for(cast.sara),
            cast.plan_mia,
            reason="Ikke nødvendigt",
            kind="end",
            target=old.pk,
        )
        proposal = Adjustment.objects.get(reason="Ikke nødvendigt")
        owner = client_for(cast.bob)
        detail = owner.get(cast.plan_mia.get_absolute_url()).content.decode()
        assert "Afslut en aftale" in detail and "Afslutter:" in detail
        owner.post(reverse("adjustment-decide", args=[proposal.public_id]), {"accept": "1"})
        assert "Ingen aftaler." in _agreements_on_page(owner, cast.plan_mia)
        first = cast.plan_mia.versions.order_by("number").first()
        assert first.snapshot["agreements"][0]["text"] == "Laver dagsprogram"

    def test_a_replacement_must_name_the_agreement_and_the_new_text(self, cast, client_for):
        client = client_for(cast.gert)
        response = _propose(
            client, cast.plan_mia, reason="Uden mål", kind="replace", agreement_text="Ny"
        )
        page = response.content.decode()
        assert "Vælg den aftale, forslaget erstatter eller afslutter." in page
        assert 'value="Uden mål"' in page  # what was typed is kept
        old = cast.plan_mia.agreements.get()
        response = _propose(client, cast.plan_mia, reason="Tom", kind="replace", target=old.pk)
        assert "Skriv den nye aftale, der skal erstatte den gamle." in response.content.decode()
        assert not Adjustment.objects.filter(reason__in=["Uden mål", "Tom"]).exists()

    def test_a_replacement_of_an_agreement_edited_since_is_refused(self, cast, client_for):
        old = cast.plan_mia.agreements.get()
        proposal = services.adjustment_propose(
            actor=cast.sara,
            plan=cast.plan_mia,
            reason="Senere",
            kind="replace",
            target=old,
            agreement_text="Kl. 10.15",
            agreement_owner="Sara",
        )
        services.plan_update(
            actor=cast.bob,
            plan=cast.plan_mia,
            data={},
            goals=[{"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}],
            agreements=[{"text": "Kl. 9.30", "owner": "Stuen"}],
            expected_version=cast.plan_mia.version,
        )
        owner = client_for(cast.bob)
        url = reverse("adjustment-decide", args=[proposal.public_id])
        assert "Forslaget kan kun afvises." in owner.get(url).content.decode()
        owner.post(url, {"accept": "1"})
        page = owner.get(url).content.decode()
        assert (
            "Aftalen «Laver dagsprogram» er ændret i planen, siden forslaget blev givet. "
            "Afvis forslaget, og foreslå det igen ud fra planen, som den er nu."
        ) in page
        proposal.refresh_from_db()
        assert proposal.status == "proposed"
        assert list(cast.plan_mia.agreements.values_list("text", flat=True)) == ["Kl. 9.30"]
        with new_audit_rows(writes_only=True) as written:
            owner.post(url, {"accept": "0"})
        proposal.refresh_from_db()
        assert proposal.status == "rejected"
        [row] = written
        assert row.change_rows == [("justering", "Foreslået", "Afvist")]


def _object(client, meeting, comment="Samlingen er for lang for Mia"):
    return client.post(
        meeting.get_absolute_url(),
        {"action": "acknowledge", "answer": "objected", "comment": comment},
    )


class TestObjections:
    def test_an_objection_sets_the_plan_to_indsigelse_and_tells_the_owner(
        self, cast, client_for, mailoutbox, django_capture_on_commit_callbacks
    ):
        cast.bob.email = "bob@example.org"
        cast.bob.save()
        with (
            django_capture_on_commit_callbacks(execute=True),
            new_audit_rows(writes_only=True) as written,
        ):
            _object(client_for(cast.sara), cast.plan_meeting)
        assert len(written) == 1
        owner = client_for(cast.bob)
        detail = owner.get(cast.plan_mia.get_absolute_url()).content.decode()
        assert "Indsigelse" in detail and "Samlingen er for lang for Mia" in detail
        listing = owner.get(reverse("plan-list")).content.decode()
        assert "Indsigelser til dine handleplaner" in listing and "Mias handleplan" in listing
        start = owner.get(reverse("start")).content.decode()
        assert "Indsigelser til dine handleplaner" in start
        assert reverse("plan-resolve", args=[cast.plan_mia.public_id]) in start
        [mail] = mailoutbox
        assert mail.to == ["bob@example.org"]
        assert mail.subject == "Der er en indsigelse til en handleplan i Inklusio"
        for private in ("Mia", cast.mia.full_name, "Samlingen"):
            assert private not in mail.subject and private not in mail.body
        # Only the owner is told: the objector's own list has no notice.
        assert "Indsigelser til dine" not in (
            client_for(cast.sara).get(reverse("plan-list")).content.decode()
        )

    def test_the_owner_resolves_with_a_note(self, cast, client_for):
        _object(client_for(cast.sara), cast.plan_meeting)
        owner = client_for(cast.bob)
        url = reverse("plan-resolve", args=[cast.plan_mia.public_id])
        page = owner.get(url).content.decode()
        assert "Samlingen er for lang for Mia" in page
        refused = owner.post(url, {"note": "  "}).content.decode()
        assert "Skriv, hvordan indsigelsen er afklaret." in refused
        assert owner.post(url, {"note": "Aftalt kortere samling"}).status_code == 302
        cast.plan_mia.refresh_from_db()
        assert cast.plan_mia.get_status_display() == "Aftalt"
        meeting = owner.get(cast.plan_meeting.get_absolute_url()).content.decode()
        assert "Aftalt kortere samling" in meeting and "Afklaret" in meeting
        again = owner.post(url, {"note": "Igen"}).content.decode()
        assert "Planen har ingen åbne indsigelser." in again

    def test_a_new_version_resolves_the_objection(self, cast, client_for):
        from tests.plans.test_plans import plan_post

        _object(client_for(cast.gert), cast.plan_meeting)
        cast.plan_mia.refresh_from_db()
        owner = client_for(cast.bob)
        owner.post(
            reverse("plan-edit", args=[cast.plan_mia.public_id]),
            plan_post(cast.plan_mia, reason="Kortere samling", strategies="Kort samling"),
        )
        cast.plan_mia.refresh_from_db()
        assert cast.plan_mia.status == ActionPlan.Status.ACTIVE
        objection = Acknowledgement.objects.get(user=cast.gert)
        assert objection.resolution == "Kortere samling" and objection.resolved_by == cast.bob

    def test_a_new_version_without_a_reason_resolves_the_objection_by_its_number(
        self, cast, client_for
    ):
        from tests.plans.test_plans import plan_post

        _object(client_for(cast.gert), cast.plan_meeting)
        cast.plan_mia.refresh_from_db()
        owner = client_for(cast.bob)
        owner.post(
            reverse("plan-edit", args=[cast.plan_mia.public_id]),
            plan_post(cast.plan_mia, strategies="Kort samling"),
        )
        number = cast.plan_mia.versions.order_by("-number").first().number
        meeting = owner.get(cast.plan_meeting.get_absolute_url()).content.decode()
        assert f"af {cast.bob.get_full_name()}: Ny version {number}" in meeting

    def test_the_acknowledgement_form_comes_after_what_is_agreed(self, cast, client_for):
        page = client_for(cast.gert).get(cast.plan_meeting.get_absolute_url()).content.decode()
        assert page.index("Det aftalte") < page.index("Kvittér for aftalerne")
        assert page.index("Laver dagsprogram") < page.index("Send mit svar")
        assert "kan ikke ændres bagefter" in page


class TestConfirmAndReopen:
    def test_the_close_page_says_what_happens_before_it_happens(self, cast, client_for):
        page = client_for(cast.bob).get(reverse("plan-close", args=[cast.plan_mia.public_id]))
        text = page.content.decode()
        assert "kan den ikke længere rettes" in text and "kan genåbnes" in text
        assert not cast.plan_mia.__class__.objects.get(pk=cast.plan_mia.pk).is_closed

    def test_holding_a_meeting_says_it_cannot_be_undone(self, cast, client_for):
        meeting = services.plan_meeting_schedule(
            actor=cast.bob, plan=cast.plan_mia, kind="initial", date=TODAY,
            start_time=datetime.time(9), place="Bøgely", participants=[cast.bob, cast.gert],
        )  # fmt: skip
        page = client_for(cast.bob).get(meeting.get_absolute_url()).content.decode()
        assert "Det kan ikke fortrydes" in page and "Mødet er holdt" in page
        meeting.refresh_from_db()
        assert not meeting.held

    def _close(self, cast):
        services.plan_close(
            actor=cast.bob, plan=cast.plan_mia, evaluation="Godt", methods_in_practice="yes"
        )

    def test_a_closed_plan_is_reopened_with_a_reason_as_a_new_version(self, cast, client_for):
        self._close(cast)
        owner = client_for(cast.bob)
        detail = owner.get(cast.plan_mia.get_absolute_url()).content.decode()
        url = reverse("plan-reopen", args=[cast.plan_mia.public_id])
        assert url in detail
        assert "får en ny version med din begrundelse" in owner.get(url).content.decode()
        refused = owner.post(url, {"reason": ""}).content.decode()
        assert "Skriv, hvorfor planen genåbnes." in refused
        with new_audit_rows(writes_only=True) as written:
            assert owner.post(url, {"reason": "Mia skifter stue"}).status_code == 302
        assert len(written) == 1 and "closed" in str(written[0].changes)
        detail = owner.get(cast.plan_mia.get_absolute_url()).content.decode()
        assert "Aftalt" in detail and "Genåbnet" in detail and "Mia skifter stue" in detail
        assert owner.get(url).status_code == 404  # open again: nothing to reopen

    def test_only_the_plans_managers_may_reopen_it_and_ended_relations_not_at_all(
        self, cast, ended, client_for
    ):
        self._close(cast)
        url = reverse("plan-reopen", args=[cast.plan_mia.public_id])
        for user in (cast.alice, cast.bob):
            assert client_for(user).get(url).status_code == 200, user
        outsiders = [cast.cora, cast.carl, cast.sara, cast.pia, cast.gert, cast.dora]
        for user in outsiders + ended.users:
            client = client_for(user)
            assert client.get(url).status_code == 404, user
            assert client.post(url, {"reason": "Igen"}).status_code == 404, user
        assert ActionPlan.objects.get(pk=cast.plan_mia.pk).is_closed

    def test_ended_relations_cannot_resolve_or_decide(self, cast, ended, client_for):
        _object(client_for(cast.sara), cast.plan_meeting)
        for user in ended.users:
            client = client_for(user)
            resolve = reverse("plan-resolve", args=[cast.plan_mia.public_id])
            assert client.post(resolve, {"note": "x"}).status_code == 404
            decide = reverse("adjustment-decide", args=[cast.adjustment_mia.public_id])
            assert client.post(decide, {"accept": "1"}).status_code == 404
        assert ActionPlan.objects.get(pk=cast.plan_mia.pk).status == ActionPlan.Status.OBJECTED


class TestThePrintedPlan:
    def test_the_pdf_has_goal_status_acknowledgements_version_and_date(self, cast, client_for):
        services.plan_meeting_acknowledge(
            actor=cast.gert, meeting=cast.plan_meeting, answer="agreed"
        )
        _object(client_for(cast.sara), cast.plan_meeting, comment="For lang samling")
        response = client_for(cast.bob).get(reverse("plan-pdf", args=[cast.plan_mia.public_id]))
        text = " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
        ).replace("\n", " ")
        version = cast.plan_mia.versions.order_by("-number").first()
        for expected in (
            f"Version {version.number} af {timezone.localtime(version.created_at):%-d.%-m.%Y}",
            "Status: Indsigelse",
            "Status ved opfølgning",
            "Ikke fulgt op endnu",
            "Kvitteringer",
            "Gert",
            "Har læst og er enig",
            "INDSIGELSE: For lang samling",
            f"{TODAY:%-d.%-m.%Y}",
        ):
            assert expected in text, expected

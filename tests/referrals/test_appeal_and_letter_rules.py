"""The committee's paperwork as the case officer and the guardians read it: the letter's opening
sentence for every outcome, who the letter is addressed to, the case file for the appeals
board, and what the audit log says about letters, appeals and the committee's frame."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from inklusio.audit.models import AuditAction
from inklusio.children.models import Guardian, Guardianship
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.referrals import services
from inklusio.referrals.errors import InvalidInput
from inklusio.referrals.models import Appeal, Decision, Offer
from inklusio.referrals.services.letters import decision_sentence, letter_context
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def decided(cast, outcome, **extra) -> Decision:
    return Decision(
        municipality=cast.ishoj,
        child=cast.mia,
        outcome=outcome,
        offer=extra.pop("offer", Offer.SUPPORT_PEDAGOGUE),
        decided_on=datetime.date(2026, 9, 1),
        **extra,
    )


class TestTheLettersOpeningSentence:
    @pytest.mark.parametrize(
        ("outcome", "sentence"),
        [
            ("granted", "Vi har den 1.9.2026 besluttet at bevilge støttepædagog."),
            ("refused", "Vi har den 1.9.2026 besluttet at give afslag på støttepædagog."),
            (
                "continued",
                "Vi har revurderet behovet den 1.9.2026, og støttepædagog fortsætter.",
            ),
            ("changed", "Vi har den 1.9.2026 besluttet at ændre bevillingen af støttepædagog."),
            ("ended", "Vi har den 1.9.2026 besluttet, at støttepædagog ophører."),
        ],
    )
    def test_each_outcome_says_what_was_decided_and_when(self, cast, outcome, sentence):
        assert decision_sentence(decided(cast, outcome)) == sentence

    def test_another_offer_names_it(self, cast):
        decision = decided(cast, "alternative", alternative="et ressourceforløb i gruppen")
        assert decision_sentence(decision) == (
            "Vi har den 1.9.2026 besluttet ikke at bevilge støttepædagog, "
            "men at tilbyde: et ressourceforløb i gruppen."
        )

    def test_a_granted_place_names_the_group_a_refused_one_does_not(self, cast):
        place = {"offer": Offer.RESOURCE_GROUP_PLACE, "resource_group": cast.group_boegely}
        granted = decision_sentence(decided(cast, "granted", **place))
        assert granted.endswith(". Pladsen er i Ressourcegruppen Bøgely.")
        refused = decision_sentence(decided(cast, "refused", **place))
        assert "Pladsen er i" not in refused


class TestWhoTheLetterIsFor:
    def test_the_letter_goes_to_the_custody_holders_only(self, cast):
        stepfather = Guardian.objects.create(municipality=cast.ishoj, name="Sten Testesen")
        Guardianship.objects.create(
            municipality=cast.ishoj,
            child=cast.mia,
            guardian=stepfather,
            relation="papfar",
            has_custody=False,
        )
        context = letter_context(cast.decision_mia)
        assert [g.name for g in context["guardians"]] == ["Gert Testesen"]
        assert context["municipality"] == cast.ishoj and context["today"] == TODAY
        assert context["appeal_weeks"] == 4


class TestLetterAndAppealAuditRows:
    def test_issuing_a_letter_logs_its_version(self, cast):
        with new_audit_rows() as rows:
            letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            AuditAction.CREATE,
            str(letter.public_id),
            cast.mia.public_id,
        )
        assert row.changes == {"letter_version": {"before": None, "after": 2}}

    def test_marking_a_letter_sent_logs_the_day(self, cast):
        letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        with new_audit_rows() as rows:
            services.letter_mark_sent(actor=cast.alice, letter=letter, sent_on=TODAY)
        [row] = rows
        assert (row.action, row.child_id) == (AuditAction.EXPORT, cast.mia.public_id)
        assert row.changes == {"sent_on": {"before": None, "after": TODAY.isoformat()}}

    def test_a_letter_already_sent_is_refused_with_the_reason(self, cast):
        sent_on = cast.letter_mia.sent_on
        with pytest.raises(services.NotAllowedNow) as refused:
            services.letter_mark_sent(actor=cast.alice, letter=cast.letter_mia, sent_on=TODAY)
        assert str(refused.value) == "Brevet er allerede registreret som sendt."
        cast.letter_mia.refresh_from_db()
        assert cast.letter_mia.sent_on == sent_on

    @pytest.mark.parametrize(
        ("days", "message"),
        [
            (1, "Et brev kan ikke være sendt på en dag, der ikke er kommet."),
            (-1, f"Brevet blev dannet den {short_date(TODAY)} og kan ikke være sendt før."),
        ],
    )
    def test_a_letter_is_sent_between_the_day_it_was_made_and_today(self, cast, days, message):
        """The appeal deadline runs from the day the letter was sent."""
        letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        with new_audit_rows() as rows, pytest.raises(InvalidInput) as refused:
            services.letter_mark_sent(
                actor=cast.alice, letter=letter, sent_on=TODAY + datetime.timedelta(days=days)
            )
        assert (str(refused.value), refused.value.field) == (message, "on")
        letter.refresh_from_db()
        assert letter.sent_on is None
        assert rows == []

    def test_registering_an_appeal_logs_the_day_it_arrived(self, cast):
        received = TODAY - datetime.timedelta(days=2)
        with new_audit_rows() as rows:
            appeal = services.appeal_register(
                actor=cast.alice,
                decision=cast.decision_mia,
                received_on=received,
                text="Vi er uenige",
                owner=cast.alice,
            )
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            AuditAction.CREATE,
            str(appeal.public_id),
            cast.mia.public_id,
        )
        assert row.changes == {"received_on": {"before": None, "after": received.isoformat()}}
        assert (appeal.status, appeal.text, appeal.owner) == (
            Appeal.Status.RECEIVED,
            "Vi er uenige",
            cast.alice,
        )

    def test_upholding_logs_the_day_it_was_forwarded(self, cast):
        with new_audit_rows() as rows:
            appeal = services.appeal_uphold(
                actor=cast.alice, appeal=cast.appeal_mia, on=TODAY, reasons="Fastholdes"
            )
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            AuditAction.EXPORT,
            str(cast.appeal_mia.public_id),
            cast.mia.public_id,
        )
        assert row.changes == {"forwarded_on": {"before": None, "after": TODAY.isoformat()}}
        appeal.refresh_from_db()
        assert (appeal.reassessed_on, appeal.reassessed_by) == (TODAY, cast.alice)

    def test_a_change_without_a_day_is_reassessed_today_by_the_officer(self, cast):
        new = services.appeal_change(
            actor=cast.alice,
            appeal=cast.appeal_mia,
            outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Efter klagen",
            legal_basis=cast.legal_basis,
        )
        appeal = Appeal.objects.get(pk=cast.appeal_mia.pk)
        assert (appeal.status, appeal.reassessed_on, appeal.reassessed_by, appeal.new_decision) == (
            Appeal.Status.CHANGED,
            TODAY,
            cast.alice,
            new,
        )
        assert (new.child, new.referral, new.outcome, new.alternative) == (
            cast.mia,
            cast.referral_mia,
            Decision.Outcome.REFUSED,
            "",
        )

    def test_an_appeal_is_reassessed_once_and_the_second_time_says_why_not(self, cast):
        services.appeal_uphold(
            actor=cast.alice, appeal=cast.appeal_mia, on=TODAY, reasons="Fastholdes"
        )
        with pytest.raises(services.NotAllowedNow) as refused:
            services.appeal_uphold(
                actor=cast.alice, appeal=cast.appeal_mia, on=TODAY, reasons="Fastholdes"
            )
        assert str(refused.value) == "Klagen er allerede genvurderet."

    def test_a_change_to_a_group_place_keeps_the_group_and_the_end(self, cast):
        end = TODAY + datetime.timedelta(days=126)
        new = services.appeal_change(
            actor=cast.alice,
            appeal=cast.appeal_mia,
            outcome=Decision.Outcome.GRANTED,
            offer=Offer.RESOURCE_GROUP_PLACE,
            reasons="Efter klagen: en plads i gruppen",
            legal_basis=cast.legal_basis,
            resource_group=cast.group_boegely,
            start=TODAY + datetime.timedelta(days=6),
            end=end,
        )
        assert (new.resource_group, new.end) == (cast.group_boegely, end)

    def test_a_change_to_another_offer_says_which(self, cast):
        new = services.appeal_change(
            actor=cast.alice,
            appeal=cast.appeal_mia,
            outcome=Decision.Outcome.ALTERNATIVE,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Efter klagen",
            legal_basis=cast.legal_basis,
            alternative="Et ressourceforløb",
        )
        assert new.alternative == "Et ressourceforløb"


class TestRegisteringAnAppeal:
    """The day an appeal arrived starts the municipality's reassessment deadline: a mistyped
    year (a day to come, or one before the decision existed) is refused by the field, with
    what was typed kept, instead of registering an appeal that is due in the wrong week."""

    def post(self, cast, client_for, received):
        return client_for(cast.alice).post(
            reverse("appeal-create", args=[cast.decision_mia.public_id]),
            {"received_on": received.isoformat(), "text": "Vi er uenige", "owner": cast.alice.pk},
        )

    @pytest.mark.parametrize(
        ("received", "message"),
        [
            (
                lambda decided: TODAY + datetime.timedelta(days=1),
                "Klagen kan ikke være modtaget i fremtiden.",
            ),
            (
                lambda decided: decided - datetime.timedelta(days=1),
                "Klagen kan ikke være modtaget før afgørelsen ({day}).",
            ),
        ],
    )
    def test_a_day_that_cannot_be_is_refused_by_the_field(
        self, cast, client_for, received, message
    ):
        decided = cast.decision_mia.decided_on
        response = self.post(cast, client_for, received(decided))
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "received_on": [message.format(day=short_date(decided))]
        }
        assert "Vi er uenige" in response.content.decode()
        assert not Appeal.objects.filter(text="Vi er uenige").exists()

    def test_an_appeal_received_today_is_registered(self, cast, client_for):
        response = self.post(cast, client_for, TODAY)
        assert response.status_code == 302
        assert Appeal.objects.get(text="Vi er uenige").received_on == TODAY


class TestLetterVersions:
    def test_a_decisions_letters_are_numbered_from_one_whatever_other_letters_exist(self, cast):
        refusal = services.decision_record(
            actor=cast.alice, child=cast.emil, outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE, reasons="Behovet dækkes i gruppen",
            legal_basis=cast.legal_basis,
        )  # fmt: skip
        first = services.letter_issue(actor=cast.alice, decision=refusal)
        second = services.letter_issue(actor=cast.alice, decision=refusal)
        assert (first.version, second.version) == (1, 2)

    def test_the_stored_checksum_is_that_of_the_stored_letter(self, cast):
        import hashlib

        letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        letter.refresh_from_db()
        assert letter.sha256 == hashlib.sha256(bytes(letter.pdf)).hexdigest()


class TestTheCaseFile:
    def test_the_summary_comes_first_then_every_letter_of_the_child_oldest_first(self, cast):
        second = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        bundle = PdfReader(io.BytesIO(services.case_bundle(cast.decision_mia)))
        letters = [cast.letter_mia, second]
        letter_pages = [len(PdfReader(io.BytesIO(bytes(x.pdf))).pages) for x in letters]
        assert len(bundle.pages) > sum(letter_pages)
        first_page = bundle.pages[0].extract_text()
        assert "Sagens akter: Mia Testesen" in first_page
        summary_pages = len(bundle.pages) - sum(letter_pages)
        summary = " ".join(p.extract_text() for p in bundle.pages[:summary_pages])
        assert "Svært ved overgange." in summary
        last_pages = bundle.pages[-letter_pages[1] :]
        # The letter as issued, with the file's page number stamped on it.
        for in_file, issued in zip(
            last_pages, PdfReader(io.BytesIO(bytes(second.pdf))).pages, strict=True
        ):
            body = issued.extract_text().split("Side ")[0].strip()
            assert body and body in in_file.extract_text()

    def test_the_summary_lists_the_decisions_by_date_and_leaves_out_drafts(self, cast):
        from inklusio.referrals.models import Referral

        Referral.objects.create(
            municipality=cast.ishoj, child=cast.mia, offer=Offer.RESOURCE_GROUP_PLACE,
            category="contact_behaviour", description="En kladde, der ikke er sendt.",
            referred_by=cast.pia,
        )  # fmt: skip
        earlier = services.decision_record(
            actor=cast.alice, child=cast.mia, outcome=Decision.Outcome.REFUSED,
            offer=Offer.RESOURCE_GROUP_PLACE, reasons="En tidligere vurdering",
            legal_basis=cast.legal_basis,
        )  # fmt: skip
        Decision.objects.filter(pk=earlier.pk).update(decided_on=datetime.date(2026, 8, 15))
        bundle = PdfReader(io.BytesIO(services.case_bundle(cast.decision_mia)))
        letter_pages = len(PdfReader(io.BytesIO(bytes(cast.letter_mia.pdf))).pages)
        summary = " ".join(
            p.extract_text() for p in bundle.pages[: len(bundle.pages) - letter_pages]
        ).replace("\n", " ")
        assert "En kladde, der ikke er sendt." not in summary
        assert "En tidligere vurdering" in summary
        assert summary.index("En tidligere vurdering") < summary.index(
            "Behovet kan ikke dækkes af ressourcefunktionen."
        )


class TestTheCommitteesFrame:
    def test_a_period_runs_april_to_march_and_its_log_says_which_and_how_many(self, cast):
        with new_audit_rows() as rows:
            period = services.period_create(actor=cast.alice, start_year=2027, support_places=0)
        assert (period.start, period.end) == (datetime.date(2027, 4, 1), datetime.date(2028, 3, 31))
        [row] = rows
        assert row.changes == {
            "period": {"before": None, "after": "2027/28"},
            "support_places": {"before": None, "after": 0},
        }

    def test_another_municipalitys_period_does_not_block_the_same_year(self, cast):
        period = services.period_create(actor=cast.dora, start_year=2026, support_places=3)
        assert (period.municipality, period.label) == (cast.dragoer, "2026/27")

    def test_negative_places_are_refused_by_the_field(self, cast):
        with pytest.raises(InvalidInput) as refused:
            services.period_create(actor=cast.alice, start_year=2027, support_places=-1)
        assert str(refused.value) == "Antallet af pladser kan ikke være negativt."
        assert refused.value.field == "support_places"

    def test_a_legal_basis_is_kept_without_surrounding_spaces_and_logged(self, cast):
        with new_audit_rows() as rows:
            basis = services.legal_basis_add(
                actor=cast.alice, title="  Dagtilbudslovens § 4a ", text=" Støtte. "
            )
        assert (basis.title, basis.text) == ("Dagtilbudslovens § 4a", "Støtte.")
        [row] = rows
        assert row.changes == {"title": {"before": None, "after": "Dagtilbudslovens § 4a"}}

    def test_a_legal_basis_without_a_title_is_refused_by_the_field(self, cast):
        with pytest.raises(InvalidInput) as refused:
            services.legal_basis_add(actor=cast.alice, title="   ", text="Noget")
        assert str(refused.value) == "Skriv lovgrundlagets betegnelse."
        assert refused.value.field == "title"

    def test_a_committee_meeting_logs_its_date(self, cast):
        day = TODAY + datetime.timedelta(days=14)
        with new_audit_rows() as rows:
            meeting = services.committee_meeting_create(actor=cast.alice, date=day)
        [row] = rows
        assert row.changes == {"date": {"before": None, "after": day.isoformat()}}
        assert (meeting.period, meeting.municipality, meeting.note) == (cast.period, cast.ishoj, "")

    def test_someone_outside_any_municipality_sets_up_nothing(self, cast):
        from inklusio.people.models import Role, User

        stray = User.objects.create_user(username="stray", role=Role.ADMINISTRATOR)
        with pytest.raises(services.NotAllowedNow) as refused:
            services.legal_basis_add(actor=stray, title="Lov", text="")
        assert str(refused.value) == "Du hører ikke til en kommune."

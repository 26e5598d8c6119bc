"""Decision letters and appeals as the guardians, the case officer and the appeals board see
them: what the letter is written from, its numbering, the day it went out, what an upheld or
changed appeal leaves behind, and the case file's attachments and page stamps."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from inklusio.children.models import Guardian, Guardianship
from inklusio.referrals import services
from inklusio.referrals.errors import InvalidInput
from inklusio.referrals.models import (
    Appeal,
    Decision,
    DecisionLetter,
    Offer,
    Referral,
    ReferralAttachment,
)
from inklusio.referrals.services.letters import decision_sentence, letter_context
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

A4_WIDTH = 595.28


def _blank_pdf(width: float, height: float = 400) -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=width, height=height)
    writer.write(out)
    return out.getvalue()


def _attach(cast, referral, name, content, *, uploaded_at=None):
    attachment = services.attachment_add(
        actor=cast.pia, referral=referral, upload=SimpleUploadedFile(name, content)
    )
    if uploaded_at is not None:
        ReferralAttachment.objects.filter(pk=attachment.pk).update(uploaded_at=uploaded_at)
    return attachment


def _stamps(page) -> list[tuple[str, float, float]]:
    """The page-number stamps on a page with where they stand on it (x, y in points)."""
    found = []

    def visit(text, cm, tm, _font, _size):
        if text.startswith("Side "):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return found


class TestTheLetter:
    def test_the_letter_is_written_from_the_decision_and_signed_by_the_contact(self, cast):
        context = letter_context(cast.decision_mia)
        assert set(context) == {
            "decision",
            "decision_sentence",
            "child",
            "municipality",
            "guardians",
            "today",
            "appeal_weeks",
            "contact",
            "contact_title",
        }
        assert context["decision"] == cast.decision_mia
        assert context["decision_sentence"] == (
            "Vi har den 1.9.2026 besluttet at bevilge støttepædagog."
        )
        assert context["child"] == cast.mia
        assert context["municipality"] == cast.ishoj
        assert context["today"] == TODAY
        assert context["appeal_weeks"] == 4
        assert context["contact"] == cast.alice
        assert context["contact_title"] == "Forvaltning / visitationsudvalg"

    def test_each_custody_holder_gets_a_letter_in_name_order(self, cast):
        anne = Guardian.objects.create(municipality=cast.ishoj, name="Anne Testesen")
        Guardianship.objects.create(
            municipality=cast.ishoj, child=cast.mia, guardian=anne, relation="mor"
        )
        names = [g.name for g in letter_context(cast.decision_mia)["guardians"]]
        assert names == ["Anne Testesen", "Gert Testesen"]

    def test_a_continued_place_names_its_group(self, cast):
        decision = Decision(
            municipality=cast.ishoj,
            child=cast.mia,
            outcome=Decision.Outcome.CONTINUED,
            offer=Offer.RESOURCE_GROUP_PLACE,
            resource_group=cast.group_boegely,
            decided_on=datetime.date(2026, 9, 1),
        )
        assert decision_sentence(decision) == (
            "Vi har revurderet behovet den 1.9.2026, og plads i ressourcegruppe/minigruppe "
            "fortsætter. Pladsen er i Ressourcegruppen Bøgely."
        )

    def test_every_new_letter_of_a_decision_gets_the_next_number(self, cast):
        # Mia's decision has letter 1 (the cast); the next two are 2 and 3.
        second = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        third = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        assert (second.version, third.version) == (2, 3)
        stored = DecisionLetter.objects.get(pk=third.pk)
        assert (stored.decision, stored.created_by, stored.municipality) == (
            cast.decision_mia,
            cast.alice,
            cast.ishoj,
        )
        assert bytes(stored.pdf).startswith(b"%PDF-")
        assert stored.sent_on is None

    def test_the_day_a_letter_was_sent_is_kept(self, cast):
        letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        DecisionLetter.objects.filter(pk=letter.pk).update(
            created_at=letter.created_at - datetime.timedelta(days=3)
        )
        sent = TODAY - datetime.timedelta(days=2)
        marked = services.letter_mark_sent(actor=cast.alice, letter=letter, sent_on=sent)
        assert marked.sent_on == sent
        assert DecisionLetter.objects.get(pk=letter.pk).sent_on == sent


class TestAppeals:
    def test_a_registered_appeal_keeps_the_day_it_arrived(self, cast):
        received = TODAY - datetime.timedelta(days=5)
        appeal = services.appeal_register(
            actor=cast.alice,
            decision=cast.decision_mia,
            received_on=received,
            text="Vi er uenige",
            owner=cast.cora,
        )
        stored = Appeal.objects.get(pk=appeal.pk)
        assert (stored.received_on, stored.decision, stored.owner, stored.municipality) == (
            received,
            cast.decision_mia,
            cast.cora,
            cast.ishoj,
        )

    def test_upholding_without_reasons_is_refused_by_the_reasons_field(self, cast):
        with pytest.raises(InvalidInput) as refused:
            services.appeal_uphold(
                actor=cast.alice, appeal=cast.appeal_mia, on=TODAY, reasons="   "
            )
        assert str(refused.value) == "Skriv kommunens begrundelse for at fastholde afgørelsen."
        assert refused.value.field == "reasons"

    def test_an_upheld_appeal_is_forwarded_on_the_day_with_its_reasons_and_case_file(self, cast):
        on = TODAY - datetime.timedelta(days=3)
        services.appeal_uphold(
            actor=cast.cora, appeal=cast.appeal_mia, on=on, reasons="Behovet er dækket"
        )
        stored = Appeal.objects.get(pk=cast.appeal_mia.pk)
        assert stored.status == Appeal.Status.FORWARDED
        assert (stored.reassessed_on, stored.forwarded_on, stored.reassessed_by) == (
            on,
            on,
            cast.cora,
        )
        assert stored.upheld_reasons == "Behovet er dækket"
        bundle = bytes(stored.bundle)
        assert bundle.startswith(b"%PDF-")
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(bundle)).pages)
        assert "Behovet er dækket" in text

    def test_a_change_on_a_given_day_supersedes_the_decision(self, cast):
        on = TODAY - datetime.timedelta(days=4)
        new = services.appeal_change(
            actor=cast.cora,
            appeal=cast.appeal_mia,
            outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Efter klagen",
            legal_basis=cast.legal_basis,
            on=on,
        )
        stored = Appeal.objects.get(pk=cast.appeal_mia.pk)
        assert (stored.status, stored.reassessed_on, stored.reassessed_by) == (
            Appeal.Status.CHANGED,
            on,
            cast.cora,
        )
        assert stored.new_decision == new
        assert (new.kind, new.supersedes, new.child) == (
            Decision.Kind.APPEAL_CHANGE,
            cast.decision_mia,
            cast.mia,
        )
        assert (new.outcome, new.offer, new.legal_basis) == (
            Decision.Outcome.REFUSED,
            Offer.SUPPORT_PEDAGOGUE,
            cast.legal_basis,
        )
        with pytest.raises(services.NotAllowedNow) as refused:
            services.appeal_change(
                actor=cast.cora,
                appeal=cast.appeal_mia,
                outcome=Decision.Outcome.REFUSED,
                offer=Offer.SUPPORT_PEDAGOGUE,
                reasons="Igen",
                legal_basis=cast.legal_basis,
            )
        assert str(refused.value) == "Klagen er allerede genvurderet."


class TestTheCaseFilesAttachments:
    def test_attached_pdfs_follow_in_the_order_they_were_uploaded_and_drafts_stay_out(self, cast):
        earlier = timezone.now() - datetime.timedelta(days=20)
        later = timezone.now() - datetime.timedelta(days=10)
        # Uploaded second but dated first: the upload day decides, not the order of the rows.
        _attach(cast, cast.referral_mia, "senere.pdf", _blank_pdf(300), uploaded_at=later)
        _attach(cast, cast.referral_mia, "tidligere.pdf", _blank_pdf(400), uploaded_at=earlier)
        draft = Referral.objects.create(
            municipality=cast.ishoj,
            child=cast.mia,
            offer=Offer.RESOURCE_COURSE,
            category="contact_behaviour",
            description="Ikke sendt.",
            referred_by=cast.pia,
        )
        _attach(cast, draft, "kladde.pdf", _blank_pdf(200))
        bundle = PdfReader(io.BytesIO(services.case_bundle(cast.decision_mia)))
        widths = [round(float(page.mediabox.width)) for page in bundle.pages]
        assert widths[-2:] == [400, 300]
        assert 200 not in widths

    def test_every_stamp_stands_on_its_own_page_whatever_its_size(self, cast):
        _attach(cast, cast.referral_mia, "smal.pdf", _blank_pdf(300, 500))
        bundle = PdfReader(io.BytesIO(services.case_bundle(cast.decision_mia)))
        total = len(bundle.pages)
        for number, page in enumerate(bundle.pages, start=1):
            box = page.mediabox
            stamps = [s for s in _stamps(page) if s[0] == f"Side {number} af {total}"]
            assert stamps, (number, _stamps(page))
            _text, x, y = stamps[-1]
            assert float(box.left) <= x <= float(box.right), (number, x, box)
            assert float(box.bottom) <= y <= float(box.bottom) + 60, (number, y, box)
        # The narrow attachment's stamp is at its right-hand side, as on an A4 page.
        _text, x, _y = _stamps(bundle.pages[-1])[-1]
        _a4_text, a4_x, _ = _stamps(bundle.pages[0])[-1]
        assert x - 300 == pytest.approx(a4_x - A4_WIDTH, abs=1)

"""Issue 16, point 3: the appeal case file holds the attachments, what was tried, the consent and
the municipality's reasons for upholding, numbered over the whole file; letters carry the
caseworker's phone and e-mail, a sign-off and a human case number."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from inklusio.referrals import services
from inklusio.referrals.models import Appeal, Decision, Offer
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def two_page_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(
        string="<p>Psykologens vurdering af Mia</p>"
        '<p style="break-before: page">Anbefaling: fast voksen</p>'
    ).write_pdf()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


class TestTheAppealCaseFile:
    @pytest.fixture
    def upheld(self, cast, client_for):
        services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        cast.referral_mia.tried = "Faste pladser ved bordet og billedstøtte"
        cast.referral_mia.save()
        for name, data in (("vurdering.pdf", two_page_pdf()), ("tegning.png", png())):
            services.attachment_add(
                actor=cast.pia,
                referral=cast.referral_mia,
                upload=SimpleUploadedFile(name, data),
            )
        response = client_for(cast.alice).post(
            reverse("appeal-uphold", args=[cast.appeal_mia.public_id]),
            {
                "on": TODAY.isoformat(),
                "reasons": "Behovet dækkes fuldt af støttepædagogen",
                "confirm": "yes",
            },
        )
        assert response.status_code == 302
        return Appeal.objects.get(pk=cast.appeal_mia.pk)

    def test_it_holds_attachments_tried_consent_and_reasons_for_upholding(self, cast, upheld):
        pages = text_of(bytes(upheld.bundle))
        whole = "\n".join(pages)
        assert "Afprøvet" in whole
        assert "Faste pladser ved bordet og billedstøtte" in whole
        assert "Givet af Gert Testesen den 1.8.2026 (Skriftligt)" in whole
        assert "Kommunens begrundelse for at fastholde afgørelsen" in whole
        assert "Behovet dækkes fuldt af støttepædagogen" in whole
        assert "tegning.png – billede, gengivet herunder" in whole
        # The attached PDF's own pages come last, in order.
        assert "Psykologens vurdering af Mia" in pages[-2]
        assert "Anbefaling: fast voksen" in pages[-1]
        assert "28.09.08-G01-0001-2026" in pages[0]

    def test_the_image_is_embedded_in_the_summary(self, upheld):
        reader = PdfReader(io.BytesIO(bytes(upheld.bundle)))
        images = [image for page in reader.pages for image in page.images]
        assert len(images) == 1

    def test_every_page_is_numbered_over_the_whole_file(self, upheld):
        pages = text_of(bytes(upheld.bundle))
        total = len(pages)
        assert total >= 5  # summary, two letters, the two attached pages
        for number, text in enumerate(pages, start=1):
            assert f"Side {number} af {total}" in text, text
        # The summary has no footer of its own.
        assert not re.search(r"Side \d+ af \d+.*Side \d+ af \d+", pages[0], re.DOTALL)

    def test_upholding_without_reasons_is_refused_and_keeps_the_date(self, cast, client_for):
        later = TODAY - datetime.timedelta(days=1)
        response = client_for(cast.alice).post(
            reverse("appeal-uphold", args=[cast.appeal_mia.public_id]),
            {"on": later.isoformat(), "reasons": "  ", "confirm": "yes"},
        )
        assert response.status_code == 200
        assert later.isoformat() in response.content.decode()
        cast.appeal_mia.refresh_from_db()
        assert cast.appeal_mia.status == Appeal.Status.RECEIVED

    def test_the_service_refuses_an_upholding_without_reasons(self, cast):
        with pytest.raises(services.InvalidInput) as refused:
            services.appeal_uphold(actor=cast.alice, appeal=cast.appeal_mia, on=TODAY, reasons="")
        assert str(refused.value) == "Skriv kommunens begrundelse for at fastholde afgørelsen."


class TestLetters:
    def test_the_letter_has_the_caseworkers_phone_email_sign_off_and_case_number(self, cast):
        cast.alice.phone = "43 57 70 00"
        cast.alice.email = "alice@ishoj.dk"
        cast.alice.save()
        letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        text = " ".join(text_of(bytes(letter.pdf)))
        assert "Telefon: 43 57 70 00" in text
        assert "E-mail: alice@ishoj.dk" in text
        sign_off = re.search(r"Med venlig hilsen\s+(.+)\s+(.+)\s+(.+)", text)
        assert sign_off is not None
        assert sign_off.groups() == (
            "Alice Testesen",
            "Forvaltning / visitationsudvalg",
            "Ishøj Kommune",
        )
        assert "Sagsnr. 28.09.08-G01-0001-2026" in text
        assert str(cast.decision_mia.public_id) not in text

    def test_the_decision_page_shows_the_case_number(self, cast, client_for):
        page = client_for(cast.alice).get(cast.decision_mia.get_absolute_url())
        assert "28.09.08-G01-0001-2026" in page.content.decode()


class TestCaseNumbers:
    def decide(self, cast, child, **extra):
        return services.decision_record(
            actor=cast.alice,
            child=child,
            outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Behovet dækkes af ressourcefunktionen",
            legal_basis=cast.legal_basis,
            **extra,
        )

    def test_new_cases_are_numbered_in_turn_with_the_year(self, cast):
        first = self.decide(cast, cast.emil)
        second = self.decide(cast, make_child(cast.ishoj, cast.elverhoej, "Anna", "0101224000"))
        # 0001 is Mia's case in the cast (numbered outside the counter, as an import does).
        assert first.case_number == f"28.09.08-G01-0002-{TODAY.year}"
        assert second.case_number == f"28.09.08-G01-0003-{TODAY.year}"

    def test_a_later_decision_on_the_same_case_keeps_its_number(self, cast):
        ending = services.decision_end(
            actor=cast.alice,
            decision=cast.decision_mia,
            kind=Decision.Kind.END,
            reasons="Mia starter i skole",
            legal_basis=cast.legal_basis,
            end_on=TODAY,
        )
        assert ending.case_number == cast.decision_mia.case_number

    def test_the_prefix_is_set_per_municipality(self, cast, settings):
        settings.CASE_NUMBER_PREFIXES = {"ishoj": "28.09.08-G02"}
        decision = self.decide(cast, cast.emil)
        assert decision.case_number == f"28.09.08-G02-0001-{TODAY.year}"

    def test_each_municipality_counts_its_own_cases(self, cast):
        from inklusio.referrals.models import LegalBasis

        basis = LegalBasis.objects.create(municipality=cast.dragoer, title="§ 4", text="...")
        ours = self.decide(cast, cast.emil)
        theirs = services.decision_record(
            actor=cast.dora,
            child=cast.xenia,
            outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Nej",
            legal_basis=basis,
        )
        # Ishøj's first new case follows Mia's 0001; Dragør starts its own count.
        assert (ours.case_number.split("-")[2], theirs.case_number.split("-")[2]) == (
            "0002",
            "0001",
        )

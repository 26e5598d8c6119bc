"""Guardians' own data: contact details for the municipality's staff only, one decision letter
for each holder of custody with that guardian's address alone, and an address under name and
address protection printed nowhere."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from inklusio.children.models import Guardian, Guardianship
from inklusio.referrals import services as referrals

pytestmark = pytest.mark.django_db

MOTHER_PHONE = "+45 20 30 40 50"
MOTHER_MAIL = "hanne@example.dk"
MOTHER_ADDRESS = "Skjult Allé 7, 2635 Ishøj"


@pytest.fixture
def mother(cast):
    """Mia's mother, with custody, her address protected (navne- og adressebeskyttelse)."""
    guardian = Guardian.objects.create(
        municipality=cast.ishoj,
        name="Hanne Testesen",
        phone=MOTHER_PHONE,
        email=MOTHER_MAIL,
        address=MOTHER_ADDRESS,
        address_protected=True,
    )
    Guardianship.objects.create(
        municipality=cast.ishoj, child=cast.mia, guardian=guardian, relation="mor"
    )
    return guardian


def _child_page(client_for, user, child):
    return client_for(user).get(reverse("child-detail", args=[child.public_id])).content.decode()


@pytest.mark.parametrize("who", ["gert", "pia"])
def test_the_other_guardian_and_a_partner_see_names_but_no_contact_details(
    cast, mother, client_for, who
):
    page = _child_page(client_for, getattr(cast, who), cast.mia)
    assert "Hanne Testesen" in page
    assert MOTHER_PHONE not in page and MOTHER_MAIL not in page
    assert "Adressebeskyttet" not in page  # not even that the address is protected


@pytest.mark.parametrize("who", ["alice", "bob", "sara"])
def test_staff_who_see_the_child_see_the_contact_details(cast, mother, client_for, who):
    page = _child_page(client_for, getattr(cast, who), cast.mia)
    assert MOTHER_PHONE in page and MOTHER_MAIL in page
    assert "Adressebeskyttet" in page


def _letters(cast):
    letter = referrals.letter_issue(actor=cast.alice, decision=cast.decision_mia)
    return [page.extract_text() for page in PdfReader(io.BytesIO(bytes(letter.pdf))).pages]


def test_each_holder_of_custody_gets_a_letter_of_their_own(cast, mother):
    Guardian.objects.filter(name="Gert Testesen").update(address="Gertsvej 1, 2635 Ishøj")
    pages = _letters(cast)
    openings = [text for text in pages if "Afgørelse om" in text]
    assert len(openings) == 2  # one letter each, not one letter naming both
    to_gert = next(text for text in openings if "Gert Testesen" in text)
    to_hanne = next(text for text in openings if "Hanne Testesen" in text)
    assert "Gertsvej 1" in to_gert and "Hanne Testesen" not in to_gert
    assert "Gert Testesen" not in to_hanne and "Gertsvej" not in to_hanne


def test_a_protected_address_is_printed_on_no_letter(cast, mother):
    assert not any("Skjult Allé" in text for text in _letters(cast))


def test_a_guardian_whose_custody_or_guardianship_ended_gets_no_letter(cast, mother):
    mother.guardianships.update(has_custody=False)
    openings = [text for text in _letters(cast) if "Afgørelse om" in text]
    assert len(openings) == 1 and "Hanne Testesen" not in openings[0]


def test_the_administration_records_the_protection_on_the_form(cast, client_for):
    response = client_for(cast.alice).post(
        reverse("guardian-add", args=[cast.mia.public_id]),
        {
            "name": "Hanne Testesen",
            "phone": MOTHER_PHONE,
            "address": MOTHER_ADDRESS,
            "address_protected": "on",
            "has_custody": "on",
        },
    )
    assert response.status_code == 302
    saved = Guardian.objects.get(name="Hanne Testesen")
    assert saved.address_protected and saved.address == MOTHER_ADDRESS
    assert saved.shown_address == ""

"""A partner's Visitation lists their own referrals only, so its empty list says so instead of
suggesting the children have none."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ONLY_OWN = "Her vises kun indstillinger, du selv har lavet."


def test_a_partners_empty_list_says_it_holds_only_their_own(cast, client_for):
    # Pia's one referral (Mia's) is decided: the open referrals she made are none.
    page = client_for(cast.pia).get(reverse("visitation-overview")).content.decode()
    assert "Ingen indstillinger. " + ONLY_OWN in page
    # The decided ones show her referral, and no such note.
    decided = client_for(cast.pia).get(reverse("visitation-overview"), {"status": "decided"})
    assert cast.mia.full_name in decided.content.decode()
    assert ONLY_OWN not in decided.content.decode()


def test_the_committees_empty_list_has_no_such_note(cast, client_for):
    page = client_for(cast.alice).get(reverse("visitation-overview"), {"status": "withdrawn"})
    assert "Ingen indstillinger." in page.content.decode()
    assert ONLY_OWN not in page.content.decode()

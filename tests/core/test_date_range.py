"""A date typed as year 1 or 9999 is a slip: every form refuses it in Danish with what was
typed kept, the API answers 422, and nothing is saved (before, a committee meeting in year 1
was a server error and an absence over 9999 years broke its delete page)."""

import pytest
from django.urls import reverse

from inklusio.planning.models import Absence
from inklusio.referrals.models import CommitteeMeeting

pytestmark = pytest.mark.django_db

MESSAGE = "Angiv en dato mellem 1950 og 2099."
V1 = "/api/v1"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1949-12-31", "2100-01-01"])
def test_a_committee_meeting_outside_the_range_is_refused_and_kept(cast, client_for, day):
    meetings = CommitteeMeeting.objects.count()
    client = client_for(cast.alice)
    response = client.post(reverse("meeting-create"), {"date": day}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGE in page and f'value="{day}"' in page
    assert CommitteeMeeting.objects.count() == meetings


def test_an_absence_outside_the_range_is_refused_on_the_contract_page(cast, client_for):
    url = reverse("planning-contract", args=[cast.contract_bob.public_id])
    typed = {
        "absence-start": "0001-01-01",
        "absence-end": "9999-12-31",
        "absence-part": "day",
        "absence-kind": "illness",
        "absence-note": "tastefejl i året",
    }
    response = client_for(cast.cora).post(url, typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGE in page and "tastefejl i året" in page
    assert not Absence.objects.filter(pedagogue=cast.bob).exists()


def test_an_absence_outside_the_range_is_refused_by_the_api(cast, client_for):
    body = {"pedagogue": "bob", "start": "0001-01-01", "end": "9999-12-31", "kind": "illness"}
    response = client_for(cast.cora).post(f"{V1}/absences", body, content_type="application/json")
    assert response.status_code == 422
    assert MESSAGE in str(response.json())
    assert not Absence.objects.filter(pedagogue=cast.bob).exists()

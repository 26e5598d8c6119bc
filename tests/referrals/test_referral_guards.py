"""What a referral and a decision are for: children in daycare and of daycare age, one open
referral of a kind unless someone says why, and decisions recorded once they are made."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from inklusio.referrals import services
from inklusio.referrals.errors import InvalidInput
from inklusio.referrals.models import (
    CommitteeMeeting,
    Decision,
    Offer,
    Referral,
)
from tests.conftest import TODAY, earlier_period, make_child

pytestmark = pytest.mark.django_db

COURSE = {
    "offer": Offer.RESOURCE_COURSE,
    "category": "speech_language",
    "description": "Har brug for et forløb med sprogleg.",
}


def _picker(client_for, user):
    """The children the referral form offers (none: the form is not there at all)."""
    response = client_for(user).get(reverse("referral-create"))
    if response.status_code == 404:
        return set()
    return set(response.context["form"].fields["child"].queryset)


def _eight_year_old(cast):
    born = TODAY.replace(year=TODAY.year - 8)
    return make_child(cast.ishoj, cast.elverhoej, "Otto", f"{born:%d%m%y}4001")


def test_a_child_who_has_left_daycare_is_neither_offered_nor_referred(cast, client_for):
    cast.emil.left_on = TODAY - datetime.timedelta(days=1)
    cast.emil.save()
    assert cast.emil not in _picker(client_for, cast.carl)
    assert cast.emil not in _picker(client_for, cast.alice)  # the administration neither
    with pytest.raises(InvalidInput, match="gik ud af dagtilbuddet den"):
        services.referral_save(actor=cast.alice, child=cast.emil, data=COURSE)


def test_a_child_leaving_later_can_still_be_referred(cast, client_for):
    cast.emil.left_on = TODAY + datetime.timedelta(days=30)
    cast.emil.save()
    assert cast.emil in _picker(client_for, cast.carl)
    assert services.referral_save(actor=cast.carl, child=cast.emil, data=COURSE).pk


def test_a_child_older_than_daycare_age_is_neither_offered_nor_referred(cast, client_for):
    otto = _eight_year_old(cast)
    assert otto not in _picker(client_for, cast.carl)
    with pytest.raises(InvalidInput, match="Otto Testesen er 8 år; kun børn i dagtilbudsalderen"):
        services.referral_save(actor=cast.carl, child=otto, data=COURSE)
    assert not Referral.objects.filter(child=otto).exists()


def test_a_second_open_referral_of_a_kind_asks_why_and_keeps_what_was_typed(cast, client_for):
    """Emil (the cast) has an open draft about a support pedagogue."""
    client = client_for(cast.carl)
    typed = {
        "child": cast.emil.pk,
        "offer": Offer.SUPPORT_PEDAGOGUE,
        "category": "speech_language",
        "description": "Tekst der ikke må gå tabt",
    }
    refused = client.post(reverse("referral-create"), typed)
    assert refused.status_code == 200
    [message] = refused.context["form"].errors["duplicate_reason"]
    assert message.startswith("Emil Testesen har allerede en åben indstilling om støttepædagog")
    page = refused.content.decode()
    assert "Tekst der ikke må gå tabt" in page
    assert '<textarea name="duplicate_reason"' in page  # now asked for, as a field to write in
    assert Referral.objects.filter(child=cast.emil, offer=Offer.SUPPORT_PEDAGOGUE).count() == 1

    reason = "Den første er fra en anden leder og bliver trukket tilbage."
    saved = client.post(reverse("referral-create"), {**typed, "duplicate_reason": reason})
    assert saved.status_code == 302
    assert Referral.objects.get(description="Tekst der ikke må gå tabt").duplicate_reason == reason


def test_the_form_does_not_ask_why_when_there_is_nothing_to_explain(cast, client_for):
    page = client_for(cast.carl).get(reverse("referral-create")).content.decode()
    assert '<textarea name="duplicate_reason"' not in page


def test_a_decided_referral_of_the_same_kind_is_no_duplicate(cast):
    """Mia's support-pedagogue referral (the cast) is decided: a new one needs no reason."""
    referral = services.referral_save(
        actor=cast.alice,
        child=cast.mia,
        data={**COURSE, "offer": Offer.SUPPORT_PEDAGOGUE},
    )
    assert referral.duplicate_reason == ""


@pytest.fixture
def next_meeting(cast):
    return CommitteeMeeting.objects.create(
        municipality=cast.ishoj, period=cast.period, date=TODAY + datetime.timedelta(days=8)
    )


def _decide_at(cast, client_for, meeting):
    url = reverse("meeting-decide", args=[meeting.public_id, cast.waiting_emil.public_id])
    return client_for(cast.alice).post(
        url,
        {
            "outcome": "granted",
            "offer": Offer.RESOURCE_GROUP_PLACE,
            "resource_group": cast.group_boegely.pk,
            "reasons": "Emil har brug for en lille gruppe",
            "legal_basis": cast.legal_basis.pk,
            "start": (TODAY + datetime.timedelta(days=14)).isoformat(),
        },
    )


def test_a_meeting_s_decision_is_not_recorded_before_the_meeting(cast, client_for, next_meeting):
    response = _decide_at(cast, client_for, next_meeting)
    assert response.status_code == 200
    day = next_meeting.date
    assert response.context["form"].non_field_errors() == [
        f"Mødet holdes den {day.day}.{day.month}.{day.year}; "
        "dets afgørelser registreres fra mødedagen."
    ]
    assert not Decision.objects.filter(child=cast.emil).exists()  # and no place taken


def test_on_the_meeting_day_the_decision_is_recorded(cast, client_for, next_meeting):
    with time_machine.travel(next_meeting.date, tick=False):
        response = _decide_at(cast, client_for, next_meeting)
    assert response.status_code == 302
    assert Decision.objects.get(child=cast.emil).decided_on == next_meeting.date


def test_a_decision_cannot_be_dated_ahead(cast):
    with pytest.raises(InvalidInput, match="Afgørelsesdatoen ligger i fremtiden"):
        services.decision_record(
            actor=cast.alice,
            child=cast.emil,
            outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Behovet dækkes i institutionen.",
            legal_basis=cast.legal_basis,
            decided_on=TODAY + datetime.timedelta(days=1),
        )


def test_a_meeting_of_an_ended_period_takes_no_more_decisions(cast, client_for):
    """Its page no longer offers "Afgør"; posting to the decide address anyway is refused."""
    last_year = earlier_period(cast, support_places=5)
    old_meeting = CommitteeMeeting.objects.create(
        municipality=cast.ishoj,
        period=last_year,
        date=last_year.start + datetime.timedelta(days=60),
    )
    url = reverse("meeting-decide", args=[old_meeting.public_id, cast.waiting_emil.public_id])
    response = client_for(cast.alice).post(
        url,
        {
            "outcome": "refused",
            "offer": Offer.RESOURCE_GROUP_PLACE,
            "reasons": "Behovet dækkes i institutionen.",
            "legal_basis": cast.legal_basis.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Visitationsperioden {last_year.label} er afsluttet; afgørelser træffes på et møde "
        "i den løbende periode."
    ]
    assert not Decision.objects.filter(child=cast.emil).exists()
    cast.waiting_emil.refresh_from_db()
    assert cast.waiting_emil.status == Referral.Status.SUBMITTED

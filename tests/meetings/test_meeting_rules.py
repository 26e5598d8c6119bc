"""Withdrawn consent: what goes from the agendas and what the audit log says."""

import datetime

import pytest
from django.urls import reverse

from inklusio.meetings import services
from inklusio.meetings.models import AgendaItem, ConsultativeMeeting
from inklusio.meetings.rules import text_warnings
from inklusio.people.models import Profession, Role
from tests.conftest import TODAY, make_child, make_user

pytestmark = pytest.mark.django_db


def test_withdrawing_consent_keeps_the_child_on_meetings_already_held(cast, client_for):
    held = ConsultativeMeeting.objects.create(
        municipality=cast.ishoj,
        institution=cast.boegely,
        date=TODAY - datetime.timedelta(days=14),
        resource_pedagogue=cast.bob,
        created_by=cast.alice,
    )
    AgendaItem.objects.create(
        municipality=cast.ishoj, meeting=held, kind="child", child=cast.mia,
        consent=cast.consent_mia, topic="Overgange", added_by=cast.alice,
    )  # fmt: skip
    services.consent_withdraw(actor=cast.gert, consent=cast.consent_mia, on=TODAY)
    # The meeting ahead loses Mia; the one held keeps what was discussed.
    assert list(AgendaItem.objects.filter(child=cast.mia).values_list("meeting", "topic")) == [
        (held.pk, "Overgange")
    ]
    page = client_for(cast.alice).get(reverse("audit-log")).content.decode()
    assert f"trukket tilbage den: – → {TODAY.day}.{TODAY.month}.{TODAY.year}" in page


def test_a_child_without_consent_for_every_profession_present_is_refused_in_full(cast):
    tove = make_user("tove", cast.ishoj, Role.PARTNER, profession=Profession.SPEECH_CONSULTANT)
    cast.consultative_boegely.partners.add(tove)
    with pytest.raises(services.ConsentRequired) as refused:
        services.agenda_item_add(
            actor=cast.bob, meeting=cast.consultative_boegely, kind="child", child=cast.mia,
            topic="Sprog",
        )  # fmt: skip
    assert str(refused.value) == (
        f"{cast.mia.full_name} kan kun drøftes med navn, når forældrene har givet samtykke til "
        "at drøfte barnet med psykolog, tale-/hørekonsulent. Registrér samtykket, eller tag "
        "sagen op anonymt."
    )


def test_consent_without_any_profession_is_refused_in_danish(cast):
    with pytest.raises(services.MeetingRuleBroken) as refused:
        services.consent_record(
            actor=cast.gert, child=cast.emil, given_by="Gert", given_on=TODAY, professions=[]
        )
    assert str(refused.value) == "Angiv hvilke faggrupper barnet må drøftes med."


def test_every_childs_name_in_a_text_is_listed_in_the_warning(cast):
    make_child(cast.ishoj, cast.boegely, "Noah", "0101224999")
    assert text_warnings("Mia og Noah leger godt", cast.boegely) == [
        "Teksten nævner et navn, som et barn i institutionen har: Mia, Noah."
    ]


def test_a_new_consultative_meeting_keeps_its_start_time(cast):
    tove = make_user("tove", cast.ishoj, Role.PARTNER, profession=Profession.SPEECH_CONSULTANT)
    meeting = services.consultative_meeting_create(
        actor=cast.alice, institution=cast.boegely, date=TODAY + datetime.timedelta(days=21),
        start_time=datetime.time(13, 30), partners=[cast.pia, tove],
    )  # fmt: skip
    assert ConsultativeMeeting.objects.get(pk=meeting.pk).start_time == datetime.time(13, 30)

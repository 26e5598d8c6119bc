"""Consultative meetings: consent decides what may be discussed; attendance advice; recommendations."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditEntry
from inklusio.meetings import selectors, services
from inklusio.meetings.models import AgendaItem, MinutesVersion
from inklusio.people.models import Profession, Role
from inklusio.plans.models import ActionPlan, Adjustment
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast):
    """Bøgely's meeting on 1 December with a psychologist and a speech consultant."""
    tove = make_user("tove", cast.ishoj, Role.PARTNER, profession=Profession.SPEECH_CONSULTANT)
    cast.consultative_boegely.partners.add(tove)
    return cast.consultative_boegely


def add(client, meeting, **data):
    return client.post(meeting.get_absolute_url(), {"action": "item", **data})


def test_a_named_child_needs_consent_covering_every_profession_present(cast, meeting, client_for):
    # Mia's consent names the psychologist only; the speech consultant is there too.
    response = add(client_for(cast.bob), meeting, kind="child", child=cast.mia.pk, topic="Sprog")
    assert (
        "kan kun drøftes med navn, når forældrene har givet samtykke" in response.content.decode()
    )
    assert "Sprog" in response.content.decode()  # the typed text is kept
    services.consent_record(
        actor=cast.gert, child=cast.mia, given_by="Gert", given_on=datetime.date(2026, 11, 1),
        professions=[Profession.PSYCHOLOGIST, Profession.SPEECH_CONSULTANT],
    )  # fmt: skip
    add(client_for(cast.bob), meeting, kind="child", child=cast.mia.pk, topic="Sprog")
    assert meeting.items.filter(child=cast.mia, topic="Sprog").exists()


def test_withdrawn_consent_takes_the_child_off_future_agendas(cast, meeting):
    services.consent_withdraw(
        actor=cast.gert, consent=cast.consent_mia, on=datetime.date(2026, 11, 20)
    )
    assert not AgendaItem.objects.filter(child=cast.mia).exists()
    with pytest.raises(services.ConsentRequired):
        services.agenda_item_add(
            actor=cast.bob, meeting=meeting, kind="child", child=cast.mia, topic="Igen"
        )


def test_an_anonymous_case_that_names_a_child_is_refused_even_if_confirmed(
    cast, meeting, client_for
):
    client = client_for(cast.bob)
    response = add(
        client,
        meeting,
        kind="anonymous",
        topic="Mia bider ved skift, cpr 150322-4123",
        confirmed_anonymous="on",  # the old override: no longer a way past the rule
    )
    page = response.content.decode()
    assert "ser ud til at indeholde et CPR-nummer" in page and "nævner et navn" in page
    assert "Et anonymt punkt må ikke nævne barnet" in page
    assert not meeting.items.filter(kind="anonymous").exists()
    add(client, meeting, kind="anonymous", topic="En pige på 4 år bider ved skift")
    item = meeting.items.get(kind="anonymous")
    assert item.child is None


@pytest.mark.parametrize(
    "topic",
    ["Pigen (mia) bider", "Barn med cpr 150322 4123 bider", "Barn 1503224123 bider"],
)
def test_the_service_refuses_anonymous_and_group_items_that_name_a_child(cast, meeting, topic):
    for kind in (AgendaItem.Kind.ANONYMOUS, AgendaItem.Kind.GROUP):
        with pytest.raises(services.NamesAChild):
            services.agenda_item_add(actor=cast.bob, meeting=meeting, kind=kind, topic=topic)
    assert meeting.items.count() == 1  # only the cast's named item about Mia


def test_the_resource_pedagogue_attends_only_when_knowing_a_child(cast, meeting, client_for):
    advice = client_for(cast.alice).get(meeting.get_absolute_url()).context["advice"]
    assert advice["needed"] and advice["known"] == [cast.mia]  # Bob owns Mia's plan
    meeting.items.all().delete()
    assert selectors.attendance_advice(meeting) == {"needed": False, "known": []}


def test_a_recommendation_becomes_a_plan_change_with_one_action(cast, meeting, client_for):
    client_for(cast.bob).post(
        reverse("recommendation-to-plan", args=[cast.recommendation_mia.public_id])
    )
    adjustment = Adjustment.objects.get(source_recommendation=cast.recommendation_mia)
    assert adjustment.status == "accepted"  # Bob owns the plan
    assert adjustment.version.get_source_display() == "Anbefaling fra konsultativt møde"
    assert "Fast rolle i samlingen" in cast.plan_mia.agreements.values_list("text", flat=True)


def test_a_plan_under_objection_still_takes_a_recommendation(cast, meeting, client_for):
    """An objection is resolved by the owner; what was agreed, and what the meeting recommends,
    still applies meanwhile."""
    cast.plan_mia.status = ActionPlan.Status.OBJECTED
    cast.plan_mia.save(update_fields=["status"])
    page = client_for(cast.bob).get(meeting.get_absolute_url())
    assert [row["plan"] for row in page.context["items"] if row["plan"]] == [cast.plan_mia]
    client_for(cast.bob).post(
        reverse("recommendation-to-plan", args=[cast.recommendation_mia.public_id])
    )
    assert "Fast rolle i samlingen" in cast.plan_mia.agreements.values_list("text", flat=True)


def test_partners_see_only_the_meetings_they_are_invited_to(cast, meeting, client_for):
    other = services.consultative_meeting_create(
        actor=cast.carl, institution=cast.elverhoej, date=datetime.date(2026, 12, 3),
        start_time=datetime.time(13), partners=list(meeting.partners.all()),
    )  # fmt: skip
    other.partners.remove(cast.pia)
    listed = list(client_for(cast.pia).get(reverse("consultative-list")).context["meetings"])
    assert listed == [meeting]


def test_a_meeting_needs_a_psychologist_and_a_speech_consultant(cast):
    with pytest.raises(services.MeetingRuleBroken):
        services.consultative_meeting_create(
            actor=cast.alice, institution=cast.boegely, date=datetime.date(2026, 12, 3),
            start_time=datetime.time(13), partners=[cast.pia],
        )  # fmt: skip


def test_the_pedagogue_sees_on_the_start_page_whether_to_attend(cast, meeting, client_for):
    from inklusio.meetings.models import ConsultativeMeeting

    soon = datetime.date.today() + datetime.timedelta(days=3)
    ConsultativeMeeting.objects.filter(pk=meeting.pk).update(date=soon)
    page = client_for(cast.bob).get(reverse("start")).content.decode()
    assert "Kommende konsultative møder" in page
    assert "du bør deltage" in page and "Mia Testesen" in page


class TestOnlyTheArrangerKeepsAgendaAndMinutes:
    """Staff and partners attend and recommend; they do not write the agenda or the minutes."""

    @pytest.mark.parametrize("username", ["sara", "pia"])
    def test_staff_and_partners_cannot_add_items(self, cast, meeting, client_for, username):
        response = add(
            client_for(getattr(cast, username)), meeting, kind="group", topic="Stuen er urolig"
        )
        assert response.status_code == 404
        assert not meeting.items.filter(topic="Stuen er urolig").exists()
        with pytest.raises(services.NotArranger):
            services.agenda_item_add(
                actor=getattr(cast, username), meeting=meeting, kind="group", topic="Uro"
            )

    @pytest.mark.parametrize("username", ["sara", "pia"])
    def test_staff_and_partners_cannot_write_the_minutes(self, cast, meeting, client_for, username):
        response = client_for(getattr(cast, username)).post(
            meeting.get_absolute_url(),
            {"action": "minutes", "minutes": "Overskrevet", "version": 0},
        )
        assert response.status_code == 404
        assert not MinutesVersion.objects.filter(meeting=meeting).exists()
        with pytest.raises(services.NotArranger):
            services.consultative_minutes_save(
                actor=getattr(cast, username), meeting=meeting, minutes="Overskrevet", version=0
            )

    def test_the_page_offers_the_forms_only_to_the_arranger(self, cast, meeting, client_for):
        assert 'value="minutes"' in client_for(cast.bob).get(meeting.get_absolute_url()).text
        assert 'value="minutes"' not in client_for(cast.pia).get(meeting.get_absolute_url()).text


def test_minutes_are_versioned_never_overwritten(cast, meeting, client_for):
    client = client_for(cast.bob)
    client.post(
        meeting.get_absolute_url(),
        {"action": "minutes", "minutes": "Første udkast", "version": 0},
    )
    client_for(cast.alice).post(
        meeting.get_absolute_url(),
        {"action": "minutes", "minutes": "Rettet referat", "version": 1},
    )
    versions = list(meeting.minutes_versions.order_by("number"))
    assert [(v.number, v.text, v.author) for v in versions] == [
        (1, "Første udkast", cast.bob),
        (2, "Rettet referat", cast.alice),
    ]
    assert all(v.created_at is not None for v in versions)
    page = client.get(meeting.get_absolute_url()).text
    assert "Rettet referat" in page and "Første udkast" in page  # history stays readable
    entries = AuditEntry.objects.filter(object_id=str(meeting.public_id), action="change")
    assert entries.count() == 2


def test_minutes_saved_meanwhile_by_another_are_not_replaced_unseen(cast, meeting):
    """Alice and Bob open the minutes at version 1; Alice saves. Bob's save, started from
    version 1, is refused with the conflict wording and his text kept; saving again (now from
    Alice's version) is his deliberate choice."""
    from django.test import Client
    from django.utils.html import escape

    from inklusio.core.errors import EDIT_CONFLICT_MESSAGE

    services.consultative_minutes_save(
        actor=cast.alice, meeting=meeting, minutes="Punkt 1", version=0
    )
    alice, bob = Client(), Client()
    alice.force_login(cast.alice)
    bob.force_login(cast.bob)
    url = meeting.get_absolute_url()
    assert bob.get(url).context["minutes_form"]["version"].value() == 1
    alice.post(url, {"action": "minutes", "minutes": "Punkt 1. Aftalt: ro", "version": 1})
    refused = bob.post(url, {"action": "minutes", "minutes": "Punkt 1. Pia deltog", "version": 1})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert escape(str(EDIT_CONFLICT_MESSAGE)) in page and "Punkt 1. Pia deltog" in page
    assert meeting.current_minutes.text == "Punkt 1. Aftalt: ro"
    again = refused.context["minutes_form"].data
    assert again["version"] == 2
    assert bob.post(url, dict(again.items())).status_code == 302
    assert meeting.current_minutes.text == "Punkt 1. Pia deltog"


def test_an_invited_partner_keeps_the_meeting_for_the_grace_period_only(
    cast, meeting, client_for, settings
):
    from inklusio.meetings.models import ConsultativeMeeting
    from tests.conftest import TODAY

    settings.PLAN_MEETING_ACCESS_DAYS = 30
    client = client_for(cast.pia)
    ConsultativeMeeting.objects.filter(pk=meeting.pk).update(
        date=TODAY - datetime.timedelta(days=30)
    )
    assert client.get(meeting.get_absolute_url()).status_code == 200
    ConsultativeMeeting.objects.filter(pk=meeting.pk).update(
        date=TODAY - datetime.timedelta(days=31)
    )
    assert client.get(meeting.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("recommendation-add", args=[cast.item_mia.public_id]), {"text": "Sent råd"}
    )
    assert response.status_code == 404
    assert not cast.item_mia.recommendations.filter(text="Sent råd").exists()

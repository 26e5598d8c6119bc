"""Handovers to the next place (issue 18, point 6): made by the sending side, shared only with the
guardians' consent, seen by the receiver only while the consent is in force and access lasts,
and nothing else of the child; the school start planned a year ahead.

Alice (administration) handed Mia over from Bøgely to Carl, the leader of Elverhøj
(`cast.handover_mia`, shared with her father's consent)."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.meetings import services as meeting_services
from inklusio.meetings.models import DiscussionConsent
from inklusio.organisation.models import Institution
from inklusio.transitions import rules
from inklusio.transitions.models import Handover, HandoverMeeting
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db


def detail(handover):
    return reverse("handover-detail", kwargs={"public_id": handover.public_id})


def pdf_url(handover):
    return reverse("handover-pdf", kwargs={"public_id": handover.public_id})


def meeting_url(handover):
    return reverse("handover-meeting", kwargs={"public_id": handover.public_id})


def share_url(handover):
    return reverse("handover-share", kwargs={"public_id": handover.public_id})


def create_url(child, kind=""):
    url = reverse("handover-create", kwargs={"public_id": child.public_id})
    return f"{url}?kind={kind}" if kind else url


def pdf_text(response) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def handover_consent(cast) -> DiscussionConsent:
    """Gert's consent to Mia's handover (the cast's handover is shared with it)."""
    return DiscussionConsent.objects.get(child=cast.mia, scope=DiscussionConsent.Scope.HANDOVER)


def unshared(handover):
    Handover.objects.filter(pk=handover.pk).update(shared_on=None, consent=None)
    handover.refresh_from_db()
    return handover


VALID = {
    "kind": "institution",
    "what_works": "Faste voksne ved skift",
    "next_steps": "To besøg før start",
}


def form_data(cast, **changes):
    return {
        **VALID,
        "receiving_institution": cast.elverhoej.pk,
        "receiver": cast.carl.pk,
        "handover_date": (TODAY + datetime.timedelta(days=20)).isoformat(),
        "access_until": (TODAY + datetime.timedelta(days=60)).isoformat(),
        **changes,
    }


class TestCreate:
    def test_the_administration_hands_a_child_over_to_another_institution(self, cast, client_for):
        client = client_for(cast.alice)
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(create_url(cast.mia), form_data(cast))
        handover = Handover.objects.exclude(pk=cast.handover_mia.pk).get(child=cast.mia)
        assert response.status_code == 302 and response["Location"] == detail(handover)
        assert handover.receiver == cast.carl and handover.receiving_institution == cast.elverhoej
        assert handover.shared_on is None  # not shared before consent
        assert [(r.action, r.object_type) for r in rows] == [(AuditAction.CREATE, "handover")]
        page = client.get(detail(handover)).content.decode()
        assert "Ikke delt endnu" in page and "Del med modtageren" in page

    def test_access_lasts_at_most_three_months_and_the_form_keeps_what_was_typed(
        self, cast, client_for
    ):
        data = form_data(cast, access_until=(TODAY + datetime.timedelta(days=20 + 93)).isoformat())
        response = client_for(cast.alice).post(create_url(cast.mia), data)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Modtagerens adgang kan højst vare 92 dage efter overgangsdatoen." in page
        assert "Faste voksne ved skift" in page
        assert not Handover.objects.exclude(pk=cast.handover_mia.pk).exists()

    def test_access_until_is_required(self, cast, client_for):
        response = client_for(cast.alice).post(
            create_url(cast.mia), form_data(cast, access_until="")
        )
        assert response.status_code == 200
        assert "påkrævet" in response.content.decode()
        assert not Handover.objects.exclude(pk=cast.handover_mia.pk).exists()

    def test_the_receiver_must_lead_the_receiving_institution(self, cast, client_for):
        response = client_for(cast.alice).post(
            create_url(cast.mia), form_data(cast, receiver=cast.pia.pk)
        )
        assert "Modtageren skal være leder af den modtagende institution." in (
            response.content.decode()
        )

    def test_a_school_needs_its_name_and_a_partner_as_receiver(self, cast, client_for):
        client = client_for(cast.alice)
        data = form_data(cast, kind="school", receiver=cast.pia.pk)
        page = client.post(create_url(cast.mia), data).content.decode()
        assert "Skriv skolens navn." in page
        data["school_name"] = "Vibeholmskolen"
        assert client.post(create_url(cast.mia), data).status_code == 302
        handover = Handover.objects.get(school_name="Vibeholmskolen")
        assert handover.receiving_institution is None and handover.receiver == cast.pia

    def test_the_leader_of_the_childs_institution_may_not_staff_or_receivers(
        self, cast, client_for
    ):
        assert client_for(cast.carl).get(create_url(cast.emil)).status_code == 200
        for user in (cast.carl, cast.sara, cast.bob, cast.pia):
            assert client_for(user).get(create_url(cast.mia)).status_code == 404, user


class TestShareWithConsent:
    def test_sharing_needs_the_consent_of_the_same_child(self, cast, client_for):
        handover = unshared(cast.handover_mia)
        emils = DiscussionConsent.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            given_by="Emils mor",
            given_on=TODAY,
            professions=["psychologist"],
            recorded_by=cast.alice,
        )
        client = client_for(cast.alice)
        # Another child's consent is not even offered; posted anyway, it is refused.
        response = client.post(share_url(handover), {"consent": emils.pk})
        assert response.status_code == 200
        assert (
            "Vælg et samtykke fra dette barns forældre, som ikke er trukket tilbage."
            in response.content.decode()
        )
        handover.refresh_from_db()
        assert handover.shared_on is None
        # The receiver has no access before it is shared.
        assert client_for(cast.carl).get(detail(handover)).status_code == 404

    def test_a_consent_to_something_else_does_not_cover_the_handover(self, cast, client_for):
        """Mia's parents agreed to her being discussed with a psychologist, not to her story
        going to the next place: that consent is not offered, and posted anyway it is refused."""
        handover = unshared(cast.handover_mia)
        discussion = cast.item_mia.consent
        assert (
            discussion.scope == DiscussionConsent.Scope.DISCUSSION and not discussion.is_withdrawn
        )
        client = client_for(cast.alice)
        form = client.get(detail(handover)).context["share_form"]
        assert list(form.fields["consent"].queryset) == [handover_consent(cast)]
        client.post(share_url(handover), {"consent": discussion.pk})
        handover.refresh_from_db()
        assert handover.shared_on is None
        Handover.objects.filter(pk=handover.pk).update(shared_on=TODAY, consent=discussion)
        assert client_for(cast.carl).get(detail(handover)).status_code == 404

    def test_a_withdrawn_consent_cannot_share_and_nothing_is_written(self, cast):
        from inklusio.transitions import services

        handover = unshared(cast.handover_mia)
        consent = meeting_services.consent_withdraw(actor=cast.gert, consent=handover_consent(cast))
        with pytest.raises(services.HandoverRuleBroken) as refused:
            services.handover_share(actor=cast.alice, handover=handover, consent=consent)
        assert "må ikke være trukket tilbage" in str(refused.value)
        handover.refresh_from_db()
        assert handover.shared_on is None and handover.consent is None

    def test_shared_with_consent_the_receiver_gets_access(self, cast, client_for):
        handover = unshared(cast.handover_mia)
        with new_audit_rows(writes_only=True) as rows:
            response = client_for(cast.alice).post(
                share_url(handover), {"consent": handover_consent(cast).pk}
            )
        assert response.status_code == 302
        (row,) = rows
        assert row.changes == {"shared_on": {"before": None, "after": TODAY.isoformat()}}
        handover.refresh_from_db()
        assert handover.shared_on == TODAY and handover.consent == handover_consent(cast)
        assert client_for(cast.carl).get(detail(handover)).status_code == 200

    def test_sharing_twice_is_refused_with_a_message(self, cast, client_for):
        client = client_for(cast.alice)
        response = client.post(
            share_url(cast.handover_mia), {"consent": handover_consent(cast).pk}, follow=True
        )
        assert "Overgangen er allerede delt med modtageren." in response.content.decode()


class TestReceiverAccess:
    def test_the_receiver_sees_the_handover_and_the_packet_but_not_the_child(
        self, cast, client_for
    ):
        client = client_for(cast.carl)
        page = client.get(detail(cast.handover_mia)).content.decode()
        assert "Overgang for Mia Testesen" in page and "Billedstøtte ved skift" in page
        assert "Gå til barnets side" not in page
        assert client.get(pdf_url(cast.handover_mia)).status_code == 200
        mia_page = reverse("child-detail", kwargs={"public_id": cast.mia.public_id})
        assert client.get(mia_page).status_code == 404
        plan = reverse("plan-detail", kwargs={"public_id": cast.plan_mia.public_id})
        assert client.get(plan).status_code == 404
        assert "Mia" not in client.get(reverse("child-list")).content.decode()

    def test_the_receivers_way_in_is_a_card_on_the_start_page(self, cast, client_for):
        page = client_for(cast.carl).get(reverse("start")).content.decode()
        assert 'data-testid="handovers">1<' in page and reverse("handover-list") in page
        assert "Mia" not in page

    def _refused_everywhere(self, client, handover):
        for url in (detail(handover), pdf_url(handover)):
            assert client.get(url).status_code == 404, url
        before = HandoverMeeting.objects.count()
        response = client.post(
            meeting_url(handover), {"date": TODAY.isoformat(), "participants": "Carl"}
        )
        assert response.status_code == 404
        assert HandoverMeeting.objects.count() == before

    def test_a_withdrawn_consent_ends_the_receivers_access_at_once(self, cast, client_for):
        client = client_for(cast.carl)
        assert client.get(detail(cast.handover_mia)).status_code == 200
        meeting_services.consent_withdraw(actor=cast.gert, consent=handover_consent(cast))
        self._refused_everywhere(client, cast.handover_mia)
        # The sending side still sees it, and that the access ended.
        page = client_for(cast.alice).get(detail(cast.handover_mia)).content.decode()
        assert "samtykket er trukket tilbage: modtageren har ikke længere adgang" in page

    def test_a_consent_withdrawn_from_a_later_day_still_holds_today(self, cast, client_for):
        DiscussionConsent.objects.filter(pk=handover_consent(cast).pk).update(
            withdrawn_on=TODAY + datetime.timedelta(days=1)
        )
        assert client_for(cast.carl).get(detail(cast.handover_mia)).status_code == 200
        assert rules.consent_in_force(cast.handover_mia)
        assert not rules.consent_in_force(cast.handover_mia, on=TODAY + datetime.timedelta(days=1))

    def test_access_ends_after_access_until(self, cast, client_for):
        client = client_for(cast.carl)
        last_day = cast.handover_mia.access_until
        moment = datetime.datetime.combine(
            last_day, datetime.time(12), tzinfo=ZoneInfo("Europe/Copenhagen")
        )
        with time_machine.travel(moment):
            client.force_login(cast.carl)  # a session started on that day
            assert client.get(detail(cast.handover_mia)).status_code == 200
        with time_machine.travel(moment + datetime.timedelta(days=1)):
            client.force_login(cast.carl)
            self._refused_everywhere(client, cast.handover_mia)

    def test_a_deactivated_receiver_has_no_access(self, cast, client_for):
        from inklusio import access

        client = client_for(cast.carl)
        cast.carl.is_active = False
        cast.carl.save()
        # The rule itself, and the session: a deactivated account is sent to sign in.
        assert not access.handovers_visible_to(cast.carl).exists()
        for url in (detail(cast.handover_mia), pdf_url(cast.handover_mia)):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/login/")
        client.post(
            meeting_url(cast.handover_mia), {"date": TODAY.isoformat(), "participants": "C"}
        )
        assert not HandoverMeeting.objects.exists()

    def test_a_receiver_who_moved_has_no_access(self, cast, client_for):
        cast.carl.institution = Institution.objects.create(
            municipality=cast.ishoj, name="Regnbuen", kind="kindergarten", size=60
        )
        cast.carl.save()
        self._refused_everywhere(client_for(cast.carl), cast.handover_mia)

    def test_a_school_receiver_is_a_partner_and_sees_only_that(self, cast, client_for):
        from inklusio.transitions import services

        handover = services.handover_create(
            actor=cast.carl,
            child=cast.emil,
            kind="school",
            school_name="Vibeholmskolen",
            receiver=cast.pia,
            what_works="Korte beskeder",
            next_steps="Skolebesøg",
            handover_date=TODAY,
            access_until=TODAY + datetime.timedelta(days=30),
        )
        consent = meeting_services.consent_record(
            actor=cast.carl,
            child=cast.emil,
            given_by="Emils mor",
            given_on=TODAY,
            scope=DiscussionConsent.Scope.HANDOVER,
        )
        client = client_for(cast.pia)
        assert client.get(detail(handover)).status_code == 404
        services.handover_share(actor=cast.carl, handover=handover, consent=consent)
        assert client.get(detail(handover)).status_code == 200
        emil = reverse("child-detail", kwargs={"public_id": cast.emil.public_id})
        assert client.get(emil).status_code == 404


class TestPacket:
    def test_the_packet_has_the_plan_what_works_next_steps_and_the_sender(self, cast, client_for):
        Institution.objects.filter(pk=cast.boegely.pk).update(
            leader_name="Camilla Berg", phone="43 57 00 00"
        )
        client = client_for(cast.carl)
        with new_audit_rows() as rows:
            response = client.get(pdf_url(cast.handover_mia))
        assert response["Content-Type"] == "application/pdf"
        text = " ".join(pdf_text(response).split())
        for expected in (
            "Overgangspakke: Mia Testesen",
            "Billedstøtte ved skift",
            "Besøg på Elverhøj før start",
            "Mias handleplan",
            "Deltager i samling",
            "Laver dagsprogram",
            "Camilla Berg",
            "43 57 00 00",
        ):
            assert expected in text, expected
        reads = [r for r in rows if r.action == AuditAction.READ]
        assert len(reads) == 1 and reads[0].object_type == "handover"
        assert reads[0].child_id == cast.mia.public_id


class TestHandoverMeeting:
    def test_the_receiver_records_the_meeting(self, cast, client_for):
        client = client_for(cast.carl)
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(
                meeting_url(cast.handover_mia),
                {
                    "date": TODAY.isoformat(),
                    "participants": "Carl, Gert og Bøgelys leder",
                    "note": "To besøg aftalt",
                },
            )
        assert response.status_code == 302
        meeting = HandoverMeeting.objects.get(handover=cast.handover_mia)
        assert meeting.participants == "Carl, Gert og Bøgelys leder"
        assert meeting.recorded_by == cast.carl
        assert [(r.action, r.object_type, r.changes) for r in rows] == [
            (
                AuditAction.CREATE,
                "handovermeeting",
                {"date": {"before": None, "after": TODAY.isoformat()}},
            )
        ]
        assert "To besøg aftalt" in client.get(detail(cast.handover_mia)).content.decode()

    def test_a_receiver_whose_access_ended_is_refused_in_danish(self, cast):
        from inklusio.transitions import services

        meeting_services.consent_withdraw(actor=cast.gert, consent=handover_consent(cast))
        with pytest.raises(services.HandoverRuleBroken) as refused:
            services.handover_meeting_record(
                actor=cast.carl, handover=cast.handover_mia, date=TODAY, participants="Carl"
            )
        assert str(refused.value) == "Du kan ikke registrere møder for denne overgang."
        assert not HandoverMeeting.objects.exists()

    def test_without_participants_the_form_comes_back_with_what_was_typed(self, cast, client_for):
        response = client_for(cast.alice).post(
            meeting_url(cast.handover_mia), {"date": TODAY.isoformat(), "note": "Husk billeder"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Husk billeder" in page and "påkrævet" in page
        assert not HandoverMeeting.objects.exists()


class TestSchoolStart:
    def test_children_in_a_group_starting_school_within_a_year_are_listed(self, cast, client_for):
        next_august = make_child(
            cast.ishoj, cast.boegely, "Otto", "0103214321", resource_group=cast.group_boegely
        )
        make_child(cast.ishoj, cast.boegely, "Ulla", "0203214322")  # not in a group
        page = client_for(cast.alice).get(reverse("handover-list")).content.decode()
        start = rules.school_start(next_august.birth_date)
        assert start == datetime.date(TODAY.year + 1, 8, 1)
        assert "Otto Testesen" in page and "Ulla Testesen" not in page
        # Mia (born 2022) starts school in August 2028: more than a year ahead.
        assert page.count("Mia Testesen") == 1  # only as the handover to Elverhøj
        assert "Start overgang" in page
        assert f'href="{create_url(next_august, "school")}"' in page
        form = client_for(cast.alice).get(create_url(next_august, "school")).content.decode()
        assert re.search(r'value="school"[^>]*checked', form)

    def test_the_leaders_today_list_has_the_school_start_until_a_handover_exists(
        self, cast, client_for
    ):
        otto = make_child(
            cast.ishoj, cast.elverhoej, "Otto", "0103214321", resource_group=cast.group_boegely
        )
        client = client_for(cast.carl)
        page = client.get(reverse("today")).content.decode()
        assert "Skolestart om et år" in page and "Otto Testesen" in page
        assert f"{create_url(otto, 'school')}" in page
        client.post(
            create_url(otto, "school"),
            form_data(
                cast,
                kind="school",
                school_name="Vibeholmskolen",
                receiver=cast.pia.pk,
                receiving_institution="",
            ),
        )
        assert Handover.objects.filter(child=otto, kind="school").exists()
        assert "Otto Testesen" not in client.get(reverse("today")).content.decode()

    def test_the_birth_years_of_next_school_start(self):
        assert rules.birth_years_starting_school(TODAY) == [TODAY.year - 5]
        assert rules.birth_years_starting_school(datetime.date(TODAY.year, 7, 31)) == [
            TODAY.year - 6,
            TODAY.year - 5,
        ]

    def test_staff_do_not_see_the_list(self, cast, client_for):
        assert client_for(cast.sara).get(reverse("handover-list")).status_code == 404


def test_the_list_logs_each_child_shown_once(cast, client_for):
    client = client_for(cast.carl)
    with new_audit_rows() as rows:
        client.get(reverse("handover-list"))
    assert len(rows) == 1
    entry = AuditEntry.objects.get(pk=rows[0].pk)
    assert entry.action == AuditAction.READ


@pytest.mark.parametrize(
    "address",
    [
        lambda cast: reverse("handover-list"),
        lambda cast: cast.handover_mia.get_absolute_url(),
    ],
)
def test_a_tables_name_is_not_shown_again_under_its_heading(cast, client_for, address):
    """The heading names each table; its caption is for screen readers only, as on every other
    list (the page showed "Overgange" twice, the second time centred over the table)."""
    page = client_for(cast.alice).get(address(cast)).content.decode()
    captions = re.findall(r"<caption([^>]*)>", page)
    assert captions and all('class="sr-only"' in attributes for attributes in captions)


def test_the_child_page_names_a_handover_consent_once(cast, client_for):
    """Mia's father consented to her handover (the cast): her page's consent list says what the
    consent is for once, not the scope's label and then the same label as its subject."""
    label = "Overlevering til barnets næste sted (overgang)"
    page = client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
    consents = page.content.decode().split('data-testid="child-consents">', 1)[1]
    consents = consents.split("</ul>", 1)[0]
    assert consents.count(label) == 1
    assert f"{label}: " not in consents
    consent = cast.handover_mia.consent
    assert str(consent) == f"{cast.mia}: {label}"

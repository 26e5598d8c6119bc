"""The visitation committee's work: decisions within capacity, letters, appeals, re-assessment
and the waiting list."""

import datetime
import io
import re
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.referrals import selectors, services
from inklusio.referrals.models import Appeal, Decision, DecisionLetter, Offer, Referral
from inklusio.referrals.periods import period_start_for
from tests.audit_rows import children_read, new_audit_rows
from tests.conftest import TODAY, make_child
from tests.inline_forms import shown_form

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def grant(cast, child, *, start=datetime.date(2026, 10, 1), **extra):
    return services.decision_record(
        actor=cast.alice,
        child=child,
        outcome=Decision.Outcome.GRANTED,
        offer=extra.pop("offer", Offer.SUPPORT_PEDAGOGUE),
        reasons="Behov for støtte",
        legal_basis=cast.legal_basis,
        start=start,
        **extra,
    )


def children_born_2022(cast, count):
    return [
        make_child(cast.ishoj, cast.elverhoej, f"Barn{i}", f"0101224{i:03d}") for i in range(count)
    ]


class TestCapacity:
    def test_the_eighth_support_pedagogue_in_a_period_is_refused(self, cast):
        children = children_born_2022(cast, 7)  # Mia holds the first of 7 places
        for child in children[:6]:
            grant(cast, child)
        assert selectors.period_capacity(cast.period)["free"] == 0
        with pytest.raises(services.CapacityExceeded) as refused:
            grant(cast, children[6])
        assert refused.value.capacity == 7 and refused.value.used == 7
        assert not Decision.objects.filter(child=children[6]).exists()

    def test_a_refusal_does_not_take_a_place(self, cast):
        child = children_born_2022(cast, 1)[0]
        services.decision_record(
            actor=cast.alice,
            child=child,
            outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Behovet dækkes af ressourcefunktionen",
            legal_basis=cast.legal_basis,
        )
        assert selectors.period_capacity(cast.period)["used"] == 1

    def test_a_withdrawn_grant_gives_its_place_back(self, cast):
        services.decision_end(
            actor=cast.alice,
            decision=cast.decision_mia,
            kind=Decision.Kind.WITHDRAWAL,
            reasons="Familien er flyttet",
            legal_basis=cast.legal_basis,
            end_on=datetime.date(2026, 9, 15),
        )
        assert selectors.period_capacity(cast.period)["used"] == 0

    def test_resource_group_places_are_a_hard_limit(self, cast):
        cast.group_boegely.places = 1
        cast.group_boegely.save()
        first, second = children_born_2022(cast, 2)
        grant(cast, first, offer=Offer.RESOURCE_GROUP_PLACE, resource_group=cast.group_boegely)
        with pytest.raises(services.CapacityExceeded):
            grant(cast, second, offer=Offer.RESOURCE_GROUP_PLACE, resource_group=cast.group_boegely)

    def test_a_full_period_is_explained_in_danish_and_the_form_kept(self, cast, client_for):
        for child in children_born_2022(cast, 6):
            grant(cast, child)
        url = reverse("meeting-decide", args=[cast.meeting.public_id, cast.waiting_emil.public_id])
        response = client_for(cast.alice).post(
            url,
            {
                "outcome": "granted",
                "offer": Offer.SUPPORT_PEDAGOGUE,
                "reasons": "Emils behov er store",
                "legal_basis": cast.legal_basis.pk,
                "start": "2026-10-01",
            },
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Der er ikke flere ledige pladser" in page
        assert "Emils behov er store" in page
        cast.waiting_emil.refresh_from_db()
        assert cast.waiting_emil.status == Referral.Status.SUBMITTED

    def test_a_start_outside_the_meetings_period_is_refused_in_danish(self, cast, client_for):
        url = reverse("meeting-decide", args=[cast.meeting.public_id, cast.waiting_emil.public_id])
        response = client_for(cast.alice).post(
            url,
            {
                "outcome": "granted",
                "offer": Offer.RESOURCE_GROUP_PLACE,
                "resource_group": cast.group_boegely.pk,
                "reasons": "Behov for lille gruppe",
                "legal_basis": cast.legal_basis.pk,
                "start": "2027-04-01",
            },
        )
        assert "Startdatoen 1.4.2027 ligger uden for visitationsperioden 2026/27." in (
            response.content.decode()
        )
        assert not Decision.objects.filter(child=cast.emil).exists()

    def test_a_grant_without_a_start_is_refused_by_the_start_field(self, cast, client_for):
        url = reverse("meeting-decide", args=[cast.meeting.public_id, cast.waiting_emil.public_id])
        response = client_for(cast.alice).post(
            url,
            {
                "outcome": "granted",
                "offer": Offer.SUPPORT_PEDAGOGUE,
                "reasons": "Emils behov er store",
                "legal_basis": cast.legal_basis.pk,
            },
        )
        assert response.context["form"].errors["start"] == ["En bevilling skal have en startdato."]
        assert not Decision.objects.filter(child=cast.emil).exists()

    def test_a_start_outside_any_period_is_explained(self, cast):
        child = children_born_2022(cast, 1)[0]
        with pytest.raises(services.PeriodMissing):
            grant(cast, child, start=datetime.date(2030, 5, 1))


@pytest.mark.django_db(transaction=True)
def test_two_members_granting_the_last_place_at_once_exactly_one_wins(cast):
    """Run on SQLite and PostgreSQL alike (the suite runs on both)."""
    children = children_born_2022(cast, 7)
    for child in children[:5]:
        grant(cast, child)  # with Mia: 6 of 7 places
    contenders = children[5:]
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(child):
        try:
            barrier.wait()
            grant(cast, child)
            outcomes.append("granted")
        except services.CapacityExceeded:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(child,)) for child in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full", "granted"]
    assert selectors.period_capacity(cast.period)["used"] == 7


def test_the_overviews_cards_show_the_running_and_next_periods_not_an_ended_one(cast, client_for):
    current = period_start_for(TODAY).year
    ended = services.period_create(actor=cast.alice, start_year=current - 1, support_places=9)
    client = client_for(cast.alice)
    html = client.get(reverse("visitation-overview")).content.decode()
    assert f"ledige støttepædagogpladser i {cast.period.label} (" in html
    assert f"ledige støttepædagogpladser i {ended.label}" not in html
    assert f"Støttepædagog {ended.label}" in html  # the table keeps the history

    following = services.period_create(actor=cast.alice, start_year=current + 1, support_places=4)
    html = client.get(reverse("visitation-overview")).content.decode()
    assert html.index(f"i {cast.period.label} (") < html.index(
        f"ledige støttepædagogpladser i {following.label} (0 af 4 bevilget)"
    )


class TestMeetingOfAnEndedPeriod:
    """A member opening a meeting of a period that has ended sees that meeting: the children
    decided at it and how many children the period's places went to, not today's undecided
    referrals to decide there, nor the places free in the groups today."""

    @pytest.fixture
    def old_meeting(self, cast):
        start_year = period_start_for(TODAY).year - 3
        period = services.period_create(actor=cast.alice, start_year=start_year, support_places=5)
        meeting = services.committee_meeting_create(
            actor=cast.alice, date=period.start + datetime.timedelta(days=20)
        )
        birth = meeting.date - datetime.timedelta(days=4 * 365)
        child = make_child(cast.ishoj, cast.elverhoej, "Asta", birth.strftime("%d%m%y") + "4321")
        referral = Referral.objects.create(
            municipality=cast.ishoj, child=child, offer=Offer.SUPPORT_PEDAGOGUE,
            category="speech_language", description="Taler kun få ord.", consent_by="Mor",
            consent_date=meeting.date - datetime.timedelta(days=30),
            consent_method=Referral.ConsentMethod.WRITTEN, status=Referral.Status.SUBMITTED,
            referred_by=cast.carl,
        )  # fmt: skip
        with time_machine.travel(meeting.date, tick=False):  # decided while the period ran
            grant(cast, child, start=meeting.date, meeting=meeting, referral=referral)
        return meeting, referral

    def test_the_agenda_holds_only_what_was_decided_there(self, cast, old_meeting, client_for):
        meeting, referral = old_meeting
        response = client_for(cast.alice).get(meeting.get_absolute_url())
        assert [r.pk for r in response.context["agenda"]] == [referral.pk]
        page = response.content.decode()
        assert cast.waiting_emil.child.full_name not in page
        assert (
            reverse("meeting-decide", args=[meeting.public_id, cast.waiting_emil.public_id])
            not in page
        )

    def test_the_figures_are_the_periods_grants_not_todays_free_places(
        self, cast, old_meeting, client_for
    ):
        meeting, _referral = old_meeting
        page = client_for(cast.alice).get(meeting.get_absolute_url()).content.decode()
        label = f"barn fik støttepædagog i {meeting.period.label} (af 5 pladser)"
        assert 'data-testid="granted-support-places">1<' in page and label in page
        assert "free-support-places" not in page and "ledig" not in page
        assert cast.group_boegely.name not in page

    def test_a_meeting_of_the_running_period_still_shows_the_places_free_today(
        self, cast, old_meeting, client_for
    ):
        page = client_for(cast.alice).get(cast.meeting.get_absolute_url()).content.decode()
        assert 'data-testid="free-support-places">6<' in page
        assert f"ledige af {cast.group_boegely.places} i {cast.group_boegely.name}" in page


class TestDecisionAtTheMeeting:
    def test_the_agenda_lists_submitted_referrals_with_free_capacity(self, cast, client_for):
        response = client_for(cast.alice).get(cast.meeting.get_absolute_url())
        assert [r.pk for r in response.context["agenda"]] == [
            cast.waiting_emil.pk,
            cast.referral_mia.pk,
        ]
        assert response.context["capacity"]["free"] == 6

    def test_a_grant_lasts_one_year_and_is_reassessed_before_it_runs_out(self, cast, client_for):
        url = reverse("meeting-decide", args=[cast.meeting.public_id, cast.waiting_emil.public_id])
        client_for(cast.alice).post(
            url,
            {
                "outcome": "granted",
                "offer": Offer.RESOURCE_GROUP_PLACE,
                "resource_group": cast.group_boegely.pk,
                "reasons": "Emil har brug for en lille gruppe",
                "legal_basis": cast.legal_basis.pk,
                "start": "2026-10-01",
            },
        )
        decision = Decision.objects.get(child=cast.emil)
        assert decision.resource_group == cast.group_boegely
        assert decision.reassessment_due <= datetime.date(2027, 10, 1)
        cast.waiting_emil.refresh_from_db()
        assert cast.waiting_emil.status == Referral.Status.DECIDED
        support = grant(cast, children_born_2022(cast, 1)[0])
        assert support.end == datetime.date(2027, 9, 30)
        # A month before the grant runs out, so the committee can decide before it does.
        assert support.reassessment_due == datetime.date(2027, 8, 31)
        # A group place has no end: re-assessed at least yearly.
        assert decision.end is None

    def test_every_decision_needs_reasons_and_a_legal_basis(self, cast, client_for):
        url = reverse("meeting-decide", args=[cast.meeting.public_id, cast.waiting_emil.public_id])
        response = client_for(cast.alice).post(
            url, {"outcome": "alternative", "offer": "support_pedagogue"}
        )
        errors = response.context["form"].errors
        assert {"reasons", "legal_basis"} <= set(errors)
        assert not Decision.objects.filter(child=cast.emil).exists()

    def test_another_offer_must_say_what_it_is_by_the_field_keeping_the_reasons(
        self, cast, client_for
    ):
        url = reverse("meeting-decide", args=[cast.meeting.public_id, cast.waiting_emil.public_id])
        response = client_for(cast.alice).post(
            url,
            {
                "outcome": "alternative",
                "offer": "support_pedagogue",
                "reasons": "Behovet kan dækkes i institutionen",
                "legal_basis": cast.legal_basis.pk,
            },
        )
        assert response.context["form"].errors["alternative"] == [
            "Beskriv det tilbud, barnet får i stedet."
        ]
        assert "Behovet kan dækkes i institutionen" in response.content.decode()
        assert not Decision.objects.filter(child=cast.emil).exists()


class TestLetters:
    def test_the_letter_gives_reasons_rules_and_appeal_guidance(self, cast, client_for):
        client = client_for(cast.alice)
        client.post(reverse("letter-issue", args=[cast.decision_mia.public_id]))
        letter = cast.decision_mia.letters.get(version=2)
        text = pdf_text(bytes(letter.pdf))
        for expected in (
            "Afgørelse om støttepædagog til Mia Testesen",
            "bevilge støttepædagog",
            "Perioden er fra 1. september 2026 til 31. august 2027.",
            "Behovet kan ikke dækkes af ressourcefunktionen.",
            "Dagtilbudslovens § 4",
            "Klagevejledning",
            "senest 4 uger",
            "Ankestyrelsen",
            "forvaltningslovens §§ 22-24",
            "Alice Testesen",
        ):
            assert expected in text.replace("\n", " "), expected

    def test_reissuing_makes_a_new_version_and_keeps_the_old_one(self, cast):
        first = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        before = bytes(first.pdf)
        second = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        first.refresh_from_db()
        assert (first.version, second.version) == (2, 3)
        assert bytes(first.pdf) == before

    def test_the_appeal_deadline_is_four_weeks_after_sending(self, cast, client_for):
        letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        sent = TODAY - datetime.timedelta(days=10)
        DecisionLetter.objects.filter(pk=letter.pk).update(
            created_at=letter.created_at - datetime.timedelta(days=12)
        )
        client_for(cast.alice).post(
            reverse("letter-sent", args=[letter.public_id]), {"on": sent.isoformat()}
        )
        letter.refresh_from_db()
        deadline = sent + datetime.timedelta(weeks=4)
        assert letter.appeal_deadline == deadline
        page = client_for(cast.alice).get(cast.decision_mia.get_absolute_url()).content.decode()
        assert f"{deadline.day}.{deadline.month}.{deadline.year}" in page

    def test_the_guardian_can_open_their_letter(self, cast, client_for):
        response = client_for(cast.gert).get(
            reverse("letter-download", args=[cast.letter_mia.public_id])
        )
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    def test_a_letter_is_marked_sent_once_so_the_appeal_deadline_cannot_move(
        self, cast, client_for
    ):
        letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        client = client_for(cast.alice)
        url = reverse("letter-sent", args=[letter.public_id])
        client.post(url, {"on": TODAY.isoformat()})
        later = TODAY + datetime.timedelta(days=10)
        response = client.post(url, {"on": later.isoformat()}, follow=True)
        assert "Brevet er allerede registreret som sendt." in response.content.decode()
        letter.refresh_from_db()
        assert letter.sent_on == TODAY
        assert letter.appeal_deadline == TODAY + datetime.timedelta(weeks=4)
        sent = AuditEntry.objects.filter(object_id=str(letter.public_id), action=AuditAction.EXPORT)
        assert sent.count() == 1


# A date field's refusals: not a date, outside the years a date may lie in, left empty.
BAD_DATES = [
    ("10.13.2026", "Indtast en gyldig dato."),
    ("0001-01-01", "Angiv en dato mellem 1950 og 2099."),
    ("", "Dette felt er påkrævet."),
]


class TestMarkedAsSent:
    """'Registrér som sendt': each unsent letter's inline date form on the decision's page."""

    @pytest.fixture(autouse=True)
    def signed_in(self, cast, client_for):
        self.client = client_for(cast.alice)
        self.letter = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        self.url = reverse("letter-sent", args=[self.letter.public_id])

    @pytest.mark.parametrize(("typed", "message"), BAD_DATES)
    def test_a_bad_date_comes_back_by_the_field_with_the_typing_kept(self, cast, typed, message):
        self._a_refused_date_comes_back(typed, message)

    def test_a_day_to_come_is_refused_by_the_field_with_the_typing_kept(self, cast):
        """The appeal deadline runs from the day sent: tomorrow would give a wrong one."""
        tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
        self._a_refused_date_comes_back(
            tomorrow, "Et brev kan ikke være sendt på en dag, der ikke er kommet."
        )

    def _a_refused_date_comes_back(self, typed, message):
        response = self.client.post(self.url, {"on": typed})
        assert response.status_code == 200
        form = shown_form(response.content.decode(), self.url)
        assert form.errors == {"on": message}
        assert form.value("on") == typed
        assert form.focused == {"on"}
        self.letter.refresh_from_db()
        assert self.letter.sent_on is None
        assert not AuditEntry.objects.filter(
            object_id=str(self.letter.public_id), action=AuditAction.EXPORT
        ).exists()

    def test_only_the_refused_letters_form_shows_the_typing_and_the_error(self, cast):
        other = services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        response = self.client.post(self.url, {"on": "10.13.2026"})
        page = response.content.decode()
        other_form = shown_form(page, reverse("letter-sent", args=[other.public_id]))
        assert other_form.errors == {} and other_form.focused == set()
        assert other_form.value("on") == TODAY.isoformat()
        # Each letter's date input has an id of its own (a label points at one input).
        inputs = re.findall(r'<input[^>]* id="(id_sent_[^"]*)"', page)
        assert sorted(inputs) == [
            f"id_sent_v{self.letter.version}_on",
            f"id_sent_v{other.version}_on",
        ]

    def test_the_page_shown_again_logs_the_read_of_the_child_once(self, cast):
        with new_audit_rows() as opened:
            self.client.get(cast.decision_mia.get_absolute_url())
        with new_audit_rows() as refused:
            self.client.post(self.url, {"on": ""})
        assert children_read(refused) == children_read(opened) == [str(cast.mia.public_id)]

    def test_a_letter_sent_meanwhile_says_so_above_the_page(self, cast):
        services.letter_mark_sent(actor=cast.alice, letter=self.letter, sent_on=TODAY)
        response = self.client.post(self.url, {"on": TODAY.isoformat()})
        assert response.status_code == 200
        assert [str(m) for m in response.context["messages"]] == [
            "Brevet er allerede registreret som sendt."
        ]

    def test_a_good_date_is_saved_and_goes_back_to_the_decision(self, cast):
        response = self.client.post(self.url, {"on": TODAY.isoformat()})
        assert response.status_code == 302
        assert response["Location"] == cast.decision_mia.get_absolute_url()
        self.letter.refresh_from_db()
        assert self.letter.sent_on == TODAY


class TestAppeals:
    def test_an_upheld_appeal_cannot_be_reassessed_again(self, cast, client_for):
        appeal = cast.appeal_mia
        client = client_for(cast.alice)
        client.post(
            reverse("appeal-uphold", args=[appeal.public_id]),
            {"on": TODAY.isoformat(), "reasons": "Fastholdes", "confirm": "yes"},
        )
        later = TODAY + datetime.timedelta(days=3)
        response = client.post(
            reverse("appeal-uphold", args=[appeal.public_id]),
            {"on": later.isoformat(), "reasons": "Igen", "confirm": "yes"},
            follow=True,
        )
        assert "Klagen er allerede genvurderet." in response.content.decode()
        response = client.post(
            reverse("appeal-change", args=[appeal.public_id]),
            {
                "outcome": "refused",
                "offer": Offer.SUPPORT_PEDAGOGUE,
                "reasons": "Genvurderet en gang til",
                "legal_basis": cast.legal_basis.pk,
            },
        )
        assert "Klagen er allerede genvurderet." in response.content.decode()
        assert "Genvurderet en gang til" in response.content.decode()
        appeal.refresh_from_db()
        assert appeal.status == Appeal.Status.FORWARDED
        assert appeal.forwarded_on == TODAY and appeal.reassessed_on == TODAY
        assert not Decision.objects.filter(supersedes=cast.decision_mia).exists()

    def test_a_changed_appeal_cannot_be_changed_again(self, cast):
        def change(reasons):
            return services.appeal_change(
                actor=cast.alice,
                appeal=cast.appeal_mia,
                outcome=Decision.Outcome.REFUSED,
                offer=Offer.SUPPORT_PEDAGOGUE,
                reasons=reasons,
                legal_basis=cast.legal_basis,
            )

        first = change("Efter klagen")
        with pytest.raises(services.NotAllowedNow, match=r"Klagen er allerede genvurderet\."):
            change("En gang til")
        cast.appeal_mia.refresh_from_db()
        assert cast.appeal_mia.new_decision == first
        assert Decision.objects.filter(supersedes=cast.decision_mia).count() == 1

    def test_upheld_appeal_goes_to_the_board_with_the_case_file(self, cast, client_for):
        services.letter_issue(actor=cast.alice, decision=cast.decision_mia)
        appeal = services.appeal_register(
            actor=cast.alice,
            decision=cast.decision_mia,
            received_on=datetime.date(2026, 9, 25),
            text="Vi ønsker flere timer",
            owner=cast.alice,
        )
        client_for(cast.alice).post(
            reverse("appeal-uphold", args=[appeal.public_id]),
            {
                "on": "2026-10-05",
                "reasons": "Behovet dækkes af ressourcefunktionen",
                "confirm": "yes",
            },
        )
        appeal.refresh_from_db()
        assert appeal.status == Appeal.Status.FORWARDED
        assert (
            appeal.forwarded_on == datetime.date(2026, 10, 5) and appeal.reassessed_by == cast.alice
        )
        bundle = pdf_text(bytes(appeal.bundle))
        assert "Sagens akter: Mia Testesen" in bundle
        assert "Svært ved overgange." in bundle  # the referral
        assert "Klagevejledning" in bundle  # the letter follows the summary

    def test_a_changed_decision_supersedes_the_appealed_one(self, cast, client_for):
        appeal = Appeal.objects.create(
            municipality=cast.ishoj,
            decision=cast.decision_mia,
            received_on=datetime.date(2026, 9, 20),
            owner=cast.alice,
        )
        client_for(cast.alice).post(
            reverse("appeal-change", args=[appeal.public_id]),
            {
                "outcome": "granted",
                "offer": Offer.SUPPORT_PEDAGOGUE,
                "reasons": "Efter klagen: bevilling fra 1. oktober",
                "legal_basis": cast.legal_basis.pk,
                "start": "2026-10-01",
            },
        )
        appeal.refresh_from_db()
        new = appeal.new_decision
        assert appeal.status == Appeal.Status.CHANGED
        assert new.supersedes == cast.decision_mia and new.kind == Decision.Kind.APPEAL_CHANGE
        assert not selectors.is_in_force(cast.decision_mia) and selectors.is_in_force(new)
        # The same child keeps its one place in the period.
        assert selectors.period_capacity(cast.period)["used"] == 1


class TestReassessmentMargin:
    """The committee re-assesses a grant 30 days before its year, or the grant, runs out."""

    def test_a_group_place_without_end_is_due_30_days_before_its_first_year_ends(self, cast):
        start = TODAY + datetime.timedelta(days=7)  # the year ends start + 364 days
        place = grant(
            cast,
            children_born_2022(cast, 1)[0],
            start=start,
            offer=Offer.RESOURCE_GROUP_PLACE,
            resource_group=cast.group_boegely,
        )
        assert place.end is None
        assert place.reassessment_due == start + datetime.timedelta(days=364 - 30)

    def test_a_short_grant_is_due_30_days_before_it_ends(self, cast):
        start = TODAY + datetime.timedelta(days=7)
        end = start + datetime.timedelta(days=90)
        support = grant(cast, children_born_2022(cast, 1)[0], start=start, end=end)
        assert support.reassessment_due == end - datetime.timedelta(days=30)

    def test_a_grant_can_be_reassessed_only_once(self, cast):
        services.period_create(actor=cast.alice, start_year=2027, support_places=7)

        def reassess():
            return services.reassessment_record(
                actor=cast.alice,
                decision=cast.decision_mia,
                outcome=Decision.Outcome.CONTINUED,
                reasons="Behovet består",
                legal_basis=cast.legal_basis,
            )

        reassess()
        with pytest.raises(services.NotAllowedNow, match="Kun en gældende bevilling"):
            reassess()
        assert Decision.objects.filter(supersedes=cast.decision_mia).count() == 1


class TestReassessmentAndWaitingList:
    def test_overdue_reassessments_show_on_the_administrators_start_page(self, cast, client_for):
        Decision.objects.filter(pk=cast.decision_mia.pk).update(
            reassessment_due=datetime.date.today() - datetime.timedelta(days=1),
            end=datetime.date.today() + datetime.timedelta(days=30),
        )
        page = client_for(cast.alice).get(reverse("start")).content.decode()
        assert 'data-testid="overdue-reassessments">1<' in page
        assert cast.decision_mia.get_absolute_url() in page
        assert (
            "overdue-reassessments"
            not in client_for(cast.carl).get(reverse("start")).content.decode()
        )

    def test_a_reassessment_ends_in_continue_change_or_end(self, cast, client_for):
        url = reverse("decision-reassess", args=[cast.decision_mia.public_id])
        data = {
            "outcome": "continued",
            "reasons": "Behovet består",
            "legal_basis": cast.legal_basis.pk,
        }
        response = client_for(cast.alice).post(url, data)
        page = response.content.decode()
        assert "Der er ikke oprettet en visitationsperiode, der dækker 1.9.2027." in page
        services.period_create(actor=cast.alice, start_year=2027, support_places=7)
        client_for(cast.alice).post(url, data)
        continued = Decision.objects.get(supersedes=cast.decision_mia)
        assert continued.kind == Decision.Kind.REASSESSMENT
        assert continued.start == datetime.date(2027, 9, 1)
        assert continued.end == datetime.date(2028, 8, 31)

    def test_ending_early_is_itself_a_decision(self, cast, client_for):
        client_for(cast.alice).post(
            reverse("decision-end", args=[cast.decision_mia.public_id]),
            {
                "kind": "end",
                "end_on": "2026-12-31",
                "reasons": "Mia starter i skole",
                "legal_basis": cast.legal_basis.pk,
            },
        )
        ending = Decision.objects.get(supersedes=cast.decision_mia)
        assert ending.outcome == Decision.Outcome.ENDED
        cast.decision_mia.refresh_from_db()
        assert cast.decision_mia.ended_on == datetime.date(2026, 12, 31)

    def test_granted_not_started_holds_granted_children_not_yet_started_oldest_first(
        self, cast, client_for
    ):
        first, second = children_born_2022(cast, 2)
        later = grant(cast, second)
        Decision.objects.filter(pk=later.pk).update(decided_on=datetime.date(2026, 10, 2))
        earlier = grant(cast, first)
        Decision.objects.filter(pk=earlier.pk).update(decided_on=datetime.date(2026, 10, 1))
        client = client_for(cast.alice)
        waiting = client.get(reverse("granted-not-started")).context["waiting"]
        assert [d.pk for d in waiting] == [cast.decision_mia.pk, earlier.pk, later.pk]
        client.post(
            reverse("decision-placed", args=[cast.decision_mia.public_id]), {"on": "2026-09-10"}
        )
        waiting = client.get(reverse("granted-not-started")).context["waiting"]
        assert cast.decision_mia.pk not in [d.pk for d in waiting]


def test_lists_that_name_children_are_logged_with_who_was_shown(cast, client_for):
    from inklusio.audit.models import AuditAction, AuditEntry

    client_for(cast.alice).get(reverse("granted-not-started"))
    entry = AuditEntry.objects.filter(
        action=AuditAction.SEARCH, search_term="bevilget-ikke-startet"
    ).get()
    assert entry.actor == cast.alice
    assert entry.changes["results"] == [str(cast.mia.public_id)]


def test_a_continued_group_place_stays_in_its_group(cast):
    place = grant(
        cast, children_born_2022(cast, 1)[0], start=TODAY - datetime.timedelta(days=7),
        offer=Offer.RESOURCE_GROUP_PLACE, resource_group=cast.group_boegely,
    )  # fmt: skip
    continued = services.reassessment_record(
        actor=cast.alice, decision=place, outcome=Decision.Outcome.CONTINUED,
        reasons="Behovet består", legal_basis=cast.legal_basis,
    )  # fmt: skip
    assert (continued.offer, continued.resource_group) == (
        Offer.RESOURCE_GROUP_PLACE,
        cast.group_boegely,
    )


def test_marking_a_grant_as_started_is_logged_with_the_day(cast, client_for):
    client_for(cast.alice).post(
        reverse("decision-placed", args=[cast.decision_mia.public_id]), {"on": TODAY.isoformat()}
    )
    entry = AuditEntry.objects.get(
        action=AuditAction.CHANGE, object_id=str(cast.decision_mia.public_id)
    )
    assert entry.changes == {"placed_on": {"before": None, "after": TODAY.isoformat()}}


class TestMarkedAsStarted:
    """'Barnet er startet': the inline date form of the decision's page."""

    @pytest.fixture(autouse=True)
    def signed_in(self, cast, client_for):
        self.client = client_for(cast.alice)
        self.url = reverse("decision-placed", args=[cast.decision_mia.public_id])

    @pytest.mark.parametrize(("typed", "message"), BAD_DATES)
    def test_a_bad_date_comes_back_by_the_field_with_the_typing_kept(self, cast, typed, message):
        response = self.client.post(self.url, {"on": typed})
        assert response.status_code == 200
        form = shown_form(response.content.decode(), self.url)
        assert form.errors == {"on": message}
        assert form.value("on") == typed
        assert form.focused == {"on"}
        cast.decision_mia.refresh_from_db()
        assert cast.decision_mia.placed_on is None

    def test_a_refusal_of_the_service_is_shown_above_the_date_with_the_typing_kept(
        self, cast, monkeypatch
    ):
        def refuse(**_kwargs):
            raise services.NotAllowedNow("Barnet er allerede registreret som startet den 1.")

        monkeypatch.setattr(services.decisions, "decision_mark_placed", refuse)
        response = self.client.post(self.url, {"on": TODAY.isoformat()})
        form = shown_form(response.content.decode(), self.url)
        assert form.alerts == ["Barnet er allerede registreret som startet den 1."]
        assert form.value("on") == TODAY.isoformat()

    def test_the_page_shown_again_logs_the_read_of_the_page(self, cast):
        with new_audit_rows() as opened:
            self.client.get(cast.decision_mia.get_absolute_url())
        with new_audit_rows() as refused:
            self.client.post(self.url, {"on": ""})
        assert children_read(refused) == children_read(opened) == [str(cast.mia.public_id)]

    def test_a_good_date_is_saved_and_goes_back_to_the_decision(self, cast):
        response = self.client.post(self.url, {"on": TODAY.isoformat()})
        assert response.status_code == 302
        assert response["Location"] == cast.decision_mia.get_absolute_url()
        cast.decision_mia.refresh_from_db()
        assert cast.decision_mia.placed_on == TODAY


def test_only_a_grant_can_be_marked_as_started(cast):
    refusal = services.decision_record(
        actor=cast.alice, child=children_born_2022(cast, 1)[0], outcome=Decision.Outcome.REFUSED,
        offer=Offer.SUPPORT_PEDAGOGUE, reasons="Behovet kan dækkes i gruppen",
        legal_basis=cast.legal_basis, start=TODAY,
    )  # fmt: skip
    with pytest.raises(services.NotAllowedNow) as refused:
        services.decision_mark_placed(actor=cast.alice, decision=refusal, placed_on=TODAY)
    assert str(refused.value) == "Kun en bevilling kan registreres som startet."

"""The waiting list (issue 16, point 2): a referral refused for capacity waits in line for the
offer, first come first served; the committee may move a child with a reason or take it off;
a free place is offered to the first in line through the decision form."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.referrals import services
from inklusio.referrals.models import Decision, Offer, Referral, WaitingListEntry
from tests.audit_rows import children_read, new_audit_rows
from tests.conftest import TODAY, make_child
from tests.inline_forms import shown_form

pytestmark = pytest.mark.django_db


def submitted_referral(cast, child, offer=Offer.RESOURCE_GROUP_PLACE):
    return Referral.objects.create(
        municipality=cast.ishoj,
        child=child,
        offer=offer,
        resource_group=cast.group_boegely if offer == Offer.RESOURCE_GROUP_PLACE else None,
        category="speech_language",
        description="Har brug for en lille gruppe.",
        consent_by="Mor",
        consent_date=TODAY - datetime.timedelta(days=30),
        consent_method=Referral.ConsentMethod.WRITTEN,
        status=Referral.Status.SUBMITTED,
        submitted_at=cast.referral_mia.created_at,
        referred_by=cast.carl,
    )


def fill_group(cast):
    cast.group_boegely.places = 0
    cast.group_boegely.save()


def queue(cast, names):
    """Children put in line for Bøgely's (full) group in the order named; Emil is first."""
    entries = [cast.queued_emil]
    for number, name in enumerate(names):
        child = make_child(cast.ishoj, cast.elverhoej, name, f"0101224{number:03d}")
        entries.append(
            services.waiting_list_add(
                actor=cast.alice,
                referral=submitted_referral(cast, child),
                offer=Offer.RESOURCE_GROUP_PLACE,
                resource_group=cast.group_boegely,
            )
        )
    return entries


def positions(cast):
    return list(
        WaitingListEntry.objects.filter(status=WaitingListEntry.Status.WAITING)
        .order_by("position")
        .values_list("child__first_name", "position")
    )


class TestQueue:
    def test_first_come_first_served_and_moving_needs_a_reason_that_is_logged(self, cast):
        fill_group(cast)
        *_, bo = queue(cast, ["Anna", "Bo"])
        assert positions(cast) == [("Emil", 1), ("Anna", 2), ("Bo", 3)]
        with pytest.raises(services.InvalidInput) as refused:
            services.waiting_list_move(actor=cast.alice, entry=bo, position=1, reason=" ")
        assert str(refused.value) == "Skriv, hvorfor barnet flyttes i køen."
        services.waiting_list_move(
            actor=cast.alice, entry=bo, position=1, reason="Akut behov efter udredning"
        )
        assert positions(cast) == [("Bo", 1), ("Emil", 2), ("Anna", 3)]
        entry = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_type="waitinglistentry")
        # The log says a reason was given; the entry keeps it (free text stays out of the log).
        assert entry.get().changes == {"position": {"before": 3, "after": 1}, "reason": "•••"}
        bo.refresh_from_db()
        assert [(m["from"], m["to"], m["reason"]) for m in bo.moves] == [
            (3, 1, "Akut behov efter udredning")
        ]

    def test_joining_the_line_is_logged_with_the_queue_and_the_place(self, cast):
        fill_group(cast)
        _, anna = queue(cast, ["Anna"])
        entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(anna.public_id))
        assert entry.changes == {
            "queue": {"before": None, "after": "Ressourcegruppen Bøgely"},
            "position": {"before": None, "after": 2},
        }

    def test_a_position_outside_the_queue_is_refused(self, cast):
        fill_group(cast)
        _, anna = queue(cast, ["Anna"])
        with pytest.raises(services.InvalidInput) as refused:
            services.waiting_list_move(actor=cast.alice, entry=anna, position=3, reason="Fejl")
        assert str(refused.value) == "Vælg en plads mellem 1 og 2."

    def test_the_only_child_in_its_queue_is_told_its_place_can_only_be_1(self, cast):
        (emil,) = queue(cast, [])
        with pytest.raises(services.InvalidInput) as refused:
            services.waiting_list_move(actor=cast.alice, entry=emil, position=2, reason="Fejl")
        assert str(refused.value) == "Barnet er det eneste i køen, så pladsen kan kun være 1."
        assert refused.value.field == "position"

    def test_taking_a_child_off_closes_the_gap_and_keeps_the_reason(self, cast, client_for):
        fill_group(cast)
        _, anna, _ = queue(cast, ["Anna", "Bo"])
        client_for(cast.alice).post(
            reverse("waiting-remove", args=[anna.public_id]),
            {"reason": "Bevilget plads i en anden kommune"},
        )
        anna.refresh_from_db()
        assert anna.status == WaitingListEntry.Status.REMOVED
        assert anna.removed_reason == "Bevilget plads i en anden kommune"
        assert positions(cast) == [("Emil", 1), ("Bo", 2)]

    def test_a_referral_is_not_queued_while_a_place_is_free(self, cast):
        child = make_child(cast.ishoj, cast.elverhoej, "Anna", "0101224000")
        with pytest.raises(services.NotAllowedNow) as refused:
            services.waiting_list_add(
                actor=cast.alice,
                referral=submitted_referral(cast, child),
                offer=Offer.RESOURCE_GROUP_PLACE,
                resource_group=cast.group_boegely,
            )
        assert "Der er en ledig plads" in str(refused.value)
        assert not WaitingListEntry.objects.filter(child=child).exists()

    def test_a_referral_waits_in_one_line_only(self, cast):
        fill_group(cast)
        with pytest.raises(services.NotAllowedNow) as refused:
            services.waiting_list_add(
                actor=cast.alice,
                referral=cast.waiting_emil,
                offer=Offer.RESOURCE_GROUP_PLACE,
                resource_group=cast.group_boegely,
            )
        assert str(refused.value) == "Indstillingen står allerede på ventelisten."


class TestRefusedForCapacity:
    def test_a_grant_refused_for_capacity_can_be_put_on_the_waiting_list(self, cast, client_for):
        fill_group(cast)
        cast.queued_emil.delete()
        client = client_for(cast.alice)
        url = reverse("meeting-decide", args=[cast.meeting.public_id, cast.waiting_emil.public_id])
        response = client.post(
            url,
            {
                "outcome": "granted",
                "offer": Offer.RESOURCE_GROUP_PLACE,
                "resource_group": cast.group_boegely.pk,
                "reasons": "Behov for en lille gruppe",
                "legal_basis": cast.legal_basis.pk,
                "start": cast.meeting.date.isoformat(),
            },
        )
        page = response.content.decode()
        assert "sæt barnet på ventelisten" in page
        assert reverse("waiting-add", args=[cast.waiting_emil.public_id]) in page
        response = client.post(
            reverse("waiting-add", args=[cast.waiting_emil.public_id]),
            {
                "offer": Offer.RESOURCE_GROUP_PLACE,
                "resource_group": cast.group_boegely.pk,
                "start": cast.meeting.date.isoformat(),
            },
            follow=True,
        )
        assert "Barnet er sat på ventelisten." in response.content.decode()
        entry = WaitingListEntry.objects.get(referral=cast.waiting_emil)
        assert (entry.position, entry.added_on) == (1, TODAY)
        page = client.get(reverse("waiting-list")).content.decode()
        assert "Emil Testesen" in page and "Ressourcegruppen Bøgely" in page
        assert TODAY.strftime("%-d.%-m.%Y") in page

    def test_a_group_place_needs_the_group_it_waits_for(self, cast, client_for):
        fill_group(cast)
        cast.queued_emil.delete()
        response = client_for(cast.alice).post(
            reverse("waiting-add", args=[cast.waiting_emil.public_id]),
            {"offer": Offer.RESOURCE_GROUP_PLACE, "start": TODAY.isoformat()},
            follow=True,
        )
        assert [str(m) for m in response.context["messages"]] == [
            "Vælg den ressourcegruppe, barnet venter på plads i."
        ]
        assert not WaitingListEntry.objects.filter(referral=cast.waiting_emil).exists()

    def test_support_places_queue_per_period(self, cast, client_for):
        cast.period.support_places = 1  # Mia holds it
        cast.period.save()
        child = make_child(cast.ishoj, cast.elverhoej, "Anna", "0101224000")
        referral = submitted_referral(cast, child, offer=Offer.SUPPORT_PEDAGOGUE)
        client_for(cast.alice).post(
            reverse("waiting-add", args=[referral.public_id]),
            {"offer": Offer.SUPPORT_PEDAGOGUE, "start": TODAY.isoformat()},
        )
        entry = WaitingListEntry.objects.get(referral=referral)
        assert (entry.period, entry.queue_label) == (cast.period, "Støttepædagog 2026/27")


class TestPlaceFree:
    def test_a_free_place_is_offered_to_the_first_in_line(self, cast, client_for):
        fill_group(cast)
        emil, anna = queue(cast, ["Anna"])
        client = client_for(cast.alice)
        assert "Plads ledig" not in client.get(reverse("waiting-list")).content.decode()
        cast.group_boegely.places = 1  # capacity raised
        cast.group_boegely.save()
        for page in ("waiting-list", "visitation-overview"):
            html = client.get(reverse(page)).content.decode()
            assert "Plads ledig" in html
            assert reverse("waiting-offer", args=[emil.public_id]) in html
            assert reverse("waiting-offer", args=[anna.public_id]) not in html
        form = client.get(reverse("waiting-offer", args=[emil.public_id])).context["form"]
        assert form.initial["outcome"] == Decision.Outcome.GRANTED
        assert form.initial["offer"] == Offer.RESOURCE_GROUP_PLACE
        assert form.initial["resource_group"] == cast.group_boegely.pk
        client.post(
            reverse("waiting-offer", args=[emil.public_id]),
            {
                "outcome": "granted",
                "offer": Offer.RESOURCE_GROUP_PLACE,
                "resource_group": cast.group_boegely.pk,
                "reasons": "Pladsen er blevet ledig",
                "legal_basis": cast.legal_basis.pk,
                "start": TODAY.isoformat(),
            },
        )
        emil.refresh_from_db()
        assert emil.status == WaitingListEntry.Status.GRANTED
        assert emil.decision.outcome == Decision.Outcome.GRANTED
        assert positions(cast) == [("Anna", 1)]
        # The place is taken again: nothing free for Anna.
        assert "Plads ledig" not in client.get(reverse("waiting-list")).content.decode()

    def test_a_grant_that_ends_frees_a_support_place(self, cast, client_for):
        fill_group(cast)  # Emil's queue has no free place either
        cast.period.support_places = 1
        cast.period.save()
        child = make_child(cast.ishoj, cast.elverhoej, "Anna", "0101224000")
        services.waiting_list_add(
            actor=cast.alice,
            referral=submitted_referral(cast, child, offer=Offer.SUPPORT_PEDAGOGUE),
            offer=Offer.SUPPORT_PEDAGOGUE,
            period=cast.period,
        )
        client = client_for(cast.alice)
        html = client.get(reverse("waiting-list")).content.decode()
        assert "Anna Testesen" in html and "Plads ledig" not in html
        services.decision_end(
            actor=cast.alice,
            decision=cast.decision_mia,
            kind=Decision.Kind.WITHDRAWAL,
            reasons="Flyttet",
            legal_basis=cast.legal_basis,
            end_on=TODAY,
        )
        assert "Plads ledig" in client.get(reverse("waiting-list")).content.decode()


class TestFormsOnTheList:
    """'Flyt i køen' and 'Tag af ventelisten' are inline forms in each child's row."""

    @pytest.fixture(autouse=True)
    def line(self, cast, client_for):
        fill_group(cast)
        self.emil, self.anna = queue(cast, ["Anna"])
        self.client = client_for(cast.alice)

    def move(self, data):
        url = reverse("waiting-move", args=[self.anna.public_id])
        return url, self.client.post(url, data)

    def remove(self, data):
        url = reverse("waiting-remove", args=[self.anna.public_id])
        return url, self.client.post(url, data)

    def test_a_move_without_a_reason_comes_back_by_the_field_with_the_place_kept(self, cast):
        url, response = self.move({"position": "1", "reason": " "})
        assert response.status_code == 200
        form = shown_form(response.content.decode(), url)
        assert form.errors == {"reason": "Skriv, hvorfor barnet flyttes i køen."}
        assert form.value("position") == "1"
        assert positions(cast) == [("Emil", 1), ("Anna", 2)]

    def test_a_place_outside_the_line_comes_back_by_the_place_with_the_reason_kept(self, cast):
        url, response = self.move({"position": "3", "reason": "Akut behov"})
        form = shown_form(response.content.decode(), url)
        assert form.errors == {"position": "Vælg en plads mellem 1 og 2."}
        assert form.focused == {"position"}
        assert form.value("position") == "3"
        assert form.value("reason") == "Akut behov"
        assert positions(cast) == [("Emil", 1), ("Anna", 2)]
        assert "open><summary>Flyt i køen" in response.content.decode()

    def test_the_only_child_in_its_queue_is_offered_no_move(self, cast):
        """Nowhere to move to: its row offers taking it off the list, not moving it."""
        page = self.client.get(reverse("waiting-list")).content.decode()
        assert page.count("Flyt i køen") == 2  # Emil and Anna, two in one queue
        services.waiting_list_remove(actor=cast.alice, entry=self.emil, reason="Flyttet")
        page = self.client.get(reverse("waiting-list")).content.decode()
        assert "Flyt i køen" not in page
        assert reverse("waiting-move", args=[self.anna.public_id]) not in page
        assert reverse("waiting-remove", args=[self.anna.public_id]) in page

    def test_a_move_refused_as_the_queue_shrank_meanwhile_comes_back_by_the_place(self, cast):
        # The list was opened with Emil and Anna in line; Emil is taken off before the move.
        services.waiting_list_remove(actor=cast.alice, entry=self.emil, reason="Flyttet")
        url, response = self.move({"position": "2", "reason": "Akut behov"})
        assert response.status_code == 200
        form = shown_form(response.content.decode(), url)
        assert form.errors == {
            "position": "Barnet er det eneste i køen, så pladsen kan kun være 1."
        }
        assert (form.value("position"), form.value("reason")) == ("2", "Akut behov")
        assert positions(cast) == [("Anna", 1)]

    def test_a_place_that_is_no_number_is_refused_in_danish(self, cast):
        url, response = self.move({"position": "først", "reason": "Akut behov"})
        form = shown_form(response.content.decode(), url)
        assert form.errors == {"position": "Indtast et heltal."}
        assert form.value("position") == "først"
        assert form.value("reason") == "Akut behov"

    def test_a_removal_without_a_reason_comes_back_by_the_field(self, cast):
        url, response = self.remove({"reason": ""})
        assert response.status_code == 200
        form = shown_form(response.content.decode(), url)
        assert form.errors == {"reason": "Skriv, hvorfor barnet tages af ventelisten."}
        self.anna.refresh_from_db()
        assert self.anna.status == WaitingListEntry.Status.WAITING

    def test_the_other_rows_keep_empty_forms_of_their_own(self, cast):
        _url, response = self.move({"position": "3", "reason": "Akut behov"})
        page = response.content.decode()
        emil = shown_form(page, reverse("waiting-move", args=[self.emil.public_id]))
        assert emil.errors == {} and emil.value("reason") == ""
        assert emil.focused == set()
        assert page.count(f'id="id_move_{self.anna.pk}_reason"') == 1
        assert page.count(f'id="id_remove_{self.anna.pk}_reason"') == 1

    def test_a_child_taken_off_meanwhile_is_said_above_the_list(self, cast, monkeypatch):
        def taken_off_meanwhile(*, entry, **_kwargs):
            WaitingListEntry.objects.filter(pk=entry.pk).update(
                status=WaitingListEntry.Status.REMOVED
            )
            raise services.NotAllowedNow("Barnet står ikke længere på ventelisten.")

        monkeypatch.setattr(services.waiting, "waiting_list_remove", taken_off_meanwhile)
        _url, response = self.remove({"reason": "Flyttet"})
        assert "Barnet står ikke længere på ventelisten." in response.content.decode()

    def test_the_list_shown_again_logs_the_reads_of_the_list(self, cast):
        with new_audit_rows() as opened:
            self.client.get(reverse("waiting-list"))
        with new_audit_rows() as refused:
            self.move({"position": "3", "reason": "Akut behov"})
        assert children_read(refused) == children_read(opened)
        assert len(children_read(refused)) == 2

    def test_good_input_still_goes_back_to_the_list(self, cast):
        _url, moved = self.move({"position": "1", "reason": "Akut behov"})
        assert (moved.status_code, moved["Location"]) == (302, reverse("waiting-list"))
        _url, removed = self.remove({"reason": "Flyttet"})
        assert (removed.status_code, removed["Location"]) == (302, reverse("waiting-list"))
        assert positions(cast) == [("Emil", 1)]


class TestAccess:
    def test_only_the_committee_sees_and_changes_the_list(self, cast, client_for):
        for user in (cast.carl, cast.pia, cast.bob, cast.dora):
            client = client_for(user)
            if user != cast.dora:
                assert client.get(reverse("waiting-list")).status_code == 404
            response = client.post(
                reverse("waiting-move", args=[cast.queued_emil.public_id]),
                {"position": "1", "reason": "Fordi"},
            )
            assert response.status_code == 404
        assert "Emil" not in client_for(cast.dora).get(reverse("waiting-list")).content.decode()

    def test_a_deactivated_committee_member_can_no_longer_use_it(self, cast, client_for):
        cast.alice.is_active = False
        cast.alice.save()
        client = client_for(cast.alice)
        assert client.get(reverse("waiting-list")).status_code in (302, 404)
        client.post(
            reverse("waiting-remove", args=[cast.queued_emil.public_id]), {"reason": "Fordi"}
        )
        cast.queued_emil.refresh_from_db()
        assert cast.queued_emil.status == WaitingListEntry.Status.WAITING

    def test_the_list_page_logs_one_read_per_child_shown(self, cast, client_for):
        client_for(cast.alice).get(reverse("waiting-list"))
        entry = AuditEntry.objects.get(action=AuditAction.SEARCH, search_term="venteliste")
        assert entry.changes["results"] == [str(cast.emil.public_id)]


class TestOnTheAgenda:
    """A queued referral is still undecided: the committee may refuse it or offer something
    else at a meeting (the decision takes it out of line), so it stays on the agenda, marked
    with its place in line."""

    def test_the_agenda_marks_a_queued_referral_with_its_place_in_line(self, cast, client_for):
        fill_group(cast)
        queue(cast, ["Anna"])
        page = client_for(cast.alice).get(cast.meeting.get_absolute_url()).content.decode()
        rows = {
            name: row
            for row in page.split("<tr>")
            for name in ("Emil", "Anna")
            if f"{name} " in row
        }
        assert "På venteliste (nr. 1)" in rows["Emil"]
        assert "På venteliste (nr. 2)" in rows["Anna"]
        assert "Ressourcegruppen Bøgely" in rows["Anna"]

    def test_a_referral_taken_off_the_list_loses_the_marker(self, cast, client_for):
        services.waiting_list_remove(actor=cast.alice, entry=cast.queued_emil, reason="Flyttet")
        page = client_for(cast.alice).get(cast.meeting.get_absolute_url()).content.decode()
        assert "Emil" in page
        assert "På venteliste" not in page

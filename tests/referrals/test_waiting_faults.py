"""The waiting list as the committee, the family's data export and the audit log see it: the exact
Danish refusals, which line an entry joins and its place in it, the record of every move, and
what taking a child off the list or deciding the referral leaves behind.

Written against faults a small slip in `inklusio/referrals/services/waiting.py` would cause that
the suite did not notice. (The waiting list's pages show a refusal as a message above the list,
not by a field, so these tests read the message only.)"""

import datetime

import pytest

from inklusio.organisation.models import ResourceGroup
from inklusio.referrals import data_export, services
from inklusio.referrals.models import (
    Decision,
    Offer,
    VisitationPeriod,
    WaitingListEntry,
)
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child
from tests.referrals.test_waiting_list import submitted_referral

pytestmark = pytest.mark.django_db


def child(cast, name, number):
    return make_child(cast.ishoj, cast.elverhoej, name, f"0101224{number:03d}")


def full_group(cast):
    ResourceGroup.objects.filter(pk=cast.group_boegely.pk).update(places=0)


def full_period(cast):
    VisitationPeriod.objects.filter(pk=cast.period.pk).update(support_places=1)  # Mia's


def add(cast, kid, offer=Offer.RESOURCE_GROUP_PLACE, **extra):
    extra.setdefault("resource_group", cast.group_boegely)
    if offer == Offer.SUPPORT_PEDAGOGUE:
        extra.setdefault("period", cast.period)
    return services.waiting_list_add(
        actor=cast.alice, referral=submitted_referral(cast, kid, offer), offer=offer, **extra
    )


def line(queue_filter) -> list[tuple[str, int]]:
    return list(
        WaitingListEntry.objects.filter(status=WaitingListEntry.Status.WAITING, **queue_filter)
        .order_by("position")
        .values_list("child__first_name", "position")
    )


def boegely(cast):
    return line({"resource_group": cast.group_boegely})


class TestJoiningTheLine:
    def refused(self, cast, error=services.InvalidInput, **extra):
        with pytest.raises(error) as refused:
            add(cast, child(cast, "Anna", 0), **extra)
        assert not WaitingListEntry.objects.filter(child__first_name="Anna").exists()
        return str(refused.value)

    def test_a_support_place_needs_the_period_it_waits_for(self, cast):
        full_period(cast)
        assert self.refused(cast, offer=Offer.SUPPORT_PEDAGOGUE, period=None) == (
            "Vælg den visitationsperiode, barnet venter på."
        )

    def test_only_support_pedagogues_and_group_places_have_a_waiting_list(self, cast):
        assert self.refused(cast, offer=Offer.RESOURCE_COURSE) == (
            "Der er kun venteliste til støttepædagog og pladser."
        )

    def test_a_free_place_is_granted_not_queued_for(self, cast):
        assert self.refused(cast, error=services.NotAllowedNow) == (
            "Der er en ledig plads: bevil den i stedet for at sætte barnet på venteliste."
        )

    def test_a_child_holding_the_periods_last_place_is_not_queued_for_it(self, cast):
        # Mia holds the period's one place: a new referral of hers would keep it, as a decision
        # would, so it is granted rather than queued.
        full_period(cast)
        with pytest.raises(services.NotAllowedNow) as refused:
            services.waiting_list_add(
                actor=cast.alice,
                referral=submitted_referral(cast, cast.mia, Offer.SUPPORT_PEDAGOGUE),
                offer=Offer.SUPPORT_PEDAGOGUE,
                period=cast.period,
            )
        assert str(refused.value) == (
            "Der er en ledig plads: bevil den i stedet for at sætte barnet på venteliste."
        )

    def test_a_draft_referral_cannot_wait(self, cast):
        full_period(cast)
        with pytest.raises(services.NotAllowedNow) as refused:
            services.waiting_list_add(
                actor=cast.alice,
                referral=cast.draft_emil,
                offer=Offer.SUPPORT_PEDAGOGUE,
                period=cast.period,
            )
        assert str(refused.value) == (
            "Kun en indsendt, uafgjort indstilling kan sættes på venteliste."
        )
        assert not WaitingListEntry.objects.filter(referral=cast.draft_emil).exists()

    def test_an_entry_waits_for_its_period_or_its_group_never_both(self, cast):
        full_period(cast)
        full_group(cast)
        # The add form sends the group it shows whatever the offer; the period is a support
        # place's only.
        support = add(cast, child(cast, "Anna", 0), offer=Offer.SUPPORT_PEDAGOGUE)
        place = add(cast, child(cast, "Bo", 1), period=cast.period)
        support.refresh_from_db()
        place.refresh_from_db()
        assert (support.period, support.resource_group) == (cast.period, None)
        assert (place.period, place.resource_group) == (None, cast.group_boegely)

    def test_an_entry_added_on_a_given_day_keeps_that_day(self, cast):
        full_group(cast)
        day = TODAY - datetime.timedelta(days=3)
        entry = add(cast, child(cast, "Anna", 0), on=day)
        entry.refresh_from_db()
        assert entry.added_on == day


class TestPlacesInLine:
    def test_support_places_are_numbered_in_their_periods_line(self, cast):
        full_period(cast)
        add(cast, child(cast, "Anna", 0), offer=Offer.SUPPORT_PEDAGOGUE)
        add(cast, child(cast, "Bo", 1), offer=Offer.SUPPORT_PEDAGOGUE)
        assert line({"period": cast.period}) == [("Anna", 1), ("Bo", 2)]

    def test_each_group_has_its_own_line(self, cast):
        full_group(cast)
        other = ResourceGroup.objects.create(
            municipality=cast.ishoj,
            institution=cast.elverhoej,
            name="Minigruppen Elverhøj",
            kind=ResourceGroup.Kind.MINI_GROUP,
            places=0,
        )
        add(cast, child(cast, "Anna", 0))
        add(cast, child(cast, "Bo", 1), resource_group=other)
        assert boegely(cast) == [("Emil", 1), ("Anna", 2)]
        assert line({"resource_group": other}) == [("Bo", 1)]

    def test_a_child_taken_off_no_longer_counts_for_the_next_in_line(self, cast):
        full_group(cast)
        anna = add(cast, child(cast, "Anna", 0))
        services.waiting_list_remove(actor=cast.alice, entry=anna, reason="Flyttet")
        add(cast, child(cast, "Bo", 1))
        assert boegely(cast) == [("Emil", 1), ("Bo", 2)]

    def test_after_a_move_the_line_closes_up_in_its_new_order(self, cast):
        full_group(cast)
        add(cast, child(cast, "Anna", 0))
        bo = add(cast, child(cast, "Bo", 1))
        services.waiting_list_move(actor=cast.alice, entry=bo, position=1, reason="Akut behov")
        services.waiting_list_remove(actor=cast.alice, entry=cast.queued_emil, reason="Flyttet")
        assert boegely(cast) == [("Bo", 1), ("Anna", 2)]

    def test_a_child_can_be_moved_to_the_last_place(self, cast):
        full_group(cast)
        add(cast, child(cast, "Anna", 0))
        add(cast, child(cast, "Bo", 1))
        services.waiting_list_move(
            actor=cast.alice, entry=cast.queued_emil, position=3, reason="Familien venter"
        )
        assert boegely(cast) == [("Anna", 1), ("Bo", 2), ("Emil", 3)]

    def test_a_move_is_kept_with_day_who_where_from_and_why_and_exported(self, cast):
        full_group(cast)
        anna = add(cast, child(cast, "Anna", 0))
        services.waiting_list_move(actor=cast.alice, entry=anna, position=1, reason="Akut behov")
        anna.refresh_from_db()
        assert anna.moves == [
            {
                "on": TODAY.isoformat(),
                "by": "Alice Testesen",
                "from": 2,
                "to": 1,
                "reason": "Akut behov",
            }
        ]
        [exported] = data_export.export(anna.child)["waiting_list"]
        assert exported["moves"] == [
            {"date": TODAY.isoformat(), "position": 1, "reasons": "Akut behov"}
        ]


class TestTakingAChildOff:
    def test_taking_off_needs_a_reason(self, cast):
        with pytest.raises(services.InvalidInput) as refused:
            services.waiting_list_remove(actor=cast.alice, entry=cast.queued_emil, reason="  ")
        assert str(refused.value) == "Skriv, hvorfor barnet tages af ventelisten."
        cast.queued_emil.refresh_from_db()
        assert cast.queued_emil.status == WaitingListEntry.Status.WAITING

    def test_taking_off_is_logged_as_a_status_change_and_dated_today(self, cast):
        with new_audit_rows(writes_only=True) as rows:
            services.waiting_list_remove(
                actor=cast.alice, entry=cast.queued_emil, reason="Trukket tilbage"
            )
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            "change",
            str(cast.queued_emil.public_id),
            cast.emil.public_id,
        )
        assert row.changes == {
            "status": {"before": "waiting", "after": "removed"},
            "reason": "•••",
        }
        entry = WaitingListEntry.objects.get(pk=cast.queued_emil.pk)
        assert (entry.status, entry.removed_on, entry.removed_reason) == (
            WaitingListEntry.Status.REMOVED,
            TODAY,
            "Trukket tilbage",
        )

    def test_taking_off_on_a_given_day_keeps_that_day(self, cast):
        day = TODAY - datetime.timedelta(days=2)
        services.waiting_list_remove(
            actor=cast.alice, entry=cast.queued_emil, reason="Flyttet", on=day
        )
        cast.queued_emil.refresh_from_db()
        assert cast.queued_emil.removed_on == day

    def test_a_child_no_longer_in_line_is_neither_moved_nor_taken_off_again(self, cast):
        services.waiting_list_remove(actor=cast.alice, entry=cast.queued_emil, reason="Flyttet")
        for step in (
            lambda: services.waiting_list_move(
                actor=cast.alice, entry=cast.queued_emil, position=1, reason="Fejl"
            ),
            lambda: services.waiting_list_remove(
                actor=cast.alice, entry=cast.queued_emil, reason="Igen"
            ),
        ):
            with pytest.raises(services.NotAllowedNow) as refused:
                step()
            assert str(refused.value) == "Barnet står ikke længere på ventelisten."
        cast.queued_emil.refresh_from_db()
        assert (cast.queued_emil.removed_reason, cast.queued_emil.moves) == ("Flyttet", [])


class TestDecidingAQueuedReferral:
    def refuse(self, referral, cast):
        return services.decision_record(
            actor=cast.alice,
            child=referral.child,
            referral=referral,
            outcome=Decision.Outcome.REFUSED,
            offer=referral.offer,
            reasons="Behovet dækkes i institutionen",
            legal_basis=cast.legal_basis,
        )

    def test_a_refusal_takes_the_referral_out_of_line_with_the_reason_and_the_log(self, cast):
        full_group(cast)
        add(cast, child(cast, "Anna", 0))
        with new_audit_rows(writes_only=True) as rows:
            self.refuse(cast.waiting_emil, cast)
        entry = WaitingListEntry.objects.get(pk=cast.queued_emil.pk)
        assert (entry.status, entry.decision, entry.removed_on, entry.removed_reason) == (
            WaitingListEntry.Status.REMOVED,
            None,
            TODAY,
            "Indstillingen er afgjort.",
        )
        assert boegely(cast) == [("Anna", 1)]
        [row] = rows
        assert row.changes["waiting_list_left"] == {
            "before": ["Ressourcegruppen Bøgely"],
            "after": None,
        }

    def test_an_entry_taken_off_earlier_keeps_its_own_reason_and_day(self, cast):
        day = TODAY - datetime.timedelta(days=2)
        services.waiting_list_remove(
            actor=cast.alice, entry=cast.queued_emil, reason="Familien ønsker at vente", on=day
        )
        with new_audit_rows(writes_only=True) as rows:
            self.refuse(cast.waiting_emil, cast)
        entry = WaitingListEntry.objects.get(pk=cast.queued_emil.pk)
        assert (entry.removed_on, entry.removed_reason) == (day, "Familien ønsker at vente")
        [row] = rows
        assert "waiting_list_left" not in row.changes

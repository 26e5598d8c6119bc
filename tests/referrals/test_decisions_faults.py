"""Decisions as the committee, the family's letter and the audit log see them: every field a
decision is stored with, the exact Danish refusals (by the field the form shows them at), the
boundaries of a grant's dates and of capacity, and what a later decision on the same case keeps.

Written against faults a small slip in `inklusio/referrals/services/decisions.py` would cause
(a comparison turned, a field left out, a message changed) that the suite did not notice."""

import datetime

import pytest

from inklusio.core.templatetags.danish_dates import short_date
from inklusio.organisation.models import ResourceGroup
from inklusio.referrals import services
from inklusio.referrals.models import Decision, Offer, VisitationPeriod, WaitingListEntry
from inklusio.referrals.periods import one_year_from
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db

FULL = (
    "Der er ikke flere ledige pladser: {what} har {places} pladser, og alle er bevilget. "
    "Giv afslag, tilbyd noget andet, eller sæt barnet på ventelisten."
)


def stored(decision: Decision) -> dict:
    """What the decision page, the letter and the statistics read from a decision."""
    decision.refresh_from_db()
    return {
        "municipality": decision.municipality_id,
        "case_number": decision.case_number,
        "child": decision.child_id,
        "referral": decision.referral_id,
        "supersedes": decision.supersedes_id,
        "kind": decision.kind,
        "outcome": decision.outcome,
        "offer": decision.offer,
        "category": decision.category,
        "resource_group": decision.resource_group_id,
        "alternative": decision.alternative,
        "legal_basis": decision.legal_basis_id,
        "start": decision.start,
        "end": decision.end,
        "period": decision.period_id,
        "meeting": decision.meeting_id,
        "decided_by": decision.decided_by_id,
        "decided_on": decision.decided_on,
        "contact_person": decision.contact_person_id,
        "reassessment_due": decision.reassessment_due,
        "placed_on": decision.placed_on,
    }


def new_child(cast, first_name="Anna", number=0, **extra):
    return make_child(cast.ishoj, cast.elverhoej, first_name, f"0101224{number:03d}", **extra)


def record(cast, child, **extra):
    values = {
        "actor": cast.alice,
        "child": child,
        "outcome": Decision.Outcome.GRANTED,
        "offer": Offer.SUPPORT_PEDAGOGUE,
        "reasons": "Behov for støtte",
        "legal_basis": cast.legal_basis,
        "start": TODAY,
    }
    return services.decision_record(**{**values, **extra})


def next_period(cast) -> VisitationPeriod:
    return services.period_create(actor=cast.alice, start_year=TODAY.year + 1, support_places=7)


class TestWhatADecisionIsStoredWith:
    def test_a_grant_at_the_meeting_is_stored_whole_and_logged_with_the_queue_it_left(self, cast):
        start = cast.meeting.date + datetime.timedelta(days=30)
        with new_audit_rows(writes_only=True) as rows:
            decision = record(
                cast,
                cast.emil,
                referral=cast.waiting_emil,
                meeting=cast.meeting,
                offer=Offer.RESOURCE_GROUP_PLACE,
                resource_group=cast.group_boegely,
                reasons="Emil har brug for en lille gruppe",
                start=start,
            )
        assert stored(decision) == {
            "municipality": cast.ishoj.pk,
            # 0001 of the year is Mia's case (given outside the counter, as an import would).
            "case_number": f"28.09.08-G01-0002-{cast.meeting.date.year}",
            "child": cast.emil.pk,
            "referral": cast.waiting_emil.pk,
            "supersedes": None,
            "kind": Decision.Kind.INITIAL,
            "outcome": Decision.Outcome.GRANTED,
            "offer": Offer.RESOURCE_GROUP_PLACE,
            "category": "speech_language",  # the referral's, not the child's (none)
            "resource_group": cast.group_boegely.pk,
            "alternative": "",
            "legal_basis": cast.legal_basis.pk,
            "start": start,
            "end": None,
            "period": cast.period.pk,
            "meeting": cast.meeting.pk,
            "decided_by": cast.alice.pk,
            "decided_on": cast.meeting.date,  # the meeting's day, not the day it was typed in
            "contact_person": cast.alice.pk,
            "reassessment_due": one_year_from(start) - datetime.timedelta(days=30),
            "placed_on": None,
        }
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            "create",
            str(decision.public_id),
            cast.emil.public_id,
        )
        assert row.changes == {
            "alternative": {"before": None, "after": ""},
            "case_number": {"before": None, "after": decision.case_number},
            "kind": {"before": None, "after": "initial"},
            "legal_basis": {"before": None, "after": "Dagtilbudslovens § 4"},
            "offer": {"before": None, "after": "resource_group_place"},
            "outcome": {"before": None, "after": "granted"},
            "reasons": {"before": None, "after": "•••"},
            "resource_group": {"before": None, "after": "Ressourcegruppen Bøgely"},
            "start": {"before": None, "after": start.isoformat()},
            "waiting_list_left": {"before": ["Ressourcegruppen Bøgely"], "after": None},
        }
        entry = WaitingListEntry.objects.get(pk=cast.queued_emil.pk)
        assert (entry.status, entry.decision, entry.removed_on, entry.removed_reason) == (
            WaitingListEntry.Status.GRANTED,
            decision,
            TODAY,
            "",
        )

    def test_ending_a_started_grant_is_a_decision_on_the_same_case_without_dates(self, cast):
        services.decision_mark_placed(
            actor=cast.alice, decision=cast.decision_mia, placed_on=cast.decision_mia.start
        )
        end_on = TODAY + datetime.timedelta(days=7)
        with new_audit_rows(writes_only=True) as rows:
            ending = services.decision_end(
                actor=cast.alice,
                decision=cast.decision_mia,
                kind=Decision.Kind.END,
                reasons="Mia starter i skole",
                legal_basis=cast.legal_basis,
                end_on=end_on,
            )
        assert stored(ending) == {
            "municipality": cast.ishoj.pk,
            "case_number": cast.decision_mia.case_number,
            "child": cast.mia.pk,
            "referral": None,
            "supersedes": cast.decision_mia.pk,
            "kind": Decision.Kind.END,
            "outcome": Decision.Outcome.ENDED,
            "offer": Offer.SUPPORT_PEDAGOGUE,
            "category": "contact_behaviour",  # the ended grant's, not the child's (none)
            "resource_group": None,
            "alternative": "",
            "legal_basis": cast.legal_basis.pk,
            "start": None,
            "end": None,
            "period": None,
            "meeting": None,
            "decided_by": cast.alice.pk,
            "decided_on": TODAY,
            "contact_person": cast.alice.pk,
            "reassessment_due": None,
            "placed_on": None,  # an ending has not started anything
        }
        cast.decision_mia.refresh_from_db()
        assert cast.decision_mia.ended_on == end_on
        [row] = rows
        assert row.changes == {
            "alternative": {"before": None, "after": ""},
            "case_number": {"before": None, "after": cast.decision_mia.case_number},
            "kind": {"before": None, "after": "end"},
            "legal_basis": {"before": None, "after": "Dagtilbudslovens § 4"},
            "offer": {"before": None, "after": "support_pedagogue"},
            "outcome": {"before": None, "after": "ended"},
            "reasons": {"before": None, "after": "•••"},
        }

    def test_a_continued_grant_follows_on_the_day_after_and_keeps_the_case_and_start(self, cast):
        placed = cast.decision_mia.start + datetime.timedelta(days=5)
        services.decision_mark_placed(
            actor=cast.alice, decision=cast.decision_mia, placed_on=placed
        )
        period = next_period(cast)
        continued = services.reassessment_record(
            actor=cast.alice,
            decision=cast.decision_mia,
            outcome=Decision.Outcome.CONTINUED,
            reasons="Behovet består",
            legal_basis=cast.legal_basis,
        )
        start = cast.decision_mia.end + datetime.timedelta(days=1)
        assert stored(continued) == {
            "municipality": cast.ishoj.pk,
            "case_number": cast.decision_mia.case_number,
            "child": cast.mia.pk,
            "referral": None,
            "supersedes": cast.decision_mia.pk,
            "kind": Decision.Kind.REASSESSMENT,
            "outcome": Decision.Outcome.CONTINUED,
            "offer": Offer.SUPPORT_PEDAGOGUE,
            "category": "contact_behaviour",
            "resource_group": None,
            "alternative": "",
            "legal_basis": cast.legal_basis.pk,
            "start": start,
            "end": one_year_from(start),
            "period": period.pk,
            "meeting": None,
            "decided_by": cast.alice.pk,
            "decided_on": TODAY,
            "contact_person": cast.alice.pk,
            "reassessment_due": one_year_from(start) - datetime.timedelta(days=30),
            "placed_on": placed,  # the child is still in the place it started in
        }

    def test_a_decision_without_referral_or_earlier_decision_takes_the_childs_category(self, cast):
        child = new_child(cast, category="speech_language")
        refusal = record(cast, child, outcome=Decision.Outcome.REFUSED, start=None)
        assert refusal.category == "speech_language"
        assert Decision.objects.get(pk=refusal.pk).category == "speech_language"

    def test_a_refusal_holds_no_place_dates_or_period_even_when_the_period_is_full(self, cast):
        VisitationPeriod.objects.filter(pk=cast.period.pk).update(support_places=1)  # Mia's
        refusal = record(
            cast,
            new_child(cast),
            outcome=Decision.Outcome.REFUSED,
            end=TODAY + datetime.timedelta(days=60),
        )
        assert (refusal.start, refusal.end, refusal.period, refusal.reassessment_due) == (
            None,
            None,
            None,
            None,
        )

    def test_another_decision_on_a_decided_referral_keeps_the_cases_number(self, cast):
        # A new case first, so a new number for the referral could not equal its case's by chance.
        record(cast, new_child(cast), outcome=Decision.Outcome.REFUSED, start=None)
        # An older record on the same referral without a journal number (from before numbering)
        # is not the case's number, however recent it is.
        Decision.objects.create(
            municipality=cast.ishoj,
            case_number="",
            child=cast.mia,
            referral=cast.referral_mia,
            outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Tidligere vurdering",
            legal_basis=cast.legal_basis,
            decided_by=cast.alice,
            decided_on=TODAY - datetime.timedelta(days=1),
            contact_person=cast.alice,
        )
        again = record(
            cast, cast.mia, referral=cast.referral_mia, outcome=Decision.Outcome.REFUSED, start=None
        )
        assert again.case_number == cast.decision_mia.case_number

    def test_a_new_case_never_takes_a_number_an_imported_case_holds(self, cast):
        # Mia's case holds 0001 of the year and Carla's 0003: both came in beside the counter,
        # as the old system's numbers do with an import.
        year = cast.decision_mia.case_number[-4:]
        Decision.objects.create(
            municipality=cast.ishoj,
            case_number=f"28.09.08-G01-0003-{year}",
            child=new_child(cast, "Carla", 3),
            outcome=Decision.Outcome.REFUSED,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons="Fra det gamle system",
            legal_basis=cast.legal_basis,
            decided_by=cast.alice,
            decided_on=TODAY,
            contact_person=cast.alice,
        )
        refused = {"outcome": Decision.Outcome.REFUSED, "start": None}
        first = record(cast, new_child(cast, "Anna", 1), **refused)
        second = record(cast, new_child(cast, "Bo", 2), **refused)
        assert (first.case_number, second.case_number) == (
            f"28.09.08-G01-0002-{year}",
            f"28.09.08-G01-0004-{year}",
        )


class TestRefusedInDanishByTheField:
    def refused(self, cast, error=services.InvalidInput, **extra):
        with pytest.raises(error) as refused:
            record(cast, new_child(cast), **extra)
        return str(refused.value), refused.value.field

    def test_a_group_place_without_its_group(self, cast):
        assert self.refused(cast, offer=Offer.RESOURCE_GROUP_PLACE) == (
            "Vælg den ressourcegruppe, barnet bevilges plads i.",
            "resource_group",
        )

    def test_an_end_before_the_start_but_not_on_it(self, cast):
        assert self.refused(cast, end=TODAY - datetime.timedelta(days=1)) == (
            "Slutdatoen ligger før startdatoen.",
            "end",
        )
        one_day = record(cast, new_child(cast, "Bo", 1), end=TODAY)
        assert (one_day.start, one_day.end) == (TODAY, TODAY)

    def test_a_support_pedagogue_for_longer_than_one_year_but_exactly_one_year_is_fine(self, cast):
        assert self.refused(cast, end=one_year_from(TODAY) + datetime.timedelta(days=1)) == (
            "Støttepædagog bevilges for højst ét år ad gangen.",
            "end",
        )
        year = record(cast, new_child(cast, "Bo", 1), end=one_year_from(TODAY))
        assert year.end == one_year_from(TODAY)

    def test_a_group_place_may_be_granted_for_longer_than_a_year(self, cast):
        end = one_year_from(TODAY) + datetime.timedelta(days=30)
        place = record(
            cast,
            new_child(cast),
            offer=Offer.RESOURCE_GROUP_PLACE,
            resource_group=cast.group_boegely,
            end=end,
        )
        assert place.end == end

    def test_a_decision_dated_ahead(self, cast):
        assert self.refused(
            cast, outcome=Decision.Outcome.REFUSED, decided_on=TODAY + datetime.timedelta(days=1)
        )[0] == ("Afgørelsesdatoen ligger i fremtiden.")

    def test_a_start_in_no_visitation_period_is_shown_by_the_start(self, cast):
        start = cast.period.end + datetime.timedelta(days=1)
        assert self.refused(cast, error=services.PeriodMissing, start=start) == (
            f"Der er ikke oprettet en visitationsperiode, der dækker {short_date(start)}.",
            "start",
        )

    def test_a_full_period_names_the_period_and_its_places(self, cast):
        VisitationPeriod.objects.filter(pk=cast.period.pk).update(support_places=1)  # Mia's
        assert self.refused(cast, error=services.CapacityExceeded) == (
            FULL.format(what="Støttepædagog 2026/27", places=1),
            None,
        )

    def test_a_full_group_names_the_group_and_its_places(self, cast):
        ResourceGroup.objects.filter(pk=cast.group_boegely.pk).update(places=1)
        record(
            cast, new_child(cast, "Bo", 1), offer=Offer.RESOURCE_GROUP_PLACE,
            resource_group=cast.group_boegely,
        )  # fmt: skip
        with pytest.raises(services.CapacityExceeded) as refused:
            record(
                cast, new_child(cast), offer=Offer.RESOURCE_GROUP_PLACE,
                resource_group=cast.group_boegely,
            )  # fmt: skip
        assert str(refused.value) == FULL.format(what="Ressourcegruppen Bøgely", places=1)
        assert (refused.value.capacity, refused.value.used) == (1, 1)


def change(cast, decision, reasons, **extra):
    return services.reassessment_record(
        actor=cast.alice,
        decision=decision,
        outcome=Decision.Outcome.CHANGED,
        reasons=reasons,
        legal_basis=cast.legal_basis,
        start=TODAY,
        **extra,
    )


def group_place_since_last_week(cast):
    return record(
        cast, new_child(cast), offer=Offer.RESOURCE_GROUP_PLACE,
        resource_group=cast.group_boegely, start=TODAY - datetime.timedelta(days=7),
    )  # fmt: skip


class TestCapacityCountsEachChildOnce:
    def test_a_changed_grant_in_a_full_period_keeps_the_childs_own_place(self, cast):
        VisitationPeriod.objects.filter(pk=cast.period.pk).update(support_places=1)  # Mia's
        changed = change(
            cast, cast.decision_mia, "Flere timer", end=TODAY + datetime.timedelta(days=90)
        )
        assert (changed.period, changed.start, changed.end) == (
            cast.period,
            TODAY,
            TODAY + datetime.timedelta(days=90),  # the end chosen, not a year
        )

    def test_a_changed_group_place_in_a_full_group_keeps_its_own_place(self, cast):
        ResourceGroup.objects.filter(pk=cast.group_boegely.pk).update(places=1)
        changed = change(cast, group_place_since_last_week(cast), "Kortere dage")
        assert (changed.offer, changed.resource_group) == (
            Offer.RESOURCE_GROUP_PLACE,
            cast.group_boegely,
        )

    def test_a_changed_group_place_moves_to_the_group_chosen(self, cast):
        other = ResourceGroup.objects.create(
            municipality=cast.ishoj,
            institution=cast.elverhoej,
            name="Minigruppen Elverhøj",
            kind=ResourceGroup.Kind.MINI_GROUP,
            places=4,
        )
        changed = change(
            cast, group_place_since_last_week(cast), "Tættere på hjemmet", resource_group=other
        )
        assert Decision.objects.get(pk=changed.pk).resource_group == other

    def test_a_resource_course_is_not_held_back_by_a_full_group_chosen_by_mistake(self, cast):
        ResourceGroup.objects.filter(pk=cast.group_boegely.pk).update(places=0)
        course = record(
            cast, new_child(cast), offer=Offer.RESOURCE_COURSE, resource_group=cast.group_boegely
        )
        assert Decision.objects.get(pk=course.pk).resource_group is None


class TestOnlyAGrantInForce:
    def test_a_refusal_cannot_be_ended(self, cast):
        refusal = record(cast, new_child(cast), outcome=Decision.Outcome.REFUSED, start=None)
        with pytest.raises(services.NotAllowedNow) as refused:
            services.decision_end(
                actor=cast.alice, decision=refusal, kind=Decision.Kind.END, reasons="Fejl",
                legal_basis=cast.legal_basis, end_on=TODAY,
            )  # fmt: skip
        assert str(refused.value) == "Kun en gældende bevilling kan bringes til ophør."
        assert not Decision.objects.filter(supersedes=refusal).exists()

    def test_an_ended_grant_cannot_be_reassessed(self, cast):
        services.decision_end(
            actor=cast.alice, decision=cast.decision_mia, kind=Decision.Kind.END,
            reasons="Mia starter i skole", legal_basis=cast.legal_basis, end_on=TODAY,
        )  # fmt: skip
        with pytest.raises(services.NotAllowedNow) as refused:
            services.reassessment_record(
                actor=cast.alice, decision=cast.decision_mia, outcome=Decision.Outcome.CONTINUED,
                reasons="Behovet består", legal_basis=cast.legal_basis,
            )  # fmt: skip
        assert str(refused.value) == "Kun en gældende bevilling kan revurderes."

    def test_a_decision_already_superseded_is_not_superseded_again(self, cast):
        services.decision_end(
            actor=cast.alice, decision=cast.decision_mia, kind=Decision.Kind.END,
            reasons="Mia starter i skole", legal_basis=cast.legal_basis, end_on=TODAY,
        )  # fmt: skip
        with pytest.raises(services.NotAllowedNow) as refused:
            record(
                cast, cast.mia, outcome=Decision.Outcome.REFUSED, start=None,
                supersedes=cast.decision_mia, kind=Decision.Kind.APPEAL_CHANGE,
            )  # fmt: skip
        assert str(refused.value) == "Afgørelsen er allerede afløst af en nyere afgørelse."
        assert Decision.objects.filter(supersedes=cast.decision_mia).count() == 1

    def test_a_reassessment_that_ends_the_grant_ends_it_today(self, cast):
        ending = services.reassessment_record(
            actor=cast.alice, decision=cast.decision_mia, outcome=Decision.Outcome.ENDED,
            reasons="Behovet er dækket", legal_basis=cast.legal_basis,
        )  # fmt: skip
        cast.decision_mia.refresh_from_db()
        assert cast.decision_mia.ended_on == TODAY
        assert (ending.kind, ending.outcome, ending.supersedes) == (
            Decision.Kind.REASSESSMENT,
            Decision.Outcome.ENDED,
            cast.decision_mia,
        )


def test_a_child_marked_as_started_is_not_marked_again_and_the_day_is_named(cast):
    day = TODAY - datetime.timedelta(days=80)
    assert day.day < 10 and day.month < 10  # written without leading zeros: 6.9.2026
    services.decision_mark_placed(actor=cast.alice, decision=cast.decision_mia, placed_on=day)
    with pytest.raises(services.NotAllowedNow) as refused:
        services.decision_mark_placed(actor=cast.alice, decision=cast.decision_mia, placed_on=TODAY)
    assert str(refused.value) == (
        f"Barnet er allerede registreret som startet den {day.day}.{day.month}.{day.year}."
    )
    cast.decision_mia.refresh_from_db()
    assert cast.decision_mia.placed_on == day

"""What the sending side, the receiver and the audit log would notice if the handover services
or rules went slightly wrong: the exact Danish refusal and the form field it is shown at, the
limits of the receiver's access to the day, what is stored and logged, and when the guardians'
consent is in force and a child starts school."""

import datetime

import pytest

from inklusio.audit.models import AuditAction
from inklusio.meetings.models import DiscussionConsent
from inklusio.people.models import Profession, Role
from inklusio.transitions import rules, services
from inklusio.transitions.models import Handover, HandoverMeeting
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_user

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HANDOVER_DATE = TODAY + 20 * DAY


def create(cast, **changes):
    """Alice hands Mia over to Carl at Elverhøj, unless the test changes something."""
    arguments = {
        "actor": cast.alice,
        "child": cast.mia,
        "kind": "institution",
        "receiving_institution": cast.elverhoej,
        "receiver": cast.carl,
        "what_works": "Faste voksne ved skift",
        "next_steps": "To besøg før start",
        "handover_date": HANDOVER_DATE,
        "access_until": HANDOVER_DATE + 60 * DAY,
        **changes,
    }
    return services.handover_create(**arguments)


def refusal(cast, **changes) -> tuple[str, str | None]:
    before = Handover.objects.count()
    with pytest.raises(services.HandoverRuleBroken) as refused:
        create(cast, **changes)
    assert Handover.objects.count() == before
    return str(refused.value), refused.value.field


def handover_consent(cast) -> DiscussionConsent:
    return DiscussionConsent.objects.get(child=cast.mia, scope=DiscussionConsent.Scope.HANDOVER)


def unshared(handover):
    Handover.objects.filter(pk=handover.pk).update(shared_on=None, consent=None)
    handover.refresh_from_db()
    return handover


class TestWhoReceives:
    def test_only_the_sending_side_creates_a_handover(self, cast):
        assert refusal(cast, actor=cast.carl) == (
            "Du kan ikke oprette en overgang for dette barn.",
            None,
        )

    def test_a_school_needs_its_name(self, cast):
        assert refusal(cast, kind="school", school_name="  ", receiver=cast.pia) == (
            "Skriv skolens navn.",
            "school_name",
        )

    def test_a_schools_receiver_must_be_a_partner(self, cast):
        assert refusal(cast, kind="school", school_name="Vibeholmskolen") == (
            "Modtageren på en skole skal være oprettet som samarbejdspartner.",
            "receiver",
        )

    def test_an_institution_must_be_chosen_and_be_in_the_municipality(self, cast):
        assert refusal(cast, receiving_institution=None) == (
            "Vælg den modtagende institution.",
            "receiving_institution",
        )
        assert refusal(cast, receiving_institution=cast.soestjernen) == (
            "Vælg en institution i kommunen.",
            "receiving_institution",
        )

    def test_the_receiver_must_lead_the_receiving_institution(self, cast):
        not_a_leader = ("Modtageren skal være leder af den modtagende institution.", "receiver")
        assert refusal(cast, receiver=cast.pia) == not_a_leader
        # A leader, but of Bøgely, not of Elverhøj.
        lone = make_user("lone", cast.ishoj, Role.INSTITUTION_LEADER, institution=cast.boegely)
        assert refusal(cast, receiver=lone) == not_a_leader

    def test_a_deactivated_receiver_is_refused(self, cast):
        cast.carl.is_active = False
        cast.carl.save()
        assert refusal(cast) == ("Modtageren har ikke en aktiv bruger i kommunen.", "receiver")

    def test_a_receiver_of_another_municipality_is_refused(self, cast):
        partner = make_user("dagny", cast.dragoer, Role.PARTNER, profession=Profession.PSYCHOLOGIST)
        assert refusal(cast, kind="school", school_name="Skolen", receiver=partner) == (
            "Modtageren har ikke en aktiv bruger i kommunen.",
            "receiver",
        )


class TestAccessDates:
    def test_access_may_end_on_the_handover_date_but_not_the_day_before(self, cast):
        assert refusal(cast, access_until=HANDOVER_DATE - DAY) == (
            "Adgangen kan tidligst slutte på overgangsdatoen.",
            "access_until",
        )
        assert create(cast, access_until=HANDOVER_DATE).access_until == HANDOVER_DATE

    def test_access_lasts_at_most_92_days_after_the_handover_date(self, cast):
        assert refusal(cast, access_until=HANDOVER_DATE + 93 * DAY) == (
            "Modtagerens adgang kan højst vare 92 dage efter overgangsdatoen.",
            "access_until",
        )
        longest = create(cast, access_until=HANDOVER_DATE + 92 * DAY)
        assert longest.access_until == HANDOVER_DATE + 92 * DAY


class TestCreated:
    def test_the_handover_holds_what_was_written_and_is_logged_on_the_child(self, cast):
        with new_audit_rows() as rows:
            made = create(cast, school_name="Vibeholmskolen")
        stored = Handover.objects.get(pk=made.pk)
        assert (
            stored.municipality,
            stored.child,
            stored.kind,
            stored.receiving_institution,
            stored.school_name,
            stored.receiver,
            stored.what_works,
            stored.next_steps,
            stored.handover_date,
            stored.access_until,
            stored.created_by,
            stored.shared_on,
            stored.consent,
        ) == (
            cast.ishoj,
            cast.mia,
            "institution",
            cast.elverhoej,
            "",  # a school's name does not belong on a handover to an institution
            cast.carl,
            "Faste voksne ved skift",
            "To besøg før start",
            HANDOVER_DATE,
            HANDOVER_DATE + 60 * DAY,
            cast.alice,
            None,
            None,
        )
        (row,) = rows
        assert (row.action, row.object_type, row.object_id, row.child_id) == (
            AuditAction.CREATE,
            "handover",
            str(stored.public_id),
            cast.mia.public_id,
        )
        assert row.changes == {
            "kind": {"before": None, "after": "institution"},
            "handover_date": {"before": None, "after": HANDOVER_DATE.isoformat()},
            "access_until": {"before": None, "after": (HANDOVER_DATE + 60 * DAY).isoformat()},
        }

    def test_a_school_handover_has_the_trimmed_name_and_no_institution(self, cast):
        made = create(
            cast,
            kind="school",
            school_name="  Vibeholmskolen ",
            receiver=cast.pia,
            receiving_institution=cast.elverhoej,
        )
        stored = Handover.objects.get(pk=made.pk)
        assert (stored.kind, stored.school_name, stored.receiving_institution) == (
            "school",
            "Vibeholmskolen",
            None,
        )


class TestSharing:
    def test_only_the_sending_side_shares(self, cast):
        handover = unshared(cast.handover_mia)
        with pytest.raises(services.HandoverRuleBroken) as refused:
            services.handover_share(
                actor=cast.carl, handover=handover, consent=handover_consent(cast)
            )
        assert (str(refused.value), refused.value.field) == (
            "Du kan ikke dele denne overgang.",
            None,
        )
        assert Handover.objects.get(pk=handover.pk).shared_on is None

    def test_a_shared_handover_is_not_shared_again(self, cast):
        with new_audit_rows() as rows, pytest.raises(services.HandoverRuleBroken) as refused:
            services.handover_share(
                actor=cast.alice, handover=cast.handover_mia, consent=handover_consent(cast)
            )
        assert str(refused.value) == "Overgangen er allerede delt med modtageren."
        assert rows == []
        assert Handover.objects.get(pk=cast.handover_mia.pk).shared_on == TODAY - DAY

    def test_sharing_after_the_access_ended_is_refused_but_on_its_last_day_it_is_shared(self, cast):
        handover = unshared(cast.handover_mia)
        Handover.objects.filter(pk=handover.pk).update(access_until=TODAY - DAY)
        with pytest.raises(services.HandoverRuleBroken) as refused:
            services.handover_share(
                actor=cast.alice, handover=handover, consent=handover_consent(cast)
            )
        assert str(refused.value) == "Modtagerens adgang er allerede udløbet."
        Handover.objects.filter(pk=handover.pk).update(access_until=TODAY)
        shared = services.handover_share(
            actor=cast.alice, handover=handover, consent=handover_consent(cast)
        )
        assert shared.shared_on == TODAY

    def test_a_consent_not_in_force_is_refused_at_the_consent_field(self, cast):
        handover = unshared(cast.handover_mia)
        consent = handover_consent(cast)
        DiscussionConsent.objects.filter(pk=consent.pk).update(withdrawn_on=TODAY)
        consent.refresh_from_db()
        with new_audit_rows() as rows, pytest.raises(services.HandoverRuleBroken) as refused:
            services.handover_share(actor=cast.alice, handover=handover, consent=consent)
        assert (str(refused.value), refused.value.field) == (
            "Samtykket skal være givet af forældrene til dette barn og må ikke være trukket "
            "tilbage.",
            "consent",
        )
        assert rows == []
        stored = Handover.objects.get(pk=handover.pk)
        assert (stored.shared_on, stored.consent) == (None, None)

    def test_sharing_stores_the_consent_and_the_day_and_logs_it_on_the_child(self, cast):
        handover = unshared(cast.handover_mia)
        with new_audit_rows() as rows:
            shared = services.handover_share(
                actor=cast.alice, handover=handover, consent=handover_consent(cast)
            )
        assert (shared.shared_on, shared.consent) == (TODAY, handover_consent(cast))
        stored = Handover.objects.get(pk=handover.pk)
        assert (stored.shared_on, stored.consent) == (TODAY, handover_consent(cast))
        (row,) = rows
        assert (row.action, row.object_type, row.object_id, row.child_id) == (
            AuditAction.CHANGE,
            "handover",
            str(handover.public_id),
            cast.mia.public_id,
        )
        assert row.changes == {"shared_on": {"before": None, "after": TODAY.isoformat()}}


class TestHandoverMeeting:
    def test_participants_are_required_in_danish(self, cast):
        with pytest.raises(services.HandoverRuleBroken) as refused:
            services.handover_meeting_record(
                actor=cast.alice, handover=cast.handover_mia, date=TODAY, participants="  "
            )
        assert (str(refused.value), refused.value.field) == (
            "Skriv, hvem der deltog.",
            "participants",
        )
        assert not HandoverMeeting.objects.exists()

    def test_the_meeting_is_stored_trimmed_and_logged_on_the_child(self, cast):
        with new_audit_rows() as rows:
            meeting = services.handover_meeting_record(
                actor=cast.carl,
                handover=cast.handover_mia,
                date=TODAY - DAY,
                participants="  Carl og Gert ",
                note="Besøg aftalt",
            )
        stored = HandoverMeeting.objects.get()
        assert meeting == stored
        assert (
            stored.municipality,
            stored.handover,
            stored.date,
            stored.participants,
            stored.note,
            stored.recorded_by,
        ) == (cast.ishoj, cast.handover_mia, TODAY - DAY, "Carl og Gert", "Besøg aftalt", cast.carl)
        (row,) = rows
        assert (row.action, row.object_type, row.object_id, row.child_id) == (
            AuditAction.CREATE,
            "handovermeeting",
            str(stored.public_id),
            cast.mia.public_id,
        )
        assert row.changes == {"date": {"before": None, "after": (TODAY - DAY).isoformat()}}


class TestConsentInForce:
    def test_the_cast_consent_is_in_force_today_without_a_day_given(self, cast):
        assert rules.consent_in_force(cast.handover_mia)

    def test_no_consent_is_not_in_force(self, cast):
        assert not rules.consent_in_force(unshared(cast.handover_mia))

    def test_another_childs_consent_is_not_in_force(self, cast):
        DiscussionConsent.objects.filter(pk=handover_consent(cast).pk).update(child=cast.emil)
        assert not rules.consent_in_force(cast.handover_mia)

    def test_a_consent_to_a_discussion_is_not_in_force_for_a_handover(self, cast):
        consent = handover_consent(cast)
        DiscussionConsent.objects.filter(pk=consent.pk).update(
            scope=DiscussionConsent.Scope.DISCUSSION
        )
        assert not rules.consent_in_force(cast.handover_mia)

    def test_a_consent_holds_from_the_day_it_was_given(self, cast):
        given = handover_consent(cast).given_on
        assert rules.consent_in_force(cast.handover_mia, on=given)
        assert not rules.consent_in_force(cast.handover_mia, on=given - DAY)

    def test_a_consent_withdrawn_today_no_longer_holds_today(self, cast):
        DiscussionConsent.objects.filter(pk=handover_consent(cast).pk).update(withdrawn_on=TODAY)
        assert not rules.consent_in_force(cast.handover_mia)
        assert rules.consent_in_force(cast.handover_mia, on=TODAY - DAY)


class TestSchoolStart:
    def test_school_starts_on_the_first_of_august_of_the_year_the_child_turns_six(self):
        born = datetime.date(TODAY.year - 5, 12, 31)
        assert rules.school_start(born) == datetime.date(TODAY.year + 1, 8, 1)

    def test_a_school_start_today_is_within_the_year_ahead(self):
        first_of_august = datetime.date(TODAY.year, 8, 1)
        assert rules.birth_years_starting_school(first_of_august) == [
            TODAY.year - 6,
            TODAY.year - 5,
        ]
        assert rules.birth_years_starting_school(first_of_august + DAY) == [TODAY.year - 5]

    def test_a_school_start_a_day_past_the_horizon_is_not_planned_yet(self):
        # 366 days after 30 July is 31 July (no 29 February between): next August is too far.
        on = datetime.date(TODAY.year, 7, 30)
        assert (datetime.date(TODAY.year + 1, 8, 1) - on).days == 367
        assert rules.birth_years_starting_school(on) == [TODAY.year - 6]

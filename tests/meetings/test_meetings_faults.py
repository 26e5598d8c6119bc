"""Consultative meetings and consents: the exact refusals, the stored consent and the audit rows.

Each test pins what a user or the audit log would notice if a small fault crept into
`inklusio/meetings/services.py` or `rules.py` (a message, a field, a boundary day)."""

import datetime

import pytest

from inklusio.audit.models import AuditAction
from inklusio.meetings import services
from inklusio.meetings.models import AgendaItem, ConsultativeMeeting, DiscussionConsent
from inklusio.meetings.rules import consent_wording, text_warnings, valid_consent
from inklusio.people.models import PedagogueAttachment, Profession, Role
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child, make_user

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def the_row(rows):
    """The one row a change wrote: who, what, which object, which child, and the changes."""
    [row] = rows
    return row


@pytest.fixture
def tove(cast):
    return make_user("tove", cast.ishoj, Role.PARTNER, profession=Profession.SPEECH_CONSULTANT)


@pytest.fixture
def meeting(cast, tove):
    """Bøgely's meeting on 1 December with a psychologist and a speech consultant."""
    cast.consultative_boegely.partners.add(tove)
    return cast.consultative_boegely


def meeting_on(cast, date, partners):
    held = ConsultativeMeeting.objects.create(
        municipality=cast.ishoj,
        institution=cast.boegely,
        date=date,
        resource_pedagogue=cast.bob,
        created_by=cast.alice,
    )
    held.partners.set(partners)
    return held


class TestRecordingAConsent:
    def test_a_discussion_consent_keeps_what_staff_recorded_and_the_log_says_what_it_covers(
        self, cast
    ):
        with new_audit_rows() as rows:
            consent = services.consent_record(
                actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY - DAY,
                professions=["speech_consultant", "psychologist"], note="Ved forældremøde",
                referral=cast.draft_emil, partner=cast.pia,
            )  # fmt: skip
        stored = DiscussionConsent.objects.get(pk=consent.pk)
        assert (
            stored.municipality_id, stored.child, stored.scope, stored.source, stored.given_by,
            stored.given_on, stored.professions, stored.note, stored.recorded_by,
            stored.referral, stored.partner, stored.withdrawn_on,
        ) == (
            cast.ishoj.pk, cast.emil, "discussion", "staff", "Emils mor",
            TODAY - DAY, ["psychologist", "speech_consultant"], "Ved forældremøde", cast.alice,
            None, None, None,
        )  # fmt: skip
        assert stored.wording == (
            "Jeg giver samtykke til, at Emil Testesen drøftes med navn på institutionens "
            "konsultative møder med disse faggrupper: Psykolog, Tale-/hørekonsulent."
        )
        row = the_row(rows)
        assert (row.actor, row.action, row.object_type, row.object_id, row.child_id) == (
            cast.alice, AuditAction.CREATE, "discussionconsent", str(stored.public_id),
            cast.emil.public_id,
        )  # fmt: skip
        assert row.changes == {
            "scope": {"before": None, "after": "discussion"},
            "source": {"before": None, "after": "staff"},
            "professions": {"before": None, "after": ["psychologist", "speech_consultant"]},
        }

    def test_a_consent_given_today_is_accepted_and_tomorrow_is_refused_in_danish(self, cast):
        today = services.consent_record(
            actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY,
            professions=["psychologist"],
        )  # fmt: skip
        assert today.given_on == TODAY
        with pytest.raises(services.MeetingRuleBroken) as refused:
            services.consent_record(
                actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY + DAY,
                professions=["psychologist"],
            )  # fmt: skip
        assert str(refused.value) == "Samtykket kan ikke være givet i fremtiden."
        assert list(cast.emil.discussion_consents.all()) == [today]

    def test_without_professions_or_a_note_nothing_is_recorded(self, cast):
        with pytest.raises(services.MeetingRuleBroken) as refused:
            services.consent_record(
                actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY
            )
        assert str(refused.value) == "Angiv hvilke faggrupper barnet må drøftes med."
        consent = services.consent_record(
            actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY,
            professions=("psychologist",),
        )  # fmt: skip
        stored = DiscussionConsent.objects.get(pk=consent.pk)
        assert (stored.note, stored.professions, stored.scope) == (
            "",
            ["psychologist"],
            "discussion",
        )

    def test_a_referral_consent_names_the_childs_referral_only(self, cast):
        with pytest.raises(services.MeetingRuleBroken) as without:
            services.consent_record(
                actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY,
                scope="referral",
            )  # fmt: skip
        assert str(without.value) == "Vælg den indstilling, samtykket gælder."
        with pytest.raises(services.MeetingRuleBroken) as another_childs:
            services.consent_record(
                actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY,
                scope="referral", referral=cast.referral_mia,
            )  # fmt: skip
        assert str(another_childs.value) == "Vælg den indstilling, samtykket gælder."
        with new_audit_rows() as rows:
            consent = services.consent_record(
                actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY,
                scope="referral", referral=cast.draft_emil, professions=["psychologist"],
                partner=cast.pia,
            )  # fmt: skip
        stored = DiscussionConsent.objects.get(pk=consent.pk)
        assert (stored.scope, stored.referral, stored.partner, stored.professions) == (
            "referral", cast.draft_emil, None, []
        )  # fmt: skip
        assert stored.wording == (
            "Jeg giver samtykke til, at Emil Testesen indstilles til støttepædagog, og at "
            "visitationsudvalget får de oplysninger, indstillingen indeholder."
        )
        assert the_row(rows).changes == {
            "scope": {"before": None, "after": "referral"},
            "source": {"before": None, "after": "staff"},
            "professions": {"before": None, "after": []},
        }

    def test_a_partner_consent_names_a_partner_invited_to_the_child_only(self, cast, tove):
        message = "Vælg den samarbejdspartner, samtykket gælder (en, der er inviteret til barnet)."
        with pytest.raises(services.MeetingRuleBroken) as without:
            services.consent_record(
                actor=cast.alice, child=cast.mia, given_by="Gert", given_on=TODAY, scope="partner"
            )
        assert str(without.value) == message
        with pytest.raises(services.MeetingRuleBroken) as not_invited:
            services.consent_record(
                actor=cast.alice, child=cast.mia, given_by="Gert", given_on=TODAY,
                scope="partner", partner=tove,
            )  # fmt: skip
        assert str(not_invited.value) == message
        consent = services.consent_record(
            actor=cast.alice, child=cast.mia, given_by="Gert", given_on=TODAY, scope="partner",
            partner=cast.pia, professions=["psychologist"], referral=cast.referral_mia,
        )  # fmt: skip
        stored = DiscussionConsent.objects.get(pk=consent.pk)
        assert (stored.scope, stored.partner, stored.referral, stored.professions) == (
            "partner", cast.pia, None, []
        )  # fmt: skip
        assert stored.wording == (
            "Jeg giver samtykke til, at Pia Testesen (Psykolog) ser og arbejder med "
            "Mia Testesen' sag i den periode, de er inviteret til."
        )

    def test_a_handover_consent_names_no_professions_referral_or_partner(self, cast):
        consent = services.consent_record(
            actor=cast.alice, child=cast.mia, given_by="Gert", given_on=TODAY, scope="handover",
            professions=["psychologist"], referral=cast.referral_mia, partner=cast.pia,
        )  # fmt: skip
        stored = DiscussionConsent.objects.get(pk=consent.pk)
        assert (stored.scope, stored.professions, stored.referral, stored.partner) == (
            "handover", [], None, None
        )  # fmt: skip

    def test_a_consent_for_something_unknown_is_refused_in_danish(self, cast):
        with pytest.raises(services.MeetingRuleBroken) as refused:
            services.consent_record(
                actor=cast.alice, child=cast.mia, given_by="Gert", given_on=TODAY,
                scope="everything", professions=["psychologist"],
            )  # fmt: skip
        assert str(refused.value) == "Vælg hvad samtykket gælder."


class TestAGuardianGivesConsent:
    def test_the_guardian_gives_it_today_in_their_registered_name(self, cast):
        with new_audit_rows() as rows:
            consent = services.consent_give(
                actor=cast.gert, child=cast.mia, scope="discussion",
                professions=["speech_consultant"],
            )  # fmt: skip
        stored = DiscussionConsent.objects.get(pk=consent.pk)
        assert (
            stored.source, stored.given_by, stored.given_on, stored.note, stored.recorded_by,
            stored.professions, stored.scope,
        ) == (
            "guardian", "Gert Testesen", TODAY, "", cast.gert, ["speech_consultant"],
            "discussion",
        )  # fmt: skip
        assert the_row(rows).changes == {
            "scope": {"before": None, "after": "discussion"},
            "source": {"before": None, "after": "guardian"},
            "professions": {"before": None, "after": ["speech_consultant"]},
        }

    def test_a_guardian_without_a_guardian_record_gives_it_in_their_own_name(self, cast):
        cast.gert.guardian_profile.name = "Far til Mia"
        cast.gert.guardian_profile.save()
        mother = make_user("hanne", cast.ishoj, Role.GUARDIAN)
        by_father = services.consent_give(
            actor=cast.gert, child=cast.mia, scope="partner", partner=cast.pia
        )
        by_mother = services.consent_give(
            actor=mother, child=cast.mia, scope="discussion", professions=["psychologist"]
        )
        assert DiscussionConsent.objects.get(pk=by_father.pk).given_by == "Far til Mia"
        assert DiscussionConsent.objects.get(pk=by_mother.pk).given_by == "Hanne Testesen"

    def test_without_professions_the_guardian_is_told_what_is_missing(self, cast):
        with pytest.raises(services.MeetingRuleBroken) as refused:
            services.consent_give(actor=cast.gert, child=cast.mia, scope="discussion")
        assert str(refused.value) == "Angiv hvilke faggrupper barnet må drøftes med."


class TestWithdrawingAConsent:
    def test_the_withdrawal_is_dated_signed_and_logged_with_the_items_removed(self, cast, tove):
        today = meeting_on(cast, TODAY, [cast.pia])
        yesterday = meeting_on(cast, TODAY - DAY, [cast.pia])
        for held in (today, yesterday):
            AgendaItem.objects.create(
                municipality=cast.ishoj, meeting=held, kind="child", child=cast.mia,
                consent=cast.consent_mia, topic="Samling", added_by=cast.alice,
            )  # fmt: skip
        anonymous = AgendaItem.objects.create(
            municipality=cast.ishoj, meeting=today, kind="anonymous", topic="En pige bider",
            added_by=cast.alice,
        )  # fmt: skip
        with new_audit_rows() as rows:
            returned = services.consent_withdraw(actor=cast.gert, consent=cast.consent_mia)
        stored = DiscussionConsent.objects.get(pk=cast.consent_mia.pk)
        assert (stored.withdrawn_on, stored.withdrawn_by) == (TODAY, cast.gert)
        assert (returned.withdrawn_on, returned.withdrawn_by) == (TODAY, cast.gert)
        # Today's meeting and the one on 1 December lose Mia; yesterday's keeps her; the
        # anonymous item on today's meeting stays.
        assert sorted(AgendaItem.objects.values_list("meeting__date", "topic"), key=str) == sorted(
            [(TODAY - DAY, "Samling"), (TODAY, "En pige bider")], key=str
        )
        assert AgendaItem.objects.filter(pk=anonymous.pk).exists()
        row = the_row(rows)
        assert (row.actor, row.action, row.object_type, row.object_id, row.child_id) == (
            cast.gert, AuditAction.CHANGE, "discussionconsent", str(stored.public_id),
            cast.mia.public_id,
        )  # fmt: skip
        assert row.changes == {
            "withdrawn_on": {"before": None, "after": TODAY.isoformat()},
            "agenda_items_removed": 2,
        }

    def test_a_consent_withdrawn_today_cannot_be_withdrawn_again_today(self, cast):
        services.consent_withdraw(actor=cast.gert, consent=cast.consent_mia, on=TODAY)
        with new_audit_rows() as rows, pytest.raises(services.MeetingRuleBroken) as refused:
            services.consent_withdraw(actor=cast.alice, consent=cast.consent_mia, on=TODAY)
        assert str(refused.value) == "Samtykket er allerede trukket tilbage."
        assert rows == []
        assert DiscussionConsent.objects.get(pk=cast.consent_mia.pk).withdrawn_by == cast.gert

    def test_a_withdrawal_from_a_later_day_can_be_brought_forward(self, cast):
        services.consent_withdraw(actor=cast.gert, consent=cast.consent_mia, on=TODAY + DAY)
        services.consent_withdraw(actor=cast.alice, consent=cast.consent_mia, on=TODAY)
        stored = DiscussionConsent.objects.get(pk=cast.consent_mia.pk)
        assert (stored.withdrawn_on, stored.withdrawn_by) == (TODAY, cast.alice)


class TestArrangingAMeeting:
    def test_the_new_meeting_has_its_place_time_partners_and_resource_pedagogue(self, cast, tove):
        PedagogueAttachment.objects.filter(pedagogue=cast.bob).update(institution=cast.elverhoej)
        with new_audit_rows() as rows:
            meeting = services.consultative_meeting_create(
                actor=cast.carl, institution=cast.elverhoej, date=TODAY + 8 * DAY,
                start_time=datetime.time(14), partners=[cast.pia, tove],
            )  # fmt: skip
        stored = ConsultativeMeeting.objects.get(pk=meeting.pk)
        assert (
            stored.municipality_id, stored.institution, stored.date, stored.start_time,
            stored.resource_pedagogue, stored.created_by, set(stored.partners.all()),
        ) == (
            cast.ishoj.pk, cast.elverhoej, TODAY + 8 * DAY, datetime.time(14), cast.bob,
            cast.carl, {cast.pia, tove},
        )  # fmt: skip
        row = the_row(rows)
        assert (row.actor, row.action, row.object_type, row.object_id) == (
            cast.carl,
            AuditAction.CREATE,
            "consultativemeeting",
            str(stored.public_id),
        )

    def test_a_leader_cannot_arrange_a_meeting_in_another_institution(self, cast, tove):
        with pytest.raises(services.NotArranger) as refused:
            services.consultative_meeting_create(
                actor=cast.carl, institution=cast.boegely, date=TODAY + 8 * DAY,
                start_time=datetime.time(14), partners=[cast.pia, tove],
            )  # fmt: skip
        assert str(refused.value) == "Du kan ikke arrangere konsultative møder i denne institution."
        assert not ConsultativeMeeting.objects.filter(date=TODAY + 8 * DAY).exists()

    @pytest.mark.parametrize("who", ["pia", "tove"])
    def test_a_meeting_without_both_professions_is_refused_in_danish(self, cast, tove, who):
        partner = tove if who == "tove" else cast.pia
        with pytest.raises(services.MeetingRuleBroken) as refused:
            services.consultative_meeting_create(
                actor=cast.alice, institution=cast.boegely, date=TODAY + 8 * DAY,
                start_time=datetime.time(14), partners=[partner],
            )  # fmt: skip
        assert str(refused.value) == (
            "Et konsultativt møde har en psykolog og en tale-/hørekonsulent med."
        )
        assert not ConsultativeMeeting.objects.filter(date=TODAY + 8 * DAY).exists()


class TestTheAgenda:
    def test_a_named_item_without_a_child_is_refused(self, cast, meeting):
        with pytest.raises(services.MeetingRuleBroken) as refused:
            services.agenda_item_add(
                actor=cast.bob, meeting=meeting, kind="child", topic="Sprog", child=None
            )
        assert str(refused.value) == "Vælg barnet."

    def test_a_named_item_keeps_the_child_the_consent_and_its_place_and_is_logged(
        self, cast, meeting
    ):
        consent = services.consent_record(
            actor=cast.alice, child=cast.mia, given_by="Gert", given_on=TODAY,
            professions=["psychologist", "speech_consultant"],
        )  # fmt: skip
        with new_audit_rows() as rows:
            item = services.agenda_item_add(
                actor=cast.bob, meeting=meeting, kind="child", topic="Sprog", child=cast.mia
            )
        stored = AgendaItem.objects.get(pk=item.pk)
        assert (
            stored.municipality_id, stored.meeting, stored.kind, stored.child, stored.consent,
            stored.topic, stored.position, stored.added_by,
        ) == (
            cast.ishoj.pk, meeting, "child", cast.mia, consent, "Sprog", 1, cast.bob
        )  # fmt: skip
        row = the_row(rows)
        assert (row.actor, row.action, row.object_type, row.object_id, row.child_id) == (
            cast.bob,
            AuditAction.CREATE,
            "agendaitem",
            str(stored.public_id),
            cast.mia.public_id,
        )

    def test_a_group_item_names_no_child_even_if_one_is_given(self, cast, meeting):
        with new_audit_rows() as rows:
            item = services.agenda_item_add(
                actor=cast.bob, meeting=meeting, kind="group", topic="Uro ved frokost",
                child=cast.mia,
            )  # fmt: skip
        stored = AgendaItem.objects.get(pk=item.pk)
        assert (stored.kind, stored.child, stored.consent, stored.position) == (
            "group", None, None, 1
        )  # fmt: skip
        assert the_row(rows).child_id is None
        second = services.agenda_item_add(
            actor=cast.bob, meeting=meeting, kind="anonymous", topic="En dreng slår"
        )
        assert AgendaItem.objects.get(pk=second.pk).position == 2

    def test_an_anonymous_item_naming_a_child_is_refused_with_every_reason(self, cast, meeting):
        with pytest.raises(services.NamesAChild) as refused:
            services.agenda_item_add(
                actor=cast.bob, meeting=meeting, kind="anonymous",
                topic="Mia bider, cpr 150322-4123",
            )  # fmt: skip
        assert str(refused.value) == (
            "Teksten ser ud til at indeholde et CPR-nummer. "
            "Teksten nævner et navn, som et barn i institutionen har: Mia. "
            "Et anonymt punkt må ikke nævne barnet. Ret teksten, eller sæt barnet på med navn, "
            "når forældrene har givet samtykke."
        )

    def test_only_the_arranger_is_told_they_keep_the_agenda(self, cast, meeting):
        message = (
            "Kun den, der arrangerer mødet, kan sætte punkter på dagsordenen og skrive referat."
        )
        with pytest.raises(services.NotArranger) as item:
            services.agenda_item_add(actor=cast.sara, meeting=meeting, kind="group", topic="Uro")
        assert str(item.value) == message
        with pytest.raises(services.NotArranger) as minutes:
            services.consultative_minutes_save(
                actor=cast.pia, meeting=meeting, minutes="Nyt", version=0
            )
        assert str(minutes.value) == message

    def test_a_leader_of_another_institution_cannot_add_to_bogelys_agenda(self, cast, meeting):
        with pytest.raises(services.NotArranger):
            services.agenda_item_add(actor=cast.carl, meeting=meeting, kind="group", topic="Uro")
        with pytest.raises(services.NotArranger):
            services.consultative_minutes_save(
                actor=cast.carl, meeting=meeting, minutes="Nyt", version=0
            )
        assert list(meeting.items.values_list("topic", flat=True)) == ["Samling"]


class TestMinutesAndRecommendations:
    def test_each_save_is_a_numbered_version_logged_with_its_number_and_length(self, cast, meeting):
        with new_audit_rows() as first:
            one = services.consultative_minutes_save(
                actor=cast.bob, meeting=meeting, minutes="Vi talte om samling.", version=0
            )
        with new_audit_rows() as second:
            two = services.consultative_minutes_save(
                actor=cast.alice, meeting=meeting, minutes="Rettet.", version=1
            )
        assert [(v.number, v.text, v.author, v.municipality_id) for v in (one, two)] == [
            (1, "Vi talte om samling.", cast.bob, cast.ishoj.pk),
            (2, "Rettet.", cast.alice, cast.ishoj.pk),
        ]
        assert list(meeting.minutes_versions.order_by("number").values_list("meeting", flat=True))
        assert [(r.actor, r.action, r.object_id, r.changes) for r in (*first, *second)] == [
            (cast.bob, AuditAction.CHANGE, str(meeting.public_id),
             {"minutes_version": 1, "minutes_length": 20}),
            (cast.alice, AuditAction.CHANGE, str(meeting.public_id),
             {"minutes_version": 2, "minutes_length": 7}),
        ]  # fmt: skip

    def test_unchanged_minutes_are_refused_and_no_version_is_added(self, cast, meeting):
        services.consultative_minutes_save(
            actor=cast.bob, meeting=meeting, minutes="Samme", version=0
        )
        with pytest.raises(services.MeetingRuleBroken) as refused:
            services.consultative_minutes_save(
                actor=cast.alice, meeting=meeting, minutes="Samme", version=1
            )
        assert str(refused.value) == "Referatet er uændret."
        assert meeting.minutes_versions.count() == 1

    def test_a_recommendation_is_the_partners_and_logged_for_the_child(self, cast, meeting):
        with new_audit_rows() as rows:
            recommendation = services.recommendation_add(
                actor=cast.pia, item=cast.item_mia, text="Billeder af dagens program"
            )
        stored = type(recommendation).objects.get(pk=recommendation.pk)
        assert (stored.municipality_id, stored.item, stored.text, stored.by) == (
            cast.ishoj.pk, cast.item_mia, "Billeder af dagens program", cast.pia
        )  # fmt: skip
        row = the_row(rows)
        assert (row.actor, row.action, row.object_type, row.object_id, row.child_id) == (
            cast.pia, AuditAction.CREATE, "recommendation", str(stored.public_id),
            cast.mia.public_id,
        )  # fmt: skip


class TestRules:
    def test_a_consent_in_force_on_the_meeting_day_covers_it(self, cast, meeting):
        both = services.consent_record(
            actor=cast.alice, child=cast.mia, given_by="Gert", given_on=TODAY,
            professions=["psychologist", "speech_consultant"],
        )  # fmt: skip
        assert valid_consent(cast.mia, meeting) == both
        services.consent_withdraw(actor=cast.gert, consent=both, on=meeting.date)
        assert valid_consent(cast.mia, meeting) is None
        assert valid_consent(cast.emil, meeting) is None

    def test_a_cpr_number_alone_is_one_warning(self, cast):
        assert text_warnings("Barn 150322-4123 bider", cast.boegely) == [
            "Teksten ser ud til at indeholde et CPR-nummer."
        ]
        assert text_warnings("En pige bider", cast.boegely) == []

    def test_a_name_in_punctuation_or_capitals_is_found_and_a_part_of_a_word_is_not(self, cast):
        make_child(cast.ishoj, cast.elverhoej, "Noah", "0101224999")  # another institution
        assert text_warnings('"MIA!" sagde hun', cast.boegely) == [
            "Teksten nævner et navn, som et barn i institutionen har: Mia."
        ]
        assert text_warnings("Miamor og Noah", cast.boegely) == []

    def test_the_partner_consent_wording_falls_back_to_username_and_partner(self, cast):
        nameless = make_user("quinn", cast.ishoj, Role.PARTNER)
        nameless.first_name = nameless.last_name = ""
        assert consent_wording(
            child=cast.mia, scope="partner", professions=[], referral=None, partner=nameless
        ) == (
            "Jeg giver samtykke til, at quinn (samarbejdspartner) ser og arbejder med "
            "Mia Testesen' sag i den periode, de er inviteret til."
        )

    def test_the_discussion_wording_leaves_out_unknown_professions(self, cast):
        assert consent_wording(
            child=cast.mia, scope="discussion", professions=["psychologist", "astrologer"],
            referral=None, partner=None,
        ) == (
            "Jeg giver samtykke til, at Mia Testesen drøftes med navn på institutionens "
            "konsultative møder med disse faggrupper: Psykolog."
        )  # fmt: skip

    def test_a_discussion_wording_stays_a_discussion_wording_whatever_else_is_given(self, cast):
        assert consent_wording(
            child=cast.mia, scope="discussion", professions=["psychologist"],
            referral=cast.referral_mia, partner=cast.pia,
        ) == (
            "Jeg giver samtykke til, at Mia Testesen drøftes med navn på institutionens "
            "konsultative møder med disse faggrupper: Psykolog."
        )  # fmt: skip


def test_the_consent_form_offers_only_the_referrals_the_recorder_may_see(cast, client_for):
    """Pia's referral of Mia waits for the committee. The administration records a consent
    to it; Bob, who may record Mia's consents but sees no referrals, is not shown it (its
    offer and date) and cannot name it."""
    from django.urls import reverse

    from inklusio.referrals.models import Offer, Referral

    waiting = Referral.objects.create(
        municipality=cast.ishoj,
        child=cast.mia,
        offer=Offer.RESOURCE_GROUP_PLACE,
        category="speech_language",
        description="Har brug for en lille gruppe.",
        status=Referral.Status.SUBMITTED,
        referred_by=cast.pia,
    )
    url = reverse("consents", args=[cast.mia.public_id])
    offered = client_for(cast.alice).get(url).context["form"].fields["referral"].queryset
    assert list(offered) == [waiting]
    bob = client_for(cast.bob)
    assert list(bob.get(url).context["form"].fields["referral"].queryset) == []
    response = bob.post(
        url,
        {
            "scope": "referral",
            "referral": waiting.pk,
            "given_by": "Gert Testesen",
            "given_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200 and "referral" in response.context["form"].errors
    assert not DiscussionConsent.objects.filter(referral=waiting).exists()

"""Referrals as the leader, the committee and the log see them: the exact refusals (and the form
field each belongs by), the limits at their boundary, the consent record the form's fields keep,
the audit rows of saving, submitting, withdrawing, adding to and attaching to a referral, and
the statistics tables drawn from referrals and decisions (period, offer, kind and institution)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inklusio.audit.models import AuditAction
from inklusio.core.errors import EditConflict
from inklusio.core.storage import private_storage
from inklusio.meetings import services as meeting_services
from inklusio.meetings.models import DiscussionConsent
from inklusio.referrals import services
from inklusio.referrals.errors import (
    AttachmentRejected,
    ConsentMissing,
    InvalidInput,
    NotAllowedNow,
)
from inklusio.referrals.models import (
    Decision,
    Offer,
    Referral,
    ReferralAddendum,
    VisitationPeriod,
    WaitingListEntry,
)
from inklusio.referrals.services.referrals import MAX_ATTACHMENT_BYTES, sniff_upload
from inklusio.reports.registry import build_table
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child, saved_version

pytestmark = pytest.mark.django_db

COURSE = {
    "offer": Offer.RESOURCE_COURSE,
    "category": "speech_language",
    "description": "Har brug for et forløb med sprogleg.",
}
PAPER = {"consent_by": "Emils mor", "consent_date": TODAY, "consent_method": "written"}


def _day(day: datetime.date) -> str:
    """A day as the refusals write it (Danish "j.n.Y")."""
    return f"{day.day}.{day.month}.{day.year}"


def _upload(content: bytes, name: str = "udtalelse.pdf", *, size: int | None = None):
    upload = SimpleUploadedFile(name, content)
    if size is not None:
        upload.size = size  # what the browser's request says the file weighs
    return upload


def _born(years_before_today: int, days_later: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years_before_today) + datetime.timedelta(days=days_later)


def _child_born(cast, born: datetime.date, name: str = "Otto"):
    return make_child(cast.ishoj, cast.elverhoej, name, f"{born:%d%m%y}4001")


class TestTheAttachedFile:
    def test_a_file_of_exactly_10_mb_is_accepted(self):
        upload = _upload(b"%PDF-1.7 stor", size=MAX_ATTACHMENT_BYTES)
        assert sniff_upload(upload) == ("application/pdf", "pdf")

    def test_a_file_over_10_mb_is_refused_with_its_size_to_one_decimal(self):
        # 10.96 MB: rounds up to 11,0, while a size counted wrongly by a little would not.
        upload = _upload(b"%PDF-1.7 stor", size=11_492_393)
        with pytest.raises(AttachmentRejected) as refused:
            sniff_upload(upload, field="bilag")
        assert str(refused.value) == "Filen fylder 11,0 MB; den må højst fylde 10 MB."
        assert refused.value.field == "bilag"

    def test_an_unknown_file_is_refused_by_the_field_it_was_chosen_in(self):
        with pytest.raises(AttachmentRejected) as refused:
            sniff_upload(_upload(b"MZ\x90\x00 program"), field="bilag")
        assert str(refused.value) == "Kun PDF-, PNG- og JPEG-filer kan vedhæftes."
        assert refused.value.field == "bilag"

    def test_png_and_jpeg_are_recognised_by_their_first_bytes(self):
        png = _upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "billede.bin")
        jpeg = _upload(b"\xff\xd8\xff\xe0" + b"\0" * 20, "foto.bin")
        assert sniff_upload(png) == ("image/png", "png")
        assert sniff_upload(jpeg) == ("image/jpeg", "jpg")

    def test_the_stored_file_is_the_whole_upload_under_a_random_name(self, cast):
        content = b"%PDF-1.7 psykologens udtalelse"
        with new_audit_rows() as written:
            attachment = services.attachment_add(
                actor=cast.carl, referral=cast.waiting_emil, upload=_upload(content)
            )
        attachment.refresh_from_db()
        with private_storage.open(attachment.stored_name) as stored:
            assert stored.read() == content  # not a byte lost to the type check
        assert attachment.stored_name.startswith("referrals/")
        assert attachment.stored_name.endswith(".pdf")
        assert attachment.original_name == "udtalelse.pdf"
        assert attachment.content_type == "application/pdf"
        assert attachment.size == len(content)
        assert attachment.uploaded_by == cast.carl
        assert attachment.referral == cast.waiting_emil
        assert attachment.municipality == cast.ishoj
        [row] = written
        assert row.changes == {"attachment": {"before": None, "after": "udtalelse.pdf"}}

    def test_a_long_file_name_is_kept_to_200_characters(self, cast):
        name = "u" * 246 + ".pdf"
        attachment = services.attachment_add(
            actor=cast.carl, referral=cast.waiting_emil, upload=_upload(b"%PDF-1.7", name)
        )
        attachment.refresh_from_db()
        assert attachment.original_name == "u" * 200

    def test_a_file_without_a_name_is_called_bilag(self, cast):
        upload = _upload(b"%PDF-1.7 uden navn")
        upload.name = None
        attachment = services.attachment_add(
            actor=cast.carl, referral=cast.waiting_emil, upload=upload
        )
        assert attachment.original_name == "bilag"

    def test_a_refused_attachment_belongs_by_the_attachment_field_unless_told(self, cast):
        with pytest.raises(AttachmentRejected) as refused:
            services.attachment_add(
                actor=cast.carl, referral=cast.waiting_emil, upload=_upload(b"MZ program")
            )
        assert refused.value.field == "attachment"
        with pytest.raises(AttachmentRejected) as refused:
            services.attachment_add(
                actor=cast.carl,
                referral=cast.waiting_emil,
                upload=_upload(b"MZ program"),
                field="file",
            )
        assert refused.value.field == "file"
        assert not cast.waiting_emil.attachments.exists()


class TestWhatAReferralMaySay:
    def test_consent_given_today_is_accepted_tomorrow_is_refused(self, cast):
        saved = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=PAPER,
            expected_version=saved_version(cast.draft_emil),
        )
        assert saved.consent_date == TODAY
        tomorrow = {**PAPER, "consent_date": TODAY + datetime.timedelta(days=1)}
        with pytest.raises(InvalidInput) as refused:
            services.referral_save(
                actor=cast.carl,
                child=cast.emil,
                referral=cast.draft_emil,
                data=tomorrow,
                expected_version=saved_version(cast.draft_emil),
            )
        assert str(refused.value) == "Samtykket kan ikke være givet i fremtiden."
        assert refused.value.field == "consent_date"

    def test_a_group_place_without_its_group_is_refused_by_the_group_field(self, cast):
        with pytest.raises(InvalidInput) as refused:
            services.referral_save(
                actor=cast.carl,
                child=cast.emil,
                referral=cast.draft_emil,
                data={"offer": Offer.RESOURCE_GROUP_PLACE},
                expected_version=saved_version(cast.draft_emil),
            )
        assert str(refused.value) == "Vælg den ressourcegruppe, der indstilles til."
        assert refused.value.field == "resource_group"

    def test_a_group_place_keeps_its_group_and_another_offer_drops_it(self, cast):
        place = {"offer": Offer.RESOURCE_GROUP_PLACE, "resource_group": cast.group_boegely}
        saved = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=place,
            expected_version=saved_version(cast.draft_emil),
        )
        assert saved.resource_group == cast.group_boegely
        saved = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=saved,
            data={"offer": Offer.RESOURCE_COURSE, "resource_group": cast.group_boegely},
            expected_version=saved_version(saved),
        )
        assert saved.resource_group is None
        assert Referral.objects.get(pk=saved.pk).resource_group is None


class TestWhoMayBeReferred:
    def test_a_child_leaving_today_is_refused_with_the_day(self, cast):
        cast.emil.left_on = TODAY
        cast.emil.save()
        with pytest.raises(InvalidInput) as refused:
            services.referral_save(actor=cast.carl, child=cast.emil, data=COURSE)
        assert str(refused.value) == (
            f"Emil Testesen gik ud af dagtilbuddet den {_day(TODAY)} og kan ikke indstilles."
        )
        assert refused.value.field == "child"

    def test_a_child_who_left_in_single_digit_days_is_named_with_that_day(self, cast):
        left = datetime.date(TODAY.year - 1, 3, 4)  # "4.3.", never "04.03."
        cast.emil.left_on = left
        cast.emil.save()
        with pytest.raises(InvalidInput) as refused:
            services.referral_save(actor=cast.carl, child=cast.emil, data=COURSE)
        assert f"den {left.day}.{left.month}.{left.year} og" in str(refused.value)

    def test_a_child_turning_seven_today_is_refused_with_the_age(self, cast):
        otto = _child_born(cast, _born(7))
        with pytest.raises(InvalidInput) as refused:
            services.referral_save(actor=cast.carl, child=otto, data=COURSE)
        assert str(refused.value) == (
            "Otto Testesen er 7 år; kun børn i dagtilbudsalderen (0–6 år) kan indstilles."
        )
        assert refused.value.field == "child"

    def test_a_child_turning_seven_tomorrow_may_be_referred(self, cast):
        otto = _child_born(cast, _born(7, days_later=1))
        assert services.referral_save(actor=cast.carl, child=otto, data=COURSE).pk

    def test_a_second_open_referral_names_the_first_and_the_day_it_was_made(self, cast):
        made = timezone.make_aware(
            datetime.datetime.combine(TODAY - datetime.timedelta(days=52), datetime.time(23, 30))
        )
        Referral.objects.filter(pk=cast.draft_emil.pk).update(created_at=made)
        data = {**COURSE, "offer": Offer.SUPPORT_PEDAGOGUE}
        with pytest.raises(InvalidInput) as refused:
            services.referral_save(actor=cast.carl, child=cast.emil, data=data)
        assert str(refused.value) == (
            "Emil Testesen har allerede en åben indstilling om støttepædagog "
            f"(oprettet {_day(made.date())}). "
            "Skriv hvorfor der skal endnu en, eller fortsæt med den, der er."
        )
        assert refused.value.field == "duplicate_reason"
        with pytest.raises(InvalidInput):
            services.referral_save(
                actor=cast.carl, child=cast.emil, data={**data, "duplicate_reason": "  "}
            )
        assert Referral.objects.filter(child=cast.emil, offer=Offer.SUPPORT_PEDAGOGUE).count() == 1

    def test_another_offer_or_another_childs_open_referral_needs_no_reason(self, cast):
        # Emil has open referrals about a support pedagogue and a group place; a course is new.
        course = services.referral_save(actor=cast.carl, child=cast.emil, data=COURSE)
        assert course.duplicate_reason == ""
        # Emil's open group-place referral does not stand in Mia's way.
        place = {
            **COURSE,
            "offer": Offer.RESOURCE_GROUP_PLACE,
            "resource_group": cast.group_boegely,
        }
        assert services.referral_save(actor=cast.alice, child=cast.mia, data=place).pk


class TestSavingADraft:
    def test_a_new_draft_is_logged_as_created_with_what_it_says(self, cast):
        with new_audit_rows() as written:
            referral = services.referral_save(actor=cast.carl, child=cast.emil, data=COURSE)
        assert referral.referred_by == cast.carl
        assert referral.municipality == cast.ishoj
        assert referral.child == cast.emil
        assert referral.version == 1
        [row] = written
        assert row.action == AuditAction.CREATE
        assert row.changes == {
            "category": {"before": None, "after": "speech_language"},
            "consent_by": {"before": None, "after": ""},
            "consent_method": {"before": None, "after": ""},
            "description": {"before": None, "after": "•••"},
            "duplicate_reason": {"before": None, "after": ""},
            "offer": {"before": None, "after": "resource_course"},
            "tried": {"before": None, "after": ""},
        }

    def test_a_change_must_say_which_version_it_started_from(self, cast):
        """Without it the change could not be checked against one saved meanwhile: no caller
        may leave it out (the edit page refuses a post without it before the service is asked);
        a new referral needs none."""
        with new_audit_rows() as written, pytest.raises(TypeError, match="expected_version"):
            services.referral_save(  # type: ignore[call-overload]
                actor=cast.carl,
                child=cast.emil,
                referral=cast.draft_emil,
                data={"category": "contact_behaviour"},
            )
        assert written == []
        assert Referral.objects.get(pk=cast.draft_emil.pk).category == "speech_language"

    def test_a_change_is_logged_with_the_field_and_the_next_version(self, cast):
        with new_audit_rows() as written:
            referral = services.referral_save(
                actor=cast.carl,
                child=cast.emil,
                referral=cast.draft_emil,
                data={"category": "contact_behaviour"},
                expected_version=1,
            )
        assert referral.version == 2
        assert Referral.objects.get(pk=referral.pk).category == "contact_behaviour"
        [row] = written
        assert row.action == AuditAction.CHANGE
        assert row.changes == {
            "category": {"before": "speech_language", "after": "contact_behaviour"},
            "version": {"before": 1, "after": 2},
        }

    def test_an_outdated_save_is_told_what_changed_meanwhile_and_by_whom(self, cast):
        services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data={"category": "contact_behaviour"},
            expected_version=1,
        )
        with pytest.raises(EditConflict) as conflict:
            services.referral_save(
                actor=cast.alice,
                child=cast.emil,
                referral=cast.draft_emil,
                data={"tried": "Billedstøtte"},
                expected_version=1,
            )
        assert conflict.value.current.pk == cast.draft_emil.pk
        assert conflict.value.changed_fields == {
            "category": {
                "before": "speech_language",
                "after": "contact_behaviour",
                "by": "Carl Testesen",
            }
        }
        assert Referral.objects.get(pk=cast.draft_emil.pk).tried == ""

    def test_a_submitted_referral_cannot_be_saved_and_says_to_add_instead(self, cast):
        with pytest.raises(NotAllowedNow) as refused:
            services.referral_save(
                actor=cast.carl,
                child=cast.emil,
                referral=cast.waiting_emil,
                data={"description": "Ændret"},
                expected_version=saved_version(cast.waiting_emil),
            )
        assert str(refused.value) == (
            "Indstillingen er indsendt og kan ikke længere ændres; skriv en tilføjelse."
        )


class TestTheConsentTheFormKeeps:
    def _consents(self, referral):
        return list(DiscussionConsent.objects.filter(referral=referral).order_by("pk"))

    def test_the_forms_fields_record_one_referral_consent_in_plain_words(self, cast):
        draft = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=PAPER,
            expected_version=saved_version(cast.draft_emil),
        )
        [consent] = self._consents(draft)
        assert consent.given_by == "Emils mor"
        assert consent.given_on == TODAY
        assert consent.note == "Skriftligt"
        assert consent.wording == (
            "Samtykke til indstilling om støttepædagog for Emil Testesen, givet skriftligt."
        )
        assert (consent.scope, consent.source) == ("referral", "staff")
        assert consent.recorded_by == cast.carl
        assert consent.child == cast.emil
        assert consent.municipality == cast.ishoj
        assert draft.has_consent

    def test_saving_again_keeps_the_one_record_and_a_new_giver_corrects_it(self, cast):
        draft = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=PAPER,
            expected_version=saved_version(cast.draft_emil),
        )
        [first] = self._consents(draft)
        services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=draft,
            data=PAPER,
            expected_version=saved_version(draft),
        )
        assert self._consents(draft) == [first]
        yesterday = TODAY - datetime.timedelta(days=1)
        services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=draft,
            data={"consent_by": "Emils far", "consent_date": yesterday, "consent_method": "oral"},
            expected_version=saved_version(draft),
        )
        [corrected] = self._consents(draft)
        assert corrected.pk == first.pk
        assert (corrected.given_by, corrected.given_on, corrected.note) == (
            "Emils far",
            yesterday,
            "Mundtligt, noteret",
        )
        assert corrected.wording.endswith("givet mundtligt, noteret.")

    def test_emptying_the_fields_removes_the_mistaken_record(self, cast):
        draft = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=PAPER,
            expected_version=saved_version(cast.draft_emil),
        )
        services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=draft,
            data={"consent_by": "", "consent_date": None, "consent_method": ""},
            expected_version=saved_version(draft),
        )
        assert self._consents(draft) == []
        assert not draft.has_consent

    def test_after_a_withdrawal_a_new_giver_records_a_new_consent_in_force(self, cast):
        draft = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=PAPER,
            expected_version=saved_version(cast.draft_emil),
        )
        [withdrawn] = self._consents(draft)
        meeting_services.consent_withdraw(actor=cast.alice, consent=withdrawn)
        services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=draft,
            data={**PAPER, "consent_by": "Emils far"},
            expected_version=saved_version(draft),
        )
        old, new = self._consents(draft)
        assert old.pk == withdrawn.pk
        assert old.given_by == "Emils mor" and old.withdrawn_on is not None
        assert new.given_by == "Emils far" and new.withdrawn_on is None
        assert draft.has_consent
        # Emptying the fields now removes the new record, never the withdrawn one.
        services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=draft,
            data={"consent_by": "", "consent_date": None, "consent_method": ""},
            expected_version=saved_version(draft),
        )
        assert self._consents(draft) == [old]

    def test_one_referrals_consent_is_never_another_referrals(self, cast):
        emils = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=PAPER,
            expected_version=saved_version(cast.draft_emil),
        )
        mias = services.referral_save(
            actor=cast.alice,
            child=cast.mia,
            data={**COURSE, "consent_by": "Gert Testesen", "consent_date": TODAY,
                  "consent_method": "digital"},
        )  # fmt: skip
        [emil_consent] = self._consents(emils)
        [mia_consent] = self._consents(mias)
        assert emil_consent.given_by == "Emils mor"
        assert mia_consent.given_by == "Gert Testesen"
        assert mia_consent.note == "Digitalt (fx Aula)"

    def test_a_guardians_own_consent_survives_the_staff_editing_the_draft(self, cast):
        draft = services.referral_save(actor=cast.alice, child=cast.mia, data=COURSE)
        meeting_services.consent_give(
            actor=cast.gert, child=cast.mia, scope="referral", referral=draft
        )
        services.referral_save(
            actor=cast.alice,
            child=cast.mia,
            referral=draft,
            data={"tried": "Billedstøtte"},
            expected_version=saved_version(draft),
        )
        [consent] = self._consents(draft)
        assert consent.source == DiscussionConsent.Source.GUARDIAN
        assert draft.has_consent


class TestSubmitting:
    def test_submitting_records_the_moment_and_logs_draft_to_submitted(self, cast):
        draft = services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data=PAPER,
            expected_version=saved_version(cast.draft_emil),
        )
        with new_audit_rows() as written:
            services.referral_submit(actor=cast.carl, referral=draft)
        stored = Referral.objects.get(pk=draft.pk)
        assert stored.status == Referral.Status.SUBMITTED
        assert stored.submitted_at is not None
        assert timezone.localdate(stored.submitted_at) == TODAY
        [row] = written
        assert row.changes == {"status": {"before": "draft", "after": "submitted"}}

    def test_a_second_submission_is_refused(self, cast):
        with pytest.raises(NotAllowedNow) as refused:
            services.referral_submit(actor=cast.carl, referral=cast.waiting_emil)
        assert str(refused.value) == "Indstillingen er allerede indsendt."

    def test_without_consent_the_refusal_says_how_to_get_it(self, cast):
        with pytest.raises(ConsentMissing) as refused:
            services.referral_submit(actor=cast.carl, referral=cast.draft_emil)
        assert str(refused.value) == (
            "Indstillingen kan ikke indsendes uden forældrenes samtykke: angiv hvem der gav "
            "samtykke, hvornår og hvordan, eller bed forældrene give det i Inklusio. "
            "Et samtykke, der er trukket tilbage, gælder ikke."
        )
        assert Referral.objects.get(pk=cast.draft_emil.pk).status == Referral.Status.DRAFT


class TestWithdrawing:
    def test_a_decided_referral_is_refused_with_its_status_and_what_to_do(self, cast):
        with pytest.raises(NotAllowedNow) as refused:
            services.referral_withdraw(actor=cast.alice, referral=cast.referral_mia, reason="x")
        assert str(refused.value) == (
            "Indstillingen er afgjort og kan ikke trækkes tilbage. Efter en afgørelse bringes "
            "et tilbud til ophør, eller afgørelsen ændres efter klage."
        )

    def test_a_submitted_referral_without_a_reason_is_refused_by_the_reason_field(self, cast):
        with pytest.raises(InvalidInput) as refused:
            services.referral_withdraw(actor=cast.carl, referral=cast.waiting_emil, reason=" ")
        assert str(refused.value) == (
            "Skriv, hvorfor indstillingen trækkes tilbage; udvalget får begrundelsen."
        )
        assert refused.value.field == "reason"

    def test_a_draft_is_withdrawn_without_a_reason_and_logged_so(self, cast):
        with new_audit_rows() as written:
            services.referral_withdraw(actor=cast.carl, referral=cast.draft_emil, reason="")
        stored = Referral.objects.get(pk=cast.draft_emil.pk)
        assert stored.status == Referral.Status.WITHDRAWN
        assert stored.withdrawn_by == cast.carl
        assert timezone.localdate(stored.withdrawn_at) == TODAY
        assert stored.withdrawal_reason == ""
        [row] = written
        assert row.changes == {
            "status": {"before": "draft", "after": "withdrawn"},
            "reason": "",
        }

    def test_a_submitted_referral_leaves_the_line_and_the_next_child_moves_up(self, cast):
        mia_referral = Referral.objects.create(
            municipality=cast.ishoj,
            child=cast.mia,
            offer=Offer.RESOURCE_GROUP_PLACE,
            category="contact_behaviour",
            description="Lille gruppe.",
            status=Referral.Status.SUBMITTED,
            referred_by=cast.alice,
        )
        mia_in_line = WaitingListEntry.objects.create(
            municipality=cast.ishoj,
            referral=mia_referral,
            child=cast.mia,
            offer=Offer.RESOURCE_GROUP_PLACE,
            resource_group=cast.group_boegely,
            position=2,
            added_on=TODAY - datetime.timedelta(days=10),
            added_by=cast.alice,
        )
        # Emil's referral was in line once before and taken off: that stays as it was.
        earlier = WaitingListEntry.objects.create(
            municipality=cast.ishoj,
            referral=cast.waiting_emil,
            child=cast.emil,
            offer=Offer.RESOURCE_GROUP_PLACE,
            resource_group=cast.group_boegely,
            position=1,
            added_on=TODAY - datetime.timedelta(days=100),
            added_by=cast.alice,
            status=WaitingListEntry.Status.REMOVED,
            removed_on=TODAY - datetime.timedelta(days=90),
            removed_reason="Fejl",
        )
        with new_audit_rows() as written:
            services.referral_withdraw(
                actor=cast.carl, referral=cast.waiting_emil, reason="  Familien er flyttet  "
            )
        stored = Referral.objects.get(pk=cast.waiting_emil.pk)
        assert stored.status == Referral.Status.WITHDRAWN
        assert stored.withdrawal_reason == "Familien er flyttet"
        assert stored.withdrawn_by == cast.carl
        assert timezone.localdate(stored.withdrawn_at) == TODAY
        left = WaitingListEntry.objects.get(pk=cast.queued_emil.pk)
        assert left.status == WaitingListEntry.Status.REMOVED
        assert left.removed_on == TODAY
        assert left.removed_reason == "Indstillingen er trukket tilbage."
        mia_in_line.refresh_from_db()
        assert (mia_in_line.status, mia_in_line.position) == (WaitingListEntry.Status.WAITING, 1)
        earlier.refresh_from_db()
        assert (earlier.removed_on, earlier.removed_reason) == (
            TODAY - datetime.timedelta(days=90),
            "Fejl",
        )
        [row] = written
        assert row.changes == {
            "status": {"before": "submitted", "after": "withdrawn"},
            "reason": "•••",
            "waiting_list": {"before": [str(cast.queued_emil.public_id)], "after": None},
        }


class TestAddenda:
    def test_an_empty_addendum_is_refused_by_the_text_field(self, cast):
        with pytest.raises(InvalidInput) as refused:
            services.referral_add_addendum(actor=cast.carl, referral=cast.waiting_emil, text=" ")
        assert str(refused.value) == "Skriv tilføjelsen, før du gemmer."
        assert refused.value.field == "text"
        assert not ReferralAddendum.objects.exists()

    def test_an_addendum_is_kept_with_its_author_and_logged_without_its_words(self, cast):
        with new_audit_rows() as written:
            addendum = services.referral_add_addendum(
                actor=cast.carl, referral=cast.waiting_emil, text="Nu også udredt."
            )
        stored = ReferralAddendum.objects.get(pk=addendum.pk)
        assert (stored.referral, stored.author, stored.text) == (
            cast.waiting_emil,
            cast.carl,
            "Nu også udredt.",
        )
        assert stored.municipality == cast.ishoj
        [row] = written
        assert row.object_type == "referraladdendum"
        assert row.changes == {"addendum": {"before": None, "after": "•••"}}


def _decision(cast, child, **fields):
    """A decision row as the committee leaves it (the services' own rules are tested above)."""
    return Decision.objects.create(
        municipality=cast.ishoj,
        child=child,
        offer=fields.pop("offer", Offer.SUPPORT_PEDAGOGUE),
        outcome=fields.pop("outcome", Decision.Outcome.GRANTED),
        category=fields.pop("category", "motor"),
        reasons="Begrundelse",
        legal_basis=cast.legal_basis,
        decided_by=cast.alice,
        contact_person=cast.alice,
        **fields,
    )


@pytest.fixture
def earlier_period(cast):
    """The period before the cast's, registered after it."""
    return VisitationPeriod.objects.create(
        municipality=cast.ishoj,
        start=datetime.date(2025, 4, 1),
        end=datetime.date(2026, 3, 31),
        support_places=5,
    )


class TestTheReferralsTable:
    def test_only_submitted_referrals_to_a_support_pedagogue_are_counted(self, cast):
        # Emil's submitted referral is for a group place and his draft is not submitted; Mia's
        # referral (the cast) never went through the form. Mia's grant is counted.
        assert build_table("referrals", cast.ishoj).rows == [["2026/27", 0, 1, 0, 0]]
        Referral.objects.filter(pk=cast.waiting_emil.pk).update(offer=Offer.SUPPORT_PEDAGOGUE)
        assert build_table("referrals", cast.ishoj).rows == [["2026/27", 1, 1, 0, 0]]

    def test_periods_are_listed_by_start_and_a_quiet_one_shows_nothing(self, cast, earlier_period):
        assert build_table("referrals", cast.ishoj).rows == [
            ["2025/26", 0, 0, 0, 0],
            ["2026/27", 0, 1, 0, 0],
        ]
        assert build_table("referrals", cast.ishoj, year_to=2025).rows == [["2025/26", 0, 0, 0, 0]]
        assert build_table("referrals", cast.ishoj, year_from=2026).rows == [
            ["2026/27", 0, 1, 0, 0]
        ]

    def test_a_child_granted_twice_is_one_child_and_only_first_refusals_count(self, cast):
        _decision(cast, cast.mia, kind=Decision.Kind.REASSESSMENT, period=cast.period)
        _decision(cast, cast.emil, outcome=Decision.Outcome.REFUSED, decided_on=TODAY)
        # Neither a refused re-assessment nor a refused group place is a refused referral.
        _decision(
            cast,
            cast.mia,
            kind=Decision.Kind.REASSESSMENT,
            outcome=Decision.Outcome.REFUSED,
            decided_on=TODAY,
        )
        _decision(
            cast,
            cast.emil,
            offer=Offer.RESOURCE_GROUP_PLACE,
            outcome=Decision.Outcome.REFUSED,
            decided_on=TODAY,
        )
        assert build_table("referrals", cast.ishoj).rows == [["2026/27", 0, 1, 1, 0]]

    def test_the_institutions_chosen_decide_whose_referrals_count(self, cast):
        Referral.objects.filter(pk=cast.waiting_emil.pk).update(offer=Offer.SUPPORT_PEDAGOGUE)
        _decision(cast, cast.emil, outcome=Decision.Outcome.REFUSED, decided_on=TODAY)
        elverhoej = build_table("referrals", cast.ishoj, institutions=[cast.elverhoej])
        assert elverhoej.rows == [["2026/27", 1, 0, 1, 0]]
        boegely = build_table("referrals", cast.ishoj, institutions=[cast.boegely])
        assert boegely.rows == [["2026/27", 0, 1, 0, 0]]


class TestTheCategoriesTable:
    def test_a_childs_latest_grant_in_the_period_gives_its_category(self, cast):
        # Registered after Mia's grant (the cast, contact/behaviour) but decided before it.
        _decision(cast, cast.mia, period=cast.period, decided_on=datetime.date(2026, 5, 1))
        assert build_table("support-categories", cast.ishoj).rows == [
            ["2026/27", 0, 1, 0, 0, 0, 0, 1]
        ]

    def test_the_institutions_and_years_chosen_decide_what_is_counted(self, cast, earlier_period):
        assert build_table("support-categories", cast.ishoj).rows == [
            ["2025/26", 0, 0, 0, 0, 0, 0, 0],
            ["2026/27", 0, 1, 0, 0, 0, 0, 1],
        ]
        assert build_table("support-categories", cast.ishoj, year_to=2025).rows == [
            ["2025/26", 0, 0, 0, 0, 0, 0, 0]
        ]
        chosen = build_table(
            "support-categories", cast.ishoj, year_from=2026, institutions=[cast.elverhoej]
        )
        assert chosen.rows == [["2026/27", 0, 0, 0, 0, 0, 0, 0]]


class TestTheReassessmentsTable:
    def test_overdue_is_before_today_and_due_soon_is_today_to_60_days_ahead(self, cast):
        for days in (-1, 0, 60, 61):
            _decision(cast, cast.emil, reassessment_due=TODAY + datetime.timedelta(days=days))
        # Mia's grant (the cast) is due next August: in force, neither overdue nor soon.
        assert build_table("reassessments", cast.ishoj).rows == [
            ["Støttepædagog", 5, 1, 2],
            ["Plads i ressourcegruppe/minigruppe", 0, 0, 0],
        ]

    def test_only_the_institutions_chosen_are_counted(self, cast):
        _decision(cast, cast.emil, reassessment_due=TODAY)
        table = build_table("reassessments", cast.ishoj, institutions=[cast.elverhoej])
        assert table.rows == [
            ["Støttepædagog", 1, 0, 1],
            ["Plads i ressourcegruppe/minigruppe", 0, 0, 0],
        ]

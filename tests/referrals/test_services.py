"""Every referral and visitation service records its change with exactly one audit entry, in the
same transaction, naming who made it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inklusio.audit.models import AuditEntry
from inklusio.referrals import services
from inklusio.referrals.models import Decision, Offer
from tests.conftest import TODAY, saved_version

pytestmark = pytest.mark.django_db

SOON = TODAY + datetime.timedelta(days=7)


def _decide(cast, **extra):
    return services.decision_record(
        actor=cast.alice,
        child=cast.emil,
        referral=cast.waiting_emil,
        outcome=Decision.Outcome.REFUSED,
        offer=Offer.SUPPORT_PEDAGOGUE,
        reasons="Behovet dækkes af ressourcefunktionen",
        legal_basis=cast.legal_basis,
        **extra,
    )


def _requeue(cast):
    """Emil's referral off the list and Bøgely's group full, so it may be put in line again."""
    from inklusio.organisation.models import ResourceGroup

    ResourceGroup.objects.filter(pk=cast.group_boegely.pk).update(places=0)
    cast.queued_emil.delete()
    return cast.waiting_emil


STEPS = {
    "referral_save": lambda cast: services.referral_save(
        actor=cast.carl,
        child=cast.emil,
        referral=cast.draft_emil,
        data={"description": "Taler nu lidt mere."},
        expected_version=saved_version(cast.draft_emil),
    ),
    "referral_submit": lambda cast: services.referral_submit(
        actor=cast.carl,
        referral=services.referral_save(
            actor=cast.carl,
            child=cast.emil,
            referral=cast.draft_emil,
            data={"consent_by": "Mor", "consent_date": TODAY, "consent_method": "written"},
            expected_version=saved_version(cast.draft_emil),
        ),
    ),
    "referral_add_addendum": lambda cast: services.referral_add_addendum(
        actor=cast.carl, referral=cast.waiting_emil, text="Nu også udredt."
    ),
    "attachment_add": lambda cast: services.attachment_add(
        actor=cast.carl,
        referral=cast.waiting_emil,
        upload=SimpleUploadedFile("u.pdf", b"%PDF-1.7 udtalelse"),
    ),
    "period_create": lambda cast: services.period_create(
        actor=cast.alice, start_year=2027, support_places=7
    ),
    "legal_basis_add": lambda cast: services.legal_basis_add(
        actor=cast.alice, title="Servicelovens § 11", text="Tidlig indsats."
    ),
    "committee_meeting_create": lambda cast: services.committee_meeting_create(
        actor=cast.alice, date=SOON
    ),
    "decision_record": _decide,
    "decision_end": lambda cast: services.decision_end(
        actor=cast.alice,
        decision=cast.decision_mia,
        kind=Decision.Kind.END,
        reasons="Mia starter i skole",
        legal_basis=cast.legal_basis,
        end_on=SOON,
    ),
    "reassessment_record": lambda cast: services.reassessment_record(
        actor=cast.alice,
        decision=cast.decision_mia,
        outcome=Decision.Outcome.ENDED,
        reasons="Behovet er dækket",
        legal_basis=cast.legal_basis,
    ),
    "decision_mark_placed": lambda cast: services.decision_mark_placed(
        actor=cast.alice, decision=cast.decision_mia, placed_on=TODAY
    ),
    "letter_issue": lambda cast: services.letter_issue(
        actor=cast.alice, decision=cast.decision_mia
    ),
    "letter_mark_sent": lambda cast: services.letter_mark_sent(
        actor=cast.alice,
        letter=services.letter_issue(actor=cast.alice, decision=cast.decision_mia),
        sent_on=TODAY,
    ),
    "appeal_register": lambda cast: services.appeal_register(
        actor=cast.alice,
        decision=cast.decision_mia,
        received_on=TODAY,
        text="Vi er uenige",
        owner=cast.alice,
    ),
    "appeal_uphold": lambda cast: services.appeal_uphold(
        actor=cast.alice, appeal=cast.appeal_mia, on=TODAY, reasons="Fastholdes"
    ),
    "appeal_change": lambda cast: services.appeal_change(
        actor=cast.alice,
        appeal=cast.appeal_mia,
        outcome=Decision.Outcome.REFUSED,
        offer=Offer.SUPPORT_PEDAGOGUE,
        reasons="Efter klagen",
        legal_basis=cast.legal_basis,
    ),
    "waiting_list_add": lambda cast: services.waiting_list_add(
        actor=cast.alice,
        referral=_requeue(cast),
        offer=Offer.RESOURCE_GROUP_PLACE,
        resource_group=cast.group_boegely,
    ),
    "waiting_list_move": lambda cast: services.waiting_list_move(
        actor=cast.alice, entry=cast.queued_emil, position=1, reason="Akut behov"
    ),
    "waiting_list_remove": lambda cast: services.waiting_list_remove(
        actor=cast.alice, entry=cast.queued_emil, reason="Trukket tilbage"
    ),
    "referral_withdraw": lambda cast: services.referral_withdraw(
        actor=cast.carl, referral=cast.waiting_emil, reason="Familien er flyttet"
    ),
}
# Steps that call another service first to set the scene: that one's entry is not counted.
SCENE_ENTRIES = {"referral_submit": 1, "letter_mark_sent": 1}


@pytest.mark.parametrize("name", sorted(STEPS))
def test_each_service_writes_exactly_one_audit_entry(cast, name):
    before = AuditEntry.objects.count()
    STEPS[name](cast)
    written = AuditEntry.objects.count() - before - SCENE_ENTRIES.get(name, 0)
    assert written == 1
    assert AuditEntry.objects.order_by("-pk").first().actor == (
        cast.carl if name.startswith(("referral", "attachment")) else cast.alice
    )


def test_every_service_is_covered():
    public = {name for name in services.__all__ if name[0].islower()}
    helpers = {"case_bundle", "decision_sentence", "letter_context", "reassessment_due"}
    assert public - helpers - {"sniff_upload"} == set(STEPS)


def test_a_draft_with_an_attachment_records_the_draft_and_the_file(cast):
    before = AuditEntry.objects.count()
    services.referral_save(
        actor=cast.carl,
        child=cast.emil,
        data={"offer": Offer.RESOURCE_COURSE, "category": "speech_language"},
        upload=SimpleUploadedFile("u.pdf", b"%PDF-1.7 udtalelse"),
    )
    new = AuditEntry.objects.order_by("pk")[before:]
    assert sorted(e.object_type for e in new) == ["referral", "referralattachment"]


def test_a_stored_file_is_removed_when_recording_the_attachment_fails(cast, monkeypatch):
    """The file lands before its record; if the record (or its log entry) cannot be written,
    no file is left behind under a name no record holds."""
    from inklusio.core.storage import private_storage
    from inklusio.referrals.models import ReferralAttachment
    from inklusio.referrals.services import referrals as referral_services

    def log_unavailable(**kwargs):
        raise ConnectionError("audit log unavailable")

    _dirs, files_before = private_storage.listdir("referrals")
    monkeypatch.setattr(referral_services, "audit_record", log_unavailable)
    with pytest.raises(ConnectionError):
        services.attachment_add(
            actor=cast.carl,
            referral=cast.waiting_emil,
            upload=SimpleUploadedFile("u.pdf", b"%PDF-1.7 udtalelse"),
        )
    _dirs, files_after = private_storage.listdir("referrals")
    assert files_after == files_before
    assert not ReferralAttachment.objects.filter(referral=cast.waiting_emil).exists()

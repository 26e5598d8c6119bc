"""Referrals (indstillinger): drafts, submitting, additions and attachments."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, overload

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from inklusio.audit.edits import refuse_outdated
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.children.models import DAYCARE_LEAVING_AGE, Child
from inklusio.core.storage import private_storage
from inklusio.people.models import User
from inklusio.referrals.errors import (
    AttachmentRejected,
    ConsentMissing,
    InvalidInput,
    NotAllowedNow,
)
from inklusio.referrals.models import Offer, Referral, ReferralAddendum, ReferralAttachment

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    Upload = UploadedFile[bytes]

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Recognised by their first bytes, not by the name the browser sends.
ALLOWED_SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}
REFERRAL_FIELDS = list(Referral.EDITABLE_FIELDS)


def sniff_upload(upload: Upload, *, field: str = "attachment") -> tuple[str, str]:
    """The real type of an uploaded file from its first bytes; refuses anything else."""
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        # Rounded up, so a file just over the limit never reads as "10,0 MB".
        tenths_of_mb = -(-size * 10 // (1024 * 1024))
        raise AttachmentRejected(
            _("Filen fylder %(size)s MB; den må højst fylde 10 MB.")
            % {"size": number_format(tenths_of_mb / 10, 1)},
            field=field,
        )
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in ALLOWED_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise AttachmentRejected(_("Kun PDF-, PNG- og JPEG-filer kan vedhæftes."), field=field)


def _check_referral(data: dict[str, Any]) -> None:
    consent_date = data.get("consent_date")
    if consent_date and consent_date > timezone.localdate():
        raise InvalidInput(_("Samtykket kan ikke være givet i fremtiden."), field="consent_date")
    if data.get("offer") == Offer.RESOURCE_GROUP_PLACE and not data.get("resource_group"):
        raise InvalidInput(
            _("Vælg den ressourcegruppe, der indstilles til."), field="resource_group"
        )


def _check_child_may_be_referred(child: Child, data: dict[str, Any]) -> None:
    """A new referral is for a child in daycare, of daycare age, and not a second open referral
    of the same kind without a word about why. Called under the child's row lock."""
    today = timezone.localdate()
    if child.left_on is not None and child.left_on <= today:
        raise InvalidInput(
            _("%(name)s gik ud af dagtilbuddet den %(day)s og kan ikke indstilles.")
            % {"name": child.full_name, "day": date_format(child.left_on, "j.n.Y")},
            field="child",
        )
    age = child.age_on(today)
    if age >= DAYCARE_LEAVING_AGE:
        raise InvalidInput(
            _("%(name)s er %(age)s år; kun børn i dagtilbudsalderen (0–6 år) kan indstilles.")
            % {"name": child.full_name, "age": age},
            field="child",
        )
    open_same_kind = Referral.objects.filter(
        child=child, offer=data.get("offer"), status__in=Referral.OPEN_STATUSES
    ).first()
    if open_same_kind is not None and not data.get("duplicate_reason", "").strip():
        raise InvalidInput(
            _(
                "%(name)s har allerede en åben indstilling om %(offer)s (oprettet %(day)s). "
                "Skriv hvorfor der skal endnu en, eller fortsæt med den, der er."
            )
            % {
                "name": child.full_name,
                "offer": open_same_kind.get_offer_display().lower(),
                "day": date_format(timezone.localtime(open_same_kind.created_at), "j.n.Y"),
            },
            field="duplicate_reason",
        )


@overload
def referral_save(
    *,
    actor: User,
    child: Child,
    data: dict[str, Any],
    referral: None = None,
    expected_version: None = None,
    upload: Upload | None = None,
) -> Referral: ...


@overload
def referral_save(
    *,
    actor: User,
    child: Child,
    data: dict[str, Any],
    referral: Referral,
    expected_version: int,
    upload: Upload | None = None,
) -> Referral: ...


def referral_save(
    *,
    actor: User,
    child: Child,
    data: dict[str, Any],
    referral: Referral | None = None,
    expected_version: int | None = None,
    upload: Upload | None = None,
) -> Referral:
    """Create or change a draft referral (with an optional attachment); a submitted one is
    locked. Consent cannot lie in the future; a group place names the group. A change says
    which version of the referral it started from (`expected_version`): one saved meanwhile
    refuses it (EditConflict); a new referral has none."""
    _check_referral(data)
    kind = sniff_upload(upload) if upload is not None else None
    with transaction.atomic():
        if referral is None:
            # Two people referring the same child at once are served one after the other.
            _check_child_may_be_referred(Child.objects.select_for_update().get(pk=child.pk), data)
            referral = Referral(
                municipality_id=child.municipality_id, child=child, referred_by=actor
            )
            before: dict[str, Any] = {}
        else:
            if expected_version is None:
                # Without it the change could not be checked against one saved meanwhile.
                raise TypeError("referral_save() changing a referral needs its expected_version")
            referral = Referral.objects.select_for_update().get(pk=referral.pk)
            if referral.is_locked:
                raise NotAllowedNow(
                    _("Indstillingen er indsendt og kan ikke længere ændres; skriv en tilføjelse.")
                )
            refuse_outdated(referral, expected_version)
            before = snapshot(referral, REFERRAL_FIELDS)
            referral.version = F("version") + 1
        for name in REFERRAL_FIELDS:
            if name in data:
                setattr(referral, name, data[name])
        if referral.offer != Offer.RESOURCE_GROUP_PLACE:
            referral.resource_group = None
        referral.save()
        referral.refresh_from_db()
        changes = diff(before, snapshot(referral, REFERRAL_FIELDS))
        if before:
            # The version lets a later, outdated save be told what changed (`changes_since`).
            changes["version"] = {"before": referral.version - 1, "after": referral.version}
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE if before else AuditAction.CREATE,
            obj=referral,
            child=child,
            changes=changes,
        )
        # The consent fields are logged above, with the referral; the record they keep is the
        # referral consent, the one place that says whether consent is in force.
        _paper_consent_keep(actor=actor, referral=referral)
        if upload is not None and kind is not None:
            # The attachment is its own object with its own audit entry, in the same transaction.
            _attachment_store(actor=actor, referral=referral, upload=upload, kind=kind)
    return referral


def _paper_consent_wording(referral: Referral) -> str:
    return _("Samtykke til indstilling om %(offer)s for %(child)s, givet %(method)s.") % {
        "offer": referral.get_offer_display().lower(),
        "child": referral.child.full_name,
        "method": referral.get_consent_method_display().lower(),
    }


def _paper_consent_keep(*, actor: User, referral: Referral) -> None:
    """Keep the referral consent recorded from the form's fields in step with them (part of
    `referral_save`, whose audit row names the fields). A consent the guardians withdrew stays
    withdrawn: only new fields (another giver or day) record a new consent."""
    from inklusio.meetings.models import DiscussionConsent

    latest = (
        DiscussionConsent.objects.filter(referral=referral, source=DiscussionConsent.Source.STAFF)
        .order_by("-pk")
        .first()
    )
    if not referral.has_paper_consent:
        if latest is not None and latest.withdrawn_on is None:
            latest.delete()  # a draft's consent fields emptied: the record was a mistake
        return
    fields = {
        "given_by": referral.consent_by,
        "given_on": referral.consent_date,
        "note": referral.get_consent_method_display(),
        "wording": _paper_consent_wording(referral),
    }
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        return
    if latest is not None and latest.withdrawn_on is None:
        DiscussionConsent.objects.filter(pk=latest.pk).update(**fields)
        return
    DiscussionConsent.objects.create(
        municipality_id=referral.municipality_id,
        child_id=referral.child_id,
        scope=DiscussionConsent.Scope.REFERRAL,
        referral=referral,
        source=DiscussionConsent.Source.STAFF,
        recorded_by=actor,
        **fields,
    )


def referral_submit(*, actor: User, referral: Referral) -> Referral:
    """Submit to the visitation committee; only with recorded parental consent."""
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.is_locked:
            raise NotAllowedNow(_("Indstillingen er allerede indsendt."))
        if not referral.has_consent:
            raise ConsentMissing(
                _(
                    "Indstillingen kan ikke indsendes uden forældrenes samtykke: "
                    "angiv hvem der gav samtykke, hvornår og hvordan, eller bed forældrene "
                    "give det i Inklusio. Et samtykke, der er trukket tilbage, gælder ikke."
                )
            )
        referral.status = Referral.Status.SUBMITTED
        referral.submitted_at = timezone.now()
        referral.save(update_fields=["status", "submitted_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=referral,
            child=referral.child,
            changes={"status": {"before": "draft", "after": "submitted"}},
        )
    return referral


def referral_withdraw(*, actor: User, referral: Referral, reason: str) -> Referral:
    """Withdraw a draft, or a submitted referral the committee has not decided yet: the
    referral is kept as "Trukket tilbage" with who, when and why (a withdrawn case must still
    be explainable to the committee and the guardians); it leaves the waiting list in the same
    transaction. A submitted referral needs a reason, since the committee may be preparing it.
    After a decision nothing is withdrawn: the decision is ended or appealed instead."""
    from inklusio.referrals.models import WaitingListEntry
    from inklusio.referrals.services.waiting import _queue, _renumber

    reason = reason.strip()
    with transaction.atomic():
        locked: Referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status not in Referral.WITHDRAWABLE_STATUSES:
            raise NotAllowedNow(
                _(
                    "Indstillingen er %(status)s og kan ikke trækkes tilbage. Efter en afgørelse "
                    "bringes et tilbud til ophør, eller afgørelsen ændres efter klage."
                )
                % {"status": locked.get_status_display().lower()}
            )
        if locked.status == Referral.Status.SUBMITTED and not reason:
            raise InvalidInput(
                _("Skriv, hvorfor indstillingen trækkes tilbage; udvalget får begrundelsen."),
                field="reason",
            )
        before = locked.status
        locked.status = Referral.Status.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.withdrawal_reason = reason
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        left_queue = []
        for entry in WaitingListEntry.objects.select_for_update().filter(
            referral=locked, status=WaitingListEntry.Status.WAITING
        ):
            queue = _queue(entry)
            entry.status = WaitingListEntry.Status.REMOVED
            entry.removed_on = timezone.localdate()
            entry.removed_reason = _("Indstillingen er trukket tilbage.")
            entry.save(update_fields=["status", "removed_on", "removed_reason"])
            _renumber([e for e in queue if e.pk != entry.pk])
            left_queue.append(str(entry.public_id))
        changes: dict[str, Any] = {
            "status": {"before": before, "after": Referral.Status.WITHDRAWN.value},
            "reason": reason,
        }
        if left_queue:
            changes["waiting_list"] = {"before": left_queue, "after": None}
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            child=locked.child,
            changes=changes,
        )
    return locked


def referral_add_addendum(*, actor: User, referral: Referral, text: str) -> ReferralAddendum:
    """A submitted referral is not changed; what comes later is added, with its author."""
    if not text.strip():
        raise InvalidInput(_("Skriv tilføjelsen, før du gemmer."), field="text")
    with transaction.atomic():
        addendum = ReferralAddendum.objects.create(
            municipality_id=referral.municipality_id, referral=referral, author=actor, text=text
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=referral,
            child=referral.child,
            object_type="referraladdendum",
            changes={"addendum": {"before": None, "after": text[:500]}},
        )
    return addendum


def _attachment_store(
    *, actor: User, referral: Referral, upload: Upload, kind: tuple[str, str]
) -> ReferralAttachment:
    content_type, extension = kind
    # A random stored name: the browser's file name never reaches the file system.
    stored = private_storage.save(f"referrals/{uuid.uuid4().hex}.{extension}", upload)
    try:
        with transaction.atomic():
            attachment = ReferralAttachment.objects.create(
                municipality_id=referral.municipality_id,
                referral=referral,
                stored_name=stored,
                original_name=(upload.name or "bilag")[:200],
                content_type=content_type,
                size=upload.size or 0,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=attachment,
                child=referral.child,
                changes={"attachment": {"before": None, "after": attachment.original_name}},
            )
    except Exception:
        private_storage.delete(stored)
        raise
    return attachment


def attachment_add(
    *, actor: User, referral: Referral, upload: Upload, field: str = "attachment"
) -> ReferralAttachment:
    """Only PDF, PNG and JPEG up to 10 MB, recognised by their content, stored under a random
    name."""
    kind = sniff_upload(upload, field=field)
    return _attachment_store(actor=actor, referral=referral, upload=upload, kind=kind)

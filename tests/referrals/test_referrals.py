"""Referrals as an institution leader and a partner write them: drafts, consent, locking,
additions and attachments."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.core.storage import private_storage
from inklusio.referrals.models import Offer, Referral
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

# A resource course: Emil (the cast) already has open referrals for the two other offers.
DRAFT = {
    "offer": Offer.RESOURCE_COURSE,
    "category": "speech_language",
    "description": "Emil taler kun i korte sætninger og trækker sig fra legen.",
    "tried": "Billedstøtte og sprogleg i lille gruppe.",
}


def test_a_leader_saves_a_draft_for_a_child_in_their_institution(cast, client_for):
    client = client_for(cast.carl)
    response = client.post(reverse("referral-create"), {**DRAFT, "child": cast.emil.pk})
    referral = Referral.objects.exclude(pk__in=[cast.draft_emil.pk, cast.waiting_emil.pk]).get(
        child=cast.emil
    )
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert referral.status == Referral.Status.DRAFT and referral.referred_by == cast.carl
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="referral", child_id=cast.emil.public_id
    ).exists()


def test_a_leader_cannot_refer_a_child_from_another_institution(cast, client_for):
    response = client_for(cast.carl).post(
        reverse("referral-create"), {**DRAFT, "child": cast.mia.pk}
    )
    assert response.status_code == 200
    assert "child" in response.context["form"].errors
    assert not Referral.objects.filter(child=cast.mia, referred_by=cast.carl).exists()


def test_a_half_filled_referral_keeps_what_was_typed_and_says_what_is_missing(cast, client_for):
    response = client_for(cast.carl).post(
        reverse("referral-create"),
        {
            "child": cast.emil.pk,
            "offer": Offer.RESOURCE_GROUP_PLACE,
            "description": "Halvt skrevet",
        },
    )
    form = response.context["form"]
    assert "category" in form.errors
    assert "Halvt skrevet" in response.content.decode()


def test_a_group_place_names_the_group_by_the_field_and_the_text_is_kept(cast, client_for):
    response = client_for(cast.carl).post(
        reverse("referral-create"),
        {**DRAFT, "child": cast.emil.pk, "offer": Offer.RESOURCE_GROUP_PLACE},
    )
    assert response.context["form"].errors["resource_group"] == [
        "Vælg den ressourcegruppe, der indstilles til."
    ]
    assert DRAFT["description"] in response.content.decode()
    assert not Referral.objects.filter(child=cast.emil, offer=Offer.RESOURCE_GROUP_PLACE).exclude(
        pk__in=[cast.draft_emil.pk, cast.waiting_emil.pk]
    )


def test_consent_in_the_future_is_refused(cast, client_for):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client_for(cast.carl).post(
        reverse("referral-edit", args=[cast.draft_emil.public_id]),
        {
            **DRAFT,
            "consent_by": "Mor",
            "consent_date": tomorrow,
            "consent_method": "written",
            "version": cast.draft_emil.version,
        },
    )
    assert response.context["form"].errors["consent_date"] == [
        "Samtykket kan ikke være givet i fremtiden."
    ]


def test_submitting_needs_the_guardians_consent(cast, client_for):
    client = client_for(cast.carl)
    url = reverse("referral-submit", args=[cast.draft_emil.public_id])
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "uden forældrenes samtykke" in response.content.decode()
    cast.draft_emil.refresh_from_db()
    assert cast.draft_emil.status == Referral.Status.DRAFT

    client.post(
        reverse("referral-edit", args=[cast.draft_emil.public_id]),
        {
            **DRAFT,
            "consent_by": "Emils mor",
            "consent_date": "2026-11-01",
            "consent_method": "digital",
            "version": cast.draft_emil.version,
        },
    )
    client.post(url, {"confirm": "yes"})
    cast.draft_emil.refresh_from_db()
    assert cast.draft_emil.status == Referral.Status.SUBMITTED
    assert cast.draft_emil.submitted_at is not None


def test_a_submitted_referral_is_locked_and_grows_only_by_additions(cast, client_for):
    referral = cast.waiting_emil
    client = client_for(cast.carl)
    assert client.get(reverse("referral-edit", args=[referral.public_id])).status_code == 404
    client.post(
        reverse("referral-addendum", args=[referral.public_id]),
        {"text": "Emil er nu også udredt af talepædagogen."},
    )
    referral.refresh_from_db()
    assert referral.description == "Har brug for en lille gruppe."
    assert [a.text for a in referral.addenda.all()] == ["Emil er nu også udredt af talepædagogen."]
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Emil er nu også udredt af talepædagogen." in page


def test_an_addition_that_is_too_long_is_refused_and_the_typing_kept(cast, client_for):
    client = client_for(cast.carl)
    typed = "Ny udtalelse fra psykologen. " + "x" * 5000
    response = client.post(
        reverse("referral-addendum", args=[cast.waiting_emil.public_id]),
        {"text": typed},
        follow=True,
    )
    form = response.context["addendum_form"]
    assert form.data["text"] == typed
    assert "5000 tegn" in form.errors["text"][0]
    assert not cast.waiting_emil.addenda.exists()
    # Opened again, the form is empty: the typing is kept for the one page it was refused on.
    assert client.get(cast.waiting_emil.get_absolute_url()).context["addendum_form"].data == {}


def test_a_stale_draft_edit_is_refused_and_the_typing_kept(cast, client_for):
    referral = cast.draft_emil
    opened_version = referral.version
    client = client_for(cast.carl)
    client.post(
        reverse("referral-edit", args=[referral.public_id]),
        {**DRAFT, "description": "Første rettelse", "version": opened_version},
    )
    response = client.post(
        reverse("referral-edit", args=[referral.public_id]),
        {**DRAFT, "description": "Anden rettelse fra en gammel fane", "version": opened_version},
    )
    assert response.status_code == 200
    assert "Nogen har gemt ændringer, mens du redigerede" in response.content.decode()
    assert "Anden rettelse fra en gammel fane" in response.content.decode()
    referral.refresh_from_db()
    assert referral.description == "Første rettelse"


class TestAttachments:
    def upload(self, client, referral, name, content):
        return client.post(
            reverse("referral-attachment", args=[referral.public_id]),
            {"file": SimpleUploadedFile(name, content)},
            follow=True,
        )

    def test_a_pdf_is_stored_outside_the_web_root_under_a_random_name(self, cast, client_for):
        client = client_for(cast.carl)
        self.upload(client, cast.waiting_emil, "../../udtalelse.pdf", b"%PDF-1.7 en udtalelse")
        attachment = cast.waiting_emil.attachments.get()
        assert attachment.original_name.endswith("udtalelse.pdf")
        assert ".." not in attachment.stored_name and attachment.stored_name.endswith(".pdf")
        assert private_storage.exists(attachment.stored_name)
        response = client.get(reverse("attachment-download", args=[attachment.public_id]))
        assert b"".join(response.streaming_content) == b"%PDF-1.7 en udtalelse"
        assert AuditEntry.objects.filter(
            action=AuditAction.EXPORT, object_type="referralattachment"
        ).exists()

    def test_a_program_disguised_as_a_pdf_is_refused(self, cast, client_for):
        response = self.upload(client_for(cast.carl), cast.waiting_emil, "bilag.pdf", b"MZ\x90\x00")
        assert "Kun PDF-, PNG- og JPEG-filer kan vedhæftes." in response.content.decode()
        assert not cast.waiting_emil.attachments.exists()

    def test_a_file_over_10_mb_is_refused(self, cast, client_for):
        big = b"%PDF-1.7" + b"0" * (10 * 1024 * 1024)
        response = self.upload(client_for(cast.carl), cast.waiting_emil, "stor.pdf", big)
        assert "Filen fylder 10,1 MB; den må højst fylde 10 MB." in response.content.decode()
        assert not cast.waiting_emil.attachments.exists()

    def test_someone_without_access_to_the_referral_cannot_fetch_its_attachment(
        self, cast, client_for
    ):
        url = reverse("attachment-download", args=[cast.attachment_mia.public_id])
        assert client_for(cast.carl).get(url).status_code == 404
        assert client_for(cast.gert).get(url).status_code == 404


def test_the_childs_page_shows_the_case_history_to_those_who_may_see_it(cast, client_for):
    page = client_for(cast.gert).get(cast.mia.get_absolute_url()).content.decode()
    assert cast.decision_mia.get_absolute_url() in page
    # The referral itself (the institution's and the psychologist's text) is not the parents'.
    assert cast.referral_mia.get_absolute_url() not in page
    page = client_for(cast.alice).get(cast.mia.get_absolute_url()).content.decode()
    assert cast.referral_mia.get_absolute_url() in page


def test_the_childs_page_dates_a_referral_by_the_day_it_was_sent(cast, client_for):
    """As the committee's list ("Indsendt") and the search do; a draft by the day it was
    begun. The page showed the day the draft was begun even for a referral sent long after."""
    sent = TODAY - datetime.timedelta(days=90)
    Referral.objects.filter(pk=cast.referral_mia.pk).update(
        created_at=datetime.datetime.combine(
            sent - datetime.timedelta(days=30), datetime.time(10), tzinfo=datetime.UTC
        ),
        submitted_at=datetime.datetime.combine(sent, datetime.time(10), tzinfo=datetime.UTC),
    )

    def line(child, referral):
        page = client_for(cast.alice).get(child.get_absolute_url()).content.decode()
        start = page.index(f'<li><a href="{referral.get_absolute_url()}">')
        return page[start : page.index("</li>", start)]

    assert line(cast.mia, cast.referral_mia).endswith(f" · {sent.day}.{sent.month}.{sent.year}")
    begun = cast.draft_emil.created_at.date()
    assert line(cast.emil, cast.draft_emil).endswith(f" · {begun.day}.{begun.month}.{begun.year}")


def test_a_wrong_attachment_with_the_draft_is_refused_and_the_rest_kept(cast, client_for):
    client = client_for(cast.carl)
    data = {**DRAFT, "child": cast.emil.pk, "description": "Tekst der ikke må gå tabt"}
    response = client.post(
        reverse("referral-create"),
        {**data, "attachment": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")},
    )
    assert response.context["form"].errors["attachment"] == [
        "Kun PDF-, PNG- og JPEG-filer kan vedhæftes."
    ]
    assert "Tekst der ikke må gå tabt" in response.content.decode()
    assert not Referral.objects.filter(description="Tekst der ikke må gå tabt").exists()
    client.post(
        reverse("referral-create"),
        {**data, "attachment": SimpleUploadedFile("u.pdf", b"%PDF-1.7 ok")},
    )
    referral = Referral.objects.get(description="Tekst der ikke må gå tabt")
    assert [a.original_name for a in referral.attachments.all()] == ["u.pdf"]

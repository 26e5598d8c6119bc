"""Creating a child must not work as a CPR existence oracle: a known number is logged for the
administration, answered without naming the case, and rate-limited per user."""

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditEntry
from inklusio.children.models import Child

pytestmark = pytest.mark.django_db


def create(client, cast, cpr, first_name="Nora"):
    return client.post(
        reverse("child-create"),
        {
            "first_name": first_name,
            "last_name": "Nielsen",
            "cpr": cpr,
            "institution": cast.elverhoej.pk,
        },
    )


def test_a_known_cpr_is_logged_and_answered_without_the_case(cast, client_for):
    response = create(client_for(cast.carl), cast, cast.mia.cpr)
    error = " ".join(response.context["form"].errors["cpr"])
    assert "Forvaltningen er underrettet" in error
    assert "Mia" not in error and cast.mia.get_absolute_url() not in error
    entry = AuditEntry.objects.get(actor=cast.carl, search_term="CPR-dublet ved oprettelse")
    assert entry.child_id == cast.mia.public_id
    # The administration reads it in the audit log.
    page = client_for(cast.alice).get(reverse("audit-log")).content.decode()
    assert "CPR-dublet ved oprettelse" in page


def test_known_cprs_are_rate_limited_per_user(cast, client_for, settings):
    settings.CHILD_DUPLICATE_CPR_LIMIT = 3
    client = client_for(cast.carl)
    for _attempt in range(3):
        create(client, cast, cast.mia.cpr)
    response = create(client, cast, "0101224321", first_name="Ny")
    page = response.content.decode()
    assert "for mange gange indtastet et CPR-nummer" in page
    assert not Child.objects.filter(first_name="Ny").exists()
    assert AuditEntry.objects.filter(
        actor=cast.carl, search_term="CPR-dublet: spærret efter for mange forsøg"
    ).exists()
    # Another user is not affected by Carl's limit.
    create(client_for(cast.alice), cast, "0101224321", first_name="Ny")
    assert Child.objects.filter(first_name="Ny").exists()

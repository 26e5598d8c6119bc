"""A read is logged where the page is rendered, once per child it names: a form page opened or
shown again with its errors, a notice above a list whatever the list's filter, an overview
that only counts logs no one, and an address refused logs nothing."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntryChild
from inklusio.plans import services as plan_services
from inklusio.referrals.models import Decision
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

READS = {AuditAction.READ, AuditAction.SEARCH, AuditAction.EXPORT}


def reads_naming(rows, user, child) -> int:
    """How many read entries among `rows` by `user` name `child`."""
    entries = [row.pk for row in rows if row.actor_id == user.pk and row.action in READS]
    return AuditEntryChild.objects.filter(entry__in=entries, child_id=child.public_id).count()


@pytest.mark.parametrize(
    ("view", "blank"), [("plan-meeting-create", {"kind": ""}), ("plan-close", {"evaluation": ""})]
)
@pytest.mark.parametrize("method", ["get", "post with errors"])
def test_a_plans_form_page_logs_the_child_each_time_it_is_shown(
    cast, client_for, view, blank, method
):
    client = client_for(cast.bob)
    url = reverse(view, args=[cast.plan_mia.public_id])
    with new_audit_rows() as rows:
        response = client.get(url) if method == "get" else client.post(url, blank)
    assert response.status_code == 200
    if method != "get":
        assert response.context["form"].errors
    assert cast.plan_mia.title in response.content.decode()
    assert reads_naming(rows, cast.bob, cast.mia) == 1


@pytest.mark.parametrize("query", ["?til=99", "?fra=99", "?til=x"])
def test_a_refused_versions_address_logs_no_read(cast, client_for, query):
    client = client_for(cast.bob)
    url = reverse("plan-versions", args=[cast.plan_mia.public_id])
    with new_audit_rows() as shown:
        assert client.get(url).status_code == 200
    assert reads_naming(shown, cast.bob, cast.mia) == 1
    with new_audit_rows() as refused:
        assert client.get(url + query).status_code == 404
    assert reads_naming(refused, cast.bob, cast.mia) == 0


def test_the_visitation_overview_logs_the_listed_children_once_and_the_counted_none(
    cast, client_for
):
    """Emil's referral is listed; Mia's grant is only counted (not started, re-assessment due
    within the notice period)."""
    Decision.objects.filter(pk=cast.decision_mia.pk).update(
        placed_on=None, reassessment_due=TODAY + datetime.timedelta(days=20)
    )
    Decision.objects.create(
        municipality=cast.ishoj,
        case_number="28.09.08-G01-0002-2026",
        child=cast.emil,
        outcome=Decision.Outcome.GRANTED,
        offer=cast.decision_mia.offer,
        category="speech_language",
        reasons="Behovet kan ikke dækkes af ressourcefunktionen.",
        legal_basis=cast.decision_mia.legal_basis,
        start=TODAY + datetime.timedelta(days=6),
        end=TODAY + datetime.timedelta(days=370),
        period=cast.decision_mia.period,
        meeting=cast.decision_mia.meeting,
        decided_by=cast.alice,
        decided_on=cast.decision_mia.meeting.date,
        contact_person=cast.alice,
        reassessment_due=TODAY + datetime.timedelta(days=340),
    )
    client = client_for(cast.alice)
    with new_audit_rows() as rows:
        page = client.get(reverse("visitation-overview")).content.decode()
    assert cast.emil.full_name in page and cast.mia.full_name not in page
    assert "ikke startet endnu" in page
    assert reads_naming(rows, cast.alice, cast.emil) == 1
    assert reads_naming(rows, cast.alice, cast.mia) == 0


def test_the_plan_lists_notices_are_logged_whatever_the_list_shows(cast, client_for):
    """Gert objected to the agreements of Mia's plan (Bob owns it); Sara has not acknowledged
    them. The list filtered to closed plans is empty, the notices above it name Mia's plan."""
    plan_services.plan_meeting_acknowledge(
        actor=cast.gert, meeting=cast.plan_meeting, answer="objected", comment="Ikke enig"
    )
    closed = reverse("plan-list") + "?status=closed"
    for user in (cast.bob, cast.sara):
        with new_audit_rows() as rows:
            page = client_for(user).get(closed).content.decode()
        assert cast.plan_mia.title in page and cast.mia.full_name not in page
        assert reads_naming(rows, user, cast.mia) == 1


@pytest.mark.parametrize(
    ("user", "view", "logged"),
    [
        ("bob", "plan-list", "handleplaner"),
        ("alice", "visitation-overview", "indstillinger"),
        ("carl", "partner-invitations", "invitationer"),
    ],
)
def test_a_list_opened_as_it_is_logs_all_and_a_filtered_one_its_query(
    cast, client_for, user, view, logged
):
    client = client_for(getattr(cast, user))
    with new_audit_rows() as rows:
        assert client.get(reverse(view)).status_code == 200
        assert client.get(reverse(view) + "?side=1").status_code == 200
    terms = [row.search_term for row in rows if row.action == AuditAction.SEARCH]
    assert f"{logged} (alle)" in terms
    assert f"{logged} ?side=1" in terms
    assert not [term for term in terms if term.endswith("?")]

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation

from inklusio.audit.models import AuditAction, AuditEntry, AuditEntryChild
from inklusio.audit.services import cpr_hash
from tests.conftest import PASSWORD, make_user


def entries_for(child, action):
    return AuditEntry.objects.filter(child_id=child.public_id, action=action)


class TestReadsAreLogged:
    def test_viewing_a_child_creates_exactly_one_read_entry(self, cast, client_for):
        client = client_for(cast.bob)
        response = client.get(
            reverse("child-detail", args=[cast.mia.public_id]), REMOTE_ADDR="10.1.2.3"
        )
        assert response.status_code == 200
        reads = entries_for(cast.mia, AuditAction.READ)
        assert reads.count() == 1
        entry = reads.get()
        assert entry.actor == cast.bob
        assert entry.object_type == "child"
        assert entry.ip_address == "10.1.2.3"
        assert entry.municipality_id == cast.ishoj.pk

    def test_a_read_in_english_is_labelled_in_danish(self, cast, client):
        """The log is the municipality's record, read in Danish: a user who reads the pages in
        English must not write "Granted: …" into it."""
        decision = cast.decision_mia
        with translation.override("da"):
            danish = str(decision)
        with translation.override("en"):
            assert str(decision) != danish
        client.force_login(cast.alice)
        client.cookies["django_language"] = "en"
        assert client.get(decision.get_absolute_url()).status_code == 200
        read = entries_for(cast.mia, AuditAction.READ).get(object_type="decision")
        assert read.object_label == danish
        client.cookies["django_language"] = "da"
        page = client.get(reverse("audit-log")).content.decode()
        assert f"Afgørelse {danish}" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))

    def test_the_log_names_an_objects_type_once(self, cast, client_for):
        """A meeting's own name begins with its kind: the log page does not say it twice."""
        client = client_for(cast.alice)
        meeting = cast.consultative_boegely
        assert client.get(meeting.get_absolute_url()).status_code == 200
        assert client.get(cast.mia.get_absolute_url()).status_code == 200
        page = client.get(reverse("audit-log")).content.decode()
        cells = [" ".join(cell.split()) for cell in re.findall(r"<td>([^<]*)</td>", page)]
        assert str(meeting).startswith("Konsultativt møde ")
        assert str(meeting) in cells
        assert "Konsultativt møde Konsultativt møde" not in page
        assert f"Barn {cast.mia.full_name}" in cells

    def test_a_forbidden_view_is_not_logged_as_a_read(self, cast, client_for):
        client = client_for(cast.carl)
        assert client.get(reverse("child-detail", args=[cast.mia.public_id])).status_code == 404
        assert not entries_for(cast.mia, AuditAction.READ).exists()

    def test_a_search_is_logged_with_its_criterion_and_each_child_shown(self, cast, client_for):
        client_for(cast.alice).post(reverse("child-list"), {"q": "Mia"}, follow=True)
        entry = AuditEntry.objects.get(action=AuditAction.SEARCH, object_type="child")
        assert entry.search_term == "Mia"
        assert entry.changes["results"] == [str(cast.mia.public_id)]
        assert [(link.child_id, link.child_name) for link in entry.children.all()] == [
            (cast.mia.public_id, "Mia Testesen")
        ]

    def test_api_reads_are_logged_like_page_reads(self, cast, client_for):
        client_for(cast.alice).get(f"/api/children/{cast.mia.public_id}")
        assert entries_for(cast.mia, AuditAction.READ).count() == 1


class TestListReadsReachTheChildsLog:
    """ "Who has seen my child?" includes every list and search that showed the child."""

    def test_a_list_read_of_mia_is_found_by_the_audit_search_for_mia(self, cast, client_for):
        client_for(cast.bob).get(reverse("child-list"))  # Bøgely's list: Mia, not Emil
        alice = client_for(cast.alice)
        page = alice.post(reverse("audit-log"), {"child": "Mia"}, follow=True).context["page"]
        lists = [e for e in page if e.action == AuditAction.SEARCH and e.object_type == "child"]
        assert [e.actor for e in lists] == [cast.bob]
        emil = alice.post(reverse("audit-log"), {"child": "Emil"}, follow=True).context["page"]
        assert cast.bob not in [e.actor for e in emil if e.object_type == "child"]

    def test_a_list_read_of_mia_is_in_mias_data_subject_export(self, cast, client_for):
        client_for(cast.bob).get(reverse("child-list"))
        data = client_for(cast.alice).get(reverse("child-export", args=[cast.mia.public_id]))
        log = data.json()["access_log"]
        # When and what kind of access; staff identities are left out of the answer.
        assert {"access": "Søgt", "object_type": "Barn"} in [
            {key: row[key] for key in ("access", "object_type")} for row in log
        ]
        assert "Bob Testesen" not in data.content.decode()

    def test_older_callers_results_become_links_with_names(self, cast, client_for):
        client_for(cast.alice).get(reverse("granted-not-started"))
        entry = AuditEntry.objects.get(
            action=AuditAction.SEARCH, search_term="bevilget-ikke-startet"
        )
        assert list(entry.children.values_list("child_id", "child_name")) == [
            (cast.mia.public_id, "Mia Testesen")
        ]


class TestWritesAreLogged:
    def test_editing_creates_one_change_entry_with_the_changed_fields(self, cast, client_for):
        client = client_for(cast.alice)
        url = reverse("child-edit", args=[cast.emil.public_id])
        form = client.get(url).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data.update(languages="dansk, polsk", category="motor")
        response = client.post(url, data)
        assert response.status_code == 302
        changes = entries_for(cast.emil, AuditAction.CHANGE)
        assert changes.count() == 1
        recorded = changes.get().changes
        assert recorded["languages"] == {"before": "", "after": "dansk, polsk"}
        assert recorded["category"] == {"before": "", "after": "motor"}
        assert "first_name" not in recorded


# Born 12 March 2024 (the 4 in the seventh digit puts a year 00–36 in the 2000s): a daycare child.
SENTINEL_CPR = "120324-4357"
SENTINEL_CPR_2 = "120324-4358"
SENTINEL_TEXT = "SENTINELTEKST om barnets diagnose"


def _everything_in_the_log() -> str:
    rows = [*AuditEntry.objects.values(), *AuditEntryChild.objects.values()]
    return " ".join(str(value) for row in rows for value in row.values())


class TestNoArticle9ContentInTheLog:
    def test_cpr_numbers_and_free_text_never_reach_any_column(self, cast, client_for):
        carl = client_for(cast.carl)
        response = carl.post(
            reverse("child-create"),
            {
                "cpr": SENTINEL_CPR,
                "first_name": "Nora",
                "last_name": "Nielsen",
                "institution": cast.elverhoej.pk,
                "languages": "dansk",
                "category": "attention",
            },
        )
        assert response.status_code == 302
        nora = cast.elverhoej.children.get(first_name="Nora")
        url = reverse("child-edit", args=[nora.public_id])
        form = carl.get(url).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        assert carl.post(url, {**data, "cpr": SENTINEL_CPR_2}).status_code == 302
        response = carl.post(
            reverse("referral-create"),
            {
                "child": nora.pk,
                "offer": "support_pedagogue",
                "category": "speech_language",
                "description": SENTINEL_TEXT + " " + "x" * 2_000_000,
                "tried": SENTINEL_TEXT,
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        carl.post(reverse("child-list"), {"q": SENTINEL_CPR}, follow=True)

        everything = _everything_in_the_log()
        for secret in (SENTINEL_CPR, SENTINEL_CPR_2, "1203244357", "1203244358", "SENTINEL"):
            assert secret not in everything
        # The log still says what happened: the CPR number changed, the referral has a text.
        change = AuditEntry.objects.get(action=AuditAction.CHANGE, object_type="child")
        assert change.changes["cpr"] == {"before": "•••", "after": "•••"}
        referral = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="referral")
        assert referral.changes["description"] == {"before": None, "after": "•••"}
        assert len(str(referral.changes)) < 5000

    def test_hand_built_changes_are_redacted_centrally(self, cast):
        from inklusio.audit.services import audit_record

        entry = audit_record(
            actor=cast.alice,
            action=AuditAction.CHANGE,
            obj=cast.plan_mia,
            child=cast.mia,
            changes={
                "adjustment": {"before": None, "after": "SENTINEL diagnose"},
                "addendum": {"before": None, "after": "SENTINEL tilføjelse"},
                "note": f"forælder til {SENTINEL_CPR}",
                "status": {"before": "open", "after": "closed"},
            },
        )
        assert "SENTINEL" not in str(entry.changes) and SENTINEL_CPR not in str(entry.changes)
        assert entry.changes["status"] == {"before": "open", "after": "closed"}

    def test_public_ids_with_ten_digits_in_a_row_are_kept(self, cast):
        """A UUID such as 1f254559-3434-… looks like a CPR number to a naive pattern."""
        from inklusio.audit.services import audit_record

        lookalike = "1f254559-3434-4de0-8f46-ae82fc0a87cc"
        entry = audit_record(
            actor=cast.alice,
            action=AuditAction.SEARCH,
            object_type="child",
            changes={"results": [lookalike]},
        )
        assert entry.changes["results"] == [lookalike]

    def test_an_administrator_finds_the_searches_for_a_cpr_number(self, cast, client_for):
        client_for(cast.carl).post(reverse("child-list"), {"q": "0201234567"}, follow=True)
        search = AuditEntry.objects.get(action=AuditAction.SEARCH, object_type="child")
        assert search.search_term == cpr_hash("0201234567")
        page = (
            client_for(cast.alice)
            .post(reverse("audit-log"), {"term": "020123-4567"}, follow=True)
            .context["page"]
        )
        assert [e.actor for e in page if e.object_type == "child"] == [cast.carl]


class TestSignInsAndTheLogItselfAreLogged:
    def test_reading_the_audit_log_is_logged_with_its_criteria(self, cast, client_for):
        client_for(cast.alice).post(reverse("audit-log"), {"user": "bob"}, follow=True)
        entry = AuditEntry.objects.get(object_type="auditlog")
        assert entry.actor == cast.alice and entry.action == AuditAction.SEARCH
        assert entry.search_term == "user=bob"

    def test_sign_in_sign_out_and_a_failed_sign_in(self, cast, client):
        assert not client.login(username="bob", password="wrong-" + PASSWORD)
        assert client.login(username="bob", password=PASSWORD)
        client.post(reverse("logout"))
        entries = AuditEntry.objects.filter(object_type="user").order_by("id")
        assert [(e.action, e.actor, e.object_label) for e in entries] == [
            (AuditAction.LOGIN_FAILED, None, "bob"),
            (AuditAction.LOGIN, cast.bob, "bob"),
            (AuditAction.LOGOUT, cast.bob, "bob"),
        ]
        assert all(e.municipality_id == cast.ishoj.pk for e in entries)
        assert "wrong-" not in _everything_in_the_log()

    def test_a_failed_sign_in_under_an_unknown_name_keeps_only_a_hash(self, cast, client):
        assert not client.login(username=PASSWORD, password="x")
        entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
        assert entry.municipality_id is None and entry.actor is None
        assert entry.search_term.startswith("user#")
        assert PASSWORD not in _everything_in_the_log()


class TestUserWithoutMunicipality:
    @pytest.mark.parametrize(
        "page",
        [
            "start",
            "child-list",
            "plan-list",
            "visitation-overview",
            "waiting-list",
            "granted-not-started",
            "reassessment-list",
            "course-overview",
            "consultative-list",
            "planning-overview",
        ],
    )
    def test_pages_that_list_children_answer_without_error(self, cast, client_for, page):
        from inklusio.people.models import Role

        drifter = make_user("drifter", None, Role.ADMINISTRATOR)
        response = client_for(drifter).get(reverse(page))
        assert response.status_code in (200, 404)
        # Whatever was logged is logged outside every municipality and names no child.
        logged = AuditEntry.objects.filter(actor=drifter)
        assert logged.exists() and all(e.municipality_id is None for e in logged)
        assert not AuditEntryChild.objects.filter(entry__in=logged).exists()

    def test_the_audit_log_shows_such_a_user_nothing(self, cast, client_for):
        from inklusio.people.models import Role

        client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
        drifter = make_user("drifter", None, Role.ADMINISTRATOR)
        response = client_for(drifter).get(reverse("audit-log"))
        assert response.status_code == 404 or not list(response.context["page"])


class TestAppendOnly:
    def test_the_application_cannot_change_or_delete_an_entry(self, cast, client_for):
        client_for(cast.alice).get(reverse("child-detail", args=[cast.mia.public_id]))
        entry = AuditEntry.objects.get(action=AuditAction.READ)
        entry.search_term = "tampered"
        with pytest.raises(PermissionDenied):
            entry.save()
        with pytest.raises(PermissionDenied):
            entry.delete()
        with pytest.raises(PermissionDenied):
            AuditEntry.objects.filter(pk=entry.pk).update(search_term="tampered")
        with pytest.raises(PermissionDenied):
            AuditEntry.objects.all().delete()
        link = entry.children.get()
        with pytest.raises(PermissionDenied):
            link.delete()
        with pytest.raises(PermissionDenied):
            AuditEntryChild.objects.all().delete()

    def test_the_base_manager_is_guarded_too(self, cast, client_for):
        client_for(cast.alice).get(reverse("child-detail", args=[cast.mia.public_id]))
        entry = AuditEntry.objects.get(action=AuditAction.READ)
        with pytest.raises(PermissionDenied):
            AuditEntry._base_manager.filter(pk=entry.pk).update(search_term="tampered")
        with pytest.raises(PermissionDenied):
            AuditEntry._base_manager.filter(pk=entry.pk).delete()
        with pytest.raises(PermissionDenied):
            AuditEntryChild._base_manager.all().delete()
        entry.refresh_from_db()
        assert entry.search_term == ""

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
    def test_postgresql_refuses_raw_updates(self, cast, client_for):
        client_for(cast.alice).get(reverse("child-detail", args=[cast.mia.public_id]))
        for statement in (
            "UPDATE audit_auditentry SET search_term = 'x'",
            "DELETE FROM audit_auditentry",
            "UPDATE audit_auditentrychild SET child_name = 'x'",
            "DELETE FROM audit_auditentrychild",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        assert AuditEntry.objects.filter(action=AuditAction.READ).count() == 1


class TestAuditLogSearch:
    def test_administrator_finds_entries_by_child_and_by_user(self, cast, client_for):
        client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
        client_for(cast.carl).get(reverse("child-detail", args=[cast.emil.public_id]))
        client = client_for(cast.alice)
        by_child = client.post(reverse("audit-log"), {"child": "Mia"}, follow=True).context["page"]
        reads = [e.actor for e in by_child if e.action == AuditAction.READ]
        assert reads == [cast.bob]
        assert all(e.child_name == "Mia Testesen" for e in by_child if e.child_name)
        by_user = client.post(reverse("audit-log"), {"user": "carl"}, follow=True).context["page"]
        assert {e.child_name for e in by_user if e.action == AuditAction.READ} == {"Emil Testesen"}

    def test_the_log_shows_only_the_own_municipality(self, cast, client_for):
        client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
        client_for(cast.dora).get(reverse("child-detail", args=[cast.xenia.public_id]))
        page = list(client_for(cast.dora).get(reverse("audit-log")).context["page"])
        # Not vacuous: Dragør's own read of Xenia is there, Ishøj's read of Mia is not.
        assert "Xenia Testesen" in [entry.child_name for entry in page]
        assert all(entry.municipality_id == cast.dragoer.pk for entry in page)
        assert not any(entry.child_name.startswith("Mia") for entry in page)


class TestDataSubjectExport:
    def test_export_holds_the_childs_data_and_is_logged_as_an_export(self, cast, client_for):
        response = client_for(cast.alice).get(reverse("child-export", args=[cast.mia.public_id]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        data = response.json()
        assert data["child"]["cpr"] == "150322-4123"
        assert [g["name"] for g in data["guardians"]] == ["Gert Testesen"]
        assert data["partner_invitations"][0]["reason"] == "Konsultativt møde"
        # Every part of the system that holds data about the child contributes its part.
        assert data["referrals"]["referrals"][0]["description"] == "Svært ved overgange."
        assert data["referrals"]["decisions"][0]["legal_basis"] == "Dagtilbudslovens § 4"
        assert data["courses"]["courses"][0]["course"] == "Legegruppe"
        assert entries_for(cast.mia, AuditAction.EXPORT).count() == 1

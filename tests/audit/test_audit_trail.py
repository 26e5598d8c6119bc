import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry


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

    def test_a_forbidden_view_is_not_logged_as_a_read(self, cast, client_for):
        client = client_for(cast.carl)
        assert client.get(reverse("child-detail", args=[cast.mia.public_id])).status_code == 404
        assert not entries_for(cast.mia, AuditAction.READ).exists()

    def test_a_search_is_logged_with_its_criterion_and_results(self, cast, client_for):
        client_for(cast.alice).get(reverse("child-list"), {"q": "Mia"})
        entry = AuditEntry.objects.get(action=AuditAction.SEARCH)
        assert entry.search_term == "Mia"
        assert entry.changes["results"] == [str(cast.mia.public_id)]

    def test_api_reads_are_logged_like_page_reads(self, cast, client_for):
        client_for(cast.alice).get(f"/api/children/{cast.mia.public_id}")
        assert entries_for(cast.mia, AuditAction.READ).count() == 1


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

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
    def test_postgresql_refuses_raw_updates(self, cast, client_for):
        client_for(cast.alice).get(reverse("child-detail", args=[cast.mia.public_id]))
        for statement in (
            "UPDATE audit_auditentry SET search_term = 'x'",
            "DELETE FROM audit_auditentry",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)


class TestAuditLogSearch:
    def test_administrator_finds_entries_by_child_and_by_user(self, cast, client_for):
        client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
        client_for(cast.carl).get(reverse("child-detail", args=[cast.emil.public_id]))
        client = client_for(cast.alice)
        by_child = client.get(reverse("audit-log"), {"child": "Mia"}).context["page"]
        reads = [e.actor for e in by_child if e.action == AuditAction.READ]
        assert reads == [cast.bob]
        assert all(e.child_name == "Mia Testesen" for e in by_child)
        by_user = client.get(reverse("audit-log"), {"user": "carl"}).context["page"]
        assert {e.child_name for e in by_user} == {"Emil Testesen"}

    def test_the_log_shows_only_the_own_municipality(self, cast, client_for):
        client_for(cast.bob).get(reverse("child-detail", args=[cast.mia.public_id]))
        page = client_for(cast.dora).get(reverse("audit-log")).context["page"]
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

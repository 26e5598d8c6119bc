"""'Ret forælder': correcting a guardian's contact data or relation from the child's page.

Who may is who may add a guardian to the child (the administration, the leader of the child's
institution); the access matrix (tests/core/test_access_matrix.py) runs every role and the
ended relations of Mia's case against it. Here: access that ends by a move, a guardian of
another child, the versioned save and what the audit log and the pages show."""

import pytest
from django.test import Client
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.children.models import Guardian, Guardianship
from tests.audit_rows import children_read, new_audit_rows
from tests.conftest import login


def gert(cast) -> Guardian:
    return Guardian.objects.get(user=cast.gert)


def edit_url(child, guardian) -> str:
    return reverse("guardian-edit", args=[child.public_id, guardian.public_id])


def loaded(client, url) -> dict:
    """The form as opened: every field with the value it shows (hidden version included)."""
    form = client.get(url).context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


@pytest.fixture(autouse=True)
def gert_has_a_phone(cast):
    """A guardian is saved with a way to contact them (as the form asks); the cast's has none."""
    Guardian.objects.filter(user=cast.gert).update(phone="20 30 40 50")


@pytest.fixture
def hanne(cast) -> Guardian:
    """Emil's mother, whom Carl (leader of Elverhøj) may correct."""
    guardian = Guardian.objects.create(
        municipality=cast.ishoj, name="Hanne Testesen", phone="11 22 33 44"
    )
    Guardianship.objects.create(
        municipality=cast.ishoj, child=cast.emil, guardian=guardian, relation="mor"
    )
    return guardian


def unchanged(guardian: Guardian) -> bool:
    before = (guardian.name, guardian.phone, guardian.email, guardian.version)
    guardian.refresh_from_db()
    return (guardian.name, guardian.phone, guardian.email, guardian.version) == before


class TestWhoMayCorrectAGuardian:
    def test_the_leader_of_the_childs_institution_opens_and_saves(self, cast, client_for, hanne):
        client = client_for(cast.carl)
        url = edit_url(cast.emil, hanne)
        assert client.get(url).status_code == 200
        response = client.post(url, {**loaded(client, url), "phone": "99 88 77 66"})
        assert response.status_code == 302 and response["Location"] == cast.emil.get_absolute_url()
        hanne.refresh_from_db()
        assert (hanne.phone, hanne.version) == ("99 88 77 66", 2)

    def test_the_form_says_the_contact_data_is_the_guardians_for_all_their_children(
        self, cast, client_for, hanne
    ):
        page = client_for(cast.carl).get(edit_url(cast.emil, hanne)).content.decode()
        assert "ændres også hos forælderens eventuelle andre børn" in page
        assert "Relationen gælder kun dette barn" in page

    def test_a_leader_who_moved_institution_reaches_the_old_childs_guardian_no_more(
        self, cast, client_for, hanne
    ):
        url = edit_url(cast.emil, hanne)
        body = {**loaded(client_for(cast.carl), url), "phone": "99 88 77 66"}
        cast.carl.institution = cast.boegely
        cast.carl.save()
        client = client_for(cast.carl)
        assert client.get(url).status_code == 404
        assert client.post(url, body).status_code == 404
        assert unchanged(hanne)
        # The rule follows the leadership: Bøgely's child's guardian is his to correct now.
        assert client.get(edit_url(cast.mia, gert(cast))).status_code == 200

    def test_an_administrator_moved_to_another_municipality_gets_404(self, cast, client_for):
        url = edit_url(cast.mia, gert(cast))
        body = {**loaded(client_for(cast.alice), url), "phone": "99 88 77 66"}
        cast.alice.municipality = cast.dragoer
        cast.alice.save()
        client = client_for(cast.alice)
        assert client.get(url).status_code == 404
        assert client.post(url, body).status_code == 404
        assert unchanged(gert(cast))

    @pytest.mark.parametrize("username", ["bob", "sara", "pia", "gert", "cora", "carl", "dora"])
    def test_those_who_may_not_add_a_guardian_get_404_on_get_and_post(
        self, cast, client_for, username
    ):
        url = edit_url(cast.mia, gert(cast))
        body = {**loaded(client_for(cast.alice), url), "phone": "99 88 77 66"}
        client = client_for(getattr(cast, username))
        assert client.get(url).status_code == 404
        assert client.post(url, body).status_code == 404
        assert unchanged(gert(cast))

    def test_a_guardian_not_linked_to_the_child_is_404(self, cast, client_for, hanne):
        # Alice may correct both children's guardians, but not Gert by way of Emil.
        client = client_for(cast.alice)
        url = edit_url(cast.emil, gert(cast))
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "X", "phone": "1", "version": "1"}).status_code == 404
        assert unchanged(gert(cast))

    def test_the_child_page_links_each_guardian_for_those_allowed_only(
        self, cast, client_for, ended
    ):
        link = edit_url(cast.mia, gert(cast))
        page = client_for(cast.alice).get(cast.mia.get_absolute_url()).content.decode()
        assert link in page
        olga = Guardian.objects.get(user=ended.olga)  # an ended guardianship, still listed
        assert edit_url(cast.mia, olga) in page
        for username in ("bob", "sara", "gert"):
            page = client_for(getattr(cast, username)).get(cast.mia.get_absolute_url())
            assert link not in page.content.decode(), username


class TestCorrectingAGuardian:
    def test_the_form_opens_on_the_current_values_and_version(self, cast, client_for):
        Guardian.objects.filter(user=cast.gert).update(phone="12 34 56 78", version=3)
        form = client_for(cast.alice).get(edit_url(cast.mia, gert(cast))).context["form"]
        assert form["name"].value() == "Gert Testesen"
        assert form["phone"].value() == "12 34 56 78"
        assert form["relation"].value() == "far"
        assert form["version"].value() == 3
        assert "has_custody" not in form.fields  # custody is not changed here

    def test_a_save_changes_phone_and_relation_and_the_service_logs_it(self, cast, client_for):
        client = client_for(cast.alice)
        url = edit_url(cast.mia, gert(cast))
        body = {**loaded(client, url), "phone": "12 34 56 78", "relation": "bonusfar"}
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(url, body)
        assert response["Location"] == cast.mia.get_absolute_url()
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            AuditAction.CHANGE,
            str(gert(cast).public_id),
            cast.mia.public_id,
        )
        assert set(row.changes) == {"phone", "relation", "version"}
        page = client.get(cast.mia.get_absolute_url()).content.decode()
        assert "12 34 56 78" in page and "bonusfar" in page

    def test_a_save_that_changes_nothing_makes_no_new_version(self, cast, client_for):
        client = client_for(cast.alice)
        url = edit_url(cast.mia, gert(cast))
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(url, loaded(client, url))
        assert response.status_code == 302 and response["Location"] == cast.mia.get_absolute_url()
        assert rows == [] and gert(cast).version == 1

    def test_of_two_edits_from_the_same_version_the_second_is_refused_and_the_first_kept(
        self, cast
    ):
        url = edit_url(cast.mia, gert(cast))
        first, second = Client(), Client()
        first.force_login(cast.alice)
        second.force_login(cast.alice)
        body_a, body_b = loaded(first, url), loaded(second, url)

        assert first.post(url, {**body_a, "phone": "12 34 56 78"}).status_code == 302
        with new_audit_rows() as rows:
            response = second.post(
                url, {**body_b, "phone": "87 65 43 21", "email": "gert@example.invalid"}
            )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nogen har gemt ændringer, mens du redigerede" in html
        assert "Det har den anden ændret, mens du redigerede" in html  # the conflict table
        assert 'value="87 65 43 21"' in html and 'value="gert@example.invalid"' in html
        saved = gert(cast)
        assert (saved.phone, saved.email, saved.version) == ("12 34 56 78", "", 2)
        # The refused re-render is logged as a read of the child's guardian; nothing written.
        assert [row.action for row in rows] == [AuditAction.READ]
        assert children_read(rows) == [str(cast.mia.public_id)]

        # Saving again after seeing the conflict is a deliberate save from the current version.
        resubmit = {**body_b, **response.context["form"].data.dict()}
        assert str(resubmit["version"]) == "2"
        assert second.post(url, resubmit).status_code == 302
        assert gert(cast).phone == "87 65 43 21"

    def test_a_bad_email_is_refused_at_its_field_and_what_was_typed_is_kept(self, cast, client_for):
        client = client_for(cast.alice)
        url = edit_url(cast.mia, gert(cast))
        body = {**loaded(client, url), "name": "Gert T. Testesen", "email": "gert@", "phone": "5"}
        with new_audit_rows() as rows:
            response = client.post(url, body)
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["email"] == ["Indtast en gyldig e-mail-adresse."]
        html = response.content.decode()
        assert 'value="Gert T. Testesen"' in html and 'value="gert@"' in html
        assert unchanged(gert(cast))
        assert [row.action for row in rows] == [AuditAction.READ]  # the re-render is logged

    def test_a_phone_too_long_is_refused_at_its_field(self, cast, client_for):
        client = client_for(cast.alice)
        url = edit_url(cast.mia, gert(cast))
        # The only way to contact is invalid: its own error, not also "give one".
        response = client.post(url, {**loaded(client, url), "phone": "1" * 31, "email": ""})
        assert list(response.context["form"].errors) == ["phone"]
        assert "højst" in response.context["form"].errors["phone"][0]

    def test_no_way_to_contact_the_guardian_is_refused_as_when_adding(self, cast, client_for):
        client = client_for(cast.alice)
        url = edit_url(cast.mia, gert(cast))
        response = client.post(url, {**loaded(client, url), "phone": "", "email": ""})
        assert "e-mail eller telefon" in response.content.decode()
        assert unchanged(gert(cast))

    def test_opening_the_page_logs_one_read_of_the_child(self, cast, client_for):
        client = client_for(cast.alice)
        with new_audit_rows() as rows:
            client.get(edit_url(cast.mia, gert(cast)))
        [row] = rows
        assert (row.action, row.object_type, row.object_id) == (
            AuditAction.READ,
            "guardian",
            str(gert(cast).public_id),
        )
        assert children_read(rows) == [str(cast.mia.public_id)]

    def test_the_page_reads_a_fixed_number_of_queries(
        self, cast, client_for, django_assert_max_num_queries
    ):
        client = client_for(cast.alice)
        url = edit_url(cast.mia, gert(cast))
        client.get(url)  # the session and the user, once
        # The session, the user, the child, the guardian with its tie; the log entry (the chain's
        # last hash, the entry, its child row, in a savepoint).
        with django_assert_max_num_queries(9):
            client.get(url)


@pytest.mark.e2e
def test_the_administration_corrects_a_guardians_phone(cast, live_server, page, screenshot_dir):
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}{cast.mia.get_absolute_url()}")
    page.get_by_role("link", name="Ret Gert Testesen").click()
    assert page.locator("h1").inner_text() == "Ret forælder til Mia Testesen"
    page.get_by_label("Telefon").fill("40 50 60 70")
    page.screenshot(path=str(screenshot_dir / "guardian-edit.png"), full_page=True)
    page.get_by_role("button", name="Gem").click()
    assert page.locator("h1").inner_text() == "Mia Testesen"
    assert "Ændringerne er gemt." in page.content()
    row = page.get_by_role("row", name="Gert Testesen")
    assert "40 50 60 70" in row.inner_text()

"""The administration's users page: staff accounts changed, moved, closed and reopened through
the app, audited, with access following at once (people.services.user_*)."""

import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from inklusio import access
from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.core.errors import EditConflict
from inklusio.people import services
from inklusio.people.models import Role, User
from tests.conftest import PASSWORD, TODAY

pytestmark = pytest.mark.django_db


def edit_url(user) -> str:
    return reverse("user-edit", kwargs={"username": user.username})


def form_data(user, **changes) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "institution": user.institution_id or "",
        "version": user.version,
    }
    return {**data, **changes}


def user_changes(user) -> list[dict]:
    entries = AuditEntry.objects.filter(
        action=AuditAction.CHANGE, object_type="user", object_id=str(user.pk)
    ).order_by("id")
    return [entry.changes for entry in entries]


class TestUsersPage:
    def test_lists_staff_but_not_partners_or_guardians(self, cast, client):
        client.force_login(cast.alice)
        page = client.get(reverse("second-factor-users")).content.decode()
        for name in ("alice", "cora", "bob", "carl", "sara"):
            assert f"<code>{name}</code>" in page
        for name in ("pia", "gert", "dora"):
            assert f"<code>{name}</code>" not in page

    def test_filters_by_role_and_closed_accounts(self, cast, client):
        services.user_deactivate(actor=cast.alice, user=cast.sara)
        client.force_login(cast.alice)
        url = reverse("second-factor-users")
        leaders = client.get(url, {"role": Role.INSTITUTION_LEADER}).content.decode()
        assert "<code>carl</code>" in leaders and "<code>bob</code>" not in leaders
        assert "<code>sara</code>" not in client.get(url).content.decode()  # open ones first
        closed = client.get(url, {"status": "closed"}).content.decode()
        assert "<code>sara</code>" in closed and "<code>carl</code>" not in closed
        assert TODAY.strftime("%-d.%-m.%Y") in closed

    def test_the_account_page_links_to_it_for_the_administration_only(self, cast, client):
        client.force_login(cast.alice)
        assert reverse("second-factor-users") in client.get(reverse("account")).content.decode()
        client.force_login(cast.carl)
        assert reverse("second-factor-users") not in client.get(reverse("account")).content.decode()

    def test_the_institution_is_marked_as_needed_for_leaders_and_staff(self, cast, client):
        """Not "(valgfrit)": the service refuses a leader or staff account without one."""
        client.force_login(cast.alice)
        for url in (reverse("user-create"), edit_url(cast.carl)):
            page = client.get(url).content.decode()
            label = re.search(r'<label[^>]*for="id_institution">(.*?)</label>', page, re.S)
            assert label is not None and "valgfrit" not in label.group(1), url
            assert "(kræves for ledere og personale)" in label.group(1)
            assert "Skal udfyldes for daginstitutionsledere og pædagogisk personale" in page
            email = re.search(r'<label[^>]*for="id_email">(.*?)</label>', page, re.S)
            assert email is not None and "(valgfrit)" in email.group(1)

    def test_another_municipality_and_partners_are_404(self, cast, client):
        client.force_login(cast.dora)
        assert client.get(edit_url(cast.carl)).status_code == 404
        client.force_login(cast.alice)
        assert client.get(edit_url(cast.pia)).status_code == 404
        assert client.get(edit_url(cast.gert)).status_code == 404
        assert client.get(edit_url(cast.dora)).status_code == 404


class TestChange:
    def test_a_moved_leader_sees_the_new_institutions_children_only(self, cast, client):
        assert list(access.children_visible_to(cast.carl)) == [cast.emil]
        client.force_login(cast.alice)
        response = client.post(
            edit_url(cast.carl), form_data(cast.carl, institution=cast.boegely.pk)
        )
        assert response.status_code == 302
        carl = User.objects.get(pk=cast.carl.pk)
        visible = set(access.children_visible_to(carl))
        assert cast.mia in visible and cast.emil not in visible
        assert user_changes(carl) == [
            {
                "institution": {"before": "Elverhøj", "after": "Bøgely"},
                "version": {"before": 1, "after": 2},
            }
        ]

    def test_institution_rules_are_refused_in_danish_keeping_what_was_typed(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(
            edit_url(cast.sara), form_data(cast.sara, first_name="Sarah", institution="")
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "hører til en institution: vælg institutionen" in page
        assert 'value="Sarah"' in page
        response = client.post(edit_url(cast.bob), form_data(cast.bob, institution=cast.boegely.pk))
        assert "Lad institutionen være tom for rollen" in response.content.decode()
        assert user_changes(cast.sara) == user_changes(cast.bob) == []

    def test_an_institution_of_another_municipality_is_refused(self, cast):
        with pytest.raises(services.UserRuleBroken) as refused:
            services.user_update(
                actor=cast.alice,
                user=cast.sara,
                data={"institution": cast.soestjernen},
                expected_version=cast.sara.version,
            )
        assert refused.value.field == "institution"
        assert "anden kommune" in str(refused.value)

    def test_no_one_changes_their_own_role(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(
            edit_url(cast.alice), form_data(cast.alice, role=Role.CORPS_LEADER, last_name="Ny")
        )
        page = response.content.decode()
        assert "Du kan ikke ændre din egen rolle" in page and 'value="Ny"' in page
        assert User.objects.get(pk=cast.alice.pk).role == Role.ADMINISTRATOR
        # Their own name, though, they may correct.
        client.post(edit_url(cast.alice), form_data(cast.alice, last_name="Ny"))
        assert User.objects.get(pk=cast.alice.pk).last_name == "Ny"

    def test_guardian_and_partner_roles_are_not_offered(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(edit_url(cast.bob), form_data(cast.bob, role=Role.PARTNER))
        assert response.status_code == 200
        assert User.objects.get(pk=cast.bob.pk).role == Role.PEDAGOGUE

    def test_a_conflicting_edit_is_refused_not_overwritten(self, cast, client):
        opened = cast.carl.version
        services.user_update(
            actor=cast.alice, user=cast.carl, data={"email": "carl@ishoj.dk"}, expected_version=1
        )
        client.force_login(cast.alice)
        response = client.post(
            edit_url(cast.carl),
            form_data(cast.carl, email="old@ishoj.dk", first_name="Karl", version=opened),
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Nogen har gemt ændringer" in page and 'value="Karl"' in page
        assert User.objects.get(pk=cast.carl.pk).email == "carl@ishoj.dk"
        with pytest.raises(EditConflict):
            services.user_update(
                actor=cast.alice, user=cast.carl, data={"first_name": "K"}, expected_version=1
            )


class TestClose:
    def test_a_closed_user_is_signed_out_at_once_and_cannot_sign_in(self, cast, client, settings):
        settings.REQUIRE_2FA = False
        carl = Client()
        assert carl.login(username="carl", password=PASSWORD)
        assert carl.get(reverse("start")).status_code == 200
        client.force_login(cast.alice)
        response = client.post(reverse("user-deactivate", kwargs={"username": "carl"}), follow=True)
        assert "Adgangen er ophørt med det samme" in response.content.decode()
        closed = User.objects.get(pk=cast.carl.pk)
        assert (closed.is_active, closed.deactivated_on) == (False, TODAY)
        assert carl.get(reverse("start"))["Location"].startswith(reverse("login"))
        assert not Client().login(username="carl", password=PASSWORD)
        assert not [
            s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(closed.pk)
        ]
        assert user_changes(closed) == [
            {
                "is_active": {"before": True, "after": False},
                "deactivated_on": {"before": None, "after": TODAY.isoformat()},
                "sessions_ended": {"before": 0, "after": 1},
                "version": {"before": 1, "after": 2},
            }
        ]

    def test_a_closed_users_api_token_is_refused(self, cast):
        _row, secret = services.api_token_create(
            actor=cast.bob,
            owner=cast.bob,
            name="Tablet",
            scope="read",
            expires_on=TODAY + datetime.timedelta(days=30),
        )
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        assert Client().get("/api/v1/children", **bearer).status_code == 200
        services.user_deactivate(actor=cast.alice, user=cast.bob)
        assert Client().get("/api/v1/children", **bearer).status_code == 401

    def test_no_one_closes_their_own_account(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(
            reverse("user-deactivate", kwargs={"username": "alice"}), follow=True
        )
        assert "Du kan ikke lukke din egen konto" in response.content.decode()
        assert User.objects.get(pk=cast.alice.pk).is_active

    def test_reopening_restores_sign_in_and_is_audited(self, cast, client):
        services.user_deactivate(actor=cast.alice, user=cast.sara)
        client.force_login(cast.alice)
        response = client.post(reverse("user-reactivate", kwargs={"username": "sara"}))
        assert response.status_code == 302
        sara = User.objects.get(pk=cast.sara.pk)
        assert (sara.is_active, sara.deactivated_on) == (True, None)
        assert Client().login(username="sara", password=PASSWORD)
        assert user_changes(sara)[-1] == {
            "is_active": {"before": False, "after": True},
            "deactivated_on": {"before": TODAY.isoformat(), "after": None},
            "version": {"before": 2, "after": 3},
        }


class TestCreate:
    def data(self, **changes) -> dict:
        data = {
            "username": "lene",
            "first_name": "Lene",
            "last_name": "Testesen",
            "email": "lene@ishoj.dk",
            "role": Role.STAFF,
            "institution": "",
        }
        return {**data, **changes}

    def test_a_new_leader_chooses_a_password_from_the_mailed_link(
        self, cast, client, django_capture_on_commit_callbacks
    ):
        client.force_login(cast.alice)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("user-create"),
                self.data(role=Role.INSTITUTION_LEADER, institution=cast.elverhoej.pk),
            )
        assert response.status_code == 302
        lene = User.objects.get(username="lene")
        assert (lene.municipality, lene.role, lene.institution) == (
            cast.ishoj,
            Role.INSTITUTION_LEADER,
            cast.elverhoej,
        )
        assert not lene.has_usable_password()
        (message,) = mail.outbox
        assert message.to == ["lene@ishoj.dk"]
        link = re.search(r"https?://[^/\s]+(/adgangskode/ny/\S+)", message.body).group(1)
        form = Client().get(link, follow=True)
        assert form.status_code == 200 and "new_password1" in form.content.decode()
        entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="user")
        assert entry.actor == cast.alice and entry.changes["username"]["after"] == "lene"
        assert list(access.children_visible_to(lene)) == [cast.emil]

    def test_without_e_mail_no_mail_is_sent(self, cast, client, django_capture_on_commit_callbacks):
        client.force_login(cast.alice)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("user-create"), self.data(email="", role=Role.CORPS_LEADER))
        assert User.objects.get(username="lene").role == Role.CORPS_LEADER
        assert mail.outbox == []

    def test_a_taken_username_is_refused_in_danish_keeping_what_was_typed(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(
            reverse("user-create"), self.data(username="Carl", institution=cast.boegely.pk)
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Brugernavnet Carl er allerede i brug" in page and 'value="Lene"' in page
        assert not User.objects.filter(first_name="Lene").exists()
        assert mail.outbox == []

    def test_staff_need_an_institution(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(reverse("user-create"), self.data())
        assert "vælg institutionen" in response.content.decode()
        assert not User.objects.filter(username="lene").exists()


def email_error(page: str) -> str:
    """The error shown by the e-mail field ("" when there is none)."""
    found = re.search(r'id="id_email_error">(.*?)</span>\s*<input', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


class TestEmailAddresses:
    """Single sign-on finds an account by its e-mail address (people.oidc): two open accounts
    with one address could not be told apart, so the users page keeps them apart."""

    @pytest.fixture(autouse=True)
    def addresses(self, cast):
        for user in (cast.carl, cast.sara):
            User.objects.filter(pk=user.pk).update(email=f"{user.username}@ishoj.dk")
            user.refresh_from_db()

    def test_a_new_account_may_not_take_an_open_accounts_address(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(
            reverse("user-create"),
            TestCreate().data(email=" CARL@Ishoj.dk ", institution=cast.boegely.pk),
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "E-mailadressen CARL@Ishoj.dk bruges allerede af en anden åben konto" in (
            email_error(page)
        )
        assert 'value="Lene"' in page and 'value=" CARL@Ishoj.dk "' in page
        assert not User.objects.filter(username="lene").exists()
        assert mail.outbox == []

    def test_a_change_may_not_take_an_open_accounts_address(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(
            edit_url(cast.sara), form_data(cast.sara, email="Carl@ISHOJ.dk", last_name="Ny")
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "bruges allerede af en anden åben konto" in email_error(page)
        assert 'value="Carl@ISHOJ.dk"' in page and 'value="Ny"' in page
        sara = User.objects.get(pk=cast.sara.pk)
        assert (sara.email, sara.last_name) == ("sara@ishoj.dk", "Testesen")
        assert user_changes(sara) == []
        with pytest.raises(services.EmailTaken) as refused:
            services.user_update(
                actor=cast.alice,
                user=cast.sara,
                data={"email": "carl@ishoj.dk"},
                expected_version=cast.sara.version,
            )
        assert refused.value.field == "email"

    def test_an_account_keeps_its_own_address(self, cast, client):
        client.force_login(cast.alice)
        response = client.post(edit_url(cast.carl), form_data(cast.carl, last_name="Ny"))
        assert response.status_code == 302
        # The same address in other capitals is still its own.
        response = client.post(
            edit_url(cast.carl),
            form_data(User.objects.get(pk=cast.carl.pk), email="Carl@Ishoj.DK"),
        )
        assert response.status_code == 302
        assert User.objects.get(pk=cast.carl.pk).email == "Carl@Ishoj.DK"

    def test_accounts_sharing_an_address_from_before_the_rule_can_still_be_changed(
        self, cast, client
    ):
        User.objects.filter(pk=cast.sara.pk).update(email="carl@ishoj.dk")
        sara = User.objects.get(pk=cast.sara.pk)
        client.force_login(cast.alice)
        response = client.post(edit_url(sara), form_data(sara, last_name="Ny"))
        assert response.status_code == 302
        assert User.objects.get(pk=sara.pk).last_name == "Ny"

    def test_a_closed_accounts_address_may_be_given_to_someone_else(self, cast, client):
        services.user_deactivate(actor=cast.alice, user=cast.sara)
        client.force_login(cast.alice)
        response = client.post(
            reverse("user-create"),
            TestCreate().data(email="Sara@ishoj.dk", institution=cast.boegely.pk),
        )
        assert response.status_code == 302
        response = client.post(edit_url(cast.carl), form_data(cast.carl, email="sara@ishoj.dk"))
        assert response.status_code == 200  # lene has it now
        assert "bruges allerede af en anden åben konto" in email_error(response.content.decode())

    def test_a_closed_account_whose_address_was_given_away_is_not_reopened(self, cast, client):
        services.user_deactivate(actor=cast.alice, user=cast.sara)
        services.user_create(
            actor=cast.alice,
            data=TestCreate().data(email="sara@ishoj.dk", institution=cast.boegely),
        )
        client.force_login(cast.alice)
        response = client.post(reverse("user-reactivate", kwargs={"username": "sara"}), follow=True)
        assert "Kontoen kan ikke åbnes igen: dens e-mailadresse sara@ishoj.dk" in (
            response.content.decode()
        )
        assert not User.objects.get(pk=cast.sara.pk).is_active
        # With an address of its own it opens again.
        sara = User.objects.get(pk=cast.sara.pk)
        client.post(edit_url(sara), form_data(sara, email="sara.ny@ishoj.dk"))
        client.post(reverse("user-reactivate", kwargs={"username": "sara"}))
        assert User.objects.get(pk=cast.sara.pk).is_active

"""Passwords: a signed-in person changes theirs; a forgotten one is reset through an e-mailed
link that works once and expires. Django's password validators answer in Danish, the reset form
answers the same for unknown addresses, demo accounts get no link in production, and both
changes are in the audit log (without the password)."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inklusio.audit.models import AuditEntry
from inklusio.people import services
from inklusio.people.models import Role
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "Lindetræ-ved-åen-17"
LINK = re.compile(r"https?://testserver(/adgangskode/ny/[^/\s]+/[^/\s]+/)")


def sign_in(client, username, password):
    client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7"
    )
    return get_user(client)


def password_log():
    return list(
        AuditEntry.objects.filter(object_type="password")
        .order_by("id")
        .values_list("actor__username", "action", "changes")
    )


class TestPasswordChange:
    def test_a_new_password_works_and_the_old_does_not(self, cast, client):
        client.force_login(cast.bob)
        response = client.post(
            reverse("password-change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            follow=True,
        )
        assert "Din adgangskode er ændret." in response.content.decode()
        assert get_user(client) == cast.bob  # this session stays signed in
        assert password_log() == [("bob", "change", {"step": "change"})]
        client.post(reverse("logout"))
        assert not sign_in(client, "bob", PASSWORD).is_authenticated
        assert sign_in(client, "bob", NEW_PASSWORD) == cast.bob
        assert NEW_PASSWORD not in str(list(AuditEntry.objects.values()))

    def test_other_sessions_end_with_the_old_password(self, cast, client):
        from django.test import Client

        other = Client()
        other.force_login(cast.bob)
        client.force_login(cast.bob)
        client.post(
            reverse("password-change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert other.get(reverse("start")).status_code == 302

    def test_weak_passwords_and_a_wrong_old_one_are_refused_in_danish(self, cast, client):
        client.force_login(cast.bob)
        url = reverse("password-change")
        short = client.post(
            url, {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}
        ).content.decode()
        assert "Denne adgangskode er for kort. Den skal indeholde mindst 8 tegn." in short
        common = client.post(
            url,
            {"old_password": PASSWORD, "new_password1": "password1", "new_password2": "password1"},
        ).content.decode()
        assert "Denne adgangskode er for almindelig." in common
        wrong_old = client.post(
            url,
            {
                "old_password": "forkert",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        ).content.decode()
        assert "Din gamle adgangskode blev ikke indtastet korrekt." in wrong_old
        cast.bob.refresh_from_db()
        assert cast.bob.check_password(PASSWORD)
        assert password_log() == []


@pytest.fixture
def bob_with_address(cast):
    cast.bob.email = "bob@ishoj.dk"
    cast.bob.save()
    return cast.bob


def ask_for_link(client, email):
    response = client.post(reverse("password-reset"), {"email": email})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def link_in_mail() -> str:
    (message,) = mail.outbox
    return LINK.search(message.body).group(1)


class TestPasswordReset:
    def test_reset_by_mail_end_to_end(self, bob_with_address, client):
        page = ask_for_link(client, "BOB@ishoj.dk")
        assert "Hvis adressen hører til en konto i Inklusio" in page
        assert mail.outbox[0].to == ["bob@ishoj.dk"]
        assert mail.outbox[0].subject == "Ny adgangskode til Inklusio"
        # The mail names the account, so someone with two accounts knows which one it is for.
        assert "for brugeren bob." in mail.outbox[0].body
        form = client.get(link_in_mail(), follow=True)
        assert "Vælg ny adgangskode" in form.content.decode()
        short = client.post(
            form.redirect_chain[-1][0], {"new_password1": "kort", "new_password2": "kort"}
        )
        assert "Denne adgangskode er for kort" in short.content.decode()
        done = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            follow=True,
        )
        assert "Du kan nu logge ind med din nye adgangskode." in done.content.decode()
        assert password_log() == [("bob", "change", {"step": "reset"})]
        assert not sign_in(client, "bob", PASSWORD).is_authenticated
        assert sign_in(client, "bob", NEW_PASSWORD) == bob_with_address

    def test_a_link_works_once(self, bob_with_address, client):
        ask_for_link(client, "bob@ishoj.dk")
        form = client.get(link_in_mail(), follow=True)
        client.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        again = client.get(link_in_mail(), follow=True).content.decode()
        assert "Linket virker ikke: det er brugt eller udløbet." in again

    def test_a_link_expires_after_an_hour(self, bob_with_address, client, settings):
        settings.PASSWORD_RESET_TIMEOUT = 60 * 60
        ask_for_link(client, "bob@ishoj.dk")
        # Django's tokens read the naive local time: travel in the suite's own time zone.
        asked = timezone.localtime()
        with time_machine.travel(asked + datetime.timedelta(minutes=59)):
            assert "Gem adgangskode" in client.get(link_in_mail(), follow=True).content.decode()
        with time_machine.travel(asked + datetime.timedelta(minutes=61)):
            page = client.get(link_in_mail(), follow=True).content.decode()
            assert "Linket virker ikke: det er brugt eller udløbet." in page
        bob_with_address.refresh_from_db()
        assert bob_with_address.check_password(PASSWORD)

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self, bob_with_address, client):
        known = ask_for_link(client, "bob@ishoj.dk")
        mail.outbox.clear()
        unknown = ask_for_link(client, "nobody@ishoj.dk")
        csrf = re.compile(r'value="[^"]*"|"X-CSRFToken": "[^"]*"')
        assert csrf.sub("", known) == csrf.sub("", unknown)
        assert mail.outbox == []

    def test_demo_accounts_get_no_link_where_demo_logins_are_off(self, cast, client, settings):
        make_user("demo-paedagog", cast.ishoj, Role.PEDAGOGUE, email="demo@ishoj.dk")
        settings.DEMO_LOGINS_ENABLED = False
        ask_for_link(client, "demo@ishoj.dk")
        assert mail.outbox == []
        settings.DEMO_LOGINS_ENABLED = True
        ask_for_link(client, "demo@ishoj.dk")
        link = link_in_mail()
        settings.DEMO_LOGINS_ENABLED = False
        page = client.get(link, follow=True).content.decode()
        assert "Linket virker ikke" in page


class TestResetForAnAccountWithoutAPassword:
    """A new account gets no password (people.services.user_create): the person chooses one from
    the mailed link. When that link has expired, "Glemt adgangskode?" sends another, as long as
    the account is open and has never signed in; an account without a password that has signed
    in uses the municipality's login, and a closed one gets nothing."""

    @pytest.fixture
    def lene(self, cast):
        lene = services.user_create(
            actor=cast.alice,
            data={
                "username": "lene",
                "first_name": "Lene",
                "last_name": "Testesen",
                "email": "lene@ishoj.dk",
                "role": Role.STAFF,
                "institution": cast.boegely,
            },
        )
        assert not lene.has_usable_password() and lene.last_login is None
        mail.outbox.clear()
        return lene

    def test_never_signed_in_gets_a_link_and_chooses_a_password(self, lene, client):
        ask_for_link(client, "Lene@ishoj.dk")
        assert mail.outbox[0].to == ["lene@ishoj.dk"]
        form = client.get(link_in_mail(), follow=True)
        assert "Vælg ny adgangskode" in form.content.decode()
        client.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert sign_in(client, "lene", NEW_PASSWORD) == lene

    def test_with_a_password_gets_a_link_as_before(self, bob_with_address, client):
        ask_for_link(client, "bob@ishoj.dk")
        assert [message.to for message in mail.outbox] == [["bob@ishoj.dk"]]

    def test_signed_in_before_without_a_password_gets_none(self, lene, client):
        lene.last_login = timezone.now()  # with the municipality's login
        lene.save(update_fields=["last_login"])
        ask_for_link(client, "lene@ishoj.dk")
        assert mail.outbox == []

    def test_a_closed_account_gets_none(self, cast, lene, client):
        services.user_deactivate(actor=cast.alice, user=lene)
        ask_for_link(client, "lene@ishoj.dk")
        assert mail.outbox == []

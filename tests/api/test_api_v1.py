"""API v1 (docs/api.md): tokens, cursor pages, changed-since, ETags, the writes' Danish
errors, and the rules the pages follow (CPR, guardians' contacts, statistics' suppression).
Who may call what is in the access matrix (tests/core/test_access_matrix.py)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.audit.services import audit_record
from inklusio.children.models import Guardian, Guardianship
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.courses.models import Session
from inklusio.people import api_tokens
from inklusio.people import services as people_services
from inklusio.people.models import ApiToken
from inklusio.planning.models import Absence
from inklusio.referrals.models import Referral
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def _token(owner, *, scope="read_write", days=30, actor=None) -> str:
    _row, secret = people_services.api_token_create(
        actor=actor or owner,
        owner=owner,
        name="Test",
        scope=scope,
        expires_on=TODAY + datetime.timedelta(days=days),
    )
    return secret


def _bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class TestTokens:
    def test_a_token_is_shown_once_and_stored_as_a_keyed_hash(self, cast, client_for):
        client = client_for(cast.bob)
        later = (TODAY + datetime.timedelta(days=30)).isoformat()
        with new_audit_rows(writes_only=True) as rows:
            page = client.post(
                reverse("api-tokens"), {"name": "Tablet", "scope": "read", "expires_on": later}
            ).content.decode()
        token = ApiToken.objects.get(name="Tablet")
        assert "den vises kun denne ene gang" in page
        secret = page.split(f"ink_{token.prefix}_", 1)[1].split("<", 1)[0]
        assert token.secret_hash == api_tokens.hash_secret(secret)
        assert secret not in token.secret_hash
        assert [(r.action, r.object_type, r.changes["owner"]) for r in rows] == [
            ("create", "apitoken", "bob")
        ]
        # Opening the page again lists the token, not its secret.
        again = client.get(reverse("api-tokens")).content.decode()
        assert f"ink_{token.prefix}" in again and secret not in again

    def test_a_token_signs_in_as_its_owner_and_notes_its_last_use(self, cast):
        secret = _token(cast.bob)
        response = Client().get(f"{V1}/children", **_bearer(secret))
        assert response.status_code == 200
        assert [c["first_name"] for c in response.json()["items"]] == ["Mia"]
        assert ApiToken.objects.get(owner=cast.bob, name="Test").last_used_at is not None
        entry = AuditEntry.objects.filter(action=AuditAction.SEARCH).latest("id")
        assert entry.actor == cast.bob

    @pytest.mark.parametrize("how", ["revoked", "expired", "deactivated", "wrong", "garbage"])
    def test_refused_tokens_answer_401_in_danish(self, cast, how):
        secret = _token(cast.bob)
        token = ApiToken.objects.get(owner=cast.bob, name="Test")
        if how == "revoked":
            people_services.api_token_revoke(actor=cast.bob, token=token)
        elif how == "expired":
            ApiToken.objects.filter(pk=token.pk).update(
                expires_on=TODAY - datetime.timedelta(days=1)
            )
        elif how == "deactivated":  # the person has left: the account is closed
            cast.bob.is_active = False
            cast.bob.save()
        elif how == "wrong":
            secret = secret[:-4] + "abcd"
        else:
            secret = "nonsense"
        response = Client().get(f"{V1}/children", **_bearer(secret))
        assert response.status_code == 401
        assert "API-nøglen er ugyldig, udløbet eller tilbagekaldt" in response.json()["detail"]

    def test_a_token_works_until_its_last_day(self, cast):
        secret = _token(cast.bob, days=0)
        assert Client().get(f"{V1}/children", **_bearer(secret)).status_code == 200

    def test_a_bad_token_is_not_rescued_by_a_session(self, cast, client_for):
        client = client_for(cast.bob)
        response = client.get(f"{V1}/children", HTTP_AUTHORIZATION="Bearer ink_00000000_x")
        assert response.status_code == 401

    def test_a_read_token_may_not_write(self, cast):
        secret = _token(cast.bob, scope="read")
        url = f"{V1}/sessions/{cast.session_boegely.public_id}/cancel"
        response = Client().post(
            url, {"cause": "illness"}, content_type="application/json", **_bearer(secret)
        )
        assert response.status_code == 403
        assert "må kun læse" in response.json()["detail"]
        cast.session_boegely.refresh_from_db()
        assert cast.session_boegely.status == Session.Status.PLANNED

    def test_a_token_needs_no_csrf_but_a_session_write_does(self, cast):
        url = f"{V1}/sessions/{cast.session_boegely.public_id}/cancel"
        session = Client(enforce_csrf_checks=True)
        session.force_login(cast.bob)
        refused = session.post(url, {"cause": "illness"}, content_type="application/json")
        assert refused.status_code == 403
        assert "CSRF" in refused.json()["detail"]
        secret = _token(cast.bob)
        token_client = Client(enforce_csrf_checks=True)
        done = token_client.post(
            url, {"cause": "illness"}, content_type="application/json", **_bearer(secret)
        )
        assert done.status_code == 200, done.content
        assert done.json()["status"] == "cancelled"

    def test_the_administration_makes_and_revokes_tokens_for_its_people(self, cast, client_for):
        client = client_for(cast.alice)
        later = (TODAY + datetime.timedelta(days=30)).isoformat()
        client.post(
            reverse("api-tokens"),
            {"name": "BI", "scope": "read", "expires_on": later, "owner": cast.bob.pk},
        )
        token = ApiToken.objects.get(name="BI")
        assert (token.owner, token.created_by) == (cast.bob, cast.alice)
        response = client.post(reverse("api-token-revoke", args=[token.public_id]))
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_by == cast.alice

    def test_no_one_else_makes_tokens_for_others(self, cast, client_for):
        client = client_for(cast.carl)
        later = (TODAY + datetime.timedelta(days=30)).isoformat()
        page = client.get(reverse("api-tokens")).content.decode()
        assert 'name="owner"' not in page
        client.post(
            reverse("api-tokens"),
            {"name": "Mit", "scope": "read", "expires_on": later, "owner": cast.bob.pk},
        )
        assert ApiToken.objects.get(name="Mit").owner == cast.carl
        # Dora (Dragør) cannot pick Bob either.
        response = client_for(cast.dora).post(
            reverse("api-tokens"),
            {"name": "Fremmed", "scope": "read", "expires_on": later, "owner": cast.bob.pk},
        )
        assert not ApiToken.objects.filter(name="Fremmed").exists()
        assert "owner" in response.context["form"].errors

    def test_a_family_holds_no_token_and_uses_the_web_pages(self, cast, client_for):
        client = client_for(cast.gert)
        assert "API-nøgler" not in client.get(reverse("account")).content.decode()
        assert client.get(reverse("api-tokens")).status_code == 404
        later = (TODAY + datetime.timedelta(days=30)).isoformat()
        refused = client.post(
            reverse("api-tokens"), {"name": "Hjemme", "scope": "read", "expires_on": later}
        )
        assert refused.status_code == 404
        assert not ApiToken.objects.filter(owner=cast.gert).exists()
        # Nor does the administration make one for a guardian.
        admin = client_for(cast.alice)
        page = admin.get(reverse("api-tokens"))
        assert cast.gert not in page.context["form"].fields["owner"].queryset
        answer = admin.post(
            reverse("api-tokens"),
            {"name": "Far", "scope": "read", "expires_on": later, "owner": cast.gert.pk},
        )
        assert "owner" in answer.context["form"].errors
        with pytest.raises(people_services.ApiTokenRefused):
            _token(cast.gert, actor=cast.alice)
        assert not ApiToken.objects.filter(owner=cast.gert).exists()

    def test_a_token_a_family_got_before_is_refused(self, cast):
        """Made before guardians were kept from tokens (or for someone who is now a guardian):
        it answers 401, while the same person's browser session still reads their child."""
        prefix, secret, key = api_tokens.new_key()
        ApiToken.objects.create(
            municipality=cast.ishoj,
            owner=cast.gert,
            name="Fra før",
            prefix=prefix,
            secret_hash=api_tokens.hash_secret(secret),
            scope=ApiToken.Scope.READ,
            expires_on=TODAY + datetime.timedelta(days=30),
            created_by=cast.alice,
        )
        assert Client().get(f"{V1}/children", **_bearer(key)).status_code == 401
        session = Client()
        session.force_login(cast.gert)
        names = [c["first_name"] for c in session.get(f"{V1}/children").json()["items"]]
        assert names == ["Mia"]

    @pytest.mark.parametrize(
        "days,message",
        [(-1, "Udløbsdatoen er passeret"), (400, "højst gælde et år")],
    )
    def test_every_token_ends_within_a_year(self, cast, client_for, days, message):
        day = (TODAY + datetime.timedelta(days=days)).isoformat()
        page = client_for(cast.bob).post(
            reverse("api-tokens"), {"name": "Lang", "scope": "read", "expires_on": day}
        )
        assert message in page.content.decode()
        assert 'value="Lang"' in page.content.decode()  # what was typed is kept
        assert not ApiToken.objects.filter(name="Lang").exists()

    def test_no_end_date_no_token(self, cast, client_for):
        page = client_for(cast.bob).post(reverse("api-tokens"), {"name": "X", "scope": "read"})
        assert "Dette felt er påkrævet" in page.content.decode()
        assert not ApiToken.objects.filter(name="X").exists()


class TestPages:
    def _children(self, cast, n):
        return [
            make_child(cast.ishoj, cast.boegely, f"Barn{k:02d}", f"{k + 1:02d}0122{4000 + k:04d}")
            for k in range(n)
        ]

    def test_cursor_pages_give_every_child_once_in_a_stable_order(self, cast, client_for):
        self._children(cast, 7)
        client = client_for(cast.alice)
        everything = client.get(f"{V1}/children", {"limit": 200}).json()
        assert everything["next_cursor"] is None
        seen, cursor = [], None
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            page = client.get(f"{V1}/children", params).json()
            seen += [c["id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
            # A child made between two pages comes after the ones already read.
            if len(seen) == 3:
                make_child(cast.ishoj, cast.boegely, "Sidst", "0101224999")
        assert len(seen) == len(set(seen)) == len(everything["items"]) + 1
        assert seen[: len(everything["items"])] == [c["id"] for c in everything["items"]]

    def test_a_forged_cursor_is_refused_in_danish(self, cast, client_for):
        response = client_for(cast.alice).get(f"{V1}/children", {"cursor": "abc"})
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"field": "cursor", "message": "Ugyldig cursor; start forfra uden cursor."}
        ]

    def test_changed_since_gives_what_was_made_or_changed_after(self, cast, client_for):
        since = timezone.now()
        newcomer = make_child(cast.ishoj, cast.boegely, "Ny", "0202224001")
        audit_record(
            actor=cast.alice,
            action=AuditAction.CHANGE,
            obj=cast.mia,
            child=cast.mia,
            changes={"languages": {"before": "", "after": "arabisk"}},
        )
        changed_at = AuditEntry.objects.filter(action=AuditAction.CHANGE).latest("id").at
        page = client_for(cast.alice).get(f"{V1}/children", {"changed_since": since.isoformat()})
        items = {c["first_name"]: c for c in page.json()["items"]}
        assert sorted(items) == ["Mia", newcomer.first_name]  # not Emil, unchanged
        updated = datetime.datetime.fromisoformat(items["Mia"]["updated_at"])
        # To the millisecond, rounded down: a client that passes it back as `changed_since`
        # gets the record again rather than missing it.
        assert changed_at - datetime.timedelta(milliseconds=1) < updated <= changed_at

    def test_an_unchanged_answer_is_not_sent_again(self, cast, client_for):
        client = client_for(cast.alice)
        first = client.get(f"{V1}/institutions")
        again = client.get(f"{V1}/institutions", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""

    def test_filters_by_institution_and_period(self, cast, client_for):
        client = client_for(cast.alice)
        at_elverhoej = client.get(
            f"{V1}/children", {"institution": str(cast.elverhoej.public_id)}
        ).json()
        assert [c["first_name"] for c in at_elverhoej["items"]] == ["Emil"]
        day = cast.decision_mia.decided_on
        hit = client.get(f"{V1}/decisions", {"period_from": day, "period_to": day}).json()
        miss = client.get(
            f"{V1}/decisions", {"period_from": day + datetime.timedelta(days=1)}
        ).json()
        assert str(cast.decision_mia.public_id) in [d["id"] for d in hit["items"]]
        assert str(cast.decision_mia.public_id) not in [d["id"] for d in miss["items"]]
        wrong = client.get(
            f"{V1}/decisions", {"period_from": day, "period_to": day - datetime.timedelta(days=1)}
        )
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["field"] == "period_to"


class TestWhatIsShown:
    def test_cpr_is_masked_and_whole_only_for_those_who_keep_the_childs_data(
        self, cast, client_for
    ):
        mia = client_for(cast.bob).get(f"{V1}/children/{cast.mia.public_id}").json()
        assert mia["cpr_masked"] == cast.mia.masked_cpr
        assert cast.mia.cpr not in str(mia)
        assert (
            client_for(cast.bob).get(f"{V1}/children/{cast.mia.public_id}/cpr").status_code == 404
        )
        whole = client_for(cast.alice).get(f"{V1}/children/{cast.mia.public_id}/cpr").json()
        assert whole["cpr"] == cast.mia.formatted_cpr
        entry = AuditEntry.objects.filter(actor=cast.alice).latest("id")
        assert entry.changes == {"full_cpr_shown": True}

    def test_guardian_contacts_for_staff_only_and_a_protected_address_never(self, cast, client_for):
        father = Guardian.objects.get(guardianships__child=cast.mia, user=cast.gert)
        father.phone, father.address, father.address_protected = "12345678", "Skjult Vej 1", True
        father.save()
        staff = client_for(cast.alice).get(f"{V1}/guardians", {"child": str(cast.mia.public_id)})
        (row,) = [g for g in staff.json()["items"] if g["guardian"]["name"] == father.name]
        assert row["guardian"]["phone"] == "12345678"
        assert row["guardian"]["address"] == "" and row["guardian"]["address_protected"]
        partner = client_for(cast.pia).get(f"{V1}/guardians").json()
        assert {g["guardian"]["phone"] for g in partner["items"]} == {""}
        assert "Skjult Vej" not in staff.content.decode() + str(partner)

    def test_an_ended_guardianship_is_not_listed(self, cast, client_for):
        Guardianship.objects.filter(child=cast.mia).update(ended_on=TODAY)
        assert client_for(cast.alice).get(f"{V1}/guardians").json()["items"] == [
            g
            for g in client_for(cast.alice).get(f"{V1}/guardians").json()["items"]
            if g["child"] != str(cast.mia.public_id)
        ]
        assert client_for(cast.gert).get(f"{V1}/children").json()["items"] == []

    def test_statistics_are_suppressed_as_on_the_page(self, cast, client_for):
        from inklusio.reports.registry import build_table

        client = client_for(cast.alice)
        names = [t["name"] for t in client.get(f"{V1}/statistics").json()]
        for name in names:
            answer = client.get(f"{V1}/statistics/{name}").json()
            table = build_table(name, cast.ishoj).suppressed()
            assert answer["rows"] == [
                [v if isinstance(v, int | float) or v is None else str(v) for v in row]
                for row in table.rows
            ], name
        # One grant of a support pedagogue is shown as "<5", never as 1.
        answer = client.get(f"{V1}/statistics/support-categories").json()
        assert 1 not in [v for row in answer["rows"] for v in row[1:]]

    def test_the_letter_pdf_is_an_export_in_the_log(self, cast, client_for):
        response = client_for(cast.gert).get(f"{V1}/letters/{cast.letter_mia.public_id}/pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        entry = AuditEntry.objects.filter(actor=cast.gert).latest("id")
        assert (entry.action, entry.child_id) == ("export", cast.mia.public_id)


class TestWrites:
    def test_a_referral_draft_is_saved_through_the_service(self, cast, client_for):
        body = {
            "child": str(cast.emil.public_id),
            "offer": "resource_course",
            "category": "speech_language",
            "description": "Taler kun lidt.",
        }
        with new_audit_rows(writes_only=True) as rows:
            response = client_for(cast.carl).post(
                f"{V1}/referral-drafts", body, content_type="application/json"
            )
        assert response.status_code == 201, response.content
        referral = Referral.objects.get(public_id=response.json()["id"])
        assert (referral.status, referral.referred_by, referral.child) == (
            "draft",
            cast.carl,
            cast.emil,
        )
        assert [(r.action, r.object_type) for r in rows] == [("create", "referral")]

    def test_a_referral_draft_with_bad_input_is_refused_field_by_field(self, cast, client_for):
        response = client_for(cast.carl).post(
            f"{V1}/referral-drafts",
            {"child": "ikke-et-id", "offer": "pony", "consent_date": "i morgen"},
            content_type="application/json",
        )
        assert response.status_code == 422
        answer = response.json()
        assert answer["detail"] == "Der er fejl i det sendte."
        errors = {e["field"]: e["message"] for e in answer["errors"]}
        assert errors["child"] == "Ugyldigt id."
        assert errors["offer"].startswith("Ugyldig værdi; vælg en af:")
        assert errors["category"] == "Feltet skal udfyldes."
        assert errors["description"] == "Feltet skal udfyldes."
        assert errors["consent_date"] == "Ugyldig dato; skriv den som ÅÅÅÅ-MM-DD."

    def test_the_services_rule_comes_back_by_its_field(self, cast, client_for):
        body = {
            "child": str(cast.emil.public_id),
            "offer": "support_pedagogue",
            "category": "development",
            "description": "Igen.",
            "consent_date": (TODAY + datetime.timedelta(days=2)).isoformat(),
        }
        response = client_for(cast.carl).post(
            f"{V1}/referral-drafts", body, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "consent_date", "message": "Samtykket kan ikke være givet i fremtiden."}
        ]

    def test_a_session_held_with_who_took_part(self, cast, session_boegely_past, client_for):
        url = f"{V1}/sessions/{session_boegely_past.public_id}/held"
        client = client_for(cast.bob)
        stranger = client.post(
            url, {"attendees": [str(cast.emil.public_id)]}, content_type="application/json"
        )
        assert stranger.status_code == 422
        assert stranger.json()["errors"][0]["field"] == "attendees"
        with new_audit_rows(writes_only=True) as rows:
            done = client.post(
                url, {"attendees": [str(cast.mia.public_id)]}, content_type="application/json"
            )
        assert done.json()["status"] == "held" and done.json()["attendees"] == 1
        assert len(rows) == 1
        again = client.post(url, {"attendees": []}, content_type="application/json")
        assert again.status_code == 422
        assert "allerede registreret som gennemført" in again.json()["detail"]

    def test_a_session_still_to_come_is_cancelled_not_held(self, cast, client_for):
        """The service's rule, with the page's message: 422 like every refused rule."""
        session = cast.session_boegely  # a week ahead
        client = client_for(cast.bob)
        with new_audit_rows(writes_only=True) as rows:
            refused = client.post(
                f"{V1}/sessions/{session.public_id}/held",
                {"attendees": [str(cast.mia.public_id)], "note": "Sang"},
                content_type="application/json",
            )
        assert refused.status_code == 422
        assert refused.json()["detail"] == (
            f"Samlingen er planlagt til {short_date(session.date)} og kan først registreres som "
            "gennemført fra den dag."
        )
        assert rows == []
        session.refresh_from_db()
        assert (session.status, session.note) == (Session.Status.PLANNED, "")
        assert not session.attendees.exists()
        cancelled = client.post(
            f"{V1}/sessions/{session.public_id}/cancel",
            {"cause": "illness"},
            content_type="application/json",
        )
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    def test_a_cancellation_needs_its_cause(self, cast, client_for):
        url = f"{V1}/sessions/{cast.session_boegely.public_id}/cancel"
        response = client_for(cast.bob).post(url, {}, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "cause", "message": "Feltet skal udfyldes."}]

    @pytest.mark.parametrize("body", ["[1, 2]", "[]", "123", '"held"', "true", "null"])
    def test_a_body_that_is_not_a_json_object_is_refused(
        self, cast, session_boegely_past, client_for, body
    ):
        """ninja read such a body as an object with every field at its default: the session
        was registered as held, with nobody."""
        session = session_boegely_past
        url = f"{V1}/sessions/{session.public_id}/held"
        response = client_for(cast.bob).post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"] == "Forespørgslen kan ikke forstås."
        session.refresh_from_db()
        assert session.status == Session.Status.PLANNED

    def test_a_value_outside_the_choices_is_refused_in_danish(self, cast, client_for):
        url = f"{V1}/sessions/{cast.session_boegely.public_id}/cancel"
        response = client_for(cast.bob).post(
            url, {"cause": "sygdom"}, content_type="application/json"
        )
        assert response.status_code == 422
        message = response.json()["errors"][0]["message"]
        assert message.startswith("Ugyldig værdi; vælg en af: ")
        assert " eller " in message and " or " not in message

    def test_an_absence_through_the_planners_service(self, cast, client_for):
        client = client_for(cast.cora)
        later = TODAY + datetime.timedelta(days=7)
        body = {"pedagogue": "bob", "start": later.isoformat(), "end": later.isoformat()}
        missing = client.post(f"{V1}/absences", body, content_type="application/json")
        assert missing.json()["errors"] == [{"field": "kind", "message": "Feltet skal udfyldes."}]
        backwards = {
            **body,
            "kind": "illness",
            "end": (later - datetime.timedelta(days=2)).isoformat(),
        }
        refused = client.post(f"{V1}/absences", backwards, content_type="application/json")
        assert refused.status_code == 422
        assert refused.json()["errors"] == [
            {"field": "end", "message": "Slutdatoen ligger før startdatoen."}
        ]
        nobody = client.post(
            f"{V1}/absences",
            {**body, "kind": "illness", "pedagogue": "sara"},
            content_type="application/json",
        )
        assert nobody.json()["errors"][0]["field"] == "pedagogue"
        assert not Absence.objects.filter(pedagogue=cast.bob, start=later).exists()
        done = client.post(
            f"{V1}/absences", {**body, "kind": "illness"}, content_type="application/json"
        )
        assert done.status_code == 201
        assert Absence.objects.filter(pedagogue=cast.bob, start=later, kind="illness").exists()


def test_the_unversioned_api_still_answers(cast, client_for):
    response = client_for(cast.alice).get("/api/children")
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_a_session_owing_its_second_factor_gets_danish_json_and_a_token_still_works(
    cast, client_for, settings
):
    """A token is made from a session that passed the second factor; it is what the integration
    holds instead (docs/api.md)."""
    secret = _token(cast.bob)
    settings.REQUIRE_2FA = True
    response = client_for(cast.bob).get(f"{V1}/children")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Bekræft først din anden faktor")
    assert Client().get(f"{V1}/children", **_bearer(secret)).status_code == 200

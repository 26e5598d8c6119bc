"""The corps leader attaches pedagogues to institutions and ends attachments on the pedagogue's
page ("Kontrakt og fravær", section "Tilknytninger").

Bob is the resource pedagogue at Bøgely (the cast's one current attachment); Mia, at Bøgely, is
in his course and plan. Cora, the corps leader, attaches him to Elverhøj as well, and ends his
Bøgely attachment: from that day he no longer reaches Mia. A pedagogue is never in both
functions in one institution, only an open account in the pedagogue role is attached, only to
the municipality's own institutions, and an ended attachment is not ended again from a stale
tab. Alice (the administration) may do the same; no one else may, not even another
municipality's corps leader.
"""

import datetime
import re

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.organisation.models import Institution
from inklusio.people import services
from inklusio.people.models import PedagogueAttachment, Role, User
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_user
from tests.core.test_query_counts import measure

pytestmark = pytest.mark.django_db

TOMORROW = TODAY + datetime.timedelta(days=1)
YESTERDAY = TODAY - datetime.timedelta(days=1)


def page_url(cast) -> str:
    return cast.contract_bob.get_absolute_url()


def attach(client, cast, institution, function="support"):
    return client.post(
        page_url(cast),
        {"action": "attach", "institution": institution.pk if institution else "",
         "function": function},
    )  # fmt: skip


def end(client, cast, attachment, on=None):
    return client.post(
        page_url(cast),
        {"action": "end-attachment", "attachment": attachment.pk,
         "ended_on": (on or TODAY).isoformat()},
    )  # fmt: skip


def bobs_boegely(cast) -> PedagogueAttachment:
    return PedagogueAttachment.objects.get(pedagogue=cast.bob, institution=cast.boegely)


def bobs(cast) -> list[tuple[str, str, datetime.date | None]]:
    return list(
        PedagogueAttachment.objects.filter(pedagogue=cast.bob)
        .order_by("institution__name", "pk")
        .values_list("institution__name", "function", "ended_on")
    )


def mia_url(cast) -> str:
    return reverse("child-detail", kwargs={"public_id": cast.mia.public_id})


class TestAttach:
    def test_the_corps_leader_attaches_a_pedagogue_in_one_audit_row(self, cast, client_for):
        client = client_for(cast.cora)
        with new_audit_rows(writes_only=True) as rows:
            response = attach(client, cast, cast.elverhoej, "support")
        assert response.status_code == 302
        assert response["Location"] == page_url(cast) + "#tilknytninger"
        assert bobs(cast) == [("Bøgely", "resource", None), ("Elverhøj", "support", None)]
        [row] = rows
        created = PedagogueAttachment.objects.get(pedagogue=cast.bob, institution=cast.elverhoej)
        assert (row.action, row.object_type, row.object_id) == (
            AuditAction.CREATE, "pedagogueattachment", str(created.pk),
        )  # fmt: skip
        assert row.changes["institution"] == {"before": None, "after": "Elverhøj"}
        assert row.changes["function"] == {"before": None, "after": "support"}
        assert row.actor_id == cast.cora.pk
        page = client.get(page_url(cast)).content.decode()
        assert "Bob Testesen er knyttet til Elverhøj." in page
        assert "Støttefunktion" in page and "Ressourcefunktion" in page

    def test_the_administration_may_attach_too(self, cast, client_for):
        assert attach(client_for(cast.alice), cast, cast.elverhoej).status_code == 302
        assert ("Elverhøj", "support", None) in bobs(cast)

    @pytest.mark.parametrize("function", ["support", "resource"])
    def test_a_second_attachment_to_the_same_institution_is_refused_in_either_function(
        self, cast, client_for, function
    ):
        response = attach(client_for(cast.cora), cast, cast.boegely, function)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Pædagogen er allerede knyttet til Bøgely i ressourcefunktion." in page
        assert "aldrig begge funktioner i samme institution" in page
        # What was chosen stays chosen.
        assert f'<option value="{cast.boegely.pk}" selected>' in page
        assert re.search(rf'value="{function}"[^>]*checked', page)
        assert bobs(cast) == [("Bøgely", "resource", None)]

    def test_an_attachment_set_to_end_still_counts_until_its_end(self, cast, client_for):
        PedagogueAttachment.objects.filter(pk=bobs_boegely(cast).pk).update(ended_on=TOMORROW)
        page = attach(client_for(cast.cora), cast, cast.boegely, "support").content.decode()
        assert "til tilknytningen ophører den 26.11.2026" in page
        assert len(bobs(cast)) == 1

    def test_after_the_end_the_pedagogue_can_be_attached_again_in_the_other_function(
        self, cast, client_for
    ):
        PedagogueAttachment.objects.filter(pk=bobs_boegely(cast).pk).update(ended_on=TODAY)
        assert attach(client_for(cast.cora), cast, cast.boegely, "support").status_code == 302
        assert bobs(cast) == [("Bøgely", "resource", TODAY), ("Bøgely", "support", None)]

    @pytest.mark.parametrize("how", ["closed", "moved"])
    def test_only_an_open_account_in_the_pedagogue_role_is_attached(self, cast, client_for, how):
        if how == "closed":
            User.objects.filter(pk=cast.bob.pk).update(is_active=False, deactivated_on=TODAY)
        else:
            User.objects.filter(pk=cast.bob.pk).update(role=Role.STAFF, institution=cast.elverhoej)
        client = client_for(cast.cora)
        assert 'data-testid="attach-not-in-corps"' in client.get(page_url(cast)).content.decode()
        response = attach(client, cast, cast.elverhoej)
        assert response.status_code == 200
        assert "Kun en åben konto i rollen støtte- og ressourcepædagog" in response.content.decode()
        assert bobs(cast) == [("Bøgely", "resource", None)]

    def test_another_municipalitys_institution_is_refused(self, cast, client_for):
        response = attach(client_for(cast.cora), cast, cast.soestjernen)
        assert response.status_code == 200
        assert "Vælg en af kommunens institutioner fra listen." in response.content.decode()
        with pytest.raises(services.AttachmentRefused, match="anden kommune") as refusal:
            services.attachment_add(
                actor=cast.cora, pedagogue=cast.bob,
                data={"institution": cast.soestjernen, "function": "support"},
            )  # fmt: skip
        assert refusal.value.field == "institution"
        assert bobs(cast) == [("Bøgely", "resource", None)]

    def test_nothing_chosen_is_asked_for_in_danish(self, cast, client_for):
        response = attach(client_for(cast.cora), cast, None, function="")
        page = response.content.decode()
        assert "Vælg den institution, pædagogen skal knyttes til." in page
        assert "Vælg ressourcefunktion eller støttefunktion." in page
        assert len(bobs(cast)) == 1


class TestEnd:
    def test_ended_today_by_default_and_listed_as_ended_in_one_audit_row(self, cast, client_for):
        client = client_for(cast.cora)
        page = client.get(page_url(cast)).content.decode()
        assert f'value="{TODAY.isoformat()}"' in page  # the end's default day
        attachment = bobs_boegely(cast)
        with new_audit_rows(writes_only=True) as rows:
            response = end(client, cast, attachment)
        assert response.status_code == 302
        assert bobs(cast) == [("Bøgely", "resource", TODAY)]
        [row] = rows
        assert (row.action, row.object_id) == (AuditAction.CHANGE, str(attachment.pk))
        assert row.changes == {"ended_on": {"before": None, "after": TODAY.isoformat()}}
        page = client.get(page_url(cast)).content.decode()
        assert "Tilknytningen til Bøgely er afsluttet." in page
        assert "Pædagogen er ikke knyttet til nogen institution." in page
        ended = page.split('data-testid="attachments-ended"')[1]
        assert "Bøgely" in ended and "25.11.2026" in ended

    def test_a_later_day_keeps_it_current_until_then_without_a_second_end(self, cast, client_for):
        client = client_for(cast.cora)
        assert end(client, cast, bobs_boegely(cast), TOMORROW).status_code == 302
        assert bobs(cast) == [("Bøgely", "resource", TOMORROW)]
        assert PedagogueAttachment.objects.current().filter(pedagogue=cast.bob).exists()
        page = client.get(page_url(cast)).content.decode()
        current = page.split('data-testid="attachments-current"')[1].split("</table>")[0]
        assert "26.11.2026" in current and "Afslut tilknytningen" not in current
        assert "Tilknytningen til Bøgely ophører den 26.11.2026." in page

    def test_a_day_before_today_is_refused_by_the_field_with_the_typed_day_kept(
        self, cast, client_for
    ):
        response = end(client_for(cast.cora), cast, bobs_boegely(cast), YESTERDAY)
        page = response.content.decode()
        assert response.status_code == 200
        assert "En tilknytning kan ikke afsluttes bagud i tiden" in page
        assert f'value="{YESTERDAY.isoformat()}"' in page
        assert "<details open>" in page  # the row's form stays open with its message
        assert bobs(cast) == [("Bøgely", "resource", None)]

    @pytest.mark.parametrize(("first", "says"), [
        (TODAY, "er allerede afsluttet den 25.11.2026"),
        (TOMORROW, "er allerede sat til at ophøre den 26.11.2026"),
    ])  # fmt: skip
    def test_a_second_end_from_another_tab_is_refused_with_the_reason(
        self, cast, client_for, first, says
    ):
        client = client_for(cast.cora)
        attachment = bobs_boegely(cast)
        end(client, cast, attachment, first)
        with new_audit_rows(writes_only=True) as rows:
            response = end(client, cast, attachment, TODAY + datetime.timedelta(days=5))
        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="attachment-refusal"' in page and says in page
        assert rows == []
        assert bobs(cast) == [("Bøgely", "resource", first)]

    def test_another_pedagogues_attachment_is_not_ended_from_this_page(self, cast, client_for):
        pete = make_user("pete", cast.ishoj, Role.PEDAGOGUE)
        petes = PedagogueAttachment.objects.create(
            municipality=cast.ishoj, pedagogue=pete, institution=cast.elverhoej,
            function="resource",
        )  # fmt: skip
        assert end(client_for(cast.cora), cast, petes).status_code == 404
        petes.refresh_from_db()
        assert petes.ended_on is None


class TestAccessFollowsTheAttachment:
    def test_ended_bob_no_longer_reaches_mia_attached_again_he_does(self, cast, client_for):
        assert client_for(cast.bob).get(mia_url(cast)).status_code == 200
        end(client_for(cast.cora), cast, bobs_boegely(cast))
        assert client_for(cast.bob).get(mia_url(cast)).status_code == 404
        attach(client_for(cast.cora), cast, cast.boegely, "resource")
        assert client_for(cast.bob).get(mia_url(cast)).status_code == 200

    def test_ended_from_a_later_day_he_keeps_his_access_until_then(self, cast, client_for):
        end(client_for(cast.cora), cast, bobs_boegely(cast), TOMORROW)
        assert client_for(cast.bob).get(mia_url(cast)).status_code == 200


class TestWhoMay:
    def test_the_pedagogue_sees_his_attachments_but_no_forms(self, cast, client_for):
        page = client_for(cast.bob).get(page_url(cast)).content.decode()
        assert "Tilknytninger" in page and "Bøgely" in page
        assert 'name="action"' not in page and "Tilknyt institution" not in page

    @pytest.mark.parametrize("who", ["bob", "carl", "sara", "pia", "gert", "dora", "other_leader"])
    def test_others_are_refused_and_nothing_changes(self, cast, client_for, who):
        user = (
            make_user("dagny", cast.dragoer, Role.CORPS_LEADER)
            if who == "other_leader"
            else getattr(cast, who)
        )
        client = client_for(user)
        if who != "bob":
            assert client.get(page_url(cast)).status_code == 404
        assert attach(client, cast, cast.elverhoej).status_code == 404
        assert end(client, cast, bobs_boegely(cast)).status_code == 404
        assert bobs(cast) == [("Bøgely", "resource", None)]
        assert not AuditEntry.objects.filter(object_type="pedagogueattachment").exists()

    @pytest.mark.parametrize("who", ["bob", "sara", "other_leader"])
    def test_the_services_refuse_them_too(self, cast, who):
        actor = (
            make_user("dagny", cast.dragoer, Role.CORPS_LEADER)
            if who == "other_leader"
            else getattr(cast, who)
        )
        with pytest.raises(services.AttachmentRefused):
            services.attachment_add(
                actor=actor, pedagogue=cast.bob,
                data={"institution": cast.elverhoej, "function": "support"},
            )  # fmt: skip
        with pytest.raises((services.AttachmentRefused, PedagogueAttachment.DoesNotExist)):
            services.attachment_end(actor=actor, attachment=bobs_boegely(cast), data={})
        assert bobs(cast) == [("Bøgely", "resource", None)]


def test_the_page_reads_as_many_queries_with_5_as_with_50_attachments(cast, client):
    """Half of the grown attachments ended, half current: both lists and the end forms."""

    def grow(start: int, stop: int) -> None:
        for k in range(start, stop):
            institution = Institution.objects.create(
                municipality=cast.ishoj, name=f"Institution {k:02d}", kind="integrated", size=50
            )
            PedagogueAttachment.objects.create(
                municipality=cast.ishoj, pedagogue=cast.bob, institution=institution,
                function="resource" if k % 2 else "support",
                ended_on=None if k % 2 else TODAY - datetime.timedelta(days=k),
            )  # fmt: skip

    grow(0, 5)
    few = {
        user.username: measure(client, user, page_url(cast))[0] for user in (cast.cora, cast.bob)
    }
    grow(5, 50)
    many = {
        user.username: measure(client, user, page_url(cast))[0] for user in (cast.cora, cast.bob)
    }
    assert few == many
    client.force_login(cast.cora)
    page = client.get(page_url(cast)).content.decode()
    assert page.count("Afslut tilknytningen") == 26  # Bøgely and the 25 grown current ones

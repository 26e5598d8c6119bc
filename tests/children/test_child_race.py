"""Two people registering the same child at the same moment, on two database connections.

The service looks the CPR number up before saving; when both look-ups find nothing, the unique
constraint decides, and the loser must get the same Danish duplicate message as anyone who
enters a known number. Runs on SQLite (a file database, IMMEDIATE transactions) and on
PostgreSQL alike (the suite runs on both)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.children.models import Child
from tests.children.test_child_views import child_form_data
from tests.conftest import make_child

CPR = "0105234000"


@pytest.mark.django_db(transaction=True)
def test_two_people_registering_the_same_child_at_once_exactly_one_wins(cast):
    # Another municipality has a child with the same number; it must not confuse the loser's
    # look-up of the winner.
    make_child(cast.dragoer, cast.xenia.institution, "Nora", CPR)
    # Both requests are held just after the service's look-up of the CPR number, so both see
    # no child yet and the database's unique constraint has to settle it.
    looked_up = threading.Barrier(2, timeout=30)
    responses = {}

    def register(user):
        held = False

        def hold_after_the_cpr_look_up(execute, sql, params, many, context):
            nonlocal held
            result = execute(sql, params, many, context)
            if not held and sql.startswith("SELECT") and '"children_child"."cpr_hash"' in sql:
                held = True
                looked_up.wait()
            return result

        client = Client()
        client.force_login(user)
        try:
            with connection.execute_wrapper(hold_after_the_cpr_look_up):
                responses[user.username] = client.post(
                    reverse("child-create"),
                    child_form_data(cpr="010523-4000", institution=cast.elverhoej.pk),
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in (cast.alice, cast.carl)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    nora = Child.objects.with_cpr(CPR).get(municipality=cast.ishoj)
    assert Child.objects.with_cpr(CPR).filter(municipality=cast.ishoj).count() == 1
    winners = [name for name, r in responses.items() if r.status_code == 302]
    losers = [name for name, r in responses.items() if r.status_code == 200]
    assert len(winners) == 1 and len(losers) == 1
    assert responses[winners[0]]["Location"] == nora.get_absolute_url()
    # The loser sees the form again with the Danish message pointing at the child just made
    # (both may see children in Elverhøj), and what they typed is kept.
    page = responses[losers[0]].content.decode()
    assert "Barnet er allerede registreret:" in page
    assert f'href="{nora.get_absolute_url()}"' in page
    assert 'value="Nora"' in page and 'value="Nielsen"' in page
    # One registration in the log, and the loser's attempt logged against the existing child.
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="child")
    assert [(e.actor.username, e.child_id) for e in created] == [(winners[0], nora.public_id)]
    attempt = AuditEntry.objects.get(
        action=AuditAction.SEARCH, search_term="CPR-dublet ved oprettelse"
    )
    assert (attempt.actor.username, attempt.child_id) == (losers[0], nora.public_id)
    assert attempt.changes == {"attempts_this_hour": 1}

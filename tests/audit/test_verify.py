"""`manage.py audit_verify` finds entries edited, removed or inserted behind the
application's back (raw SQL past the model, queryset and trigger guards)."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry


def raw(sql, params=()):
    """SQL as an intruder with database access runs it: no model, no trigger."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, list(params))


def verify(*args):
    """(succeeded, everything the command wrote)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except CommandError:
        return False, out.getvalue() + err.getvalue()
    return True, out.getvalue() + err.getvalue()


@pytest.fixture
def reads(cast, client_for):
    """Three reads of Mia by bob, in Ishøj's chain."""
    client = client_for(cast.bob)
    for _ in range(3):
        client.get(reverse("child-detail", args=[cast.mia.public_id]))
    return list(AuditEntry.objects.filter(action=AuditAction.READ).order_by("id"))


def test_an_untouched_log_is_intact(reads):
    ok, output = verify()
    assert ok, output
    assert "Adgangsloggen er intakt." in output
    assert reads[1].prev_hash == reads[0].entry_hash != ""


def test_an_edited_entry_is_reported(reads):
    raw("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["Nogen", reads[1].pk])
    ok, output = verify()
    assert not ok
    assert f"Post {reads[1].pk} stemmer ikke med sit segl" in output


def test_an_edited_child_link_is_reported(reads, cast):
    raw(
        "UPDATE audit_auditentrychild SET child_id = %s WHERE entry_id = %s",
        [cast.emil.public_id.hex, reads[1].pk],
    )
    ok, output = verify()
    assert not ok
    assert f"Post {reads[1].pk} stemmer ikke med sit segl" in output


def test_a_deleted_entry_is_reported(reads):
    raw("DELETE FROM audit_auditentrychild WHERE entry_id = %s", [reads[1].pk])
    raw("DELETE FROM audit_auditentry WHERE id = %s", [reads[1].pk])
    ok, output = verify()
    assert not ok
    assert f"Der mangler poster før post {reads[2].pk} (efter post {reads[0].pk})" in output


def test_an_inserted_entry_is_reported(reads, cast):
    last = AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).order_by("-id").first()
    forged = hashlib.sha256(b"without the key").hexdigest()
    raw(
        "INSERT INTO audit_auditentry (municipality_id, at, actor_id, actor_name, action, "
        "object_type, object_id, object_label, child_id, child_name, ip_address, search_term, "
        "changes, prev_hash, entry_hash) VALUES "
        "(%s, %s, %s, %s, 'read', 'child', '', '', NULL, '', NULL, '', '{}', %s, %s)",
        [cast.ishoj.pk, last.at, cast.alice.pk, "Alice Testesen", last.entry_hash, forged],
    )
    inserted = AuditEntry.objects.order_by("-id").first()
    ok, output = verify()
    assert not ok
    assert f"Post {inserted.pk} stemmer ikke med sit segl" in output


def test_an_entry_inserted_between_two_is_reported_as_inserted(reads, cast):
    """Copied whole from its neighbour (seal included) into a free id before the chain."""
    first = AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).order_by("id").first()
    raw(
        "INSERT INTO audit_auditentry (id, municipality_id, at, actor_id, actor_name, action, "
        "object_type, object_id, object_label, child_id, child_name, ip_address, search_term, "
        "changes, prev_hash, entry_hash) VALUES "
        "(%s, %s, %s, %s, %s, 'read', 'child', '', '', NULL, '', NULL, '', '{}', '', %s)",
        [first.pk - 100000, cast.ishoj.pk, first.at, cast.alice.pk, "Alice", "f" * 64],
    )
    ok, output = verify()
    assert not ok
    assert f"Post {first.pk - 100000} er indsat i kæden (før post {first.pk})" in output


# --- Checkpoints: a daily run reads only the entries written since the last one -----------


def read_mia(client, cast):
    client.get(reverse("child-detail", args=[cast.mia.public_id]))
    return AuditEntry.objects.filter(action=AuditAction.READ).order_by("-id").first()


def test_a_second_run_reads_only_the_new_entries(reads, cast, client_for):
    from inklusio.audit.verify import verify_chains

    client = client_for(cast.bob)  # signing in writes an entry too
    assert verify()[0]
    read_mia(client, cast)
    ishoj = verify_chains(full=False).chains[cast.ishoj.pk]
    assert ishoj.checked == 1
    assert ishoj.entries == AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).count()
    assert verify_chains(full=True).chains[cast.ishoj.pk].checked == ishoj.entries


def test_an_entry_edited_after_the_checkpoint_is_reported(reads, cast, client_for):
    assert verify()[0]
    new = read_mia(client_for(cast.bob), cast)
    raw("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["Nogen", new.pk])
    ok, output = verify()
    assert not ok
    assert f"Post {new.pk} stemmer ikke med sit segl" in output


def test_an_entry_removed_before_the_checkpoint_is_reported(reads):
    assert verify()[0]
    raw("DELETE FROM audit_auditentrychild WHERE entry_id = %s", [reads[1].pk])
    raw("DELETE FROM audit_auditentry WHERE id = %s", [reads[1].pk])
    ok, output = verify()
    assert not ok
    assert "poster er slettet eller indsat" in output
    ok, output = verify("--full")
    assert f"Der mangler poster før post {reads[2].pk} (efter post {reads[0].pk})" in output


def test_the_checkpoint_entry_removed_is_reported(reads, cast):
    newest = AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).order_by("-id").first()
    assert verify()[0]
    raw("DELETE FROM audit_auditentrychild WHERE entry_id = %s", [newest.pk])
    raw("DELETE FROM audit_auditentry WHERE id = %s", [newest.pk])
    ok, output = verify()
    assert not ok
    assert f"Post {newest.pk} ved et kontrolpunkt er ændret eller slettet" in output


def test_an_entry_edited_before_the_checkpoint_takes_the_full_run(reads):
    """The documented limit: an edit in place keeps the count, so only --full finds it."""
    assert verify()[0]
    raw("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["Nogen", reads[1].pk])
    assert verify()[0]
    ok, output = verify("--full")
    assert not ok
    assert f"Post {reads[1].pk} stemmer ikke med sit segl" in output


def test_a_checkpoint_written_without_the_key_is_reported_and_not_used(reads, cast):
    """A forged checkpoint past an edited entry would hide the edit from the daily run."""
    newest = AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).order_by("-id").first()
    count = AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).count()
    raw("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["Nogen", reads[1].pk])
    raw(
        "INSERT INTO audit_auditcheckpoint (municipality_id, last_entry_id, entries, head, "
        "verified_at, seal) VALUES (%s, %s, %s, %s, %s, %s)",
        [cast.ishoj.pk, newest.pk, count, newest.entry_hash, newest.at, "0" * 64],
    )
    ok, output = verify()
    assert not ok
    assert "stemmer ikke med sit segl: det er skrevet udefra" in output
    assert f"Post {reads[1].pk} stemmer ikke med sit segl" in output


@pytest.mark.django_db(transaction=True)
def test_writers_at_once_keep_one_unbroken_chain(cast, monkeypatch):
    """Two writers of Ishøj's chain at once: each entry follows exactly one other (SQLite and
    PostgreSQL). Sealing is slowed down so that, without the chain lock, both writers would
    read the same head and fork the chain."""
    import threading
    import time

    from inklusio.audit import services

    real_seal = services.seal

    def slow_seal(entry, links):
        time.sleep(0.02)
        return real_seal(entry, links)

    monkeypatch.setattr(services, "seal", slow_seal)
    barrier = threading.Barrier(2)
    errors = []

    def write(actor):
        try:
            barrier.wait()
            for _ in range(5):
                services.audit_record(
                    actor=actor, action=AuditAction.READ, obj=cast.mia, child=cast.mia
                )
        except Exception as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(u,)) for u in (cast.bob, cast.alice)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    chain = list(AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).order_by("id"))
    assert len([entry for entry in chain if entry.action == AuditAction.READ]) == 10
    assert len({entry.prev_hash for entry in chain}) == len(chain)  # no fork
    ok, output = verify()
    assert ok, output


def test_a_purge_after_the_checkpoint_is_no_false_alarm(cast):
    """A retention purge removes a chain's oldest entries, which changes the count up to the
    checkpoint rightly: the daily run reads that chain whole instead of reporting it."""
    import datetime
    from io import StringIO

    from inklusio.audit.services import audit_record
    from tests.conftest import TODAY
    from tests.retention.test_retention import on

    def read_xenia():
        audit_record(actor=cast.dora, action=AuditAction.READ, obj=cast.xenia, child=cast.xenia)

    with on(TODAY - datetime.timedelta(days=6 * 365)):
        for _ in range(3):
            read_xenia()
    read_xenia()
    assert verify()[0]
    call_command("retention_purge_audit", stdout=StringIO())
    ok, output = verify()
    assert ok, output
    assert verify("--full")[0]

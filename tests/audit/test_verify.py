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


def verify():
    """(succeeded, everything the command wrote)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
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

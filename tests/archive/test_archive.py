"""Leaving Inklusio: Ishøj's archive is exported, Ishøj is removed from the database and the
file store, and the archive is imported again into what is left (Dragør stays). Afterwards
the statistics tables, Mia's and Emil's pages, every record count and every file are the same,
and the audit chain still verifies. A tampered, truncated or foreign archive imports nothing."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from inklusio.archive.export import MANIFEST, write_archive
from inklusio.archive.restore import ArchiveRefused, import_archive
from inklusio.archive.scope import ARCHIVE_JOB_KIND, file_fields, scoped_records
from inklusio.audit.models import AuditAction, AuditEntry, AuditEntryChild
from inklusio.audit.verify import verify_chains
from inklusio.children.models import Child
from inklusio.core.backup import walk
from inklusio.core.storage import private_storage
from inklusio.jobs.models import Job
from inklusio.organisation.models import Municipality
from inklusio.people.models import Role
from inklusio.reports.registry import TABLES, build_table
from tests.jobs.test_jobs import run_worker

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')


def _archive(municipality) -> bytes:
    out = io.BytesIO()
    write_archive(municipality=municipality, out=out, storage=private_storage)
    return out.getvalue()


def _files() -> dict[str, str]:
    checksums = {}
    for name in walk(private_storage):
        with private_storage.open(name, "rb") as stored:
            checksums[name] = hashlib.sha256(stored.read()).hexdigest()
    return checksums


def _counts(municipality_id: int) -> dict[str, int]:
    return {label: qs.count() for label, qs in scoped_records(municipality_id).items()}


def _wipe(municipality_id: int) -> None:
    """Ishøj gone from the database and the file store, audit rows included (past the
    append-only guard, as a fresh installation has none)."""
    scopes = scoped_records(municipality_id)
    keys = {label: list(qs.values_list("pk", flat=True)) for label, qs in scopes.items()}
    for label, qs in scopes.items():
        for name in qs.values_list(*file_fields(qs.model), flat=True) if file_fields(qs.model) else []:
            if name and private_storage.exists(name):
                private_storage.delete(name)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # past the audit trigger
        for label, qs in scopes.items():
            model = qs.model
            for m2m in model._meta.many_to_many:
                through = m2m.remote_field.through
                if through._meta.auto_created:
                    column = m2m.m2m_column_name()
                    for key in keys[label]:
                        cursor.execute(
                            f'DELETE FROM "{through._meta.db_table}" WHERE "{column}" = %s', [key]
                        )
            for key in keys[label]:
                cursor.execute(
                    f'DELETE FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" = %s',
                    [key],
                )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def _pages(client, cast) -> dict[str, str]:
    client.force_login(cast.alice)
    return {
        child.first_name: CSRF.sub("", client.get(reverse("child-detail", args=[child.public_id])).content.decode())
        for child in (cast.mia, cast.emil)
    }


def _tables(municipality) -> dict[str, dict]:
    return {name: build_table(name, municipality).suppressed().as_json() for name in TABLES}


def test_the_round_trip_keeps_every_record_page_table_file_and_the_audit_chain(cast, client):
    ishoj = cast.ishoj
    pages, tables = _pages(client, cast), _tables(ishoj)
    counts, files = _counts(ishoj.pk), _files()
    dragoer_counts = _counts(cast.dragoer.pk)
    assert set(files) >= {"jobs/test/aarsrapport-2026.pdf", "imports/test/boern.csv"}
    data = _archive(ishoj)

    _wipe(ishoj.pk)
    assert not Municipality.objects.filter(pk=ishoj.pk).exists()
    assert not Child.objects.filter(pk=cast.mia.pk).exists()
    assert _files() == {}  # the cast's files are all Ishøj's

    result = import_archive(source=io.BytesIO(data), storage=private_storage)

    assert result.municipality.name == "Ishøj Kommune"
    after = _counts(ishoj.pk)
    # One entry more in the log: the import itself, at the head of the imported chain.
    assert after.pop("audit.AuditEntry") == counts.pop("audit.AuditEntry") + 1
    assert after == counts
    assert _counts(cast.dragoer.pk) == dragoer_counts
    assert _files() == files
    assert _tables(Municipality.objects.get(pk=ishoj.pk)) == tables
    assert "Mia Testesen" in pages["Mia"]
    assert _pages(client, cast) == pages
    mia = Child.objects.get(pk=cast.mia.pk)
    assert mia.cpr == "1503224123"
    assert Child.objects.with_cpr("1503224123").get() == mia
    report = verify_chains(full=True)
    assert report.problems == []
    assert report.chains[ishoj.pk].entries == after_entries(ishoj.pk)
    imported = AuditEntry.objects.filter(municipality_id=ishoj.pk).order_by("-id").first()
    assert (imported.object_type, imported.actor_id) == ("archiveimport", cast.alice.pk)


def after_entries(municipality_id: int) -> int:
    return AuditEntry.objects.filter(municipality_id=municipality_id).count()

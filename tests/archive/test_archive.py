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
from django.db import connection
from django.urls import reverse

from inklusio.archive.export import MANIFEST, write_archive
from inklusio.archive.restore import ArchiveRefused, import_archive
from inklusio.archive.scope import file_fields, scoped_records
from inklusio.audit.models import AuditEntry
from inklusio.audit.verify import verify_chains
from inklusio.children.models import Child
from inklusio.core.backup import walk
from inklusio.core.storage import private_storage
from inklusio.organisation.models import Municipality
from inklusio.reports.registry import TABLES, build_table

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
    for qs in scopes.values():
        for name in (
            qs.values_list(*file_fields(qs.model), flat=True) if file_fields(qs.model) else []
        ):
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
                            f'DELETE FROM "{through._meta.db_table}" WHERE "{column}" = %s',  # noqa: S608 - names from the models
                            [key],
                        )
            for key in keys[label]:
                cursor.execute(
                    f'DELETE FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" = %s',  # noqa: S608
                    [key],
                )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def _pages(client, cast) -> dict[str, str]:
    client.force_login(cast.alice)
    return {
        child.first_name: CSRF.sub(
            "", client.get(reverse("child-detail", args=[child.public_id])).content.decode()
        )
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
    imported = AuditEntry.objects.filter(municipality_id=ishoj.pk).order_by("-id").first()
    assert (imported.object_type, imported.actor_id) == ("archiveimport", cast.alice.pk)
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


def after_entries(municipality_id: int) -> int:
    return AuditEntry.objects.filter(municipality_id=municipality_id).count()


def _rewritten(data: bytes, change) -> bytes:
    """The archive with its members passed through `change(name, bytes) -> bytes | None`
    (None leaves the member out), the manifest kept unless changed too."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def _tamper_child(name: str, content: bytes) -> bytes:
    if name == "records/children.Child.jsonl":
        return content.replace(b"Testesen", b"Hansen", 1)
    return content


def _new_version(name: str, content: bytes) -> bytes:
    if name == MANIFEST:
        manifest = json.loads(content)
        manifest["format_version"] = 99
        return json.dumps(manifest).encode()
    return content


def _other_migrations(name: str, content: bytes) -> bytes:
    if name == MANIFEST:
        manifest = json.loads(content)
        manifest["migrations"]["children"].append("9999_from_the_future")
        return json.dumps(manifest).encode()
    return content


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda data: _rewritten(data, _tamper_child), "stemmer ikke med sin kontrolsum"),
        (lambda data: data[: len(data) // 2], "eller den er afkortet"),
        (
            lambda data: _rewritten(
                data, lambda n, c: None if n == "records/courses.Session.jsonl" else c
            ),
            "Arkivet mangler records/courses.Session.jsonl",
        ),
        (lambda data: data + b"", None),  # the control: the same archive imports
        (lambda data: _rewritten(data, _new_version), "version 99; denne installation læser"),
        (lambda data: _rewritten(data, _other_migrations), "migrationer afviger for children"),
    ],
    ids=["tampered", "truncated", "member-missing", "untouched", "format-version", "migrations"],
)
def test_a_spoilt_archive_imports_nothing(cast, spoil, message):
    data = spoil(_archive(cast.ishoj))
    _wipe(cast.ishoj.pk)
    entries, files = AuditEntry.objects.count(), _files()
    if message is None:
        import_archive(source=io.BytesIO(data), storage=private_storage)
        assert Municipality.objects.filter(pk=cast.ishoj.pk).exists()
        return
    with pytest.raises(ArchiveRefused, match=message) as refused:
        import_archive(source=io.BytesIO(data), storage=private_storage)
    assert str(refused.value).endswith("Intet er importeret.")
    assert not Municipality.objects.filter(pk=cast.ishoj.pk).exists()
    assert not Child.objects.filter(first_name="Mia").exists()
    assert AuditEntry.objects.count() == entries
    assert _files() == files == {}


def test_an_added_member_is_refused(cast):
    data = _archive(cast.ishoj)
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("files/extra.pdf", b"%PDF-1.4 not ours")
    _wipe(cast.ishoj.pk)
    with pytest.raises(ArchiveRefused, match="som manifestet ikke nævner"):
        import_archive(source=io.BytesIO(out.getvalue()), storage=private_storage)
    assert not Municipality.objects.filter(pk=cast.ishoj.pk).exists()


def _renamed_municipality(name: str, content: bytes) -> bytes:
    if name == MANIFEST:
        manifest = json.loads(content)
        manifest["municipality"].update(id=999, slug="ny-kommune")
        return json.dumps(manifest).encode()
    return content


def test_an_installation_that_holds_the_municipality_or_its_records_is_refused(cast):
    data = _archive(cast.ishoj)
    counts, entries = _counts(cast.ishoj.pk), AuditEntry.objects.count()
    with pytest.raises(ArchiveRefused, match="Kommunen Ishøj Kommune findes allerede"):
        import_archive(source=io.BytesIO(data), storage=private_storage)
    # Under another name the records themselves (same ids) still refuse it.
    with pytest.raises(ArchiveRefused, match=r"Der findes allerede .* med samme id"):
        import_archive(
            source=io.BytesIO(_rewritten(data, _renamed_municipality)), storage=private_storage
        )
    assert _counts(cast.ishoj.pk) == counts
    assert AuditEntry.objects.count() == entries


def test_audit_seals_made_with_another_key_refuse_the_import(cast, settings):
    data = _archive(cast.ishoj)
    _wipe(cast.ishoj.pk)
    settings.AUDIT_HASH_KEY = "a-different-installation-with-another-seal-key"
    with pytest.raises(ArchiveRefused, match="INKLUSIO_AUDIT_HASH_KEY den samme"):
        import_archive(source=io.BytesIO(data), storage=private_storage)
    assert not Municipality.objects.filter(pk=cast.ishoj.pk).exists()
    assert _files() == {}  # nothing written to the store either


def _children_changed(**fields):
    """The archive's children with `fields` changed, its checksum in the manifest made to agree
    (as an archive written by hand, consistent with itself, would be)."""
    member = "records/children.Child.jsonl"
    changed: dict[str, bytes] = {}

    def change(name: str, content: bytes) -> bytes:
        if name != member:
            return content
        records = [json.loads(line) for line in content.splitlines()]
        for record in records:
            record["fields"].update(fields)
        changed[name] = b"".join(
            (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode()
            for record in records
        )
        return changed[name]

    def reseal(name: str, content: bytes) -> bytes:
        if name != MANIFEST:
            return content
        manifest = json.loads(content)
        manifest["members"][member]["sha256"] = hashlib.sha256(changed[member]).hexdigest()
        return json.dumps(manifest, ensure_ascii=False).encode()

    return lambda data: _rewritten(_rewritten(data, change), reseal)


@pytest.mark.parametrize("into", ["municipality", "institution"])
def test_an_archive_cannot_put_records_into_another_municipality(cast, client_for, into):
    """Dragør's archive, its children made Ishøj's (or placed at Ishøj's Bøgely): refused
    whole, and Ishøj's lists show no stranger."""
    fields = {"municipality": cast.ishoj.pk} if into == "municipality" else {}
    if into == "institution":
        fields["institution"] = cast.boegely.pk
    original = _archive(cast.dragoer)
    data = _children_changed(**fields)(original)
    _wipe(cast.dragoer.pk)
    ishoj = _counts(cast.ishoj.pk)
    with pytest.raises(ArchiveRefused, match="uden for arkivets kommune"):
        import_archive(source=io.BytesIO(data), storage=private_storage)
    assert not Municipality.objects.filter(pk=cast.dragoer.pk).exists()
    assert _counts(cast.ishoj.pk) == ishoj
    listed = client_for(cast.alice).get(reverse("child-list")).content.decode()
    assert "Xenia" not in listed
    # The control: the archive as written imports, and its children stay Dragør's.
    import_archive(source=io.BytesIO(original), storage=private_storage)
    assert set(Child.objects.filter(first_name="Xenia").values_list("municipality", flat=True)) == {
        cast.dragoer.pk
    }

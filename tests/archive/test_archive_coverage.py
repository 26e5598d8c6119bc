"""Every model of the installation is in a municipality's archive or excused with a reason,
and every field of an archived model is in its records (or omitted with a reason), so a new
model or field cannot be left behind when a municipality leaves."""

import io
import json
import zipfile

import pytest
from django.apps import apps

from inklusio.archive import scope
from inklusio.archive.export import write_archive
from inklusio.core.storage import private_storage


def test_every_model_is_archived_or_excused(db):
    archived = set(scope.scoped_records(1))
    every = {m._meta.label for m in scope.candidate_models()}
    assert archived | set(scope.EXCLUDED) == every
    assert archived & set(scope.EXCLUDED) == set()


def test_a_model_neither_archived_nor_excused_fails(db, monkeypatch):
    """The guard above, with the fault planted: the sessions left without their reason."""
    monkeypatch.delitem(scope.EXCLUDED, "sessions.Session")
    with pytest.raises(LookupError, match=r"sessions\.Session"):
        scope.scoped_records(1)


def test_excuses_name_models_and_fields_that_exist():
    for label in scope.EXCLUDED:
        apps.get_model(label)
    for label, fields in scope.OMITTED_FIELDS.items():
        model = apps.get_model(label)
        for name in fields:
            model._meta.get_field(name)


def test_every_field_of_every_archived_record_is_in_the_archive(cast):
    out = io.BytesIO()
    write_archive(municipality=cast.ishoj, out=out, storage=private_storage)
    archive = zipfile.ZipFile(out)
    manifest = json.loads(archive.read("manifest.json"))
    empty = []
    for name, member in manifest["members"].items():
        if "model" not in member:
            continue
        model = apps.get_model(member["model"])
        expected = {
            f.name
            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if not f.primary_key
            and (not f.many_to_many or f.remote_field.through._meta.auto_created)
        } - set(scope.OMITTED_FIELDS.get(member["model"], {}))
        lines = archive.read(name).splitlines()
        if not lines:
            empty.append(member["model"])
            continue
        fields = set(json.loads(lines[0])["fields"])
        assert fields - {"cpr"} == expected, member["model"]
    # The cast fills most models (those it leaves empty are checked the same way when filled).
    assert len(empty) < len(manifest["load_order"]) / 2, empty

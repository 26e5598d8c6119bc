"""Reading a municipality's archive into an installation that does not hold it yet
(`manage.py import_municipality`; docs/archive.md).

Everything is checked before anything is written: the format and its version, the migration
state (the archive's fields must be this installation's), every member's SHA-256 and record
count against the manifest, no member missing or added. A tampered or truncated archive
imports nothing. Then, in one transaction: the records in dependency order with their primary
keys (so links and public ids hold), CPR numbers encrypted and hashed with this installation's
keys, the database's sequences moved past the loaded keys, every key checked, the audit chain
verified with this installation's seal key, one audit entry for the import itself, and the
files written into the storage (removed again if the transaction fails).
"""

from __future__ import annotations

import functools
import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from inklusio.archive.export import FILES, FORMAT, FORMAT_VERSION, MANIFEST, migration_state

CHECK_BATCH = 500


class ArchiveRefused(Exception):
    """The archive is not imported; the message (Danish) says why. Nothing was written."""


@dataclass
class ImportResult:
    municipality: Any
    records: dict[str, int] = field(default_factory=dict)
    files: int = 0
    audit_entries: int = 0


def _refuse(message: str) -> ArchiveRefused:
    return ArchiveRefused(f"{message} {_('Intet er importeret.')}")


def open_archive(source: str | IO[bytes]) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    """The archive and its manifest, after every check that needs no database."""
    try:
        archive = zipfile.ZipFile(source)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise _refuse(_("Filen er ikke et arkiv fra Inklusio, eller den er afkortet.")) from error
    if MANIFEST not in names:
        raise _refuse(_("Arkivet har ingen manifest.json."))
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile) as error:
        raise _refuse(_("Arkivets manifest.json kan ikke læses.")) from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise _refuse(
            _(
                "Arkivet har formatet %(format)s version %(version)s; denne installation læser "
                "%(expected)s version %(expected_version)s."
            )
            % {
                "format": manifest.get("format"),
                "version": manifest.get("format_version"),
                "expected": FORMAT,
                "expected_version": FORMAT_VERSION,
            }
        )
    _check_migrations(manifest)
    _check_members(archive, names, manifest)
    return archive, manifest


def _check_migrations(manifest: dict[str, Any]) -> None:
    here = migration_state()
    there = manifest.get("migrations") or {}
    differ = sorted(app for app in set(here) | set(there) if here.get(app) != there.get(app))
    if differ:
        raise _refuse(
            _(
                "Arkivet er lavet med en anden version af Inklusio (databasens migrationer "
                "afviger for %(apps)s). Indlæs det i samme version, som det blev lavet med."
            )
            % {"apps": ", ".join(differ)}
        )


def _check_members(archive: zipfile.ZipFile, names: set[str], manifest: dict[str, Any]) -> None:
    members: dict[str, dict[str, Any]] = manifest.get("members") or {}
    for name in sorted(set(members) - names):
        raise _refuse(_("Arkivet mangler %(name)s.") % {"name": name})
    for name in sorted(names - set(members) - {MANIFEST}):
        raise _refuse(
            _("Arkivet indeholder %(name)s, som manifestet ikke nævner.") % {"name": name}
        )
    for name, expected in sorted(members.items()):
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            raise _refuse(_("Arkivet har et ugyldigt filnavn: %(name)s.") % {"name": name})
        digest, lines = hashlib.sha256(), 0
        try:
            with archive.open(name) as member:
                for line in member:
                    digest.update(line)
                    lines += 1
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise _refuse(
                _("%(name)s i arkivet kan ikke læses (afkortet eller ændret).") % {"name": name}
            ) from error
        if digest.hexdigest() != expected.get("sha256"):
            raise _refuse(
                _("%(name)s stemmer ikke med sin kontrolsum i manifestet: arkivet er ændret.")
                % {"name": name}
            )
        if "records" in expected and lines != expected["records"]:
            raise _refuse(
                _("%(name)s har %(lines)s poster, men manifestet siger %(records)s.")
                % {"name": name, "lines": lines, "records": expected["records"]}
            )


def _record_members(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(model label, member name) in the archive's load order."""
    by_model = {
        entry["model"]: name for name, entry in manifest["members"].items() if "model" in entry
    }
    order = manifest.get("load_order") or []
    if set(order) != set(by_model):
        raise _refuse(_("Arkivets rækkefølge for indlæsning passer ikke til dets filer."))
    for label in order:
        try:
            apps.get_model(label)
        except LookupError as error:
            raise _refuse(
                _("Arkivet har poster af en type, denne installation ikke kender: %(model)s.")
                % {"model": label}
            ) from error
    return [(label, by_model[label]) for label in order]


def _records(archive: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    with archive.open(name) as member:
        for line in member:
            yield json.loads(line)


def _check_empty(manifest: dict[str, Any], storage: Storage, archived: dict[str, set[Any]]) -> None:
    """Refuse when any record (same model, same key) or file of the archive is here already."""
    municipality = apps.get_model("organisation", "Municipality")
    place = manifest["municipality"]
    if municipality._base_manager.filter(pk=place["id"]).exists() or (
        place.get("slug") and municipality._base_manager.filter(slug=place["slug"]).exists()
    ):
        raise _refuse(
            _(
                "Kommunen %(name)s findes allerede i denne installation. Arkivet kan kun "
                "indlæses, hvor kommunen og dens poster ikke findes."
            )
            % {"name": place.get("name")}
        )
    for label, keyset in archived.items():
        model = apps.get_model(label)
        keys = list(keyset)
        for start in range(0, len(keys), CHECK_BATCH):
            chunk = keys[start : start + CHECK_BATCH]
            if model._base_manager.filter(pk__in=chunk).exists():
                raise _refuse(
                    _(
                        "Der findes allerede %(model)s med samme id som i arkivet. Arkivet kan "
                        "kun indlæses, hvor kommunen og dens poster ikke findes."
                    )
                    % {"model": model._meta.verbose_name_plural}
                )
    for name in _file_members(manifest):
        if storage.exists(name):
            raise _refuse(_("Filen %(name)s findes allerede i fillageret.") % {"name": name})


def _file_members(manifest: dict[str, Any]) -> list[str]:
    prefix = f"{FILES}/"
    return sorted(n[len(prefix) :] for n in manifest["members"] if n.startswith(prefix))


def import_archive(
    *, source: str | IO[bytes], storage: Storage, username: str | None = None
) -> ImportResult:
    """Check the archive, then load it whole or not at all (see the module's docstring)."""
    archive, manifest = open_archive(source)
    members = _record_members(manifest)
    archived = _archived_keys(archive, members)
    _check_empty(manifest, storage, archived)
    written: list[str] = []
    try:
        with transaction.atomic():
            result = _load(archive, manifest, members, archived)
            _verify_chain(manifest, result)
            _record_import(manifest, result, username)
            for name in _file_members(manifest):
                saved = storage.save(name, ContentFile(archive.read(f"{FILES}/{name}")))
                written.append(saved)
                if saved != name:
                    raise _refuse(
                        _("Filen %(name)s findes allerede i fillageret.") % {"name": name}
                    )
                result.files += 1
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    return result


@functools.cache
def _is_tenant_model(model: type[Model]) -> bool:
    """A municipality's own rows: the municipality itself and every model that names one."""
    if model._meta.label == "organisation.Municipality":
        return True
    return any(f.name == "municipality" and f.is_relation for f in model._meta.concrete_fields)


def _archived_keys(archive: zipfile.ZipFile, members: list) -> dict[str, set[Any]]:
    return {label: {record["pk"] for record in _records(archive, name)} for label, name in members}


def _check_owned(
    loaded: Any, municipality_id: int, archived: dict[str, set[Any]], label: str
) -> None:
    """A record of the archive belongs to the archive's municipality (its `municipality` is a
    link like the others), and every link it has to a municipality's rows points into the
    archive: the municipality is new here (checked first), so a link to a row outside the
    archive is a link into another municipality."""
    obj = loaded.object
    links = [
        (f, [getattr(obj, f.attname)])
        for f in obj._meta.concrete_fields
        if f.is_relation and f.related_model is not None
    ]
    links += [
        (f, loaded.m2m_data.get(f.name, []))
        for f in obj._meta.many_to_many
        if f.related_model is not None
    ]
    for link, targets in links:
        target_model = link.related_model
        if not _is_tenant_model(target_model):
            continue  # shared rows (content types and the like)
        if not link.many_to_many and not link.target_field.primary_key:
            targets = []  # links by another key are checked by the database (check_constraints)
        own = archived.get(target_model._meta.label, set())
        if target_model._meta.label == "organisation.Municipality":
            own = {municipality_id}
        if any(target is not None and target not in own for target in targets):
            raise _refuse(
                _(
                    "Arkivets %(model)s henviser til poster uden for arkivets kommune. Et arkiv "
                    "kan kun indeholde én kommunes poster."
                )
                % {"model": apps.get_model(label)._meta.verbose_name_plural}
            )


def _load(
    archive: zipfile.ZipFile, manifest: dict[str, Any], members: list, archived: dict[str, set[Any]]
) -> ImportResult:
    models = []
    result = ImportResult(municipality=None)
    municipality_id = manifest["municipality"]["id"]
    for label, name in members:
        model = apps.get_model(label)
        models.append(model)
        count = 0
        for record in _records(archive, name):
            fields = dict(record["fields"])
            cpr = fields.pop("cpr", None)
            raw = {"model": label, "pk": record["pk"], "fields": fields}
            for loaded in serializers.deserialize("python", [raw]):
                _check_owned(loaded, municipality_id, archived, label)
                if cpr is not None:
                    loaded.object.cpr = cpr  # encrypted and hashed with this installation's keys
                loaded.save(force_insert=True)
            count += 1
        result.records[label] = count
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    try:
        connection.check_constraints(table_names=[m._meta.db_table for m in models])
    except IntegrityError as error:
        raise _refuse(
            _("Arkivets poster henviser til poster, der ikke er med i arkivet.")
        ) from error
    municipality = apps.get_model("organisation", "Municipality")
    result.municipality = municipality._base_manager.get(pk=manifest["municipality"]["id"])
    return result


def _verify_chain(manifest: dict[str, Any], result: ImportResult) -> None:
    """The audit rows are loaded verbatim: their seals must hold under this installation's
    key (INKLUSIO_AUDIT_HASH_KEY must be the one the archive's installation used)."""
    from inklusio.audit.verify import verify_chains

    chain = verify_chains(full=True, record=False).chains.get(result.municipality.pk)
    expected = manifest.get("audit_chain") or {}
    entries = chain.entries if chain else 0
    head = chain.head if chain else ""
    if (chain and chain.problems) or (entries, head) != (
        expected.get("entries", 0),
        expected.get("head", ""),
    ):
        raise _refuse(
            _(
                "Adgangsloggens kæde stemmer ikke efter indlæsningen. Er "
                "INKLUSIO_AUDIT_HASH_KEY den samme som i installationen, arkivet kommer fra?"
            )
        )
    result.audit_entries = entries


def _record_import(manifest: dict[str, Any], result: ImportResult, username: str | None) -> None:
    """One entry, at the head of the imported chain, in an administrator's name."""
    from inklusio.audit.models import AuditAction
    from inklusio.audit.services import audit_record
    from inklusio.people.models import Role, User

    admins = User.objects.filter(
        municipality=result.municipality, role=Role.ADMINISTRATOR, is_active=True
    )
    if username:
        admins = admins.filter(username=username)
    actor = admins.order_by("username").first()
    if actor is None:
        raise _refuse(_("Kommunen i arkivet har ingen aktiv administrator med det brugernavn."))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=result.municipality,
        object_type="archiveimport",
        changes={
            "format_version": manifest["format_version"],
            "created_at": manifest.get("created_at", ""),
            "records": sum(result.records.values()),
        },
    )

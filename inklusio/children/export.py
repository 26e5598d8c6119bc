"""Data-subject export (GDPR art. 15): everything Inklusio holds about one child.

Each app contributes its part in its own `data_export.py`:

- `export(child) -> dict`: the app's records, JSON-safe;
- `COVERS`: the models (app_label.Model) whose rows about the child that part holds, so
  `tests/privacy/test_export_coverage.py` can tell a model that holds child data and is exported
  by nobody;
- `LABELS`: the Danish heading of every key the part uses, for the readable PDF;
- optionally `files(child) -> list[ExportFile]`: stored files (attachments, letters).

The parts are found through `core.plugins`, so a new app cannot be forgotten silently here. The
whole export (JSON, PDF and files in one ZIP) is made by the worker (`job_kinds.py`).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inklusio.audit.labels import TYPE_LABELS, object_type_label
from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.audit.selectors import access_log_of_child
from inklusio.audit.services import REDACTED, audit_record
from inklusio.children.models import Child
from inklusio.core.pdf import render_pdf
from inklusio.core.plugins import app_modules
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.people.models import Role, User

# The models this module exports itself (the child and the relations around it).
COVERS = (
    "children.Child",
    "children.Guardian",
    "children.Guardianship",
    "children.PartnerInvitation",
)

# Object types whose log label may name a member of staff: the label is left out of the export.
_STAFF_OBJECT_TYPES = {"user", "contract", "absence", "pedagogueattachment", "calendarfeed"}

LABELS: dict[str, Any] = {
    "exported_at": gettext_lazy("Udtrukket"),
    "staff_roles_included": gettext_lazy("Medarbejderes roller vist i adgangsloggen"),
    "child": gettext_lazy("Barnet"),
    "cpr": gettext_lazy("CPR-nummer"),
    "name": gettext_lazy("Navn"),
    "birth_date": gettext_lazy("Fødselsdato"),
    "institution": gettext_lazy("Daginstitution"),
    "room": gettext_lazy("Stue"),
    "resource_group": gettext_lazy("Ressourcegruppe"),
    "languages": gettext_lazy("Sprog"),
    "category": gettext_lazy("Vanskelighed (kategori)"),
    "left_on": gettext_lazy("Udmeldt"),
    "registered_at": gettext_lazy("Oprettet i systemet"),
    "guardians": gettext_lazy("Forældre og værger"),
    "relation": gettext_lazy("Relation"),
    "has_custody": gettext_lazy("Har forældremyndighed"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Telefon"),
    "address": gettext_lazy("Adresse"),
    "ended_on": gettext_lazy("Ophørt"),
    "partner_invitations": gettext_lazy("Samarbejdspartnere med adgang"),
    "partner": gettext_lazy("Samarbejdspartner"),
    "reason": gettext_lazy("Begrundelse"),
    "since": gettext_lazy("Inviteret"),
    "valid_from": gettext_lazy("Gælder fra"),
    "valid_until": gettext_lazy("Gælder til"),
    "end_reason": gettext_lazy("Begrundelse for afslutning"),
    "access_log": gettext_lazy("Adgangslog: hvornår og hvordan oplysningerne er brugt"),
    "at": gettext_lazy("Tidspunkt"),
    "access": gettext_lazy("Slags adgang"),
    "object_type": gettext_lazy("Hvad"),
    "object": gettext_lazy("Hvilket"),
    "role": gettext_lazy("Medarbejderens rolle"),
    "files": gettext_lazy("Filer i udtrækket"),
    "path": gettext_lazy("Fil"),
    "about": gettext_lazy("Indhold"),
    "sha256": gettext_lazy("Kontrolsum (SHA-256)"),
}


@dataclass(frozen=True)
class ExportFile:
    """A stored file about the child, placed under files/ in the export's ZIP."""

    name: str
    data: bytes
    about: str


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def person(user: User | None) -> str | None:
    """Who did something, as the export shows it: a guardian by name (the family's own side);
    staff only by role or profession, since staff identities are not part of the answer."""
    if user is None:
        return None
    if user.role == Role.GUARDIAN:
        return user.get_full_name() or user.username
    if user.role == Role.PARTNER and user.profession:
        return str(user.get_profession_display())
    return str(user.get_role_display())


def _child_part(child: Child) -> dict[str, Any]:
    return {
        "child": {
            "cpr": child.formatted_cpr,
            "name": child.full_name,
            "birth_date": iso(child.birth_date),
            "institution": child.institution.name,
            "room": child.room.name if child.room else None,
            "resource_group": child.resource_group.name if child.resource_group else None,
            "languages": child.languages,
            "category": child.get_category_display(),
            "left_on": iso(child.left_on),
            "registered_at": iso(child.created_at),
        },
        "guardians": [
            {
                "name": g.guardian.name,
                "relation": g.relation,
                "has_custody": g.has_custody,
                "email": g.guardian.email,
                "phone": g.guardian.phone,
                "address": g.guardian.shown_address,  # never a protected address
                "ended_on": iso(g.ended_on),
            }
            for g in child.guardianships.select_related("guardian")
        ],
        "partner_invitations": [
            {
                "partner": person(i.partner),
                "reason": i.reason,
                "since": iso(i.created_at),
                "valid_from": iso(i.valid_from),
                "valid_until": iso(i.valid_until),
                # What the partner was invited to: the child's case, one plan or one meeting.
                "scope": i.get_scope_display(),
                "target": str(i.target),
                "ended_on": iso(i.ended_on),
                "end_reason": i.end_reason,
            }
            for i in child.invitations.select_related("partner", "plan", "plan_meeting")
        ],
    }


def _object_names() -> dict[str, str]:
    """The access log's own Danish names (labels.TYPE_LABELS covers pages such as the start
    page and models whose verbose_name is the English default), as the log page shows them."""
    return {
        name: capfirst(object_type_label(name))
        for name in {*(model._meta.model_name or "" for model in apps.get_models()), *TYPE_LABELS}
    }


def _log_row(entry: AuditEntry, names: dict[str, str], staff_roles: bool) -> dict[str, Any]:
    label = entry.object_label
    if entry.object_type in _STAFF_OBJECT_TYPES or label == REDACTED:
        label = ""
    row: dict[str, Any] = {
        "at": iso(entry.at),
        "access": str(AuditAction(entry.action).label)
        if entry.action in AuditAction.values
        else entry.action,
        "object_type": names.get(entry.object_type, entry.object_type),
        "object": label,
    }
    if staff_roles:
        row["role"] = person(entry.actor) if entry.actor else None
    return row


def access_log_part(child: Child, *, staff_roles: bool = False) -> list[dict[str, Any]]:
    """When, what kind of access and to which object; who only as a role, and only if asked."""
    names = _object_names()
    entries = access_log_of_child(child)
    if staff_roles:
        entries = entries.select_related("actor")
    return [_log_row(entry, names, staff_roles) for entry in entries]


def export_parts() -> list[tuple[str, Any]]:
    """(app label, data_export module) of every app that contributes to the export."""
    return list(app_modules("data_export"))


def child_export_data(child: Child, *, staff_roles: bool = False) -> dict[str, Any]:
    """Everything held about the child, JSON-safe (not logged: callers log the export)."""
    data: dict[str, Any] = {"exported_at": iso(timezone.now())}
    data.update(_child_part(child))
    for label, module in export_parts():
        data[label] = module.export(child)
    data["staff_roles_included"] = staff_roles
    data["access_log"] = access_log_part(child, staff_roles=staff_roles)
    return data


def child_export_files(child: Child) -> list[ExportFile]:
    files: list[ExportFile] = []
    for _label, module in export_parts():
        if hasattr(module, "files"):
            files += module.files(child)
    return files


def child_export(*, actor: User, child: Child, staff_roles: bool = False) -> dict[str, Any]:
    """Assemble the export (JSON only) and log it as an export of the child's data."""
    with transaction.atomic():
        data = child_export_data(child, staff_roles=staff_roles)
        audit_record(actor=actor, action=AuditAction.EXPORT, obj=child, child=child)
    return data


def child_export_archive(*, actor: User, child: Child, staff_roles: bool = False) -> bytes:
    """The complete answer as one ZIP: export.json, export.pdf (plain Danish, for the family)
    and files/ with every stored file; logged once as an export of the child's data."""
    with transaction.atomic():
        data = child_export_data(child, staff_roles=staff_roles)
        files = child_export_files(child)
        data["files"] = [
            {
                "path": f"files/{f.name}",
                "about": f.about,
                "sha256": hashlib.sha256(f.data).hexdigest(),
            }
            for f in files
        ]
        pdf = render_pdf("children/export_pdf.html", readable_context(child, data))
        audit_record(actor=actor, action=AuditAction.EXPORT, obj=child, child=child)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("export.pdf", pdf)
        for f in files:
            archive.writestr(f"files/{f.name}", f.data)
    return buffer.getvalue()


# The readable version -------------------------------------------------------------------------


def all_labels() -> dict[str, Any]:
    labels = dict(LABELS)
    for _label, module in export_parts():
        labels.update(getattr(module, "LABELS", {}))
    return labels


def part_titles() -> dict[str, Any]:
    """The Danish heading of each app's part (its key at the top of the export)."""
    return {label: module.TITLE for label, module in export_parts()}


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return short_date(moment.date())
        moment = timezone.localtime(moment)
        return f"{short_date(moment.date())} kl. {moment:%H:%M}"
    return str(value)


def readable_blocks(
    data: dict[str, Any], labels: dict[str, Any], titles: dict[str, Any]
) -> list[dict[str, Any]]:
    """The nested export as a flat list of headings and label/value rows for the PDF template,
    which then needs no recursion: {"kind": "heading", "level", "text"} or
    {"kind": "fields", "rows": [(label, value)]}."""
    blocks: list[dict[str, Any]] = []

    def walk(obj: dict[str, Any], level: int) -> None:
        rows: list[tuple[str, str]] = []
        for key, value in obj.items():
            top = titles if obj is data else {}
            label = str(top.get(key) or labels.get(key, key))
            if isinstance(value, dict):
                flush(rows)
                rows = []
                blocks.append({"kind": "heading", "level": level, "text": label})
                walk(value, level + 1)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                flush(rows)
                rows = []
                blocks.append({"kind": "heading", "level": level, "text": label})
                for number, item in enumerate(value, start=1):
                    if len(value) > 1:  # one record needs no number of its own
                        blocks.append(
                            {"kind": "heading", "level": level + 1, "text": f"{label} ({number})"}
                        )
                    walk(item, level + 2 if len(value) > 1 else level + 1)
            elif isinstance(value, list) and not value:
                rows.append((label, _("Ingen")))
            else:
                rows.append((label, _value(value)))
        flush(rows)

    def flush(rows: list[tuple[str, str]]) -> None:
        if rows:
            blocks.append({"kind": "fields", "rows": rows})

    walk(data, 2)
    for block in blocks:
        if block["kind"] == "heading":
            block["level"] = min(block["level"], 4)
    return blocks


def readable_context(child: Child, data: dict[str, Any]) -> dict[str, Any]:
    labels = all_labels()
    records = {
        key: value
        for key, value in data.items()
        if key not in {"access_log", "files", "exported_at", "staff_roles_included"}
    }
    return {
        "child": child,
        "municipality": child.municipality,
        "exported_at": _value(data["exported_at"]),
        "blocks": readable_blocks(records, labels, part_titles()),
        "access_log": [
            {key: _value(value) for key, value in row.items()} for row in data["access_log"]
        ],
        "staff_roles": data["staff_roles_included"],
        "files": data.get("files", []),
    }

"""Data-subject export (GDPR art. 15): everything Inklusio holds about one child.

Each app may contribute a section in its own `data_export.py` with `export(child) -> dict`;
they are autodiscovered so a new app cannot be forgotten silently by this module.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from inklusio.audit.models import AuditAction
from inklusio.audit.selectors import access_log_of_child
from inklusio.audit.services import audit_record
from inklusio.children.models import Child
from inklusio.core.plugins import app_modules
from inklusio.people.models import User


def _sections(child: Child) -> dict[str, Any]:
    return {label: module.export(child) for label, module in app_modules("data_export")}


def child_export(*, actor: User, child: Child) -> dict[str, Any]:
    """Assemble the export and log it as an export of the child's data."""
    with transaction.atomic():
        data = {
            "child": {
                "cpr": child.formatted_cpr,
                "name": child.full_name,
                "birth_date": child.birth_date.isoformat(),
                "institution": child.institution.name,
                "room": child.room.name if child.room else None,
                "resource_group": child.resource_group.name if child.resource_group else None,
                "languages": child.languages,
                "category": child.get_category_display(),
            },
            "guardians": [
                {
                    "name": g.guardian.name,
                    "relation": g.relation,
                    "has_custody": g.has_custody,
                    "email": g.guardian.email,
                    "phone": g.guardian.phone,
                }
                for g in child.guardianships.select_related("guardian")
            ],
            "partner_invitations": [
                {"partner": str(i.partner), "reason": i.reason, "since": i.created_at.isoformat()}
                for i in child.invitations.select_related("partner")
            ],
            "access_log": [
                {
                    "at": e.at.isoformat(),
                    "who": e.actor_name,
                    "action": e.action,
                    "what": e.object_type,
                }
                for e in access_log_of_child(child.public_id)
            ],
            **_sections(child),
        }
        audit_record(actor=actor, action=AuditAction.EXPORT, obj=child, child=child)
    return data

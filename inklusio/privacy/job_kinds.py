"""The complete data-subject export (JSON, readable PDF and the stored files in one ZIP) takes
seconds and renders a PDF: the worker makes it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.children.export import child_export_archive
from inklusio.children.models import Child
from inklusio.jobs.registry import JobOutput, job_kind
from inklusio.privacy.services import EXPORT_JOB_KIND


def _exported_child(user: Any, params: dict[str, Any]) -> list[Child]:
    return list(Child.objects.in_municipality_of(user).filter(public_id=params["child"]))


@job_kind(
    EXPORT_JOB_KIND,
    title=_("Indsigt: alle oplysninger om et barn (ZIP)"),
    may_request=access.can_manage_data_requests,
    children=_exported_child,
)
def child_data_export(user: Any, params: dict[str, Any]) -> JobOutput:
    child = Child.objects.in_municipality_of(user).filter(public_id=params["child"]).first()
    if child is None or not access.can_export_child_data(user, child):
        raise PermissionError("the requester may not export this child's data")
    data = child_export_archive(
        actor=user, child=child, staff_roles=bool(params.get("staff_roles"))
    )
    return JobOutput(data, f"indsigt-{child.public_id}.zip", "application/zip")

"""The administration's imports, and the children an import's page or report shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from inklusio import access
from inklusio.children.models import Child
from inklusio.imports.models import ImportRun
from inklusio.jobs.models import Job
from inklusio.people.models import User


def imports_for(user: User) -> QuerySet[ImportRun]:
    return access.imports_visible_to(user).select_related("uploaded_by")


def children_shown(run: ImportRun, rows: Iterable[dict[str, Any]] | None = None) -> list[Child]:
    """The registered children the rows name (all of the import's rows unless given); a row
    still to be created names no record yet."""
    ids = {row["child"] for row in (run.rows if rows is None else rows) if row.get("child")}
    if not ids:
        return []
    return list(Child.objects.filter(municipality_id=run.municipality_id, public_id__in=ids))


def latest_job(user: User, run: ImportRun) -> Job | None:
    """The newest background job of this import the user asked for: its report is the file."""
    jobs = Job.objects.in_municipality_of(user).filter(requested_by=user)
    return jobs.filter(params__import=str(run.public_id)).order_by("-created_at", "-id").first()

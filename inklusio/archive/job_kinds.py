"""The municipality's archive (all records and files) is made by the worker: it reads every
table of the municipality and can take minutes."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.archive.export import write_archive
from inklusio.archive.scope import ARCHIVE_JOB_KIND
from inklusio.children.models import Child
from inklusio.core.storage import private_storage
from inklusio.jobs.registry import JobOutput, job_kind

SENSITIVE = _(
    "Arkivet indeholder alle kommunens oplysninger, også CPR-numre i klar tekst og "
    "adgangsloggen. Opbevar det som de følsomme personoplysninger, det er, og slet det, når "
    "det er overført. Hver hentning logges."
)


def _all_children(user: Any, params: dict[str, Any]) -> list[Child]:
    """Every child of the municipality is in the archive: its download is logged for each."""
    return list(Child.objects.in_municipality_of(user).only("public_id", "first_name", "last_name"))


@job_kind(
    ARCHIVE_JOB_KIND,
    title=_("Kommunens arkiv: alle data og filer (ZIP)"),
    may_request=access.can_export_municipality,
    children=_all_children,
    notice=SENSITIVE,
)
def municipality_archive(user: Any, params: dict[str, Any]) -> JobOutput:
    if not access.can_export_municipality(user):
        raise PermissionError("the requester may not export the municipality")
    out = io.BytesIO()
    write_archive(municipality=user.municipality, out=out, storage=private_storage)
    slug = getattr(user.municipality, "slug", "") or str(user.municipality_id)
    name = f"arkiv-{slug}-{timezone.localdate():%Y-%m-%d}.zip"
    return JobOutput(out.getvalue(), name, "application/zip")

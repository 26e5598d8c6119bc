"""An import's dry run and real run are made by the worker: a 20,000-row file takes minutes.
Each job's file is the row-by-row report (CSV, Danish headers)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inklusio import access
from inklusio.core.http import CSV
from inklusio.imports import selectors, services
from inklusio.imports.models import ImportRun
from inklusio.imports.rules import ACTION_LABELS
from inklusio.jobs.registry import JobOutput, job_kind


def _run(user: Any, params: dict[str, Any]) -> ImportRun:
    return selectors.imports_for(user).get(public_id=params["import"])


def _shown(user: Any, params: dict[str, Any]) -> list[Any]:
    return selectors.children_shown(_run(user, params))


def report_csv(run: ImportRun) -> JobOutput:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Række"), _("Handling"), _("Navn"), _("Begrundelse")])
    if run.file_error:
        writer.writerow(["", _(ACTION_LABELS["refused"]), "", run.file_error])
    for row in run.rows:
        reasons = " ".join(row["reasons"])
        writer.writerow([row["line"], _(ACTION_LABELS[row["action"]]), row["label"], reasons])
    data = output.getvalue().encode("utf-8-sig")
    return JobOutput(data, f"import-{run.status}.csv", CSV)


@job_kind(
    "import-check",
    title=gettext_lazy("Prøvekørsel af import"),
    may_request=access.can_import,
    children=_shown,
)
def import_check(user: Any, params: dict[str, Any]) -> JobOutput:
    return report_csv(services.import_check(actor=user, run=_run(user, params)))


@job_kind(
    "import-execute",
    title=gettext_lazy("Import"),
    may_request=access.can_import,
    children=_shown,
)
def import_execute(user: Any, params: dict[str, Any]) -> JobOutput:
    return report_csv(services.import_execute(actor=user, run=_run(user, params)))

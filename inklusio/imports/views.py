"""The administration's imports: upload (with the template files), the dry run page with its
progress, and the confirmation that starts the real run. The work itself is done by the worker."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.services import audit_shown
from inklusio.core.errors import DomainError
from inklusio.core.http import CSV, XLSX, AuthenticatedHttpRequest, file_response
from inklusio.imports import parsers, selectors, services
from inklusio.imports.forms import UploadForm
from inklusio.imports.models import ImportKind, ImportRun
from inklusio.imports.rules import ACTION_LABELS
from inklusio.jobs import services as job_services

ROWS_PER_PAGE = 500


def _require_importer(request: AuthenticatedHttpRequest) -> None:
    if not access.can_import(request.user):
        raise Http404


@login_required
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.import_upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(),
            )
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            params = {"import": str(run.public_id)}
            job_services.job_request(actor=request.user, kind="import-check", params=params)
            return redirect("import-detail", public_id=run.public_id)
    context = {"form": form, "runs": selectors.imports_for(request.user)[:30]}
    context["kinds"] = ImportKind.choices
    return render(request, "imports/import_list.html", context)


@login_required
def import_template(request: AuthenticatedHttpRequest, kind: str, fmt: str) -> HttpResponse:
    _require_importer(request)
    if kind not in ImportKind.values or fmt not in {"xlsx", "csv"}:
        raise Http404
    if fmt == "xlsx":
        return file_response(parsers.template_xlsx(kind), f"skabelon-{kind}.xlsx", XLSX)
    return file_response(parsers.template_csv(kind), f"skabelon-{kind}.csv", CSV)


@login_required
def import_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    run = access.get_visible_or_404(selectors.imports_for(request.user), public_id=public_id)
    job = selectors.latest_job(request.user, run)
    page = Paginator(run.rows, ROWS_PER_PAGE).get_page(request.GET.get("side"))
    rows = [{**row, "action_label": _(ACTION_LABELS[row["action"]])} for row in page]
    audit_shown(actor=request.user, obj=run, children=selectors.children_shown(run, page))
    context = {
        "run": run,
        "page": page,
        "rows": rows,
        "counts": [(_(label), run.count(action)) for action, label in ACTION_LABELS.items()],
        "job": job,
        # The worker's job says whether work is under way (a run started by the command has none).
        "working": job.is_pending if job is not None else run.is_pending,
    }
    context["can_execute"] = not context["working"] and _ready(run)
    return render(request, "imports/import_detail.html", context)


@login_required
@require_POST
def import_execute(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    run = access.get_visible_or_404(selectors.imports_for(request.user), public_id=public_id)
    if not _ready(run):
        messages.error(request, str(services.ImportNotReady()))
    else:
        params = {"import": str(run.public_id)}
        job_services.job_request(actor=request.user, kind="import-execute", params=params)
        messages.success(request, _("Importen er sat i gang."))
    return redirect("import-detail", public_id=run.public_id)


def _ready(run: ImportRun) -> bool:
    return run.status == run.Status.CHECKED and not run.file_error and not run.refused

"""A requested file's page (it refreshes itself until the file is ready), its download, and
the administration's list of failed jobs."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_shown
from inklusio.core.errors import DomainError
from inklusio.core.http import AuthenticatedHttpRequest, file_response
from inklusio.core.listing import Listing
from inklusio.core.storage import private_storage
from inklusio.jobs import selectors, services
from inklusio.jobs.forms import JOB_COLUMNS, JobFilterForm
from inklusio.jobs.models import Job
from inklusio.jobs.registry import kinds


@login_required
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    titles = _titles()
    listing = Listing(
        request,
        form=JobFilterForm(request.GET, titles=titles),
        columns=JOB_COLUMNS,
        default_sort="created",
    )
    own = listing.paginate(selectors.jobs_requested_by(request.user))
    failed = selectors.failed_jobs_visible_to(request.user)[:50]
    return render(
        request,
        "jobs/job_list.html",
        {
            "listing": listing,
            "jobs": [(job, titles.get(job.kind, job.kind)) for job in own],
            "failed": [(job, titles.get(job.kind, job.kind)) for job in failed],
        },
    )


@login_required
def job_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    job = access.get_visible_or_404(selectors.jobs_requested_by(request.user), public_id=public_id)
    kind = kinds().get(job.kind)
    context = {"job": job, "title": _titles()[job.kind], "notice": kind.notice if kind else ""}
    return render(request, "jobs/job_detail.html", context)


@login_required
def job_download(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    job = access.get_visible_or_404(
        selectors.jobs_requested_by(request.user).filter(status=Job.Status.DONE),
        public_id=public_id,
    )
    kind = kinds().get(job.kind)
    if kind is not None and not kind.may_request(request.user):
        raise Http404  # the right to the file ended with the role that ordered it
    with private_storage.open(job.stored_name) as stored:
        data = stored.read()
    shows = kind.children if kind is not None else None
    if shows is not None:  # a file about named children (the data-subject export)
        audit_shown(
            actor=request.user,
            obj=job,
            children=shows(request.user, job.params),
            action=AuditAction.EXPORT,
        )
    return file_response(data, job.file_name, job.content_type, download=False)


@login_required
@require_POST
def job_retry(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    job = access.get_visible_or_404(
        selectors.failed_jobs_visible_to(request.user), public_id=public_id
    )
    try:
        services.job_retry(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("job-list")


def _titles() -> dict[str, str]:
    return {name: str(kind.title) for name, kind in kinds().items()}

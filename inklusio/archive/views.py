"""The administration's page to take the whole municipality out as an archive."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from inklusio import access
from inklusio.archive.job_kinds import SENSITIVE
from inklusio.archive.scope import ARCHIVE_JOB_KIND
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.jobs.selectors import jobs_requested_by
from inklusio.jobs.services import job_request


@login_required
def archive_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_export_municipality(request.user):
        raise Http404
    if request.method == "POST":
        job = job_request(actor=request.user, kind=ARCHIVE_JOB_KIND, params={})
        return redirect("job-detail", job.public_id)
    earlier = jobs_requested_by(request.user).filter(kind=ARCHIVE_JOB_KIND)[:10]
    return render(request, "archive/archive_export.html", {"notice": SENSITIVE, "jobs": earlier})

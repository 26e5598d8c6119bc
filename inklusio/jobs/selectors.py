"""Jobs a user may see: their own requests; the administration also sees the municipality's
failed jobs (without their files)."""

from __future__ import annotations

from django.db.models import QuerySet

from inklusio import access
from inklusio.jobs.models import Job
from inklusio.people.models import User


def jobs_requested_by(user: User) -> QuerySet[Job]:
    return Job.objects.in_municipality_of(user).filter(requested_by=user)


def failed_jobs_visible_to(user: User) -> QuerySet[Job]:
    if not access.can_view_failed_jobs(user):
        return Job.objects.none()
    return (
        Job.objects.in_municipality_of(user)
        .filter(status=Job.Status.FAILED)
        .select_related("requested_by")
    )

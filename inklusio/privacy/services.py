"""Registering data-subject requests and recording how each was answered.

GDPR art. 12(3): the answer is due within one month of receipt; the controller may extend that
by two further months, telling the person why; a refusal also gives the reason. Every change is
one audit row in the same transaction.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.children.models import Child
from inklusio.core.errors import DomainError
from inklusio.core.models import municipality_id_of
from inklusio.jobs.models import Job
from inklusio.people.models import User
from inklusio.privacy.models import ANSWER_MONTHS, EXTENDED_MONTHS, DataRequest, add_months

EXPORT_JOB_KIND = "child-export"


class RequestNotOpen(DomainError):
    def __init__(self, request: DataRequest) -> None:
        super().__init__(
            _("Anmodningen er allerede afsluttet (%(status)s).")
            % {"status": request.get_status_display()}
        )


class ReasonMissing(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("Skriv begrundelsen; den skal gives til den, der har spurgt."), field="reason"
        )


def data_request_register(
    *, actor: User, child: Child, requester: str, received_on: datetime.date
) -> DataRequest:
    """A request is due one month after it was received (art. 12(3))."""
    if received_on > timezone.localdate():
        raise DomainError(_("Modtagelsesdatoen kan ikke ligge i fremtiden."), field="received_on")
    with transaction.atomic():
        request = DataRequest.objects.create(
            municipality_id=municipality_id_of(actor),
            child=child,
            requester=requester.strip(),
            received_on=received_on,
            deadline=add_months(received_on, ANSWER_MONTHS),
            registered_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=request,
            child=child,
            changes={"deadline": request.deadline.isoformat()},
        )
    return request


def _locked_open(request: DataRequest) -> DataRequest:
    locked: DataRequest = (
        DataRequest.objects.select_for_update().select_related("child").get(pk=request.pk)
    )
    if not locked.is_open:
        raise RequestNotOpen(locked)
    return locked


def _record(actor: User, request: DataRequest, before: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=request,
        child=request.child,
        changes={
            "status": {"before": before, "after": request.status},
            "deadline": request.deadline.isoformat(),
        },
    )


def data_request_extend(*, actor: User, request: DataRequest, reason: str) -> DataRequest:
    """The deadline moves to three months after receipt, with the reason told (art. 12(3));
    only once, and only while the request is open."""
    if not reason.strip():
        raise ReasonMissing
    with transaction.atomic():
        locked = _locked_open(request)
        if locked.status == DataRequest.Status.EXTENDED:
            raise DomainError(_("Fristen er allerede forlænget; den kan kun forlænges én gang."))
        before = locked.status
        locked.status = DataRequest.Status.EXTENDED
        locked.reason = reason.strip()
        locked.deadline = add_months(locked.received_on, EXTENDED_MONTHS)
        locked.save(update_fields=["status", "reason", "deadline"])
        _record(actor, locked, before)
    return locked


def data_request_refuse(*, actor: User, request: DataRequest, reason: str) -> DataRequest:
    """A refusal gives the reason (art. 12(4))."""
    if not reason.strip():
        raise ReasonMissing
    with transaction.atomic():
        locked = _locked_open(request)
        before = locked.status
        locked.status = DataRequest.Status.REFUSED
        locked.reason = reason.strip()
        locked.answered_on = timezone.localdate()
        locked.save(update_fields=["status", "reason", "answered_on"])
        _record(actor, locked, before)
    return locked


def data_request_answer(*, actor: User, request: DataRequest) -> DataRequest:
    """A request is answered with a finished export of the child's data made for it."""
    with transaction.atomic():
        locked = _locked_open(request)
        job = (
            Job.objects.filter(
                municipality_id=locked.municipality_id,
                kind=EXPORT_JOB_KIND,
                params__request=str(locked.public_id),
                status=Job.Status.DONE,
            )
            .order_by("-finished_at", "-pk")
            .first()
        )
        if job is None:
            raise DomainError(
                _("Lav udtrækket, og vent til det er klar, før anmodningen markeres som besvaret.")
            )
        before = locked.status
        locked.status = DataRequest.Status.ANSWERED
        locked.answered_on = timezone.localdate()
        locked.export_job = job
        locked.save(update_fields=["status", "answered_on", "export_job"])
        _record(actor, locked, before)
    return locked

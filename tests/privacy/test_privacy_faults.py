"""Data-subject requests: the refusals word for word, the deadlines, which export answers a
request, and the audit row of each step (`inklusio/privacy/services.py`)."""

import datetime

import pytest
from django.utils import timezone

from inklusio.audit.models import AuditAction
from inklusio.core.errors import DomainError
from inklusio.jobs.models import Job
from inklusio.privacy import services
from inklusio.privacy.models import DataRequest, add_months
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

REASON_MISSING = "Skriv begrundelsen; den skal gives til den, der har spurgt."


def export_job(cast, request, *, status=Job.Status.DONE, kind=services.EXPORT_JOB_KIND, **extra):
    return Job.objects.create(
        municipality=cast.ishoj,
        kind=kind,
        params={"child": str(request.child.public_id), "request": str(request.public_id)},
        requested_by=cast.alice,
        status=status,
        file_name="indsigt.zip",
        **extra,
    )


def stored(request):
    return DataRequest.objects.get(pk=request.pk)


class TestRegistering:
    def test_a_request_received_today_is_registered_with_its_deadline_and_logged(self, cast):
        with new_audit_rows() as rows:
            request = services.data_request_register(
                actor=cast.alice, child=cast.emil, requester="  Emils mor ", received_on=TODAY
            )
        saved = stored(request)
        assert (
            saved.municipality_id, saved.child, saved.requester, saved.received_on,
            saved.deadline, saved.registered_by, saved.status,
        ) == (
            cast.ishoj.pk, cast.emil, "Emils mor", TODAY, add_months(TODAY, 1), cast.alice,
            "received",
        )  # fmt: skip
        [row] = rows
        assert (row.actor, row.action, row.object_type, row.object_id, row.child_id) == (
            cast.alice, AuditAction.CREATE, "datarequest", str(saved.public_id),
            cast.emil.public_id,
        )  # fmt: skip
        assert row.changes == {"deadline": add_months(TODAY, 1).isoformat()}

    def test_a_request_received_tomorrow_is_refused_in_danish(self, cast):
        with pytest.raises(DomainError) as refused:
            services.data_request_register(
                actor=cast.alice, child=cast.emil, requester="Emils mor",
                received_on=TODAY + datetime.timedelta(days=1),
            )  # fmt: skip
        assert str(refused.value) == "Modtagelsesdatoen kan ikke ligge i fremtiden."
        assert not DataRequest.objects.filter(child=cast.emil).exists()


class TestExtending:
    def test_the_extension_keeps_the_reason_moves_the_deadline_and_is_logged(self, cast):
        request = cast.data_request_mia
        with new_audit_rows() as rows:
            extended = services.data_request_extend(
                actor=cast.alice, request=request, reason=" Mange sager "
            )
        saved = stored(request)
        three_months = add_months(request.received_on, 3)
        assert (saved.status, saved.reason, saved.deadline) == (
            "extended",
            "Mange sager",
            three_months,
        )
        assert extended.deadline == three_months
        [row] = rows
        assert (row.actor, row.action, row.object_id, row.child_id) == (
            cast.alice, AuditAction.CHANGE, str(saved.public_id), cast.mia.public_id
        )  # fmt: skip
        assert row.changes == {
            "status": {"before": "received", "after": "extended"},
            "deadline": three_months.isoformat(),
        }

    def test_without_a_reason_nothing_changes(self, cast):
        for service in (services.data_request_extend, services.data_request_refuse):
            with pytest.raises(services.ReasonMissing) as refused:
                service(actor=cast.alice, request=cast.data_request_mia, reason=" \n")
            assert str(refused.value) == REASON_MISSING
        assert stored(cast.data_request_mia).status == "received"

    def test_a_second_extension_is_refused_in_danish(self, cast):
        services.data_request_extend(actor=cast.alice, request=cast.data_request_mia, reason="A")
        with new_audit_rows() as rows, pytest.raises(DomainError) as refused:
            services.data_request_extend(
                actor=cast.alice, request=cast.data_request_mia, reason="B"
            )
        assert str(refused.value) == "Fristen er allerede forlænget; den kan kun forlænges én gang."
        assert rows == [] and stored(cast.data_request_mia).reason == "A"


class TestRefusing:
    def test_an_extended_request_can_still_be_refused_and_the_log_says_from_what(self, cast):
        services.data_request_extend(actor=cast.alice, request=cast.data_request_mia, reason="A")
        with new_audit_rows() as rows:
            services.data_request_refuse(
                actor=cast.alice, request=cast.data_request_mia, reason=" Ikke forældremyndighed "
            )
        saved = stored(cast.data_request_mia)
        assert (saved.status, saved.reason, saved.answered_on) == (
            "refused", "Ikke forældremyndighed", TODAY
        )  # fmt: skip
        [row] = rows
        assert row.changes == {
            "status": {"before": "extended", "after": "refused"},
            "deadline": add_months(saved.received_on, 3).isoformat(),
        }

    def test_a_refused_request_is_closed_for_every_change(self, cast):
        services.data_request_refuse(actor=cast.alice, request=cast.data_request_mia, reason="A")
        export_job(cast, cast.data_request_mia)
        for change in (
            lambda: services.data_request_extend(
                actor=cast.alice, request=cast.data_request_mia, reason="B"
            ),
            lambda: services.data_request_refuse(
                actor=cast.alice, request=cast.data_request_mia, reason="B"
            ),
            lambda: services.data_request_answer(actor=cast.alice, request=cast.data_request_mia),
        ):
            with pytest.raises(services.RequestNotOpen) as refused:
                change()
            assert str(refused.value) == "Anmodningen er allerede afsluttet (Afvist)."
        saved = stored(cast.data_request_mia)
        assert (saved.status, saved.reason, saved.export_job) == ("refused", "A", None)


class TestAnswering:
    def test_only_a_finished_export_of_this_request_in_this_municipality_answers_it(self, cast):
        request = cast.data_request_mia
        other = services.data_request_register(
            actor=cast.alice, child=cast.mia, requester="Olga", received_on=TODAY
        )
        export_job(cast, other)  # another request's export
        export_job(cast, request, status=Job.Status.RUNNING)
        export_job(cast, request, kind="annual-report")
        Job.objects.create(
            municipality=cast.dragoer, kind=services.EXPORT_JOB_KIND,
            params={"request": str(request.public_id)}, requested_by=cast.dora,
            status=Job.Status.DONE,
        )  # fmt: skip
        with pytest.raises(DomainError) as refused:
            services.data_request_answer(actor=cast.alice, request=request)
        assert str(refused.value) == (
            "Lav udtrækket, og vent til det er klar, før anmodningen markeres som besvaret."
        )
        assert stored(request).status == "received"

    def test_the_latest_finished_export_answers_it_and_is_logged(self, cast):
        request = cast.data_request_mia
        now = timezone.now()
        latest = export_job(cast, request, finished_at=now)
        export_job(cast, request, finished_at=now - datetime.timedelta(hours=1))
        with new_audit_rows() as rows:
            answered = services.data_request_answer(actor=cast.alice, request=request)
        saved = stored(request)
        assert (saved.status, saved.answered_on, saved.export_job) == ("answered", TODAY, latest)
        assert answered.export_job == latest
        [row] = rows
        assert (row.actor, row.action, row.object_id, row.child_id) == (
            cast.alice, AuditAction.CHANGE, str(saved.public_id), cast.mia.public_id
        )  # fmt: skip
        assert row.changes == {
            "status": {"before": "received", "after": "answered"},
            "deadline": request.deadline.isoformat(),
        }

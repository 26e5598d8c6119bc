"""The register of data-subject requests: alice (Ishøj's administration) registers Gert's
request about Mia, sees the deadline, extends, refuses or answers it with the export; nobody
else, and not Dragør's dora, may see or change the register."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.jobs.models import Job
from inklusio.privacy import services
from inklusio.privacy.models import DataRequest, add_months
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

OUTSIDERS = ("cora", "bob", "carl", "sara", "pia", "gert", "dora")


def ready_export(cast, data_request):
    return Job.objects.create(
        municipality=cast.ishoj,
        kind=services.EXPORT_JOB_KIND,
        params={"child": str(data_request.child.public_id), "request": str(data_request.public_id)},
        requested_by=cast.alice,
        status=Job.Status.DONE,
        file_name="indsigt.zip",
    )


class TestDeadlines:
    def test_one_month_after_receipt(self):
        assert add_months(TODAY, 1) == datetime.date(
            TODAY.year + TODAY.month // 12, TODAY.month % 12 + 1, TODAY.day
        )

    @pytest.mark.parametrize(
        "received,months,due",
        [
            ((2027, 1, 31), 1, (2027, 2, 28)),  # a shorter month: its last day
            ((2028, 1, 31), 1, (2028, 2, 29)),
            ((2026, 12, 15), 1, (2027, 1, 15)),  # over the new year
            ((2026, 11, 30), 3, (2027, 2, 28)),
        ],
    )
    def test_calendar_edges(self, received, months, due):
        assert add_months(datetime.date(*received), months) == datetime.date(*due)


class TestRegistering:
    def test_alice_registers_gerts_request_and_sees_its_deadline(self, cast, client_for):
        client = client_for(cast.alice)
        received = TODAY - datetime.timedelta(days=2)
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(
                reverse("privacy-child", args=[cast.emil.public_id]),
                {"requester": "Emils mor", "received_on": received.isoformat()},
            )
        created = DataRequest.objects.get(child=cast.emil)
        assert response["Location"] == reverse("privacy-request", args=[created.public_id])
        assert created.deadline == add_months(received, 1)
        assert created.status == DataRequest.Status.RECEIVED
        assert [(r.action, r.object_type, r.child_id) for r in rows] == [
            (AuditAction.CREATE, "datarequest", cast.emil.public_id)
        ]
        page = client.get(response["Location"]).content.decode()
        deadline = created.deadline
        assert f"<dd>{deadline.day}.{deadline.month}.{deadline.year}</dd>" in page
        assert "Emils mor" in page

    def test_a_half_filled_form_keeps_what_was_typed(self, cast, client_for):
        response = client_for(cast.alice).post(
            reverse("privacy-child", args=[cast.mia.public_id]), {"requester": "Olga Testesen"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert 'value="Olga Testesen"' in page
        assert "Udfyld feltet" in page or "påkrævet" in page or "skal udfyldes" in page.lower()
        assert DataRequest.objects.filter(child=cast.mia).count() == 1  # only the cast's

    def test_a_request_from_the_future_is_refused_in_danish(self, cast, client_for):
        tomorrow = TODAY + datetime.timedelta(days=1)
        response = client_for(cast.alice).post(
            reverse("privacy-child", args=[cast.mia.public_id]),
            {"requester": "Gert Testesen", "received_on": tomorrow.isoformat()},
        )
        assert "Modtagelsesdatoen kan ikke ligge i fremtiden." in response.content.decode()
        assert DataRequest.objects.filter(child=cast.mia).count() == 1


class TestTheOverview:
    def test_overdue_requests_stand_out_and_answered_ones_do_not(self, cast, client_for):
        late = DataRequest.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            requester="Emils mor",
            received_on=TODAY - datetime.timedelta(days=40),
            deadline=add_months(TODAY - datetime.timedelta(days=40), 1),
            registered_by=cast.alice,
        )
        answered = DataRequest.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            requester="Emils far",
            received_on=TODAY - datetime.timedelta(days=50),
            deadline=TODAY - datetime.timedelta(days=20),
            status=DataRequest.Status.ANSWERED,
            registered_by=cast.alice,
        )
        response = client_for(cast.alice).get(reverse("privacy-requests"))
        rows = {r.public_id: overdue for r, overdue in response.context["rows"]}
        assert rows == {
            late.public_id: True,
            answered.public_id: False,
            cast.data_request_mia.public_id: False,
        }
        page = response.content.decode()
        assert page.count("Frist overskredet") == 1
        start = client_for(cast.alice).get(reverse("start")).content.decode()
        assert "Indsigtsanmodninger over fristen" in start

    def test_the_deadline_day_itself_is_not_overdue(self, cast):
        request = cast.data_request_mia
        assert not request.is_overdue(request.deadline)
        assert request.is_overdue(request.deadline + datetime.timedelta(days=1))

    def test_dora_sees_only_dragoers_requests(self, cast, client_for):
        response = client_for(cast.dora).get(reverse("privacy-requests"))
        assert response.context["rows"] == []
        assert "Mia" not in response.content.decode()


class TestAnswering:
    def url(self, cast):
        return reverse("privacy-request", args=[cast.data_request_mia.public_id])

    def test_extending_moves_the_deadline_to_three_months_and_keeps_the_reason(
        self, cast, client_for
    ):
        client = client_for(cast.alice)
        with new_audit_rows(writes_only=True) as rows:
            client.post(self.url(cast), {"action": "extend", "reason": "Mange sager"})
        request = DataRequest.objects.get(pk=cast.data_request_mia.pk)
        assert request.status == DataRequest.Status.EXTENDED
        assert request.deadline == add_months(request.received_on, 3)
        assert request.reason == "Mange sager"
        assert len(rows) == 1
        again = client.post(self.url(cast), {"action": "extend", "reason": "Igen"})
        assert "kan kun forlænges én gang" in again.content.decode()

    def test_extending_or_refusing_without_a_reason_is_refused(self, cast, client_for):
        client = client_for(cast.alice)
        for action in ("extend", "refuse"):
            response = client.post(self.url(cast), {"action": action, "reason": " "})
            assert "Skriv begrundelsen" in response.content.decode()
        assert DataRequest.objects.get(pk=cast.data_request_mia.pk).status == "received"

    def test_refusing_closes_the_request(self, cast, client_for):
        client = client_for(cast.alice)
        client.post(self.url(cast), {"action": "refuse", "reason": "Ikke forældremyndighed"})
        request = DataRequest.objects.get(pk=cast.data_request_mia.pk)
        assert (request.status, request.answered_on) == (DataRequest.Status.REFUSED, TODAY)
        page = client.get(self.url(cast)).content.decode()
        assert "Ikke forældremyndighed" in page and "Lav udtræk" not in page

    def test_answered_only_with_a_finished_export_for_this_request(self, cast, client_for):
        client = client_for(cast.alice)
        response = client.post(self.url(cast), {"action": "answer"})
        assert "Lav udtrækket, og vent til det er klar" in response.content.decode()
        job = ready_export(cast, cast.data_request_mia)
        client.post(self.url(cast), {"action": "answer"})
        request = DataRequest.objects.get(pk=cast.data_request_mia.pk)
        assert (request.status, request.answered_on, request.export_job) == (
            DataRequest.Status.ANSWERED,
            TODAY,
            job,
        )

    def test_an_answered_request_cannot_be_changed_again(self, cast, client_for):
        ready_export(cast, cast.data_request_mia)
        client = client_for(cast.alice)
        client.post(self.url(cast), {"action": "answer"})
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(self.url(cast), {"action": "refuse", "reason": "For sent"})
        assert "Anmodningen er allerede afsluttet (Besvaret med udtræk)." in (
            response.content.decode()
        )
        assert rows == []

    def test_the_export_is_ordered_for_the_requests_child(
        self, cast, client_for, django_capture_on_commit_callbacks
    ):
        client = client_for(cast.alice)
        url = reverse("privacy-export", args=[cast.data_request_mia.public_id])
        response = client.post(url, {"staff_roles": "on"})
        job = Job.objects.get(kind=services.EXPORT_JOB_KIND)
        assert response["Location"] == reverse("job-detail", args=[job.public_id])
        assert job.params == {
            "child": str(cast.mia.public_id),
            "request": str(cast.data_request_mia.public_id),
            "staff_roles": True,
        }


class TestOthersAreRefused:
    @pytest.mark.parametrize("username", OUTSIDERS)
    def test_get_and_post_answer_404_and_change_nothing(self, cast, client_for, username):
        client = client_for(getattr(cast, username))
        request = cast.data_request_mia
        urls = [
            reverse("privacy-child", args=[cast.mia.public_id]),
            reverse("privacy-request", args=[request.public_id]),
        ]
        for url in urls:
            assert client.get(url).status_code == 404
        bodies = [
            (urls[0], {"requester": "X", "received_on": TODAY.isoformat()}),
            (urls[1], {"action": "refuse", "reason": "X"}),
            (reverse("privacy-export", args=[request.public_id]), {}),
        ]
        for url, body in bodies:
            assert client.post(url, body).status_code == 404
        assert DataRequest.objects.count() == 1
        assert DataRequest.objects.get().status == DataRequest.Status.RECEIVED
        assert not Job.objects.filter(kind=services.EXPORT_JOB_KIND).exists()
        if username != "dora":
            assert client.get(reverse("privacy-requests")).status_code == 404

    def test_a_deactivated_administrator_is_refused(self, cast, client_for):
        cast.alice.is_active = False
        cast.alice.save()
        client = client_for(cast.alice)
        url = reverse("privacy-request", args=[cast.data_request_mia.public_id])
        assert client.get(url).status_code in {302, 404}
        assert client.post(url, {"action": "refuse", "reason": "X"}).status_code in {302, 404}
        assert DataRequest.objects.get().status == DataRequest.Status.RECEIVED

    def test_the_worker_refuses_an_export_of_another_municipalitys_child(self, cast):
        """A job's parameters are checked again when it runs: Dora cannot get Mia's data."""
        from inklusio.jobs.services import job_run

        job = Job.objects.create(
            municipality=cast.dragoer,
            kind=services.EXPORT_JOB_KIND,
            params={"child": str(cast.mia.public_id), "request": "x"},
            requested_by=cast.dora,
        )
        assert job_run(job_pk=job.pk).status == Job.Status.FAILED
        assert Job.objects.get(pk=job.pk).stored_name == ""

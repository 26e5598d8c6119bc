"""Retention: what is due is deleted with its files and nothing is left pointing at it; what is
not due (one day before) stays; the dry run changes nothing; the deletion record names no one.

Mia's case is closed in `closed_case`: she left daycare ten days ago, her grant ended, her plan
and course closed and her father's appeal went on to Ankestyrelsen. It is due 60 months after
she left. The clock is moved with time-machine, relative to the suite's TODAY.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.children.models import Child, Guardian
from inklusio.core.storage import private_storage
from inklusio.courses.models import Observation
from inklusio.family.models import Message, MessageRead
from inklusio.meetings.models import ConsultativeMeeting, MinutesVersion
from inklusio.people.models import User
from inklusio.planning.models import PlanSlot
from inklusio.referrals.models import Appeal, Decision, Referral, WaitingListEntry
from inklusio.retention import graph, rules, schedule, selectors, services
from inklusio.retention.models import DailyRun, DeletionRecord, RetentionPolicy, Rule
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

LEFT_ON = TODAY - datetime.timedelta(days=10)
DUE = LEFT_ON + relativedelta(months=60)


def on(day: datetime.date):
    """The clock moved to 10 o'clock on `day` (Copenhagen), ticking from there."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("Europe/Copenhagen"))
    )


@pytest.fixture
def closed_case(cast):
    """Mia's case, ended: everything in it closed on or before the day she left."""
    Decision.objects.filter(pk=cast.decision_mia.pk).update(ended_on=TODAY - datetime.timedelta(20))
    Appeal.objects.filter(pk=cast.appeal_mia.pk).update(
        status=Appeal.Status.FORWARDED, forwarded_on=TODAY - datetime.timedelta(25)
    )
    cast.plan_mia.__class__.objects.filter(pk=cast.plan_mia.pk).update(
        status="closed", closed_on=TODAY - datetime.timedelta(15)
    )
    cast.course_boegely.__class__.objects.filter(pk=cast.course_boegely.pk).update(
        closed_on=TODAY - datetime.timedelta(12)
    )
    Child.objects.filter(pk=cast.mia.pk).update(left_on=LEFT_ON)
    # Records about Mia that hang on her by a nullable reference.
    Observation.objects.create(
        municipality=cast.ishoj,
        course=cast.course_boegely,
        child=cast.mia,
        text="Mia legede med to andre",
        author=cast.bob,
    )
    PlanSlot.objects.create(
        municipality=cast.ishoj,
        plan=cast.plan,
        pedagogue=cast.bob,
        day=0,
        half=0,
        institution=cast.boegely,
        function="support",
        child=cast.mia,
    )
    cast.session_boegely.attendees.add(cast.participant_mia)
    # Her father wrote to the staff on her plan, and the plan's owner read it.
    message = Message.objects.create(
        municipality=cast.ishoj, plan=cast.plan_mia, author=cast.gert, text="Tak for i år"
    )
    MessageRead.objects.create(
        municipality=cast.ishoj, plan=cast.plan_mia, user=cast.bob, read_until=message.created_at
    )
    # She waited in line for her support place before it was granted.
    WaitingListEntry.objects.create(
        municipality=cast.ishoj,
        referral=cast.referral_mia,
        child=cast.mia,
        offer=cast.referral_mia.offer,
        period=cast.period,
        position=1,
        added_on=TODAY - datetime.timedelta(400),
        added_by=cast.alice,
        status=WaitingListEntry.Status.GRANTED,
        decision=cast.decision_mia,
        removed_on=TODAY - datetime.timedelta(380),
    )
    return cast


def _referring_rows(child_pk: int) -> dict[str, int]:
    """Rows of every model whose foreign key points at the child, found by introspection."""
    found = {}
    for rel in graph.reverse_relations(Child):
        rows = rel.related_model._base_manager.filter(**{rel.field.attname: child_pk}).count()
        if rows:
            found[f"{rel.related_model._meta.label_lower}.{rel.field.name}"] = rows
    return found


class TestDueCases:
    def test_one_day_before_it_is_due_the_case_is_kept(self, closed_case):
        cast = closed_case
        with on(DUE - datetime.timedelta(days=1)):
            assert rules.dry_run(cast.ishoj.pk, DUE - datetime.timedelta(days=1)).items == 0
            assert services.retention_run(actor=cast.alice, fingerprint=None) == []
        assert Child.objects.filter(pk=cast.mia.pk).exists()
        assert private_storage.exists(cast.attachment_mia.stored_name)

    def test_a_case_still_open_is_never_due(self, cast):
        """Mia left, but her plan is still open: the case has not ended."""
        Child.objects.filter(pk=cast.mia.pk).update(left_on=LEFT_ON)
        with on(TODAY + relativedelta(years=20)):
            assert rules.case_ends(cast.ishoj.pk, TODAY + relativedelta(years=20)) == {}

    def test_on_the_day_it_is_due_the_case_goes_with_its_files_and_the_rest_stays(
        self, closed_case
    ):
        cast = closed_case
        mia_pk, file_name = cast.mia.pk, cast.attachment_mia.stored_name
        assert private_storage.exists(file_name)
        before = _referring_rows(mia_pk)
        # Every foreign key to a child has a row about Mia here, so each is tested: a model
        # added later with a reference to the child fails this until the case has one too.
        every_reference = {
            f"{rel.related_model._meta.label_lower}.{rel.field.name}"
            for rel in graph.reverse_relations(Child)
        }
        assert set(before) == every_reference
        with on(DUE):
            records = _run_and_commit(cast.alice)
        assert [r.rule for r in records] == [Rule.CHILD_CASE]
        assert not Child.objects.filter(pk=mia_pk).exists()
        assert _referring_rows(mia_pk) == {}
        assert not private_storage.exists(file_name)
        assert not Referral.objects.filter(pk=cast.referral_mia.pk).exists()
        assert not Decision.objects.filter(pk=cast.decision_mia.pk).exists()
        assert not Appeal.objects.filter(pk=cast.appeal_mia.pk).exists()
        # An observation about her is about her: it goes, it is not merely unlinked.
        assert not Observation.objects.filter(text="Mia legede med to andre").exists()
        # Her father was on file only as her guardian; his login is an account and stays.
        assert not Guardian.objects.filter(user=cast.gert).exists()
        assert User.objects.filter(pk=cast.gert.pk).exists()
        # The rest stays: Emil, the group course, the consultative meeting, the corps' slot.
        assert Child.objects.filter(pk=cast.emil.pk).exists()
        assert Referral.objects.filter(pk=cast.draft_emil.pk).exists()
        assert cast.course_boegely.__class__.objects.filter(pk=cast.course_boegely.pk).exists()
        assert ConsultativeMeeting.objects.filter(pk=cast.consultative_boegely.pk).exists()
        slot = PlanSlot.objects.get(plan=cast.plan, day=0, half=0)
        assert slot.child_id is None
        assert private_storage.exists(cast.job_cora.stored_name)

    def test_nothing_anywhere_points_at_a_deleted_row(self, closed_case):
        """Every foreign key of every model, to every row the deletion took (the plan found by
        introspection before the run): none is left pointing at a missing row."""
        cast = closed_case
        plan = graph.deletion_plan(Child, [cast.mia.pk])
        with on(DUE):
            _run_and_commit(cast.alice)
        for model, pks in plan.items():
            assert not model._base_manager.filter(pk__in=pks).exists(), model
            for rel in graph.reverse_relations(model):
                dangling = rel.related_model._base_manager.filter(
                    **{f"{rel.field.attname}__in": pks}
                )
                assert not dangling.exists(), f"{rel.related_model._meta.label}.{rel.field.name}"

    def test_the_deletion_record_says_what_and_how_many_and_never_whose(self, closed_case):
        cast = closed_case
        with on(DUE), new_audit_rows(writes_only=True) as rows:
            (record,) = _run_and_commit(cast.alice)
        assert record.rule == Rule.CHILD_CASE
        assert record.months == 60
        assert record.due_on == DUE
        assert record.files == 1
        assert record.trigger == DeletionRecord.Trigger.CONFIRMED
        assert record.counts["children.child"] == 1
        assert record.counts["referrals.referral"] == 1
        assert record.counts["referrals.referralattachment"] == 1
        assert record.counts["children.guardian"] == 1
        text = _everything_in(record)
        for trace in ("Mia", "Testesen", cast.mia.cpr, cast.mia.cpr[:6], str(cast.mia.public_id)):
            assert trace not in text
        (row,) = rows
        assert row.action == AuditAction.DELETE
        assert row.child_id is None
        assert list(row.children.all()) == []
        assert "Mia" not in _everything_in(row)

    def test_each_case_is_one_transaction(self, closed_case, monkeypatch):
        """A failure half-way through Mia's case leaves all of it, file included."""
        cast = closed_case
        monkeypatch.setattr(
            services, "audit_record", lambda **kwargs: (_ for _ in ()).throw(RuntimeError)
        )
        with on(DUE), pytest.raises(RuntimeError):
            _run_and_commit(cast.alice)
        assert Child.objects.filter(pk=cast.mia.pk).exists()
        assert Referral.objects.filter(pk=cast.referral_mia.pk).exists()
        assert private_storage.exists(cast.attachment_mia.stored_name)
        assert not DeletionRecord.objects.exists()


def _run_and_commit(actor, fingerprint=None):
    """Runs the service and then its on-commit work (the files), as a committed run would."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.retention_run(actor=actor, fingerprint=fingerprint)


def _everything_in(obj) -> str:
    values = [str(getattr(obj, f.attname)) for f in obj._meta.concrete_fields]
    return " ".join(values)


def _all_rows() -> dict[str, list]:
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in {"sessions.session", "audit.auditentry", "audit.auditentrychild"}:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
        state[label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return state


class TestDryRunAndConfirmation:
    def test_the_dry_run_page_shows_counts_changes_nothing_and_names_no_one(
        self, closed_case, client
    ):
        cast = closed_case
        with on(DUE):
            client.force_login(cast.alice)
            before = _all_rows()
            with new_audit_rows() as rows:
                page = client.get(reverse("retention-overview")).content.decode()
            assert _all_rows() == before
        assert rows == []  # it shows no child, so it reads none
        dry_run = page.split('data-testid="dry-run"', 1)[1].split("</table>", 1)[0]
        assert "Barnets sag efter sagens afslutning" in dry_run
        assert "Børn: 1" in dry_run
        assert "Indstillinger: 1" in dry_run
        assert "Slet 1 sag nu" in page
        assert "Mia" not in page
        assert cast.mia.cpr[:6] not in page

    def test_confirming_deletes_what_the_dry_run_showed(self, closed_case, client):
        cast = closed_case
        with on(DUE):
            client.force_login(cast.alice)
            fingerprint = rules.dry_run(cast.ishoj.pk, DUE).fingerprint
            response = client.post(reverse("retention-run"), {"fingerprint": fingerprint})
            assert response.status_code == 302
            page = client.get(reverse("retention-overview")).content.decode()
        assert "1 sag er slettet." in page
        assert not Child.objects.filter(pk=cast.mia.pk).exists()
        deletions = page.split('data-testid="deletions"', 1)[1]
        assert "Barnets sag efter sagens afslutning" in deletions
        assert "Godkendt af forvaltningen" in deletions
        assert "Intet er forfaldent til sletning i dag." in page

    def test_a_confirmation_of_an_outdated_dry_run_deletes_nothing(self, closed_case, client):
        """Something became due after the administration looked: it must look again."""
        cast = closed_case
        with on(DUE - datetime.timedelta(days=1)):
            seen = rules.dry_run(cast.ishoj.pk, DUE - datetime.timedelta(days=1)).fingerprint
        with on(DUE):
            client.force_login(cast.alice)
            before = _all_rows()
            response = client.post(reverse("retention-run"), {"fingerprint": seen}, follow=True)
            assert _all_rows() == before
        assert "har ændret sig, siden du så den" in response.content.decode()
        assert Child.objects.filter(pk=cast.mia.pk).exists()

    def test_a_case_reopened_after_the_list_was_made_is_left_alone(self, closed_case):
        """The rule is asked again under the case's row lock, just before deleting it."""
        cast = closed_case
        with on(DUE):
            (item,) = rules.due_items(cast.ishoj.pk, DUE)
            cast.plan_mia.__class__.objects.filter(pk=cast.plan_mia.pk).update(status="active")
            deleted = services._delete_case(
                actor=cast.alice, item=item, trigger="confirmed", today=DUE
            )
        assert deleted is None
        assert Child.objects.filter(pk=cast.mia.pk).exists()
        assert not DeletionRecord.objects.exists()

    def test_only_the_administration_may_run_and_only_in_its_own_municipality(self, closed_case):
        cast = closed_case
        with on(DUE):
            for user in (cast.cora, cast.bob, cast.carl):
                with pytest.raises(PermissionDenied):
                    services.retention_run(actor=user, fingerprint=None)
            assert services.retention_run(actor=cast.dora, fingerprint=None) == []
        assert Child.objects.filter(pk=cast.mia.pk).exists()

    def test_another_municipality_sees_none_of_it_and_a_moved_administrator_nothing(
        self, closed_case, client
    ):
        cast = closed_case
        with on(DUE):
            fingerprint = rules.dry_run(cast.ishoj.pk, DUE).fingerprint
            _run_and_commit(cast.alice)
            client.force_login(cast.dora)
            page = client.get(reverse("retention-overview")).content.decode()
            assert "Der er ikke slettet noget endnu." in page
            # Alice moves out of the administration: the pages and the button are gone.
            User.objects.filter(pk=cast.alice.pk).update(role="staff", institution=cast.boegely)
            client.force_login(cast.alice)
            assert client.get(reverse("retention-overview")).status_code == 404
            response = client.post(reverse("retention-run"), {"fingerprint": fingerprint})
            assert response.status_code == 404

    def test_a_deactivated_administrator_may_not_run(self, closed_case):
        cast = closed_case
        User.objects.filter(pk=cast.alice.pk).update(is_active=False)
        cast.alice.refresh_from_db()
        with on(DUE), pytest.raises(PermissionDenied):
            services.retention_run(actor=cast.alice, fingerprint=None)


class TestOtherRules:
    def test_a_refused_referral_goes_after_its_period_and_the_child_stays(self, cast):
        refused = Referral.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            offer="support_pedagogue",
            category="speech_language",
            description="Taler kun få ord.",
            status=Referral.Status.DECIDED,
            referred_by=cast.carl,
        )
        Decision.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            referral=refused,
            outcome=Decision.Outcome.REFUSED,
            offer="support_pedagogue",
            reasons="Behovet kan dækkes af ressourcefunktionen.",
            legal_basis=cast.legal_basis,
            decided_by=cast.alice,
            contact_person=cast.alice,
            decided_on=TODAY,
        )
        due = TODAY + relativedelta(months=60)
        with on(due - datetime.timedelta(days=1)):
            _run_and_commit(cast.alice)
        assert Referral.objects.filter(pk=refused.pk).exists()
        with on(due):
            (record,) = [
                r
                for r in _run_and_commit(cast.alice)
                if r.rule == Rule.REFERRAL_NOT_GRANTED and r.counts.get("referrals.decision") == 1
            ]
        assert not Referral.objects.filter(pk=refused.pk).exists()
        assert record.counts["referrals.referral"] == 1
        assert Child.objects.filter(pk=cast.emil.pk).exists()
        # Emil's referral waiting for the committee is not refused, so it stays.
        assert Referral.objects.filter(pk=cast.waiting_emil.pk).exists()

    def test_a_refusal_under_appeal_is_kept(self, cast):
        Decision.objects.filter(pk=cast.decision_mia.pk).update(outcome=Decision.Outcome.REFUSED)
        with on(TODAY + relativedelta(years=20)):
            items = rules.due_items(cast.ishoj.pk, TODAY + relativedelta(years=20))
        assert cast.referral_mia.pk not in {i.pk for i in items if i.model is Referral}

    def test_a_consultative_meeting_goes_with_its_minutes_after_its_period(self, cast):
        meeting = cast.consultative_boegely
        MinutesVersion.objects.create(
            municipality=cast.ishoj, meeting=meeting, number=1, text="Referat", author=cast.bob
        )
        due = meeting.date + relativedelta(months=60)
        with on(due - datetime.timedelta(days=1)):
            assert all(r.rule != Rule.CONSULTATIVE_MEETING for r in _run_and_commit(cast.alice))
        with on(due):
            records = _run_and_commit(cast.alice)
        (record,) = [r for r in records if r.rule == Rule.CONSULTATIVE_MEETING]
        assert record.counts["meetings.consultativemeeting"] == 1
        assert record.counts["meetings.minutesversion"] == 1
        assert record.counts["meetings.agendaitem"] == 1
        assert not ConsultativeMeeting.objects.filter(pk=meeting.pk).exists()
        # The consent and Mia are not the meeting's: they stay.
        assert Child.objects.filter(pk=cast.mia.pk).exists()
        assert cast.consent_mia.__class__.objects.filter(pk=cast.consent_mia.pk).exists()


class TestPeriods:
    def test_the_administration_sets_a_period_within_bounds_and_it_moves_the_due_day(
        self, closed_case, client
    ):
        cast = closed_case
        client.force_login(cast.alice)
        form = {
            "child_case_months": "36",
            "referral_not_granted_months": "60",
            "consultative_meeting_months": "60",
            "audit_log_months": "60",
            "version": "1",
        }
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(reverse("retention-settings"), form)
        assert response.status_code == 302
        (row,) = rows
        assert (row.action, row.changes) == (
            AuditAction.CREATE,
            {
                "child_case_months": {"before": 60, "after": 36},
                "version": {"before": 1, "after": 2},
            },
        )
        policy = RetentionPolicy.objects.get(municipality=cast.ishoj)
        assert policy.child_case_months == 36
        due = LEFT_ON + relativedelta(months=36)
        assert rules.dry_run(cast.ishoj.pk, due - datetime.timedelta(days=1)).items == 0
        assert rules.dry_run(cast.ishoj.pk, due).rules[0].items == 1
        # Dragør keeps the defaults.
        assert rules.policy_for(cast.dragoer).child_case_months == 60

    def test_a_period_out_of_bounds_is_refused_with_what_was_typed_kept(self, cast, client):
        client.force_login(cast.alice)
        form = {
            "child_case_months": "12",
            "referral_not_granted_months": "48",
            "consultative_meeting_months": "60",
            "audit_log_months": "60",
            "version": "1",
        }
        page = client.post(reverse("retention-settings"), form).content.decode()
        assert "Slettefristen skal være mellem 36 og 120 måneder." in page
        assert 'value="48"' in page
        assert not RetentionPolicy.objects.exists()

    def test_an_outdated_form_is_refused(self, cast, client):
        client.force_login(cast.alice)
        services.retention_policy_update(
            actor=cast.alice,
            data={"child_case_months": 72},
            expected_version=selectors.policy_for(cast.alice).version,
        )
        services.retention_policy_update(
            actor=cast.alice,
            data={"child_case_months": 84},
            expected_version=selectors.policy_for(cast.alice).version,
        )
        form = {
            "child_case_months": "48",
            "referral_not_granted_months": "60",
            "consultative_meeting_months": "60",
            "audit_log_months": "60",
            "version": "2",
        }
        response = client.post(reverse("retention-settings"), form)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Nogen har gemt ændringer, mens du redigerede." in page
        assert 'value="48"' in page  # what was typed is kept
        assert RetentionPolicy.objects.get().child_case_months == 84


class TestDailyRun:
    def test_the_sweeper_hands_the_run_to_the_task_runner_once_a_day(
        self, cast, django_capture_on_commit_callbacks
    ):
        from django.core.management import call_command
        from django_tasks_db.models import DBTaskResult

        with django_capture_on_commit_callbacks(execute=True):
            call_command("sweep_stale_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
            call_command("sweep_stale_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert DailyRun.objects.get().day == TODAY
        tasks = [t for t in DBTaskResult.objects.all() if t.task_path.endswith("retention_daily")]
        assert len(tasks) == 1
        with (
            on(TODAY + datetime.timedelta(days=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert schedule.enqueue_due() is True
            assert schedule.enqueue_due() is False
        assert DailyRun.objects.count() == 2

    def test_without_opting_in_the_daily_run_deletes_nothing(self, closed_case):
        with on(DUE):
            assert schedule.run_daily() == 0
        assert Child.objects.filter(pk=closed_case.mia.pk).exists()

    def test_automatic_deletion_deletes_once_in_the_name_of_who_turned_it_on(self, closed_case):
        cast = closed_case
        services.retention_policy_update(
            actor=cast.alice,
            data={"automatic": True},
            expected_version=selectors.policy_for(cast.alice).version,
        )
        with on(DUE):
            from django.test import TestCase

            with TestCase.captureOnCommitCallbacks(execute=True):
                assert schedule.run_daily() == 1
            assert schedule.run_daily() == 0  # run again the same day: nothing left
        (record,) = DeletionRecord.objects.all()
        assert record.trigger == DeletionRecord.Trigger.AUTOMATIC
        assert record.actor == cast.alice
        assert not private_storage.exists(cast.attachment_mia.stored_name)

    def test_automatic_deletion_stops_when_who_turned_it_on_leaves(self, closed_case):
        cast = closed_case
        services.retention_policy_update(
            actor=cast.alice,
            data={"automatic": True},
            expected_version=selectors.policy_for(cast.alice).version,
        )
        User.objects.filter(pk=cast.alice.pk).update(is_active=False)
        with on(DUE):
            assert schedule.run_daily() == 0
        assert Child.objects.filter(pk=cast.mia.pk).exists()


class TestStrayFiles:
    def test_a_file_no_record_holds_goes_a_day_after_it_was_written(self, cast):
        import os

        from django.core.files.base import ContentFile

        old = private_storage.save("referrals/left-over.pdf", ContentFile(b"%PDF-1.4 rest"))
        two_days_ago = datetime.datetime.combine(
            TODAY - datetime.timedelta(days=2), datetime.time(), tzinfo=datetime.UTC
        ).timestamp()
        os.utime(private_storage.path(old), (two_days_ago, two_days_ago))
        fresh = private_storage.save("referrals/upload-in-progress.pdf", ContentFile(b"%PDF"))

        assert schedule.remove_stray_files() == 1
        assert not private_storage.exists(old)
        assert private_storage.exists(fresh)
        assert private_storage.exists(cast.attachment_mia.stored_name)  # held by its record

    def test_a_file_whose_removal_failed_goes_with_the_next_daily_run(
        self, closed_case, monkeypatch
    ):
        cast = closed_case
        name = cast.attachment_mia.stored_name

        def refuse(name):
            raise OSError("disk busy")

        with on(DUE):
            monkeypatch.setattr(private_storage, "delete", refuse)
            (record,) = _run_and_commit(cast.alice)
            monkeypatch.undo()
        assert record.files == 1
        assert not Child.objects.filter(pk=cast.mia.pk).exists()
        assert private_storage.exists(name)
        with on(DUE + datetime.timedelta(days=2)):
            schedule.run_daily()
        assert not private_storage.exists(name)


def test_the_report_command_prints_counts_only(closed_case):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    with on(DUE):
        call_command("retention_report", "--municipality", "ishoj", stdout=out)
    report = out.getvalue()
    assert "child_case (60 months): 1 due" in report
    assert "  children.child: 1" in report
    assert "  files: 1" in report
    assert "Mia" not in report
    assert Child.objects.filter(pk=closed_case.mia.pk).exists()


def test_every_record_type_a_deletion_can_take_has_a_danish_name(cast):
    """Walks every model reachable from a child, a referral or a consultative meeting: each
    has its own Danish plural or one in rules.RECORD_TYPES, so the pages never show English."""
    seen, todo = set(), [Child, Referral, ConsultativeMeeting]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        todo += [
            rel.related_model
            for rel in graph.reverse_relations(model)
            if graph.followed(model, rel)
        ]
    missing = [
        model._meta.label_lower
        for model in seen
        if not model._meta.auto_created
        and "verbose_name_plural" not in model._meta.original_attrs
        and model._meta.label_lower not in rules.RECORD_TYPES
    ]
    assert missing == []


class TestImportPreviews:
    """An import's dry run lists names and masked CPR numbers; it is working material, kept a
    month (retention.schedule.IMPORT_PREVIEW_DAYS)."""

    def test_after_a_month_only_line_numbers_and_outcomes_are_kept(self, cast):
        from django.utils import timezone

        from tests.imports.test_import_children import cpr_born, csv_file, imported, row

        run = imported(cast, csv_file([row(cpr_born(900), first="Ida")]))
        run._meta.model.objects.exclude(pk=run.pk).delete()  # the cast's own import
        assert "Ida" in str(run.rows)
        month = datetime.timedelta(days=schedule.IMPORT_PREVIEW_DAYS)

        assert schedule.expire_import_previews(timezone.now() + month / 2) == 0
        run.refresh_from_db()
        assert "Ida" in str(run.rows)

        assert schedule.expire_import_previews(timezone.now() + month) == 1
        run.refresh_from_db()
        assert run.rows == [{"line": 2, "action": "create"}]
        assert run.status == run.Status.IMPORTED
        assert schedule.expire_import_previews(timezone.now() + month) == 0  # nothing left

    def test_an_upload_never_carried_out_is_deleted_and_the_run_refused(
        self, cast, django_capture_on_commit_callbacks
    ):
        from django.utils import timezone

        from tests.imports.test_import_children import cpr_born, csv_file, dry_run, row

        run = dry_run(cast, csv_file([row(cpr_born(900))]))
        run._meta.model.objects.exclude(pk=run.pk).delete()  # the cast's own import
        upload = run.stored_name
        assert private_storage.exists(upload)
        later = timezone.now() + datetime.timedelta(days=schedule.IMPORT_PREVIEW_DAYS)
        with django_capture_on_commit_callbacks(execute=True):
            assert schedule.expire_import_previews(later) == 1
        run.refresh_from_db()
        assert not private_storage.exists(upload) and run.stored_name == ""
        assert run.status == run.Status.REFUSED
        assert "30 dage" in run.file_error

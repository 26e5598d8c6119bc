"""Retention: the periods' bounds and audit rows, what a run records and logs, and the rules'
edges (when a case has ended, what keeps it open, when a referral or meeting is due).

Each test pins what a small fault in `inklusio/retention/services.py` or `rules.py` would change
for the administration (a refusal, a due day, a count) or in the audit log."""

import datetime
import logging

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from inklusio.audit.models import AuditAction
from inklusio.children.models import Child
from inklusio.core.errors import EditConflict
from inklusio.core.storage import private_storage
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.referrals.models import Appeal, Decision, Referral
from inklusio.retention import rules, services
from inklusio.retention.models import DeletionRecord, RetentionPolicy
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child
from tests.retention.test_retention import DUE, _run_and_commit, closed_case, on  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def update(actor, expected_version=None, **data):
    """The periods saved from a form opened just before (`expected_version`: one opened
    earlier)."""
    if expected_version is None:
        expected_version = rules.policy_for(actor.municipality_id).version
    return services.retention_policy_update(
        actor=actor, data=data, expected_version=expected_version
    )


class TestPeriods:
    @pytest.mark.parametrize(
        ("rule", "fewest", "most"),
        [
            ("child_case", 36, 120),
            ("referral_not_granted", 12, 120),
            ("consultative_meeting", 12, 120),
            ("audit_log", 6, 120),
        ],
    )
    def test_each_period_is_accepted_at_its_bounds_and_refused_just_outside(
        self, cast, rule, fewest, most
    ):
        field = f"{rule}_months"
        for months in (fewest - 1, most + 1):
            with pytest.raises(services.PeriodOutOfBounds) as refused:
                update(cast.alice, **{field: months})
            assert str(refused.value) == (
                f"Slettefristen skal være mellem {fewest} og {most} måneder."
            )
            assert refused.value.field == field
        assert not RetentionPolicy.objects.exists()
        for months in (fewest, most):
            assert getattr(update(cast.alice, **{field: months}), field) == months

    def test_only_the_administration_sets_the_periods(self, cast):
        with pytest.raises(PermissionDenied):
            update(cast.cora, child_case_months=48)
        assert not RetentionPolicy.objects.exists()

    def test_the_first_save_is_created_later_ones_changed_and_an_unchanged_one_not_logged(
        self, cast
    ):
        with new_audit_rows() as first:
            policy = update(cast.alice, child_case_months=48)
        assert (policy.version, policy.child_case_months, policy.municipality_id) == (
            2, 48, cast.ishoj.pk
        )  # fmt: skip
        with new_audit_rows() as second:
            policy = update(cast.alice, expected_version=2, audit_log_months=24)
        with new_audit_rows() as unchanged:
            same = update(cast.alice, expected_version=3, audit_log_months=24)
        assert [(r.actor, r.action, r.object_type, r.changes) for r in (*first, *second)] == [
            (cast.alice, AuditAction.CREATE, "retentionpolicy",
             {"child_case_months": {"before": 60, "after": 48},
              "version": {"before": 1, "after": 2}}),
            (cast.alice, AuditAction.CHANGE, "retentionpolicy",
             {"audit_log_months": {"before": 60, "after": 24},
              "version": {"before": 2, "after": 3}}),
        ]  # fmt: skip
        assert unchanged == []
        stored = RetentionPolicy.objects.get()
        assert (stored.version, same.version, stored.audit_log_months) == (3, 3, 24)

    def test_saving_the_defaults_the_first_time_is_still_logged(self, cast):
        with new_audit_rows() as rows:
            update(cast.alice, child_case_months=60)
        [row] = rows
        assert (row.action, row.changes) == (
            AuditAction.CREATE, {"version": {"before": 1, "after": 2}}
        )  # fmt: skip

    def test_a_form_older_than_the_last_save_is_refused_with_what_changed_since(self, cast):
        update(cast.alice, child_case_months=48)
        update(cast.alice, expected_version=2, child_case_months=72)
        with pytest.raises(EditConflict) as refused:
            update(cast.alice, expected_version=2, child_case_months=96)
        assert refused.value.current == RetentionPolicy.objects.get()
        changed = refused.value.changed_fields
        assert list(changed) == ["child_case_months"]
        assert (changed["child_case_months"]["before"], changed["child_case_months"]["after"]) == (
            48, 72
        )  # fmt: skip
        assert RetentionPolicy.objects.get().child_case_months == 72

    def test_automatic_deletion_acts_for_who_turned_it_on_until_it_is_turned_off(self, cast):
        dora_like = cast.alice.__class__.objects.create_user(
            username="aase", municipality=cast.ishoj, role=cast.alice.role
        )
        policy = update(cast.alice, automatic=True)
        assert (policy.automatic, policy.automatic_by) == (True, cast.alice)
        # Another administrator changes a period: automatic runs still act for Alice.
        policy = update(dora_like, child_case_months=48)
        assert policy.automatic_by == cast.alice
        policy = update(dora_like, automatic=True)
        assert policy.automatic_by == cast.alice
        policy = update(dora_like, automatic=False)
        assert (policy.automatic, policy.automatic_by) == (False, None)
        stored = RetentionPolicy.objects.get()
        assert (stored.automatic, stored.automatic_by) == (False, None)
        policy = update(dora_like, automatic=True)
        assert RetentionPolicy.objects.get().automatic_by == dora_like


class TestARun:
    def test_the_deletion_is_recorded_and_logged_with_the_rule_counts_and_files(
        self,
        closed_case,  # noqa: F811
    ):
        cast = closed_case
        update(cast.alice, child_case_months=48)
        due = TODAY - 10 * DAY + relativedelta(months=48)
        with on(due), new_audit_rows(writes_only=True) as rows:
            [record] = _run_and_commit(cast.alice)
        stored = DeletionRecord.objects.get(pk=record.pk)
        assert (
            stored.municipality_id, stored.rule, stored.months, stored.due_on, stored.trigger,
            stored.actor, stored.files,
        ) == (cast.ishoj.pk, "child_case", 48, due, "confirmed", cast.alice, 1)  # fmt: skip
        [row] = rows
        assert (row.actor, row.action, row.object_type, row.object_id) == (
            cast.alice, AuditAction.DELETE, "deletionrecord", str(stored.public_id)
        )  # fmt: skip
        assert row.changes == {"rule": "child_case", "counts": stored.counts, "files": 1}
        assert stored.counts["children.child"] == 1

    def test_a_run_for_a_given_day_deletes_what_is_due_that_day(self, closed_case):  # noqa: F811
        cast = closed_case
        assert services.retention_run(actor=cast.alice, fingerprint=None, today=DUE - DAY) == []
        # Asked today for the day it falls due (the clock is still at TODAY).
        records = services.retention_run(
            actor=cast.alice, fingerprint=None, trigger="automatic", today=DUE
        )
        assert [(r.rule, r.trigger, r.due_on) for r in records] == [
            ("child_case", "automatic", DUE)
        ]
        assert not Child.objects.filter(pk=cast.mia.pk).exists()

    def test_a_file_that_cannot_be_removed_is_logged_by_name_and_the_run_stands(
        self,
        closed_case,  # noqa: F811
        caplog,
    ):
        cast = closed_case
        name = cast.attachment_mia.stored_name
        # Something else now sits where the file was (a folder with content): removal fails.
        private_storage.delete(name)
        private_storage.save(f"{name}/inside.txt", ContentFile(b"x"))
        with on(DUE), caplog.at_level(logging.ERROR, logger="inklusio.retention.services"):
            [record] = _run_and_commit(cast.alice)
        assert record.files == 1
        [logged] = [r for r in caplog.records if r.name == "inklusio.retention.services"]
        assert (logged.getMessage(), logged.file) == (
            "retention: a file could not be deleted", name
        )  # fmt: skip
        assert not Child.objects.filter(pk=cast.mia.pk).exists()

    def test_a_changed_list_is_refused_in_danish_and_the_same_list_is_deleted(
        self,
        closed_case,  # noqa: F811
    ):
        cast = closed_case
        with on(DUE):
            with pytest.raises(services.DueListChanged) as refused:
                services.retention_run(actor=cast.alice, fingerprint=rules.fingerprint([]))
            assert str(refused.value) == (
                "Listen over det, der skal slettes, har ændret sig, siden du så den. "
                "Se den nye prøvekørsel igennem, og godkend igen."
            )
            assert Child.objects.filter(pk=cast.mia.pk).exists()
            seen = rules.dry_run(cast.ishoj.pk, DUE).fingerprint
            assert len(services.retention_run(actor=cast.alice, fingerprint=seen)) == 1
        assert not Child.objects.filter(pk=cast.mia.pk).exists()

    def test_another_municipalitys_case_is_not_deleted_by_this_one(self, closed_case):  # noqa: F811
        cast = closed_case
        with on(DUE):
            [item] = rules.due_items(cast.ishoj.pk, DUE)
            assert (
                services._delete_case(actor=cast.dora, item=item, trigger="confirmed", today=DUE)
                is None
            )
        assert Child.objects.filter(pk=cast.mia.pk).exists()
        assert not DeletionRecord.objects.exists()


@pytest.fixture
def noah(cast):
    """A child at Bøgely with nothing on file but the day he left."""
    return make_child(cast.ishoj, cast.boegely, "Noah", "0101224999", left_on=TODAY - 10 * DAY)


def decision(cast, child, *, outcome=Decision.Outcome.GRANTED, referral=None, **extra):
    return Decision.objects.create(
        municipality=cast.ishoj, child=child, referral=referral, outcome=outcome,
        offer="support_pedagogue", reasons="Begrundelse.", legal_basis=cast.legal_basis,
        decided_by=cast.alice, contact_person=cast.alice,
        **{"decided_on": TODAY - 100 * DAY, **extra},
    )  # fmt: skip


def referral(cast, child, status, **extra):
    return Referral.objects.create(
        municipality=cast.ishoj, child=child, offer="support_pedagogue",
        category="speech_language", description="Taler kun få ord.", status=status,
        referred_by=cast.carl, **extra,
    )  # fmt: skip


class TestWhenACaseEnds:
    def test_a_child_who_left_today_has_ended_and_one_leaving_tomorrow_has_not(self, cast, noah):
        Child.objects.filter(pk=noah.pk).update(left_on=TODAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {noah.pk: TODAY}
        Child.objects.filter(pk=noah.pk).update(left_on=TODAY + DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {}

    def test_only_the_child_asked_about_and_only_in_its_municipality(self, cast, noah):
        make_child(cast.ishoj, cast.boegely, "Ella", "0202224888", left_on=TODAY - 5 * DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY, only=noah.pk) == {noah.pk: TODAY - 10 * DAY}
        assert rules.case_ends(cast.dragoer.pk, TODAY) == {}

    def test_a_grant_running_until_today_keeps_the_case_open_and_then_ends_it(self, cast, noah):
        grant = decision(cast, noah, start=TODAY - 100 * DAY, end=TODAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {}
        Decision.objects.filter(pk=grant.pk).update(end=TODAY - DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {noah.pk: TODAY - DAY}

    def test_a_grant_without_an_end_keeps_the_case_open_until_it_is_ended(self, cast, noah):
        grant = decision(cast, noah, start=TODAY - 100 * DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {}
        Decision.objects.filter(pk=grant.pk).update(ended_on=TODAY - 3 * DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {noah.pk: TODAY - 3 * DAY}

    def test_a_grant_ended_early_ended_then_not_on_its_planned_end(self, cast, noah):
        decision(cast, noah, end=TODAY + 300 * DAY, ended_on=TODAY - 20 * DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {noah.pk: TODAY - 10 * DAY}

    def test_a_refusal_does_not_keep_the_case_open_but_its_date_counts(self, cast, noah):
        decision(cast, noah, outcome=Decision.Outcome.REFUSED, decided_on=TODAY - 2 * DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {noah.pk: TODAY - 2 * DAY}

    def test_a_superseded_grant_is_not_running(self, cast, noah):
        old = decision(cast, noah, decided_on=TODAY - 200 * DAY)
        decision(cast, noah, supersedes=old, end=TODAY - 5 * DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {noah.pk: TODAY - 5 * DAY}

    def test_a_submitted_referral_keeps_the_case_open_a_draft_does_not(self, cast, noah):
        submitted = referral(cast, noah, Referral.Status.SUBMITTED)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {}
        Referral.objects.filter(pk=submitted.pk).update(status=Referral.Status.DRAFT)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {noah.pk: TODAY - 10 * DAY}

    def test_an_appeal_being_reassessed_keeps_the_case_open_and_its_last_date_counts(
        self, cast, noah
    ):
        refusal = decision(cast, noah, outcome=Decision.Outcome.REFUSED)
        appeal = Appeal.objects.create(
            municipality=cast.ishoj, decision=refusal, received_on=TODAY - 30 * DAY,
            owner=cast.alice,
        )  # fmt: skip
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {}
        for dates in (
            {"reassessed_on": TODAY - 4 * DAY},
            {"reassessed_on": None, "forwarded_on": TODAY - 6 * DAY},
            {"forwarded_on": None, "received_on": TODAY - 7 * DAY},
        ):
            Appeal.objects.filter(pk=appeal.pk).update(status=Appeal.Status.FORWARDED, **dates)
            expected = max(d for d in dates.values() if d)
            assert rules.case_ends(cast.ishoj.pk, TODAY) == {noah.pk: expected}


class TestWhatKeepsAClosedCaseOpen:
    """Mia's case in `closed_case` ended the day she left; one thing reopened keeps it open."""

    def test_a_plan_not_closed_keeps_it_open_and_a_later_closing_moves_its_end(
        self,
        closed_case,  # noqa: F811
    ):
        cast = closed_case
        left = TODAY - 10 * DAY
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {cast.mia.pk: left}
        plans = cast.plan_mia.__class__.objects.filter(pk=cast.plan_mia.pk)
        plans.update(status="active")
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {}
        plans.update(status="closed", closed_on=TODAY - 2 * DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {cast.mia.pk: TODAY - 2 * DAY}

    def test_a_course_still_running_keeps_it_open_and_its_closing_moves_its_end(
        self,
        closed_case,  # noqa: F811
    ):
        cast = closed_case
        courses = cast.course_boegely.__class__.objects.filter(pk=cast.course_boegely.pk)
        courses.update(closed_on=None)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {}
        courses.update(closed_on=TODAY - 3 * DAY)
        assert rules.case_ends(cast.ishoj.pk, TODAY) == {cast.mia.pk: TODAY - 3 * DAY}


class TestDueReferralsAndMeetings:
    def test_a_draft_never_submitted_is_due_its_period_after_it_was_made(self, cast, noah):
        Child.objects.filter(pk=noah.pk).update(left_on=None)
        draft = referral(cast, noah, Referral.Status.DRAFT)
        made = timezone.localdate(draft.created_at)
        due = made + relativedelta(months=60)
        listed = rules.due_items(cast.ishoj.pk, due)
        assert rules.DueItem("referral_not_granted", Referral, draft.pk, due) in listed
        before = rules.due_items(cast.ishoj.pk, due - DAY)
        assert draft.pk not in {i.pk for i in before if i.model is Referral}

    def test_a_withdrawn_referral_is_due_from_its_withdrawal(self, cast, noah):
        Child.objects.filter(pk=noah.pk).update(left_on=None)
        withdrawn = referral(
            cast, noah, Referral.Status.WITHDRAWN, withdrawn_at=timezone.now() - 400 * DAY
        )
        due = timezone.localdate(withdrawn.withdrawn_at) + relativedelta(months=12)
        update(cast.alice, referral_not_granted_months=12)
        assert rules.still_due(
            cast.ishoj.pk, rules.DueItem("referral_not_granted", Referral, withdrawn.pk, due), due
        )
        assert not rules.still_due(
            cast.ishoj.pk,
            rules.DueItem("referral_not_granted", Referral, withdrawn.pk, due),
            due - DAY,
        )

    @pytest.mark.parametrize(
        ("reassessed", "forwarded", "last"),
        [(None, None, 90), (80, None, 80), (None, 70, 70), (80, 70, 70), (60, 70, 60)],
    )
    def test_a_refusal_appealed_is_due_from_the_appeals_last_step(
        self, cast, noah, reassessed, forwarded, last
    ):
        Child.objects.filter(pk=noah.pk).update(left_on=None)
        refused = referral(cast, noah, Referral.Status.DECIDED)
        refusal = decision(
            cast, noah, outcome=Decision.Outcome.REFUSED, referral=refused,
            decided_on=TODAY - 100 * DAY,
        )  # fmt: skip
        Appeal.objects.create(
            municipality=cast.ishoj, decision=refusal, received_on=TODAY - 90 * DAY,
            owner=cast.alice, status=Appeal.Status.FORWARDED,
            reassessed_on=reassessed and TODAY - reassessed * DAY,
            forwarded_on=forwarded and TODAY - forwarded * DAY,
        )  # fmt: skip
        due = TODAY - last * DAY + relativedelta(months=60)
        items = [i for i in rules.due_items(cast.ishoj.pk, due + 400 * DAY) if i.pk == refused.pk]
        assert items == [rules.DueItem("referral_not_granted", Referral, refused.pk, due)]

    def test_a_decided_referral_without_a_decision_is_not_listed(self, cast, noah):
        Child.objects.filter(pk=noah.pk).update(left_on=None)
        odd = referral(cast, noah, Referral.Status.DECIDED)
        later = TODAY + relativedelta(years=20)
        assert odd.pk not in {i.pk for i in rules.due_items(cast.ishoj.pk, later)}

    def test_a_granted_referral_is_never_due_on_its_own(self, cast, noah):
        Child.objects.filter(pk=noah.pk).update(left_on=None)
        granted = referral(cast, noah, Referral.Status.DECIDED)
        decision(cast, noah, referral=granted, end=TODAY - 50 * DAY)
        later = TODAY + relativedelta(years=20)
        assert granted.pk not in {i.pk for i in rules.due_items(cast.ishoj.pk, later)}

    def test_a_refused_referral_of_a_child_whose_case_is_due_goes_with_the_case(self, cast, noah):
        refused = referral(cast, noah, Referral.Status.DECIDED)
        decision(cast, noah, outcome=Decision.Outcome.REFUSED, referral=refused)
        later = TODAY + relativedelta(years=20)
        items = [i for i in rules.due_items(cast.ishoj.pk, later) if i.pk in {noah.pk, refused.pk}]
        assert [(i.rule, i.pk) for i in items] == [("child_case", noah.pk)]

    def test_a_meeting_is_due_its_period_after_it_was_held(self, cast):
        meeting = cast.consultative_boegely
        update(cast.alice, consultative_meeting_months=12)
        due = meeting.date + relativedelta(months=12)
        item = rules.DueItem("consultative_meeting", ConsultativeMeeting, meeting.pk, due)
        assert item in rules.due_items(cast.ishoj.pk, due)
        assert rules.still_due(cast.ishoj.pk, item, due)
        assert not rules.still_due(cast.ishoj.pk, item, due - DAY)
        assert item not in rules.due_items(cast.ishoj.pk, due - DAY)
        # Dragør's own period (the default five years) has run out too: it lists none of Ishøj's.
        assert rules.due_items(cast.dragoer.pk, meeting.date + relativedelta(months=60)) == []

    def test_a_child_case_is_asked_again_alone(self, cast, noah):
        due = TODAY - 10 * DAY + relativedelta(months=60)
        item = rules.DueItem("child_case", Child, noah.pk, due)
        assert rules.still_due(cast.ishoj.pk, item, due)
        assert not rules.still_due(cast.ishoj.pk, item, due - DAY)


class TestCalendarAndReports:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (datetime.date(2024, 2, 29), 60, datetime.date(2029, 2, 28)),
            (datetime.date(2026, 11, 30), 1, datetime.date(2026, 12, 30)),
            (datetime.date(2026, 12, 31), 2, datetime.date(2027, 2, 28)),
            (datetime.date(2026, 3, 31), -1, datetime.date(2026, 2, 28)),
            (datetime.date(2026, 1, 15), -1, datetime.date(2025, 12, 15)),
        ],
    )
    def test_months_are_counted_on_the_calendar(self, day, months, expected):
        assert rules.add_months(day, months) == expected
        assert rules.due_on(day, months) == expected

    def test_the_access_log_is_kept_the_municipalitys_period(self, cast):
        assert rules.audit_cutoff(cast.ishoj.pk, TODAY) == TODAY - relativedelta(months=60)
        update(cast.alice, audit_log_months=6)
        assert rules.audit_cutoff(cast.ishoj.pk, TODAY) == TODAY - relativedelta(months=6)
        assert rules.policy_for(cast.ishoj).audit_log_months == 6
        assert rules.policy_for(cast.dragoer.pk).audit_log_months == 60

    def test_record_types_have_their_danish_plural(self):
        assert rules.record_type_name("children.child") == "Børn"
        assert rules.record_type_name("plans.goal") == "Mål"
        assert rules.count_rows({"children.child": 1, "courses.session": 3}) == [
            ("Børn", 1), ("Samlinger", 3),
        ]  # fmt: skip

    def test_the_fingerprint_names_exactly_the_cases_whatever_their_order(self, cast):
        one = rules.DueItem("child_case", Child, 1, TODAY)
        two = rules.DueItem("consultative_meeting", ConsultativeMeeting, 2, TODAY)
        assert rules.fingerprint([one, two]) == rules.fingerprint([two, one])
        assert rules.fingerprint([one]) != rules.fingerprint([two])
        assert rules.fingerprint([one]) != rules.fingerprint(
            [rules.DueItem("child_case", Child, 2, TODAY)]
        )
        import hashlib

        assert (
            rules.fingerprint([one, two])
            == hashlib.sha256(
                b"child_case:children.child:1\nconsultative_meeting:meetings.consultativemeeting:2"
            ).hexdigest()
        )

    def test_the_dry_run_reports_each_rule_with_its_period_cases_rows_and_files(
        self,
        closed_case,  # noqa: F811
    ):
        cast = closed_case
        update(cast.alice, referral_not_granted_months=24, consultative_meeting_months=12)
        day = cast.consultative_boegely.date + relativedelta(months=12)
        run = rules.dry_run(cast.ishoj.pk, day)
        assert run.today == day
        assert [(r.rule, r.months, r.items, r.files) for r in run.rules] == [
            ("child_case", 60, 0, 0),
            ("referral_not_granted", 24, 0, 0),
            ("consultative_meeting", 12, 1, 0),
        ]
        assert run.rules[2].counts["meetings.consultativemeeting"] == 1
        assert run.rules[2].title == "Konsultative møder med dagsorden og referat"
        assert ("Konsultative møder", 1) in run.rules[2].count_rows
        assert run.items == 1
        assert run.fingerprint == rules.fingerprint(rules.due_items(cast.ishoj.pk, day))
        with on(DUE):
            case = rules.dry_run(cast.ishoj.pk, DUE).rules[0]
        assert (case.items, case.files, case.counts["children.child"]) == (1, 1, 1)

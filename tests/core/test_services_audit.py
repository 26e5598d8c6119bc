"""Every state change writes exactly one audit row: generated from the services modules.

The test lists every public function of every `inklusio/<app>/services.py` (and of every module
in a `services` package). Each one must appear in exactly one place:

- SCENARIOS: a function (registered with `@scenario("app.function")`) that calls the service once
  on the cast and returns what the one new audit row must say (`Expect`);
- NOT_STATE_CHANGES: helpers that live in a services module but change nothing, with the reason
  (reads belong in selectors or a rules module; this list is for the helpers of writing).

A new service without an entry fails `test_every_public_service_has_an_entry`. To add one, write
a scenario next to the others of its app.
"""

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from django.db import models

import inklusio
from inklusio.audit.models import AuditAction
from inklusio.children import services as child_services
from inklusio.courses import services as course_services
from inklusio.courses.models import Participant, Session
from inklusio.plans import services as plan_services
from inklusio.plans.models import Acknowledgement, ActionPlan, PlanMeeting
from tests.audit_rows import new_audit_rows
from tests.conftest import NEXT_MONDAY, TODAY, Cast, last_weeks_session

pytestmark = pytest.mark.django_db


@dataclass
class Expect:
    """What the one new audit row says: the action, the object it names, and the child."""

    action: AuditAction
    obj: models.Model | None  # None for a search, which names no one object
    child: Any = None
    object_type: str = ""


SCENARIOS: dict[str, Callable[[Cast], Expect]] = {}


def scenario(name: str) -> Callable[[Callable[[Cast], Expect]], Callable[[Cast], Expect]]:
    """Register `function` as the scenario for the service `app.function`."""

    def register(function: Callable[[Cast], Expect]) -> Callable[[Cast], Expect]:
        assert name not in SCENARIOS, f"two scenarios for {name}"
        SCENARIOS[name] = function
        return function

    return register


NOT_STATE_CHANGES: dict[str, str] = {
    "audit.audit_record": "writes the audit row itself",
    "audit.snapshot": "turns field values into JSON for an audit row",
    "audit.diff": "compares two snapshots",
    "plans.snapshot": "reads a plan into a version's JSON",
    "courses.parent_letter": "renders the letter; giving it is letter_given",
    "audit.audit_hash_key": "the key for seals and CPR hashes",
    "audit.cpr_hash": "a keyed hash of one CPR number",
    "audit.hash_cpr_numbers": "replaces CPR numbers in a search term by their hashes",
    "audit.looks_like_cpr": "a test on a string",
    "audit.redact": "hides sensitive values before they reach an audit row",
    "audit.seal": "computes an entry's seal",
    "audit.seal_values": "computes a seal from an entry's values (audit_verify)",
    "audit.audit_sign_in": "writes the sign-in's audit row itself",
    "audit.audit_failed_sign_in": "writes the failed sign-in's audit row itself",
    "audit.audit_shown": "writes the audit row of a rendered read itself",
    "audit.children_in_forms": "reads the children a form's pickers offer",
    "referrals.reassessment_due": "a date computation",
    "referrals.sniff_upload": "checks an upload's type from its first bytes",
    "referrals.case_bundle": "renders the case file PDF; registering the appeal stores it",
    "referrals.decision_sentence": "the decision in one sentence, for the letter",
    "referrals.letter_context": "what the letter template shows; letter_issue stores the letter",
    "partners.latest_end": "a date computation (the latest last day of a new invitation)",
    "people.send_set_password_mail": "mails a reset link; the account's creation is the change",
}


def _services_modules() -> list[ModuleType]:
    found = []
    for app in pkgutil.iter_modules(inklusio.__path__):
        try:
            module = importlib.import_module(f"inklusio.{app.name}.services")
        except ModuleNotFoundError as missing:
            if missing.name != f"inklusio.{app.name}.services":
                raise
            continue
        found.append(module)
        if hasattr(module, "__path__"):  # a services package: every module in it
            found += [
                importlib.import_module(f"{module.__name__}.{sub.name}")
                for sub in pkgutil.iter_modules(module.__path__)
            ]
    return found


def public_services() -> set[str]:
    """`app.function` for every public function defined in a services module."""
    names = set()
    for module in _services_modules():
        app = module.__name__.split(".")[1]
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (
                function.__module__ == module.__name__
                and not name.startswith("_")
                and "__mutmut_" not in name  # mutmut's copies of a function, under `make mutate`
            ):
                names.add(f"{app}.{name}")
    return names


# --- Children ---------------------------------------------------------------------------------


@scenario("children.child_create")
def _child_create(cast: Cast) -> Expect:
    child = child_services.child_create(
        actor=cast.alice,
        data={"cpr": "0303224567", "first_name": "Ole", "last_name": "Testesen",
              "institution": cast.boegely},
    )  # fmt: skip
    return Expect(AuditAction.CREATE, child, child=child)


@scenario("children.child_update")
def _child_update(cast: Cast) -> Expect:
    child = child_services.child_update(
        actor=cast.alice,
        child=cast.emil,
        data={"languages": "dansk"},
        expected_version=cast.emil.version,
    )
    return Expect(AuditAction.CHANGE, child, child=child)


@scenario("children.guardian_add")
def _guardian_add(cast: Cast) -> Expect:
    guardian = child_services.guardian_add(
        actor=cast.alice, child=cast.emil, data={"name": "Emils mor"}, relation="mor"
    )
    return Expect(AuditAction.CREATE, guardian, child=cast.emil)


@scenario("children.guardian_update")
def _guardian_update(cast: Cast) -> Expect:
    guardian = cast.mia.guardians.get()
    guardian = child_services.guardian_update(
        actor=cast.alice, child=cast.mia, guardian=guardian, data={"phone": "12 34 56 78"},
        relation="far", expected_version=guardian.version,
    )  # fmt: skip
    return Expect(AuditAction.CHANGE, guardian, child=cast.mia)


# --- Action plans -----------------------------------------------------------------------------


@scenario("plans.plan_create")
def _plan_create(cast: Cast) -> Expect:
    plan = plan_services.plan_create(
        actor=cast.carl,
        data={"child": cast.emil, "owner": cast.carl, "title": "Emils plan", "problem": "-",
              "strategies": "-", "duration": "-"},
        goals=[{"text": "Siger flere ord", "success_criterion": "10 nye ord"}],
        agreements=[],
    )  # fmt: skip
    return Expect(AuditAction.CREATE, plan, child=cast.emil)


@scenario("plans.plan_update")
def _plan_update(cast: Cast) -> Expect:
    plan = plan_services.plan_update(
        actor=cast.bob,
        plan=cast.plan_mia,
        data={"strategies": "Billedstøtte og faste pladser"},
        goals=[{"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}],
        agreements=[],
        expected_version=cast.plan_mia.version,
    )
    return Expect(AuditAction.CHANGE, plan, child=cast.mia)


@scenario("plans.plan_meeting_schedule")
def _plan_meeting_schedule(cast: Cast) -> Expect:
    plan_services.plan_meeting_schedule(
        actor=cast.bob, plan=cast.plan_mia, kind="follow_up",
        date=TODAY + datetime.timedelta(days=14), start_time=datetime.time(9), place="Bøgely",
        participants=[cast.bob, cast.gert],
    )  # fmt: skip
    return Expect(AuditAction.CREATE, cast.plan_mia, child=cast.mia)


@scenario("plans.plan_meeting_hold")
def _plan_meeting_hold(cast: Cast) -> Expect:
    # Made directly, not through plan_meeting_schedule: only the holding may write a row here.
    meeting = PlanMeeting.objects.create(
        municipality=cast.ishoj, plan=cast.plan_mia, kind="follow_up", date=TODAY,
        start_time=datetime.time(9), created_by=cast.bob,
    )  # fmt: skip
    goal = cast.plan_mia.goals.get()
    plan_services.plan_meeting_hold(
        actor=cast.bob, meeting=meeting, note="Godt på vej", goal_statuses={goal.pk: ("partly", "")}
    )
    return Expect(AuditAction.CHANGE, cast.plan_mia, child=cast.mia)


@scenario("plans.plan_meeting_acknowledge")
def _plan_meeting_acknowledge(cast: Cast) -> Expect:
    plan_services.plan_meeting_acknowledge(
        actor=cast.gert, meeting=cast.plan_meeting, answer=Acknowledgement.Answer.AGREED
    )
    return Expect(AuditAction.CHANGE, cast.plan_mia, child=cast.mia)


@scenario("plans.adjustment_propose")
def _adjustment_propose(cast: Cast) -> Expect:
    plan_services.adjustment_propose(
        actor=cast.gert, plan=cast.plan_mia, reason="Mia sover dårligt",
        agreement_text="Rolig stund efter frokost", agreement_owner="Stuen",
    )  # fmt: skip
    return Expect(AuditAction.CREATE, cast.plan_mia, child=cast.mia)


@scenario("plans.adjustment_decide")
def _adjustment_decide(cast: Cast) -> Expect:
    plan_services.adjustment_decide(actor=cast.bob, adjustment=cast.adjustment_mia, accept=True)
    return Expect(AuditAction.CHANGE, cast.plan_mia, child=cast.mia)


@scenario("plans.plan_close")
def _plan_close(cast: Cast) -> Expect:
    plan = plan_services.plan_close(
        actor=cast.bob, plan=cast.plan_mia, evaluation="Mia deltager nu.", methods_in_practice="yes"
    )
    return Expect(AuditAction.CHANGE, plan, child=cast.mia)


@scenario("plans.plan_objection_resolve")
def _plan_objection_resolve(cast: Cast) -> Expect:
    # The objection made directly: only the resolving may write a row here.
    Acknowledgement.objects.create(
        municipality=cast.ishoj, meeting=cast.plan_meeting, user=cast.sara,
        answer=Acknowledgement.Answer.OBJECTED, comment="For lang samling",
    )  # fmt: skip
    ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(status=ActionPlan.Status.OBJECTED)
    plan = plan_services.plan_objection_resolve(
        actor=cast.bob, plan=cast.plan_mia, note="Talt igennem med Sara"
    )
    return Expect(AuditAction.CHANGE, plan, child=cast.mia)


@scenario("plans.plan_reopen")
def _plan_reopen(cast: Cast) -> Expect:
    ActionPlan.objects.filter(pk=cast.plan_mia.pk).update(
        status=ActionPlan.Status.CLOSED, closed_on=TODAY
    )
    plan = plan_services.plan_reopen(
        actor=cast.bob, plan=cast.plan_mia, reason="Mia har brug for den"
    )
    return Expect(AuditAction.CHANGE, plan, child=cast.mia)


@scenario("plans.goal_bank_create")
def _goal_bank_create(cast: Cast) -> Expect:
    entry = plan_services.goal_bank_create(
        actor=cast.alice,
        data={"category": "motor", "goal": "Tager selv tøj på", "success_criterion": "Dagligt"},
    )
    return Expect(AuditAction.CREATE, entry)


def _bank_entry(cast: Cast) -> Any:
    from inklusio.plans.models import GoalBankEntry

    return GoalBankEntry.objects.create(
        municipality=cast.ishoj,
        category="motor",
        goal="Tager selv tøj på",
        success_criterion="Dagligt",
        created_by=cast.alice,
    )


@scenario("plans.goal_bank_update")
def _goal_bank_update(cast: Cast) -> Expect:
    entry = plan_services.goal_bank_update(
        actor=cast.alice,
        entry=_bank_entry(cast),
        data={"category": "motor", "goal": "Tager selv jakke på", "success_criterion": "Dagligt"},
        expected_version=1,
    )
    return Expect(AuditAction.CHANGE, entry)


@scenario("plans.goal_bank_retire")
def _goal_bank_retire(cast: Cast) -> Expect:
    entry = plan_services.goal_bank_retire(actor=cast.alice, entry=_bank_entry(cast))
    return Expect(AuditAction.CHANGE, entry)


# --- Courses ----------------------------------------------------------------------------------


@scenario("courses.task_create")
def _task_create(cast: Cast) -> Expect:
    task = course_services.task_create(
        actor=cast.carl,
        data={"institution": cast.elverhoej, "usage": "observation", "problem": "Uro"},
    )
    return Expect(AuditAction.CREATE, task)


@scenario("courses.course_create")
def _course_create(cast: Cast) -> Expect:
    course = course_services.course_create(
        actor=cast.bob,
        data={"institution": cast.boegely, "kind": "individual", "title": "Mias forløb",
              "goals": "Leg med andre", "start": TODAY, "pedagogue": cast.bob},
    )  # fmt: skip
    return Expect(AuditAction.CREATE, course)


@scenario("courses.course_update")
def _course_update(cast: Cast) -> Expect:
    course = course_services.course_update(
        actor=cast.bob, course=cast.course_boegely, data={"title": "Legegruppen"},
        expected_version=cast.course_boegely.version,
    )  # fmt: skip
    return Expect(AuditAction.CHANGE, course)


@scenario("courses.participant_add")
def _participant_add(cast: Cast) -> Expect:
    participant = course_services.participant_add(
        actor=cast.bob, course=cast.course_boegely, role=Participant.Role.ROLE_MODEL,
        child=cast.emil,
    )  # fmt: skip
    return Expect(AuditAction.CREATE, participant, child=cast.emil)


@scenario("courses.letter_given")
def _letter_given(cast: Cast) -> Expect:
    participant = course_services.letter_given(
        actor=cast.bob, participant=cast.participant_mia, on=TODAY,
        delivery=Participant.Delivery.HANDED,
    )  # fmt: skip
    return Expect(AuditAction.EXPORT, participant, child=cast.mia)


@scenario("courses.session_plan")
def _session_plan(cast: Cast) -> Expect:
    session = course_services.session_plan(
        actor=cast.bob, course=cast.course_boegely, date=TODAY + datetime.timedelta(days=14),
        start_time=datetime.time(9),
    )  # fmt: skip
    return Expect(AuditAction.CREATE, session)


@scenario("courses.session_held")
def _session_held(cast: Cast) -> Expect:
    session = course_services.session_held(
        actor=cast.bob, session=last_weeks_session(cast), attendees=[cast.participant_mia]
    )
    return Expect(AuditAction.CHANGE, session)


@scenario("courses.session_cancel")
def _session_cancel(cast: Cast) -> Expect:
    session = course_services.session_cancel(
        actor=cast.bob, session=cast.session_boegely, cause=Session.Cause.ILLNESS
    )
    return Expect(AuditAction.CHANGE, session)


@scenario("courses.session_correct")
def _session_correct(cast: Cast) -> Expect:
    held = last_weeks_session(cast)
    Session.objects.filter(pk=held.pk).update(status=Session.Status.HELD)
    session = course_services.session_correct(
        actor=cast.bob,
        session=held,
        outcome=Session.Status.CANCELLED,
        cause=Session.Cause.ILLNESS,
        reason="Registreret på den forkerte dag",
        version=0,  # no correction yet
    )
    return Expect(AuditAction.CHANGE, session)


@scenario("courses.observation_add")
def _observation_add(cast: Cast) -> Expect:
    course_services.observation_add(
        actor=cast.bob, course=cast.course_boegely,
        data={"date": TODAY, "focus": "play", "child": cast.mia, "text": "Mia legede med Bo"},
    )  # fmt: skip
    return Expect(
        AuditAction.CREATE, cast.course_boegely, child=cast.mia, object_type="observation"
    )


@scenario("courses.measure_record")
def _measure_record(cast: Cast) -> Expect:
    course_services.measure_record(
        actor=cast.bob, participant=cast.participant_mia, phase="start",
        data={"participation": 2, "play": 2, "conflicts": 3, "wellbeing": 3},
    )  # fmt: skip
    return Expect(
        AuditAction.CREATE, cast.participant_mia, child=cast.mia, object_type="effectmeasure"
    )


@scenario("courses.course_close")
def _course_close(cast: Cast) -> Expect:
    course = course_services.course_close(
        actor=cast.bob, course=cast.course_boegely, closed_on=TODAY, goals_reached="partly",
        methods_in_practice="yes", evaluation="Flere børn leger med.",
    )  # fmt: skip
    return Expect(AuditAction.CHANGE, course)


@scenario("jobs.job_request")
def _job_request(cast: Cast) -> Expect:
    from inklusio.jobs import services as job_services

    job = job_services.job_request(actor=cast.alice, kind="annual-report", params={"year": 2025})
    return Expect(AuditAction.CREATE, job)


@scenario("jobs.job_run")
def _job_run(cast: Cast) -> Expect:
    from inklusio.jobs import services as job_services
    from inklusio.jobs.models import Job

    # Cora's annual report, queued again: the worker's run records its outcome in her name.
    Job.objects.filter(pk=cast.job_cora.pk).update(status=Job.Status.QUEUED)
    job = job_services.job_run(job_pk=cast.job_cora.pk)
    assert job is not None and job.status == Job.Status.DONE
    return Expect(AuditAction.CHANGE, job)


@scenario("jobs.job_sweep_stale")
def _job_sweep_stale(cast: Cast) -> Expect:
    import datetime

    from django.utils import timezone

    from inklusio.jobs import services as job_services
    from inklusio.jobs.models import Job

    # Cora's report, taken by a worker two hours ago that never finished: queued again.
    Job.objects.filter(pk=cast.job_cora.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert job_services.job_sweep_stale(older_than=datetime.timedelta(minutes=30)) == (1, 0)
    cast.job_cora.refresh_from_db()
    return Expect(AuditAction.CHANGE, cast.job_cora)


@scenario("jobs.job_retry")
def _job_retry(cast: Cast) -> Expect:
    from inklusio.jobs import services as job_services
    from inklusio.jobs.models import Job

    Job.objects.filter(pk=cast.job_cora.pk).update(status=Job.Status.FAILED)
    cast.job_cora.refresh_from_db()
    job = job_services.job_retry(actor=cast.alice, job=cast.job_cora)
    return Expect(AuditAction.CHANGE, job)


# --- Consultative meetings --------------------------------------------------------------------


@scenario("meetings.consent_record")
def _consent_record(cast: Cast) -> Expect:
    from inklusio.meetings import services as meeting_services

    consent = meeting_services.consent_record(
        actor=cast.alice, child=cast.emil, given_by="Emils mor", given_on=TODAY,
        professions=["psychologist"],
    )  # fmt: skip
    return Expect(AuditAction.CREATE, consent, child=cast.emil)


@scenario("meetings.consent_withdraw")
def _consent_withdraw(cast: Cast) -> Expect:
    from inklusio.meetings import services as meeting_services

    # Withdrawing also takes Mia off the coming meeting's agenda: still one row, for the consent.
    consent = meeting_services.consent_withdraw(actor=cast.gert, consent=cast.consent_mia)
    return Expect(AuditAction.CHANGE, consent, child=cast.mia)


@scenario("meetings.consent_give")
def _consent_give(cast: Cast) -> Expect:
    from inklusio.meetings import services as meeting_services

    consent = meeting_services.consent_give(
        actor=cast.gert, child=cast.mia, scope="partner", partner=cast.pia
    )
    return Expect(AuditAction.CREATE, consent, child=cast.mia)


# --- Messages (family) --------------------------------------------------------------------------


@scenario("family.message_send")
def _message_send(cast: Cast) -> Expect:
    from inklusio.family import services as family_services

    message = family_services.message_send(actor=cast.gert, plan=cast.plan_mia, text="Hej Bob")
    return Expect(AuditAction.CREATE, message, child=cast.mia)


@scenario("family.messages_mark_read")
def _messages_mark_read(cast: Cast) -> Expect:
    from inklusio.family import services as family_services

    family_services.messages_mark_read(actor=cast.bob, plan=cast.plan_mia)
    return Expect(AuditAction.CHANGE, cast.plan_mia, child=cast.mia, object_type="messageread")


@scenario("meetings.consultative_meeting_create")
def _consultative_meeting_create(cast: Cast) -> Expect:
    from inklusio.meetings import services as meeting_services
    from inklusio.people.models import Profession, Role
    from tests.conftest import make_user

    tove = make_user("tove", cast.ishoj, Role.PARTNER, profession=Profession.SPEECH_CONSULTANT)
    meeting = meeting_services.consultative_meeting_create(
        actor=cast.carl, institution=cast.elverhoej, date=TODAY + datetime.timedelta(days=8),
        start_time=datetime.time(13), partners=[cast.pia, tove],
    )  # fmt: skip
    return Expect(AuditAction.CREATE, meeting)


@scenario("meetings.agenda_item_add")
def _agenda_item_add(cast: Cast) -> Expect:
    from inklusio.meetings import services as meeting_services

    item = meeting_services.agenda_item_add(
        actor=cast.bob, meeting=cast.consultative_boegely, kind="group", topic="Uro ved frokost"
    )
    return Expect(AuditAction.CREATE, item)


@scenario("meetings.consultative_minutes_save")
def _consultative_minutes_save(cast: Cast) -> Expect:
    from inklusio.meetings import services as meeting_services

    meeting_services.consultative_minutes_save(
        actor=cast.bob,
        meeting=cast.consultative_boegely,
        minutes="Vi talte om samling.",
        version=0,  # the first minutes
    )
    return Expect(AuditAction.CHANGE, cast.consultative_boegely)


@scenario("meetings.recommendation_add")
def _recommendation_add(cast: Cast) -> Expect:
    from inklusio.meetings import services as meeting_services

    recommendation = meeting_services.recommendation_add(
        actor=cast.pia, item=cast.item_mia, text="Billeder af dagens program"
    )
    return Expect(AuditAction.CREATE, recommendation, child=cast.mia)


# --- Transitions --------------------------------------------------------------------------------


@scenario("transitions.handover_create")
def _handover_create(cast: Cast) -> Expect:
    from inklusio.transitions import services as transition_services

    handover = transition_services.handover_create(
        actor=cast.carl, child=cast.emil, kind="school", school_name="Vibeholmskolen",
        receiver=cast.pia, what_works="Ro", next_steps="Besøg", handover_date=TODAY,
        access_until=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    return Expect(AuditAction.CREATE, handover, child=cast.emil)


@scenario("transitions.handover_share")
def _handover_share(cast: Cast) -> Expect:
    from inklusio.transitions import services as transition_services

    consent = cast.handover_mia.consent
    cast.handover_mia.__class__.objects.filter(pk=cast.handover_mia.pk).update(
        shared_on=None, consent=None
    )
    handover = transition_services.handover_share(
        actor=cast.alice, handover=cast.handover_mia, consent=consent
    )
    return Expect(AuditAction.CHANGE, handover, child=cast.mia)


@scenario("transitions.handover_meeting_record")
def _handover_meeting_record(cast: Cast) -> Expect:
    from inklusio.transitions import services as transition_services

    meeting = transition_services.handover_meeting_record(
        actor=cast.carl, handover=cast.handover_mia, date=TODAY, participants="Carl, Gert"
    )
    return Expect(AuditAction.CREATE, meeting, child=cast.mia)


# --- Corps planning ---------------------------------------------------------------------------


@scenario("planning.plan_week")
def _plan_week(cast: Cast) -> Expect:
    from inklusio.planning import services as planning_services

    plan = planning_services.plan_week(
        actor=cast.cora, week_start=NEXT_MONDAY + datetime.timedelta(weeks=1), time_limit_s=2
    )
    return Expect(AuditAction.CREATE, plan)


@scenario("planning.replan_absence")
def _replan_absence(cast: Cast) -> Expect:
    from inklusio.planning import services as planning_services

    revision = planning_services.replan_absence(
        actor=cast.cora, plan=cast.plan, pedagogue=cast.bob, slots=frozenset({(0, 0)}),
        kind="illness",
    )  # fmt: skip
    return Expect(AuditAction.CREATE, revision)


@scenario("planning.slot_set")
def _slot_set(cast: Cast) -> Expect:
    from inklusio.planning import services as planning_services

    planning_services.slot_set(
        actor=cast.cora, plan=cast.plan, pedagogue=cast.bob, day=1, half=0,
        institution=cast.boegely, function="resource", version=cast.plan.version,
    )  # fmt: skip
    return Expect(AuditAction.CHANGE, cast.plan)


@scenario("planning.plan_publish")
def _plan_publish(cast: Cast) -> Expect:
    from inklusio.planning import services as planning_services

    plan = planning_services.plan_publish(actor=cast.cora, plan=cast.plan)
    return Expect(AuditAction.CHANGE, plan)


@scenario("planning.contract_open")
def _contract_open(cast: Cast) -> Expect:
    from inklusio.people.models import Role
    from inklusio.planning import services as planning_services
    from tests.conftest import make_user

    petra = make_user("petra", cast.ishoj, Role.PEDAGOGUE)
    contract = planning_services.contract_open(actor=cast.cora, pedagogue=petra)
    return Expect(AuditAction.CREATE, contract)


@scenario("planning.contract_update")
def _contract_update(cast: Cast) -> Expect:
    from inklusio.planning import services as planning_services

    contract = planning_services.contract_update(
        actor=cast.cora, contract=cast.contract_bob, data={"support_share_percent": 40},
        expected_version=cast.contract_bob.version,
    )  # fmt: skip
    return Expect(AuditAction.CHANGE, contract)


@scenario("planning.absence_add")
def _absence_add(cast: Cast) -> Expect:
    from inklusio.planning import services as planning_services

    absence = planning_services.absence_add(
        actor=cast.cora, pedagogue=cast.bob,
        data={"start": NEXT_MONDAY, "end": NEXT_MONDAY, "kind": "course"},
    )  # fmt: skip
    return Expect(AuditAction.CREATE, absence)


@scenario("planning.absence_delete")
def _absence_delete(cast: Cast) -> Expect:
    from inklusio.planning import services as planning_services
    from inklusio.planning.models import Absence

    absence = Absence.objects.create(
        municipality=cast.ishoj, pedagogue=cast.bob, start=NEXT_MONDAY, end=NEXT_MONDAY,
        kind="course", created_by=cast.cora,
    )  # fmt: skip
    planning_services.absence_delete(actor=cast.cora, absence=absence)
    return Expect(AuditAction.DELETE, absence)  # the row names it by the id it had


@scenario("planning.calendar_feed_create")
def _calendar_feed_create(cast: Cast) -> Expect:
    from inklusio.planning import services as planning_services

    feed = planning_services.calendar_feed_create(actor=cast.bob)
    return Expect(AuditAction.CREATE, feed)


# --- Referrals and visitation -----------------------------------------------------------------


def _referral_services() -> ModuleType:
    from inklusio.referrals import services as referral_services

    return referral_services


@scenario("referrals.referral_save")
def _referral_save(cast: Cast) -> Expect:
    referral = _referral_services().referral_save(
        actor=cast.carl, child=cast.emil, referral=cast.draft_emil,
        data={"description": "Taler kun få ord."}, expected_version=cast.draft_emil.version,
    )  # fmt: skip
    return Expect(AuditAction.CHANGE, referral, child=cast.emil)


@scenario("referrals.referral_submit")
def _referral_submit(cast: Cast) -> Expect:
    from inklusio.meetings.models import DiscussionConsent
    from inklusio.referrals.models import Referral

    Referral.objects.filter(pk=cast.draft_emil.pk).update(
        consent_by="Emils mor", consent_date=TODAY, consent_method="written"
    )
    # The record of that consent, as referral_save keeps it (docs/consent.md).
    DiscussionConsent.objects.create(
        municipality=cast.ishoj, child=cast.emil, scope="referral", referral=cast.draft_emil,
        given_by="Emils mor", given_on=TODAY, recorded_by=cast.carl,
    )  # fmt: skip
    referral = _referral_services().referral_submit(actor=cast.carl, referral=cast.draft_emil)
    return Expect(AuditAction.CHANGE, referral, child=cast.emil)


@scenario("referrals.referral_withdraw")
def _referral_withdraw(cast: Cast) -> Expect:
    referral = _referral_services().referral_withdraw(
        actor=cast.carl, referral=cast.waiting_emil, reason="Familien er flyttet"
    )
    return Expect(AuditAction.CHANGE, referral, child=cast.emil)


@scenario("referrals.referral_add_addendum")
def _referral_add_addendum(cast: Cast) -> Expect:
    _referral_services().referral_add_addendum(
        actor=cast.carl, referral=cast.waiting_emil, text="Nu også udredt."
    )
    # An addendum has no public id of its own: the row names the referral it belongs to.
    return Expect(
        AuditAction.CREATE, cast.waiting_emil, child=cast.emil, object_type="referraladdendum"
    )


@scenario("referrals.attachment_add")
def _attachment_add(cast: Cast) -> Expect:
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = _referral_services().attachment_add(
        actor=cast.carl, referral=cast.waiting_emil,
        upload=SimpleUploadedFile("u.pdf", b"%PDF-1.7 udtalelse"),
    )  # fmt: skip
    return Expect(AuditAction.CREATE, attachment, child=cast.emil)


@scenario("referrals.period_create")
def _period_create(cast: Cast) -> Expect:
    period = _referral_services().period_create(
        actor=cast.alice, start_year=TODAY.year + 1, support_places=7
    )
    return Expect(AuditAction.CREATE, period)


@scenario("referrals.legal_basis_add")
def _legal_basis_add(cast: Cast) -> Expect:
    basis = _referral_services().legal_basis_add(
        actor=cast.alice, title="Servicelovens § 11", text="Tidlig indsats."
    )
    return Expect(AuditAction.CREATE, basis)


@scenario("referrals.committee_meeting_create")
def _committee_meeting_create(cast: Cast) -> Expect:
    meeting = _referral_services().committee_meeting_create(
        actor=cast.alice, date=TODAY + datetime.timedelta(days=7)
    )
    return Expect(AuditAction.CREATE, meeting)


@scenario("referrals.decision_record")
def _decision_record(cast: Cast) -> Expect:
    decision = _referral_services().decision_record(
        actor=cast.alice, child=cast.emil, referral=cast.waiting_emil, outcome="refused",
        offer="support_pedagogue", reasons="Behovet dækkes af ressourcefunktionen",
        legal_basis=cast.legal_basis,
    )  # fmt: skip
    return Expect(AuditAction.CREATE, decision, child=cast.emil)


@scenario("referrals.decision_end")
def _decision_end(cast: Cast) -> Expect:
    from inklusio.referrals.models import Decision

    ending = _referral_services().decision_end(
        actor=cast.alice, decision=cast.decision_mia, kind=Decision.Kind.END,
        reasons="Mia starter i skole", legal_basis=cast.legal_basis,
        end_on=TODAY + datetime.timedelta(days=7),
    )  # fmt: skip
    return Expect(AuditAction.CREATE, ending, child=cast.mia)


@scenario("referrals.reassessment_record")
def _reassessment_record(cast: Cast) -> Expect:
    decision = _referral_services().reassessment_record(
        actor=cast.alice, decision=cast.decision_mia, outcome="ended",
        reasons="Behovet er dækket", legal_basis=cast.legal_basis,
    )  # fmt: skip
    return Expect(AuditAction.CREATE, decision, child=cast.mia)


@scenario("referrals.decision_mark_placed")
def _decision_mark_placed(cast: Cast) -> Expect:
    decision = _referral_services().decision_mark_placed(
        actor=cast.alice, decision=cast.decision_mia, placed_on=TODAY
    )
    return Expect(AuditAction.CHANGE, decision, child=cast.mia)


@scenario("referrals.letter_issue")
def _letter_issue(cast: Cast) -> Expect:
    letter = _referral_services().letter_issue(actor=cast.alice, decision=cast.decision_mia)
    return Expect(AuditAction.CREATE, letter, child=cast.mia)


@scenario("referrals.letter_mark_sent")
def _letter_mark_sent(cast: Cast) -> Expect:
    from inklusio.referrals.models import DecisionLetter

    DecisionLetter.objects.filter(pk=cast.letter_mia.pk).update(sent_on=None)
    letter = _referral_services().letter_mark_sent(
        actor=cast.alice, letter=cast.letter_mia, sent_on=TODAY
    )
    # Sending the letter is a disclosure to the family: the row says export.
    return Expect(AuditAction.EXPORT, letter, child=cast.mia)


@scenario("referrals.appeal_register")
def _appeal_register(cast: Cast) -> Expect:
    appeal = _referral_services().appeal_register(
        actor=cast.alice, decision=cast.decision_mia, received_on=TODAY, text="Vi er uenige",
        owner=cast.alice,
    )  # fmt: skip
    return Expect(AuditAction.CREATE, appeal, child=cast.mia)


@scenario("referrals.appeal_uphold")
def _appeal_uphold(cast: Cast) -> Expect:
    appeal = _referral_services().appeal_uphold(
        actor=cast.alice, appeal=cast.appeal_mia, on=TODAY, reasons="Behovet er dækket"
    )
    # Upholding sends the case file to Ankestyrelsen: the row says export.
    return Expect(AuditAction.EXPORT, appeal, child=cast.mia)


@scenario("referrals.appeal_change")
def _appeal_change(cast: Cast) -> Expect:
    decision = _referral_services().appeal_change(
        actor=cast.alice, appeal=cast.appeal_mia, outcome="refused", offer="support_pedagogue",
        reasons="Efter klagen", legal_basis=cast.legal_basis,
    )  # fmt: skip
    return Expect(AuditAction.CREATE, decision, child=cast.mia)


@scenario("referrals.waiting_list_add")
def _waiting_list_add(cast: Cast) -> Expect:
    from inklusio.organisation.models import ResourceGroup

    # Bøgely's group is full (no places), so Carl's referral for Emil may wait for one.
    ResourceGroup.objects.filter(pk=cast.group_boegely.pk).update(places=0)
    cast.queued_emil.delete()
    entry = _referral_services().waiting_list_add(
        actor=cast.alice, referral=cast.waiting_emil, offer="resource_group_place",
        resource_group=cast.group_boegely,
    )  # fmt: skip
    return Expect(AuditAction.CREATE, entry, child=cast.emil)


@scenario("referrals.waiting_list_move")
def _waiting_list_move(cast: Cast) -> Expect:
    entry = _referral_services().waiting_list_move(
        actor=cast.alice, entry=cast.queued_emil, position=1, reason="Akut behov"
    )
    return Expect(AuditAction.CHANGE, entry, child=cast.emil)


@scenario("referrals.waiting_list_remove")
def _waiting_list_remove(cast: Cast) -> Expect:
    entry = _referral_services().waiting_list_remove(
        actor=cast.alice, entry=cast.queued_emil, reason="Indstillingen er trukket tilbage"
    )
    return Expect(AuditAction.CHANGE, entry, child=cast.emil)


# --- People -----------------------------------------------------------------------------------


@scenario("people.user_bind_oidc_subject")
def _user_bind_oidc_subject(cast: Cast) -> Expect:
    from inklusio.people.services import user_bind_oidc_subject

    user = user_bind_oidc_subject(actor=cast.bob, user=cast.bob, subject="sub-bob")
    return Expect(AuditAction.CHANGE, user)


@scenario("people.user_unbind_oidc_subject")
def _user_unbind_oidc_subject(cast: Cast) -> Expect:
    from inklusio.people.models import User
    from inklusio.people.services import user_unbind_oidc_subject

    User.objects.filter(pk=cast.bob.pk).update(oidc_subject="sub-bob")  # as a sign-in bound it
    user = user_unbind_oidc_subject(actor=cast.alice, user=cast.bob)
    return Expect(AuditAction.CHANGE, user)


@scenario("people.user_create")
def _user_create(cast: Cast) -> Expect:
    from inklusio.people.models import Role
    from inklusio.people.services import user_create

    user = user_create(
        actor=cast.alice,
        data={
            "username": "ny-leder",
            "first_name": "Nina",
            "last_name": "Nielsen",
            "email": "",
            "role": Role.INSTITUTION_LEADER,
            "institution": cast.boegely,
        },
    )
    return Expect(AuditAction.CREATE, user)


@scenario("people.user_update")
def _user_update(cast: Cast) -> Expect:
    from inklusio.people.services import user_update

    user = user_update(
        actor=cast.alice,
        user=cast.sara,
        data={"first_name": "Sarah"},
        expected_version=cast.sara.version,
    )
    return Expect(AuditAction.CHANGE, user)


@scenario("people.user_deactivate")
def _user_deactivate(cast: Cast) -> Expect:
    from inklusio.people.services import user_deactivate

    user = user_deactivate(actor=cast.alice, user=cast.sara)
    return Expect(AuditAction.CHANGE, user)


@scenario("people.user_reactivate")
def _user_reactivate(cast: Cast) -> Expect:
    from inklusio.people.models import User
    from inklusio.people.services import user_reactivate

    User.objects.filter(pk=cast.sara.pk).update(is_active=False, deactivated_on=TODAY)
    user = user_reactivate(actor=cast.alice, user=cast.sara)
    return Expect(AuditAction.CHANGE, user)


@scenario("people.attachment_add")
def _attachment_add(cast: Cast) -> Expect:
    from inklusio.people.services import attachment_add

    attachment = attachment_add(
        actor=cast.cora, pedagogue=cast.bob,
        data={"institution": cast.elverhoej, "function": "support"},
    )  # fmt: skip
    return Expect(AuditAction.CREATE, attachment)


@scenario("people.attachment_end")
def _attachment_end(cast: Cast) -> Expect:
    from inklusio.people.models import PedagogueAttachment
    from inklusio.people.services import attachment_end

    attachment = attachment_end(
        actor=cast.cora,
        attachment=PedagogueAttachment.objects.get(pedagogue=cast.bob, institution=cast.boegely),
        data={"ended_on": TODAY},
    )
    return Expect(AuditAction.CHANGE, attachment)


# --- The audit trail itself -------------------------------------------------------------------


@scenario("audit.audit_listing")
def _audit_listing(cast: Cast) -> Expect:
    from inklusio.audit.services import audit_listing

    audit_listing(actor=cast.alice, object_type="child", search_term="Mia", children=[cast.mia])
    # A list names its children through the row's child links, not the one `child` column.
    return Expect(AuditAction.SEARCH, None, object_type="child")


# --- Signing in: the second factor, passwords, sessions -------------------------------------


def _totp_code(key: str) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key)):06d}"


@scenario("people.second_factor_enrol")
def _second_factor_enrol(cast: Cast) -> Expect:
    from inklusio.people import services as people_services

    key = "00" * 20
    people_services.second_factor_enrol(actor=cast.bob, key=key, token=_totp_code(key))
    return Expect(AuditAction.CREATE, cast.bob, object_type="second_factor")


@scenario("people.second_factor_verify")
def _second_factor_verify(cast: Cast) -> Expect:
    from django_otp.plugins.otp_static.models import StaticDevice

    from inklusio.people import services as people_services

    device = StaticDevice.objects.create(user=cast.bob, name="Gendannelseskoder")
    device.token_set.create(token="abcd2345")
    people_services.second_factor_verify(actor=cast.bob, token="abcd2345")
    return Expect(AuditAction.LOGIN, cast.bob, object_type="second_factor")


@scenario("people.second_factor_reset")
def _second_factor_reset(cast: Cast) -> Expect:
    from inklusio.people import services as people_services

    people_services.second_factor_reset(actor=cast.alice, user=cast.bob)
    return Expect(AuditAction.DELETE, cast.bob, object_type="second_factor")


@scenario("people.api_token_create")
def _api_token_create(cast: Cast) -> Expect:
    from inklusio.people import services as people_services

    token, _secret = people_services.api_token_create(
        actor=cast.alice,
        owner=cast.bob,
        name="Tablet",
        scope="read",
        expires_on=TODAY + datetime.timedelta(days=30),
    )
    return Expect(AuditAction.CREATE, token)


@scenario("people.api_token_revoke")
def _api_token_revoke(cast: Cast) -> Expect:
    from inklusio.people import services as people_services

    token = people_services.api_token_revoke(actor=cast.bob, token=cast.token_bob)
    return Expect(AuditAction.CHANGE, token)


@scenario("people.password_change")
def _password_change(cast: Cast) -> Expect:
    from inklusio.people import services as people_services

    people_services.password_change(actor=cast.bob, password="Lindetræ-ved-åen-17")
    return Expect(AuditAction.CHANGE, cast.bob, object_type="password")


@scenario("people.password_reset")
def _password_reset(cast: Cast) -> Expect:
    from inklusio.people import services as people_services

    people_services.password_reset(actor=cast.bob, password="Lindetræ-ved-åen-17")
    return Expect(AuditAction.CHANGE, cast.bob, object_type="password")


@scenario("people.session_end_idle")
def _session_end_idle(cast: Cast) -> Expect:
    from inklusio.people import services as people_services

    people_services.session_end_idle(actor=cast.bob, minutes=30)
    return Expect(AuditAction.LOGOUT, cast.bob, object_type="user")


@scenario("privacy.data_request_register")
def _data_request_register(cast: Cast) -> Expect:
    from inklusio.privacy import services as privacy_services

    request = privacy_services.data_request_register(
        actor=cast.alice, child=cast.emil, requester="Emils mor", received_on=TODAY
    )
    return Expect(AuditAction.CREATE, request, child=cast.emil)


@scenario("privacy.data_request_extend")
def _data_request_extend(cast: Cast) -> Expect:
    from inklusio.privacy import services as privacy_services

    request = privacy_services.data_request_extend(
        actor=cast.alice, request=cast.data_request_mia, reason="Mange sager at samle"
    )
    return Expect(AuditAction.CHANGE, request, child=cast.mia)


@scenario("privacy.data_request_refuse")
def _data_request_refuse(cast: Cast) -> Expect:
    from inklusio.privacy import services as privacy_services

    request = privacy_services.data_request_refuse(
        actor=cast.alice, request=cast.data_request_mia, reason="Anmoder har ikke forældremyndighed"
    )
    return Expect(AuditAction.CHANGE, request, child=cast.mia)


@scenario("privacy.data_request_answer")
def _data_request_answer(cast: Cast) -> Expect:
    from inklusio.jobs.models import Job
    from inklusio.privacy import services as privacy_services

    Job.objects.create(  # the export made for the request, ready
        municipality=cast.ishoj,
        kind=privacy_services.EXPORT_JOB_KIND,
        params={"child": str(cast.mia.public_id), "request": str(cast.data_request_mia.public_id)},
        requested_by=cast.alice,
        status=Job.Status.DONE,
    )
    request = privacy_services.data_request_answer(actor=cast.alice, request=cast.data_request_mia)
    return Expect(AuditAction.CHANGE, request, child=cast.mia)


@scenario("today.reminder_setting_set")
def _reminder_setting_set(cast: Cast) -> Expect:
    from inklusio.today import services as today_services

    setting = today_services.reminder_setting_set(actor=cast.bob, email=False)
    return Expect(AuditAction.CHANGE, setting)


@scenario("today.reminder_send")
def _reminder_send(cast: Cast) -> Expect:
    from inklusio.today import services as today_services

    cast.alice.email = "alice@ishoj.example"
    cast.alice.save(update_fields=["email"])
    # Mia's appeal, received in September, waits for Alice's reassessment.
    reminder = today_services.reminder_send(actor=cast.alice)
    assert reminder is not None
    return Expect(AuditAction.CREATE, reminder, object_type="reminder")


# --- The tests (after the scenarios, so the table is complete when they are collected) -----


# --- Retention --------------------------------------------------------------------------------


@scenario("retention.retention_policy_update")
def _retention_policy_update(cast: Cast) -> Expect:
    from inklusio.retention import selectors as retention_selectors
    from inklusio.retention import services as retention_services

    policy = retention_services.retention_policy_update(
        actor=cast.alice,
        data={"child_case_months": 72},
        expected_version=retention_selectors.policy_for(cast.alice).version,
    )
    return Expect(AuditAction.CREATE, policy)


@scenario("retention.retention_run")
def _retention_run(cast: Cast) -> Expect:
    from dateutil.relativedelta import relativedelta

    from inklusio.retention import services as retention_services

    # Five years on, Carl's draft for Emil, never submitted, is the one thing past its period.
    later = TODAY + relativedelta(months=60)
    (record,) = retention_services.retention_run(actor=cast.alice, fingerprint=None, today=later)
    return Expect(AuditAction.DELETE, record)


# --- Early detection ----------------------------------------------------------------------------


@scenario("screening.screening_round_open")
def _screening_round_open(cast: Cast) -> Expect:
    from inklusio.organisation.models import Room
    from inklusio.screening import services as screening_services

    room = Room.objects.create(municipality=cast.ishoj, institution=cast.boegely, name="Myretuen")
    screening_round = screening_services.screening_round_open(
        actor=cast.sara, room=room, year=TODAY.year, half=1
    )
    return Expect(AuditAction.CREATE, screening_round)


@scenario("screening.screening_round_fill")
def _screening_round_fill(cast: Cast) -> Expect:
    from inklusio.screening import services as screening_services

    # Mia turns red on development: one row for the round, linked to her.
    screening_round = screening_services.screening_round_fill(
        actor=cast.sara,
        screening_round=cast.screening_boegely,
        ratings=[
            screening_services.RatingInput(
                child=cast.mia, wellbeing="yellow", development="red", follow_up="referral"
            )
        ],
        expected_version=cast.screening_boegely.version,
    )
    return Expect(AuditAction.CHANGE, screening_round, child=cast.mia)


@scenario("screening.screening_round_close")
def _screening_round_close(cast: Cast) -> Expect:
    from inklusio.screening import services as screening_services

    screening_round = screening_services.screening_round_close(
        actor=cast.sara, screening_round=cast.screening_boegely
    )
    return Expect(AuditAction.CHANGE, screening_round)


# --- Imports ------------------------------------------------------------------------------------


@scenario("imports.import_upload")
def _import_upload(cast: Cast) -> Expect:
    from inklusio.imports import services as import_services

    data = "CPR-nummer;Fornavn;Efternavn;Daginstitution\r\n".encode("utf-8-sig")
    run = import_services.import_upload(
        actor=cast.alice, kind="children", file_name="boern.csv", data=data
    )
    return Expect(AuditAction.CREATE, run)


@scenario("imports.import_check")
def _import_check(cast: Cast) -> Expect:
    from inklusio.imports import services as import_services

    # Alice's file has its headers and no rows: the dry run records that, nothing else.
    run = import_services.import_check(actor=cast.alice, run=cast.import_alice)
    return Expect(AuditAction.CHANGE, run)


@scenario("imports.import_execute")
def _import_execute(cast: Cast) -> Expect:
    from inklusio.imports import services as import_services

    # No row creates or changes anything, so the one row is the import's own.
    run = import_services.import_execute(actor=cast.alice, run=cast.import_alice)
    assert run.status == run.Status.IMPORTED
    return Expect(AuditAction.CHANGE, run)


# --- Partners (issue 18.3) ---------------------------------------------------------------------


def _partner(cast: Cast) -> Any:
    from tests.conftest import make_user
    from tests.partners.directory import profile

    quinn = make_user("quinn", cast.ishoj, "partner", profession="psychologist")
    return profile(cast, quinn)


@scenario("partners.organisation_create")
def _organisation_create(cast: Cast) -> Expect:
    from inklusio.partners import services as partner_services

    organisation = partner_services.organisation_create(
        actor=cast.alice, data={"name": "Terapeuterne", "kind": "therapists"}
    )
    return Expect(AuditAction.CREATE, organisation)


@scenario("partners.organisation_update")
def _organisation_update(cast: Cast) -> Expect:
    from inklusio.partners import services as partner_services
    from tests.partners.directory import organisation

    updated = partner_services.organisation_update(
        actor=cast.alice,
        organisation=organisation(cast),
        data={"name": "PPR Ishøj", "kind": "ppr", "email": "ny@ppr.invalid", "phone": ""},
        expected_version=1,
    )
    return Expect(AuditAction.CHANGE, updated)


@scenario("partners.organisation_deactivate")
def _organisation_deactivate(cast: Cast) -> Expect:
    from inklusio.partners import services as partner_services
    from tests.partners.directory import organisation

    found = partner_services.organisation_deactivate(
        actor=cast.alice, organisation=organisation(cast)
    )
    return Expect(AuditAction.CHANGE, found)


@scenario("partners.partner_create")
def _partner_create(cast: Cast) -> Expect:
    from inklusio.partners import services as partner_services
    from tests.partners.directory import organisation

    profile = partner_services.partner_create(
        actor=cast.alice,
        data={
            "first_name": "Rikke",
            "last_name": "Tale",
            "email": "rikke@tale.invalid",
            "profession": "speech_consultant",
            "organisation": organisation(cast),
        },
    )
    return Expect(AuditAction.CREATE, profile)


@scenario("partners.partner_update")
def _partner_update(cast: Cast) -> Expect:
    from inklusio.partners import services as partner_services

    profile = _partner(cast)
    updated = partner_services.partner_update(
        actor=cast.alice,
        profile=profile,
        data={
            "first_name": "Quinn",
            "last_name": "Psykolog",
            "email": "quinn@ppr.invalid",
            "phone": "",
            "profession": "psychologist",
            "organisation": profile.organisation,
        },
        expected_version=1,
    )
    return Expect(AuditAction.CHANGE, updated)


@scenario("partners.partner_deactivate")
def _partner_deactivate(cast: Cast) -> Expect:
    from inklusio.partners import services as partner_services

    profile = partner_services.partner_deactivate(actor=cast.alice, profile=_partner(cast))
    return Expect(AuditAction.CHANGE, profile)


@scenario("partners.invitation_create")
def _invitation_create(cast: Cast) -> Expect:
    from inklusio.partners import services as partner_services

    invitation = partner_services.invitation_create(
        actor=cast.alice,
        target=cast.plan_mia,
        partner=_partner(cast).user,
        reason="Sprogvurdering",
        valid_until=TODAY + datetime.timedelta(days=30),
    )
    return Expect(AuditAction.CREATE, invitation, child=cast.mia)


@scenario("partners.invitation_end")
def _invitation_end(cast: Cast) -> Expect:
    from inklusio.children.models import PartnerInvitation
    from inklusio.partners import services as partner_services

    invitation = PartnerInvitation.objects.get(partner=cast.pia, child=cast.mia)
    ended = partner_services.invitation_end(actor=cast.alice, invitation=invitation, reason="Slut")
    return Expect(AuditAction.CHANGE, ended, child=cast.mia)


def test_every_public_service_has_an_entry():
    listed = [*SCENARIOS, *NOT_STATE_CHANGES]
    assert not {name for name in listed if listed.count(name) > 1}, "listed twice"
    services = public_services()
    assert sorted(services - set(listed)) == [], "services without an audit scenario"
    assert sorted(set(listed) - services) == [], "entries for services that no longer exist"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_service_writes_exactly_one_audit_row(name, cast):
    with new_audit_rows() as rows:
        expected = SCENARIOS[name](cast)
    assert len(rows) == 1, [str(row) for row in rows]
    [row] = rows
    obj = expected.obj
    assert row.action == expected.action
    if obj is None:
        assert (row.object_type, row.object_id) == (expected.object_type, "")
    else:
        assert row.object_type == (expected.object_type or obj._meta.model_name)
        assert row.object_id == str(getattr(obj, "public_id", obj.pk))
    assert row.child_id == (expected.child.public_id if expected.child else None)
    assert row.municipality_id == cast.ishoj.pk

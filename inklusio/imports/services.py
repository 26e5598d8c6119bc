"""Importing spreadsheets: the upload, its dry run and the real run.

The dry run (`import_check`) reads the file and plans every row, writing nothing but the plan
and its progress. The real run (`import_execute`) plans again against the records as they are
then, and carries the plan out in one transaction through the apps' own services (so each
created or changed object gets the audit entry those services write); any refused row, or a
record changed by someone else in the meantime, leaves nothing imported. Both are run by the
worker (job kinds in `job_kinds.py`) or by `manage.py import_file`; progress is committed as
the rows are checked, so the import's page can show it while the worker runs."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, diff, snapshot
from inklusio.children import services as child_services
from inklusio.core.errors import DomainError, EditConflict
from inklusio.core.models import municipality_id_of
from inklusio.core.storage import private_storage
from inklusio.imports import history, rules
from inklusio.imports.models import ImportKind, ImportRun
from inklusio.imports.parsers import FileRefused, Row, read_rows
from inklusio.organisation.models import Institution, Room
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.referrals.models import VisitationPeriod

# Progress is committed every this many rows: often enough for the bar, rarely enough to be cheap.
PROGRESS_EVERY = 500
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportNotReady(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("Importen kan kun gennemføres efter en prøvekørsel uden afviste rækker.")
        )


def import_upload(*, actor: User, kind: str, file_name: str, data: bytes) -> ImportRun:
    """Keep an uploaded file for its dry run; the file's form is checked by the dry run."""
    if kind not in ImportKind.values:
        raise DomainError(_("Vælg, hvad filen indeholder."))
    if not file_name.lower().endswith((".xlsx", ".csv")):
        raise DomainError(_("Filen skal være et regneark i formatet XLSX eller CSV."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(_("Filen er større end 20 MB."))
    municipality_id = municipality_id_of(actor)
    with transaction.atomic():
        run = ImportRun(
            municipality_id=municipality_id, kind=kind, file_name=file_name[:200], uploaded_by=actor
        )
        run.stored_name = private_storage.save(
            f"imports/{run.public_id}/{run.public_id}{_suffix(file_name)}", ContentFile(data)
        )
        run.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            changes={"kind": kind, "file_name": run.file_name},
        )
    return run


def _suffix(file_name: str) -> str:
    return ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"


def _plan(
    run: ImportRun, on_progress: Callable[[int, int], None] | None = None
) -> list[rules.RowPlan]:
    with private_storage.open(run.stored_name) as stored:
        data = stored.read()
    rows = read_rows(run.kind, data, run.file_name)
    plan_row = _row_planner(run, rows)
    seen: dict[str, int] = {}
    plans = []
    for index, row in enumerate(rows, start=1):
        plans.append(plan_row(row, seen))
        if on_progress is not None and (index % PROGRESS_EVERY == 0 or index == len(rows)):
            on_progress(index, len(rows))
    return plans


def _row_planner(run: ImportRun, rows: list[Row]) -> Callable[[Row, dict[str, int]], rules.RowPlan]:
    if run.kind == ImportKind.DECISIONS:
        decisions = history.decision_context(run.municipality_id, rows, timezone.localdate())
        return lambda row, seen: history.plan_decision_row(row, decisions, seen)
    if run.kind == ImportKind.COURSES:
        courses = history.course_context(run.municipality_id, rows, timezone.localdate())
        return lambda row, seen: history.plan_course_row(row, courses, seen)
    if run.kind == ImportKind.PEDAGOGUES:
        corps = rules.pedagogue_context(run.municipality_id, rows)
        return lambda row, seen: rules.plan_pedagogue_row(row, corps, seen)
    if run.kind == ImportKind.INSTITUTIONS:
        places = rules.institution_context(run.municipality_id)
        return lambda row, seen: rules.plan_institution_row(row, places, seen)
    children = rules.child_context(run.municipality_id, rows, timezone.localdate())
    return lambda row, seen: rules.plan_child_row(row, children, seen)


def _progress(run: ImportRun) -> Callable[[int, int], None]:
    def record(done: int, total: int) -> None:
        # Outside any transaction, so the import's page sees it while the run goes on.
        ImportRun.objects.filter(pk=run.pk).update(processed_rows=done, total_rows=total)

    return record


def import_check(*, actor: User, run: ImportRun) -> ImportRun:
    """The dry run: every row with what the import would do and why; nothing else is written."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.CHECKING)
    try:
        plans = _plan(run, _progress(run))
        file_error = ""
    except FileRefused as unreadable:
        plans, file_error = [], str(unreadable)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        run.rows = [plan.as_result() for plan in plans]
        run.file_error = file_error
        run.total_rows = run.processed_rows = len(plans)
        run.status = ImportRun.Status.CHECKED
        run.save()
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=run, changes={"checked": _counts(run)}
        )
    return run


def _counts(run: ImportRun) -> dict[str, int]:
    return {action: run.count(action) for action in rules.ACTION_LABELS}


def import_execute(*, actor: User, run: ImportRun) -> ImportRun:
    """The real run: everything in the file, or, when any row is refused, nothing."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        # IMPORTING again is a retry of a run whose worker was lost: its transaction never
        # committed, so nothing of it was imported.
        ready = {ImportRun.Status.CHECKED, ImportRun.Status.IMPORTING}
        if run.status not in ready or run.file_error or run.refused:
            raise ImportNotReady
        run.status = ImportRun.Status.IMPORTING
        run.processed_rows = 0
        run.save(update_fields=["status", "processed_rows"])
    try:
        plans = _plan(run, _progress(run))
        file_error = ""
    except FileRefused as unreadable:
        plans, file_error = [], str(unreadable)
    try:
        with transaction.atomic():
            # The run's row lock comes first: a second worker given the same run (a sweeper
            # that took a long run for lost) waits here and then finds it finished.
            run = ImportRun.objects.select_for_update().get(pk=run.pk)
            if run.status != ImportRun.Status.IMPORTING:
                return run
            if not file_error and all(plan.action != rules.REFUSED for plan in plans):
                periods: dict[datetime.date, VisitationPeriod] = {}
                for plan in plans:
                    _apply(actor, plan, periods)
            _finish(actor, run, plans, file_error)
    except DomainError as error:
        # Someone changed or registered one of the children meanwhile: the file is refused as
        # a whole and the reason shown, with the rows as the dry run found them.
        reason = _changed_meanwhile(error) if isinstance(error, EditConflict) else str(error)
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run.pk)
            if run.status != ImportRun.Status.IMPORTING:
                return run
            _finish(actor, run, plans, _("Importen blev afbrudt: %(reason)s") % {"reason": reason})
    return run


def _changed_meanwhile(conflict: EditConflict) -> str:
    """A child or guardian the file changes was saved by someone else after the real run read
    it: the run is refused rather than overwriting that change unseen."""
    return _(
        "%(name)s blev ændret af en anden, mens importen kørte, så intet er importeret. Upload "
        "filen igen: prøvekørslen viser så, hvad den ændrer nu."
    ) % {"name": conflict.current}


def _finish(actor: User, run: ImportRun, plans: list[rules.RowPlan], file_error: str) -> None:
    run.rows = [plan.as_result() for plan in plans]
    run.file_error = file_error[:300]
    run.total_rows = run.processed_rows = len(plans)
    failed = bool(file_error) or run.refused > 0
    run.status = ImportRun.Status.REFUSED if failed else ImportRun.Status.IMPORTED
    run.finished_at = timezone.now()
    # The upload holds full CPR numbers and is no longer needed.
    stored, run.stored_name = run.stored_name, ""
    run.save()
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=run, changes={run.status: _counts(run)}
    )
    transaction.on_commit(lambda: private_storage.delete(stored))


def _apply(
    actor: User, plan: rules.RowPlan, periods: dict[datetime.date, VisitationPeriod]
) -> None:
    if plan.action == rules.UNCHANGED:
        return
    if isinstance(plan.history, history.DecisionRecord):
        _apply_decision(actor, plan.history, periods)
        return
    if isinstance(plan.history, history.CourseRecord):
        _apply_course(actor, plan.history)
        return
    if plan.institution_data:
        _apply_institution(actor, plan)
        return
    if plan.pedagogue_data:
        _apply_pedagogue(actor, plan)
        return
    child = plan.child
    if child is None:
        child = child_services.child_create(actor=actor, data=plan.child_data)
        plan.child = child
    elif plan.child_changed:
        child = child_services.child_update(
            actor=actor, child=child, data=plan.child_data, expected_version=child.version
        )
    for guardian in plan.guardians:
        if guardian.existing is None:
            child_services.guardian_add(
                actor=actor, child=child, data=guardian.data, relation=guardian.relation
            )
        elif guardian.changed:
            # The file is applied onto the guardian as the real run's plan read it: a change
            # saved since (another import) refuses the import rather than being overwritten.
            child_services.guardian_update(
                actor=actor,
                child=child,
                guardian=guardian.existing,
                data=guardian.data,
                relation=guardian.relation,
                expected_version=guardian.existing.version,
            )


def _apply_institution(actor: User, plan: rules.RowPlan) -> None:
    """An institution by name: created, or its master data brought in line with the file; rooms
    the file names are added (a room missing from the file is kept: children may be in it)."""
    data = plan.institution_data
    if plan.institution is None:
        institution = Institution.objects.create(municipality_id=municipality_id_of(actor), **data)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=institution,
            changes=diff({}, snapshot(institution, rules.INSTITUTION_KEYS)),
        )
    else:
        institution = Institution.objects.select_for_update().get(pk=plan.institution.pk)
        before = snapshot(institution, rules.INSTITUTION_KEYS)
        for key, value in data.items():
            setattr(institution, key, value)
        changes = diff(before, snapshot(institution, rules.INSTITUTION_KEYS))
        if changes:
            institution.save()
            audit_record(actor=actor, action=AuditAction.CHANGE, obj=institution, changes=changes)
    for name in plan.new_rooms:
        room = Room.objects.create(
            municipality_id=institution.municipality_id, institution=institution, name=name
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=room, changes={"name": name})


def _apply_pedagogue(actor: User, plan: rules.RowPlan) -> None:
    """A pedagogue by username: the account (without a password: the pedagogue signs in with
    the municipality's login or sets one through "Glemt adgangskode?"), the attachments the
    file names and the contract through the planning services. Attachments missing from the
    file are kept; they are ended where the corps is managed."""
    from inklusio.planning import services as planning_services

    pedagogue = plan.pedagogue
    data = plan.pedagogue_data
    if pedagogue is None:
        pedagogue = User.objects.create_user(
            username=plan.username,
            municipality_id=municipality_id_of(actor),
            role=Role.PEDAGOGUE,
            **data,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=pedagogue,
            changes=diff({}, snapshot(pedagogue, ["username", "role", *rules.PEDAGOGUE_KEYS])),
        )
    else:
        locked = User.objects.select_for_update(no_key=True).get(pk=pedagogue.pk)
        before = snapshot(locked, rules.PEDAGOGUE_KEYS)
        for key, value in data.items():
            setattr(locked, key, value)
        changes = diff(before, snapshot(locked, rules.PEDAGOGUE_KEYS))
        if changes:
            locked.save(update_fields=list(data))
            audit_record(actor=actor, action=AuditAction.CHANGE, obj=locked, changes=changes)
        pedagogue = locked
    for institution, function in plan.new_attachments:
        link = PedagogueAttachment.objects.create(
            municipality_id=pedagogue.municipality_id,
            pedagogue=pedagogue,
            institution=institution,
            function=function,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=link,
            changes={"institution": institution.name, "function": function},
        )
    if plan.contract_changed:
        contract = planning_services.contract_open(actor=actor, pedagogue=pedagogue)
        # The import file is the source of the hours, applied onto the contract as it is now
        # (the version just read): not an edit from someone's view of the contract.
        planning_services.contract_update(
            actor=actor,
            contract=contract,
            data=plan.contract_data,
            expected_version=contract.version,
        )


def _period(
    actor: User, municipality_id: int, start: datetime.date, found: dict[datetime.date, Any]
) -> VisitationPeriod:
    """The visitation period starting that day; a past period the old system knew and Inklusio
    does not is created (through the committee's service), so the tables have its row."""
    from inklusio.referrals import services as referral_services

    if start not in found:
        period = VisitationPeriod.objects.filter(municipality_id=municipality_id, start=start)
        found[start] = period.first() or referral_services.period_create(
            actor=actor,
            start_year=start.year,
            support_places=VisitationPeriod._meta.get_field("support_places").get_default(),
        )
    period_found: VisitationPeriod = found[start]
    return period_found


def _apply_decision(
    actor: User, record: history.DecisionRecord, periods: dict[datetime.date, VisitationPeriod]
) -> None:
    """A decision of the old system as it was made: no capacity check (the places of its year
    were the old system's to count), no committee meeting, no letter (it was sent then)."""
    from inklusio.referrals.models import Decision, Referral
    from inklusio.referrals.periods import period_start_for
    from inklusio.referrals.services.decisions import DECISION_FIELDS, reassessment_due

    child = record.child
    for start in record.period_starts:
        _period(actor, child.municipality_id, start, periods)
    values = record.values
    referral = None
    if record.referred_on is not None:
        submitted = timezone.make_aware(
            datetime.datetime.combine(record.referred_on, datetime.time(12, 0))
        )
        referral = Referral.objects.create(
            municipality_id=child.municipality_id,
            child=child,
            offer=values["offer"],
            resource_group=values["resource_group"],
            category=values["category"],
            description=_(history.HISTORIC_REFERRAL),
            status=Referral.Status.DECIDED,
            referred_by=actor,
            created_at=submitted,
            submitted_at=submitted,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=referral,
            child=child,
            changes={"offer": values["offer"], "submitted_on": record.referred_on.isoformat()},
        )
    granting = values["outcome"] in Decision.GRANTING
    start = values["start"]
    decision = Decision.objects.create(
        municipality_id=child.municipality_id,
        child=child,
        referral=referral,
        period=periods[period_start_for(start)] if granting else None,
        decided_by=actor,
        contact_person=actor,
        reassessment_due=reassessment_due(start, values["end"]) if granting else None,
        # Granted in the old system and begun as decided; only a future start is still to come.
        placed_on=start if granting and start <= timezone.localdate() else None,
        **values,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=decision,
        child=child,
        changes=diff({}, snapshot(decision, DECISION_FIELDS)),
    )


def _apply_course(actor: User, record: history.CourseRecord) -> None:
    """A course of the old system with its children and the sessions held or cancelled. The
    sessions are recorded as they happened, outside the pedagogue's present week, so the live
    clash check (`courses.services.session_plan`) does not apply."""
    from inklusio.courses import services as course_services
    from inklusio.courses.models import Course, Participant, Session

    course = record.course
    if course is None:
        course = course_services.course_create(actor=actor, data=dict(record.values))
    for child, role in record.new_participants:
        participant = Participant.objects.create(
            municipality_id=course.municipality_id,
            course=course,
            child=child,
            role=role,
            joined_on=course.start,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=participant,
            child=child,
            changes={"course": str(course), "role": role},
        )
    now = timezone.now()
    for day, status, cause in record.new_sessions:
        session = Session.objects.create(
            municipality_id=course.municipality_id,
            course=course,
            date=day,
            start_time=history.SESSION_TIME,
            status=status,
            cause=cause,
            recorded_by=actor,
            recorded_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=session,
            changes={"date": day.isoformat(), "status": status, "cause": cause},
        )
    for pk, status, cause in record.recorded_sessions:
        session = Session.objects.select_for_update().get(pk=pk)
        if session.status != Session.Status.PLANNED:
            raise DomainError(_("En samling er registreret af en anden i mellemtiden."))
        session.status, session.cause = status, cause
        session.recorded_by, session.recorded_at = actor, now
        session.save(update_fields=["status", "cause", "recorded_by", "recorded_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=session,
            changes={"status": {"before": "planned", "after": status}, "cause": cause},
        )
    if record.close_on is not None:
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.closed_on is not None:
            raise DomainError(_("Forløbet er afsluttet af en anden i mellemtiden."))
        locked.closed_on = record.close_on
        locked.save(update_fields=["closed_on"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            changes={"closed_on": {"before": None, "after": record.close_on.isoformat()}},
        )

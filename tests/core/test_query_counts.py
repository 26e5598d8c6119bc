"""No page reads more queries because there are more rows: every list and detail page, every
API list and every role's start page is opened with few (5) and with many (50) of the things it
shows, and must take the same number of queries both times.

`GUARDED` names the pages and who opens them; `NOT_GUARDED` the URL names deliberately left
out, each with its reason. `test_every_url_name_is_guarded_or_excused` fails when a URL is added
without a place in one of the two, so a new page cannot slip past the guard.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.children.models import Child, Guardian, Guardianship, PartnerInvitation
from inklusio.courses.models import (
    Course,
    EffectMeasure,
    Observation,
    Participant,
    ResourceTask,
    Session,
)
from inklusio.family.models import Message
from inklusio.jobs.models import Job
from inklusio.meetings.models import (
    AgendaItem,
    ConsultativeMeeting,
    DiscussionConsent,
    Recommendation,
)
from inklusio.organisation.models import Institution, ResourceGroup, Room
from inklusio.partners.models import OrganisationKind, PartnerOrganisation, PartnerProfile
from inklusio.people.models import PedagogueAttachment, Role
from inklusio.planning.models import (
    Absence,
    Contract,
    InstitutionDemandOverride,
    PlanSlot,
    WeeklyPlan,
)
from inklusio.plans import services as plan_services
from inklusio.plans.models import ActionPlan, Adjustment, Goal, GoalBankEntry, PlanMeeting
from inklusio.privacy.models import DataRequest
from inklusio.referrals.models import (
    CommitteeMeeting,
    Decision,
    DecisionLetter,
    Offer,
    Referral,
    WaitingListEntry,
)
from inklusio.retention.models import DeletionRecord
from inklusio.screening.models import ScreeningRating, ScreeningRound
from inklusio.transitions.models import Handover, HandoverMeeting
from tests.conftest import TODAY, backdate_plan, earlier_period, make_child, make_user
from tests.core.test_access_matrix import PUBLIC, _url, _url_names

FEW, MANY = 5, 50


def _cpr(k: int) -> str:
    """A CPR-shaped number per grown child (born 2022, so 0–6 years old on TODAY)."""
    return f"{1 + k % 28:02d}{1 + k // 28:02d}22{5000 + k:04d}"


def grow(cast, start: int, stop: int) -> None:
    """Children, their cases and everything the pages list, numbered `start`..`stop`-1.

    Each grown child is at Bøgely in Bøgely's resource group, with Gert as guardian and Pia
    invited, so every role of the cast sees it: a referral and a granted decision, a plan owned
    by Bob with a goal and a held meeting, a course of Bob's, a place in Bøgely's course with a
    session and measures, an agenda item at a consultative meeting of its own. Beside them: a
    committee meeting, a visitation period (years back), a resource group, a pedagogue with a
    contract, an institution with a demand override, a job of Cora's and log entries.
    """
    father = Guardian.objects.get(user=cast.gert)
    ishoj = cast.ishoj
    for k in range(start, stop):
        child = make_child(
            ishoj,
            cast.boegely,
            f"Barn{k:02d}",
            _cpr(k),
            resource_group=cast.group_boegely,
            room=cast.screening_boegely.room,
        )
        Guardianship.objects.create(
            municipality=ishoj, child=child, guardian=father, relation="far"
        )
        # Room pickers name each room with its institution (child and task forms).
        Room.objects.create(municipality=ishoj, institution=cast.elverhoej, name=f"Stue {k:02d}")
        PartnerInvitation.objects.create(
            municipality=ishoj, child=child, partner=cast.pia, invited_by=cast.alice, reason="Møde"
        )
        meeting = CommitteeMeeting.objects.create(
            municipality=ishoj, period=cast.period, date=TODAY - datetime.timedelta(days=k + 1)
        )
        GoalBankEntry.objects.create(  # the goal bank list and the plan form's picker
            municipality=ishoj,
            category="development",
            goal=f"Mål {k:02d}",
            success_criterion="Ses dagligt",
            created_by=cast.alice,
            retired_on=TODAY if k % 2 else None,
        )
        earlier_period(cast, years_back=1 + k)
        ResourceGroup.objects.create(
            municipality=ishoj,
            institution=cast.boegely,
            name=f"Gruppe {k:02d}",
            kind=ResourceGroup.Kind.RESOURCE_GROUP,
            places=4,
        )
        referral = Referral.objects.create(
            municipality=ishoj,
            child=child,
            offer=Offer.SUPPORT_PEDAGOGUE if k % 2 else Offer.RESOURCE_GROUP_PLACE,
            category="contact_behaviour",
            description="Svært ved overgange.",
            consent_by="Gert Testesen",
            consent_date=TODAY - datetime.timedelta(days=60),
            consent_method=Referral.ConsentMethod.WRITTEN,
            status=Referral.Status.DECIDED if k % 3 else Referral.Status.SUBMITTED,
            submitted_at=cast.referral_mia.created_at,
            referred_by=cast.pia,
        )
        if k % 3:
            Decision.objects.create(
                municipality=ishoj,
                child=child,
                referral=referral,
                outcome=Decision.Outcome.GRANTED,
                offer=referral.offer,
                category="contact_behaviour",
                reasons="Behovet er der.",
                legal_basis=cast.legal_basis,
                start=cast.period.start,
                end=cast.period.end,
                period=cast.period,
                meeting=meeting,
                decided_by=cast.alice,
                decided_on=meeting.date,
                contact_person=cast.alice,
                reassessment_due=TODAY + datetime.timedelta(days=k - 20),
                resource_group=cast.group_boegely
                if referral.offer != Offer.SUPPORT_PEDAGOGUE
                else None,
            )
        else:
            # Submitted and in line: support places for the period, or Bøgely's group.
            WaitingListEntry.objects.create(
                municipality=ishoj,
                referral=referral,
                child=child,
                offer=referral.offer,
                period=cast.period if referral.offer == Offer.SUPPORT_PEDAGOGUE else None,
                resource_group=None
                if referral.offer == Offer.SUPPORT_PEDAGOGUE
                else cast.group_boegely,
                position=k + 2,
                added_on=TODAY - datetime.timedelta(days=k + 1),
                added_by=cast.alice,
            )
        plan = plan_services.plan_create(
            actor=cast.bob,
            data={
                "child": child,
                "owner": cast.bob,
                "title": f"Plan {k:02d}",
                "problem": "Overgange",
                "strategies": "Billedstøtte",
                "duration": "Et halvt år",
            },
            goals=[{"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}],
            agreements=[{"text": "Dagsprogram", "owner": "Stuen", "due": None}],
        )
        backdate_plan(plan, TODAY - datetime.timedelta(days=210))
        held = plan_services.plan_meeting_schedule(
            actor=cast.bob,
            plan=plan,
            kind="initial",
            date=TODAY - datetime.timedelta(days=200),
            start_time=datetime.time(9),
            place="Bøgely",
            participants=[cast.bob, cast.sara, cast.gert, cast.pia],
        )
        plan_services.plan_meeting_hold(actor=cast.bob, meeting=held, note="")
        # Partners (issue 18.3): the directory grows by an organisation and a person, and Pia
        # is invited to the grown plan and its meeting (her start page, the invitation list);
        # she took part in it, so its agreements wait for her too (her start page lists them).
        organisation = PartnerOrganisation.objects.create(
            municipality=ishoj, name=f"Organisation {k:02d}", kind=OrganisationKind.THERAPISTS
        )
        PartnerProfile.objects.create(
            municipality=ishoj,
            user=make_user(f"partner{k:02d}", ishoj, Role.PARTNER, profession="therapist"),
            organisation=organisation,
            created_by=cast.alice,
        )
        for scope, target in (("plan", {"plan": plan}), ("plan_meeting", {"plan_meeting": held})):
            PartnerInvitation.objects.create(
                municipality=ishoj,
                scope=scope,
                child=child,
                partner=cast.pia,
                invited_by=cast.alice,
                reason="Sparring",
                valid_until=TODAY + datetime.timedelta(days=30),
                **target,
            )
        # Pia is invited to a held meeting of Emil's plan alone (not to Emil nor his plan), as
        # one who took part: its agreements wait for her (her start page lists them) and for
        # Carl, who leads Emil's institution.
        emils = _emils_plan(cast)
        emils_meeting = PlanMeeting.objects.create(
            municipality=ishoj,
            plan=emils,
            date=TODAY - datetime.timedelta(days=k + 1),
            held=True,
            agreed_version=emils.versions.get(),
            created_by=cast.carl,
        )
        emils_meeting.participants.set([cast.carl, cast.pia])
        PartnerInvitation.objects.create(
            municipality=ishoj,
            scope="plan_meeting",
            child=cast.emil,
            plan_meeting=emils_meeting,
            partner=cast.pia,
            invited_by=cast.alice,
            reason="Sparring",
            valid_until=TODAY + datetime.timedelta(days=30),
        )
        # Mia's own case grows too: her plan's goals, meetings and proposed adjustments, her
        # decision's letters, referrals and a place in every grown course (child, plan and
        # decision pages).
        Goal.objects.create(municipality=ishoj, plan=cast.plan_mia, position=k + 1, text=f"Mål {k}")
        follow_up = PlanMeeting.objects.create(
            municipality=ishoj,
            plan=cast.plan_mia,
            kind="follow_up",
            date=TODAY + datetime.timedelta(days=k + 1),
            created_by=cast.bob,
        )
        follow_up.participants.set([cast.bob, cast.sara, cast.gert])
        Adjustment.objects.create(
            municipality=ishoj, plan=cast.plan_mia, proposed_by=cast.sara, reason=f"Ændring {k}"
        )
        DecisionLetter.objects.create(
            municipality=ishoj,
            decision=cast.decision_mia,
            version=k + 2,
            pdf=b"%PDF-1.4",
            sha256="0" * 64,
            created_by=cast.alice,
        )
        Referral.objects.create(
            municipality=ishoj,
            child=cast.mia,
            offer=Offer.RESOURCE_GROUP_PLACE,
            category="contact_behaviour",
            description=f"Tilføjelse {k}",
            referred_by=cast.pia,
        )
        task = ResourceTask.objects.create(
            municipality=ishoj,
            institution=cast.boegely,
            usage="pedagogue_coordinator",
            problem=f"Opgave {k}",
            created_by=cast.alice,
        )
        course = Course.objects.create(
            municipality=ishoj,
            institution=cast.boegely,
            task=task,
            kind=Course.Kind.GROUP,
            title=f"Forløb {k:02d}",
            goals="Leg",
            start=TODAY - datetime.timedelta(days=30),
            planned_end=TODAY + datetime.timedelta(days=90),
            pedagogue=cast.bob,
            created_by=cast.bob,
        )
        Participant.objects.create(
            municipality=ishoj, course=course, child=cast.mia, role=Participant.Role.CASE
        )
        for target in (course, cast.course_boegely):
            participant = Participant.objects.create(
                municipality=ishoj, course=target, child=child, role=Participant.Role.CASE
            )
            session = Session.objects.create(
                municipality=ishoj,
                course=target,
                date=TODAY - datetime.timedelta(days=k + 1),
                status=Session.Status.CANCELLED if k % 2 else Session.Status.HELD,
                cause=Session.Cause.values[k % len(Session.Cause.values)] if k % 2 else "",
            )
            session.attendees.add(participant)
            for phase in ("start", "end"):
                EffectMeasure.objects.create(
                    municipality=ishoj,
                    participant=participant,
                    phase=phase,
                    participation=1 + k % 5,
                    play=1 + k % 5,
                    conflicts=1 + k % 5,
                    wellbeing=1 + k % 5,
                    assessed_by=cast.bob,
                )
        Observation.objects.create(
            municipality=ishoj, course=cast.course_boegely, child=child, text="Set", author=cast.bob
        )
        for consultative in (
            ConsultativeMeeting.objects.create(
                municipality=ishoj,
                institution=cast.boegely,
                date=TODAY + datetime.timedelta(days=k % 30),
                resource_pedagogue=cast.bob,
                created_by=cast.alice,
            ),
            cast.consultative_boegely,
        ):
            consultative.partners.add(cast.pia)
            item = AgendaItem.objects.create(
                municipality=ishoj,
                meeting=consultative,
                kind="child",
                child=child,
                consent=cast.consent_mia,
                topic=f"Punkt {k}",
                added_by=cast.alice,
                position=k + 1,
            )
            Recommendation.objects.create(municipality=ishoj, item=item, text="Gør", by=cast.pia)
        pedagogue = make_user(f"extra{k:02d}", ishoj, Role.PEDAGOGUE)
        institution = Institution.objects.create(
            municipality=ishoj, name=f"Institution {k:02d}", kind="integrated", size=50 + k
        )
        if k % 2:
            Contract.objects.create(municipality=ishoj, pedagogue=pedagogue)
            InstitutionDemandOverride.objects.create(
                municipality=ishoj, institution=institution, half_days=4
            )
        PedagogueAttachment.objects.create(
            municipality=ishoj, pedagogue=pedagogue, institution=institution, function="resource"
        )
        PlanSlot.objects.create(
            municipality=ishoj,
            plan=cast.plan,
            pedagogue=pedagogue,
            day=k % 5,
            half=0,
            institution=institution,
            function="resource",
        )
        Absence.objects.create(
            municipality=ishoj,
            pedagogue=cast.bob,
            start=cast.plan.week_start,
            end=cast.plan.week_start,
            kind="course",
            created_by=cast.cora,
        )
        for user in cast.users:
            Job.objects.create(
                municipality=user.municipality,
                kind="annual-report",
                params={"year": TODAY.year},
                requested_by=user,
                status=Job.Status.FAILED if k % 2 else Job.Status.QUEUED,
            )
        DataRequest.objects.create(
            municipality=ishoj,
            child=child,
            requester="Gert Testesen",
            received_on=TODAY - datetime.timedelta(days=k % 60),
            deadline=TODAY + datetime.timedelta(days=30 - k % 60),
            registered_by=cast.alice,
        )
        audit_record(actor=cast.alice, action=AuditAction.READ, obj=child, child=child)
        # Messages on Mia's plan, from her father and from the plan's owner.
        Message.objects.create(
            municipality=ishoj,
            plan=cast.plan_mia,
            author=cast.gert if k % 2 else cast.bob,
            text=f"Besked {k}",
        )
        # Early detection: every other grown child rated in Solsikken's open round, and a closed
        # round of Solsikken in an earlier year (the list and the distribution). No new rooms:
        # the room pickers of other forms name each room with its institution.
        if k % 2:
            ScreeningRating.objects.create(
                municipality=ishoj,
                round=cast.screening_boegely,
                child=child,
                wellbeing="red",
                development="yellow",
                follow_up="room",
                action="Fast voksen",
                rated_by=cast.sara,
                rated_on=TODAY,
            )
        screened = ScreeningRound.objects.create(
            municipality=ishoj,
            institution=cast.boegely,
            room=cast.screening_boegely.room,
            year=TODAY.year - 1 - k,
            half=1,
            opened_on=TODAY,
            opened_by=cast.sara,
            closed_on=TODAY,
        )
        ScreeningRating.objects.create(
            municipality=ishoj,
            round=screened,
            child=child,
            wellbeing="green",
            development="green",
            rated_by=cast.sara,
            rated_on=TODAY,
        )
        # Retention: a deletion on record, and a consultative meeting past its period (the
        # dry run counts it and what it holds).
        DeletionRecord.objects.create(
            municipality=ishoj,
            rule="child_case",
            months=60,
            due_on=TODAY,
            counts={"children.child": 1, "referrals.referral": 2},
            trigger="confirmed",
            actor=cast.alice,
        )
        old = ConsultativeMeeting.objects.create(
            municipality=ishoj,
            institution=cast.boegely,
            date=TODAY - datetime.timedelta(days=7 * 365 + k),
            resource_pedagogue=cast.bob,
            created_by=cast.alice,
        )
        AgendaItem.objects.create(
            municipality=ishoj, meeting=old, kind="group", topic="Stuen", added_by=cast.alice
        )
        _grow_transitions(cast, child, k)


def _emils_plan(cast) -> ActionPlan:
    """Emil's plan at Elverhøj, Carl's, made when the cast first grows."""
    plan = ActionPlan.objects.filter(child=cast.emil).first()
    if plan is None:
        plan = plan_services.plan_create(
            actor=cast.carl,
            data={
                "child": cast.emil,
                "owner": cast.carl,
                "title": "Emils handleplan",
                "problem": "Motorik",
                "strategies": "Leg",
                "duration": "Et halvt år",
            },
            goals=[{"text": "Klatrer selv", "success_criterion": "3 af 5 dage"}],
            agreements=[{"text": "Motorikbane", "owner": "Stuen", "due": None}],
        )
        backdate_plan(plan, TODAY - datetime.timedelta(days=210))
        # In force, as holding its first meeting makes it (the grown meetings are held).
        ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.ACTIVE)
    return plan


def _grow_transitions(cast, child, k: int) -> None:
    """A handover of each grown child to Carl at Elverhøj, shared with its own consent, with a
    meeting; a meeting more on Mia's handover; every other child starts school next August."""
    ishoj = cast.ishoj
    consent = DiscussionConsent.objects.create(
        municipality=ishoj,
        child=child,
        given_by="Gert Testesen",
        given_on=TODAY - datetime.timedelta(days=30),
        professions=["psychologist"],
        recorded_by=cast.alice,
    )
    handover = Handover.objects.create(
        municipality=ishoj,
        child=child,
        kind=Handover.Kind.INSTITUTION,
        receiving_institution=cast.elverhoej,
        receiver=cast.carl,
        what_works="Ro",
        next_steps="Besøg",
        handover_date=TODAY + datetime.timedelta(days=k % 30),
        access_until=TODAY + datetime.timedelta(days=60),
        consent=consent,
        shared_on=TODAY,
        created_by=cast.alice,
    )
    for on in (handover, cast.handover_mia):
        HandoverMeeting.objects.create(
            municipality=ishoj,
            handover=on,
            date=TODAY - datetime.timedelta(days=k % 20),
            participants="Carl og Gert",
            recorded_by=cast.carl,
        )
    if k % 2:
        Child.objects.filter(pk=child.pk).update(birth_date=datetime.date(TODAY.year - 5, 3, 1))


@dataclass(frozen=True)
class Page:
    view: str
    target: str | None
    users: tuple[str, ...]


def page(view: str, target: str | None, *users: str) -> Page:
    return Page(view, target, users)


EVERYONE = ("alice", "cora", "bob", "carl", "sara", "pia", "gert", "dora")

# Each page with the users whose view of it differs (role, institution, case relation).
GUARDED = [
    page("start", None, *EVERYONE),
    # Files that list a case's records: its goals, meetings, adjustments, letters, hand-over
    # meetings (and in the export everything else about the child).
    page("child-export", "mia", "alice"),
    page("plan-pdf", "plan_mia", "alice", "bob", "gert"),
    page("handover-pdf", "handover_mia", "alice", "carl"),
    # The empty search page here; its results in test_search_results_do_not_grow_with_rows.
    page("search", None, "alice", "pia"),
    page("child-list", None, "alice", "bob", "sara", "pia"),
    page("child-create", None, "alice"),
    page("child-detail", "mia", "alice", "bob", "gert"),
    page("child-edit", "mia", "alice"),
    page("guardian-add", "mia", "alice"),
    page("guardian-edit", "mia", "alice"),
    page("institution-list", None, "alice", "bob"),
    page("institution-detail", "boegely", "alice", "bob"),
    page("resource-group-list", None, "alice", "bob"),
    page("resource-group-detail", "group_boegely", "alice", "bob"),
    page("audit-log", None, "alice"),
    page("api:list_children", None, "alice", "bob", "gert"),
    page("api:list_institutions", None, "alice"),
    page("api:get_child", "mia", "alice"),
    page("api:list_decisions", None, "alice", "bob", "gert"),
    page("api:list_courses", None, "alice", "bob", "sara"),
    # API v1: every list (one page of at most 50) and every record with its parts.
    page("api_v1:list_institutions", None, "alice", "bob"),
    page("api_v1:list_rooms", None, "alice"),
    page("api_v1:list_resource_groups", None, "alice", "bob"),
    page("api_v1:list_children", None, "alice", "bob", "gert"),
    page("api_v1:list_guardians", None, "alice", "bob", "pia"),
    page("api_v1:list_referrals", None, "alice", "pia"),
    page("api_v1:list_decisions", None, "alice", "bob", "gert"),
    page("api_v1:list_letters", None, "alice", "gert"),
    page("api_v1:list_action_plans", None, "alice", "bob", "sara", "gert"),
    page("api_v1:list_courses", None, "alice", "bob", "sara"),
    page("api_v1:list_sessions", None, "alice", "bob"),
    page("api_v1:list_consultative_meetings", None, "alice", "bob", "pia"),
    page("api_v1:list_weekly_plans", None, "cora", "bob"),
    page("api_v1:list_statistics", None, "alice"),
    page("api_v1:get_institution", "boegely", "alice"),
    page("api_v1:get_resource_group", "group_boegely", "alice"),
    page("api_v1:get_child", "mia", "alice", "bob"),
    page("api_v1:get_referral", "referral_mia", "alice"),
    page("api_v1:get_decision", "decision_mia", "alice"),
    page("api_v1:get_action_plan", "plan_mia", "alice", "bob"),
    page("api_v1:get_course", "course_boegely", "alice", "bob"),
    page("api_v1:get_consultative_meeting", "consultative_boegely", "alice", "bob", "pia"),
    page("api_v1:get_weekly_plan", "plan", "cora", "bob", "sara"),
    page("api-tokens", None, "alice", "bob"),
    page("planning-overview", None, "cora", "bob"),
    page("planning-plan", "plan", "cora", "bob"),
    page("planning-contract", "contract_bob", "cora"),
    # The confirm page names the proposal's pedagogues who have left the corps; a proposal with
    # 5 and 50 of them in tests/planning/test_left_corps_elsewhere.py.
    page("planning-publish", "plan", "cora"),
    page("visitation-overview", None, "alice", "carl", "pia"),
    page("referral-create", None, "alice"),
    page("referral-detail", "referral_mia", "alice", "pia"),
    page("referral-edit", "draft_emil", "alice"),
    page("visitation-legal-bases", None, "alice"),
    page("meeting-detail", "meeting", "alice"),
    page("meeting-decide", "meeting", "alice"),
    page("reassessment-list", None, "alice"),
    page("waiting-list", None, "alice"),
    page("granted-not-started", None, "alice"),
    page("waiting-offer", "queued_emil", "alice"),
    page("decision-detail", "decision_mia", "alice", "bob", "gert"),
    page("decision-end", "decision_mia", "alice"),
    page("decision-reassess", "decision_mia", "alice"),
    page("appeal-create", "decision_mia", "alice"),
    page("appeal-change", "appeal_mia", "alice"),
    page("appeal-uphold", "appeal_mia", "alice"),
    page("course-overview", None, "alice", "cora", "bob", "sara"),
    page("task-create", None, "alice"),
    page("task-detail", "task_boegely", "alice", "bob"),
    page("course-create", None, "alice", "bob"),
    page("course-detail", "course_boegely", "alice", "bob", "sara"),
    page("course-edit", "course_boegely", "bob"),
    page("course-close", "course_boegely", "bob"),
    page("measure-record", "participant_mia", "bob"),
    page("session-record", "session_boegely", "bob"),
    page("plan-list", None, "alice", "bob", "sara", "pia", "gert"),
    page("plan-create", None, "alice", "bob"),
    page("plan-detail", "plan_mia", "alice", "bob", "gert"),
    page("plan-versions", "plan_mia", "bob"),
    page("plan-edit", "plan_mia", "bob"),
    page("plan-adjust", "plan_mia", "sara"),
    page("plan-meeting-create", "plan_mia", "bob"),
    page("plan-close", "plan_mia", "bob"),
    page("plan-resolve", "plan_mia", "bob"),
    page("adjustment-decide", "adjustment_mia", "bob"),
    page("goal-bank", None, "alice", "bob"),
    page("plan-meeting", "plan_meeting", "bob", "gert"),
    page("consultative-list", None, "alice", "bob", "pia"),
    page("consultative-detail", "consultative_boegely", "alice", "bob", "pia"),
    page("consents", "mia", "alice", "gert"),
    page("statistics-index", None, "alice", "cora"),
    # GET shows the form; the file itself is made by a background job.
    page("statistics-workbook", None, "alice"),
    page("statistics-report", None, "alice"),
    page("job-list", None, "alice", "cora", "gert"),
    page("job-detail", "job_cora", "cora"),
    # Signing in: one's own account, and the administration's list of people (grows with the
    # corps).
    page("account", None, "alice", "gert"),
    page("two-factor-enrol", None, "bob"),
    page("two-factor-recovery-codes", None, "bob"),
    page("password-change", None, "bob"),
    page("second-factor-users", None, "alice"),
    page("user-edit", "carl", "alice"),
    page("user-create", None, "alice"),  # its institution choices grow with the municipality
    page("privacy-requests", None, "alice"),
    page("privacy-child", "mia", "alice"),
    page("privacy-request", "data_request_mia", "alice"),
    page("retention-overview", None, "alice"),
    page("retention-settings", None, "alice"),
    page("today", None, "alice", "cora", "bob", "carl", "sara"),
    page("reminder-settings", None, "bob"),
    page("import-list", None, "alice"),
    page("handover-list", None, "alice", "carl"),
    page("handover-create", "mia", "alice"),
    page("handover-detail", "handover_mia", "alice", "carl"),
    page("import-detail", "import_alice", "alice"),
    # The guardians' side (issue 18): grown children all have Gert as guardian; messages grow
    # on Mia's plan.
    page("family-home", None, "gert"),
    page("family-child", "mia", "gert"),
    page("message-list", None, "bob", "sara", "gert"),
    page("plan-messages", "plan_mia", "bob", "gert"),
    page("archive-export", None, "alice"),
    page("screening-list", None, "alice", "sara"),
    page("screening-round", "screening_boegely", "alice", "sara"),
    # Partners (issue 18.3): the directory and the invitation list grow; the invite forms list
    # the directory's active people.
    page("partner-directory", None, "alice"),
    page("partner-invitations", None, "alice", "carl"),
    page("partner-person-create", None, "alice"),
    page("partner-person-edit", "profile_pia", "alice"),
    page("partner-invite-child", "mia", "alice"),
    page("partner-invite-plan", "plan_mia", "alice"),
    page("partner-invite-plan-meeting", "plan_meeting", "alice"),
    page("partner-invite-meeting", "consultative_boegely", "alice"),
]


# Every statistics table, opened as a page (registered by the apps' statistics.py).
def _statistics_tables() -> list[str]:
    from django.apps import apps

    apps.check_apps_ready()
    from inklusio.reports.registry import TABLES

    return sorted(TABLES)


NOT_GUARDED = {
    **dict.fromkeys(PUBLIC - {"planning-feed"}, "sign-in, language, health or API schema"),
    "planning-feed": "an iCalendar file of one pedagogue's weeks, opened by its token",
    "oidc-login": "single sign-on: a redirect to the identity provider, lists nothing",
    "oidc-callback": "single sign-on: signs in (or refuses) one identity, lists nothing",
    # Form actions: POST only, they redirect or show their form again.
    **dict.fromkeys(
        (
            "planning-replan",
            "planning-slot-edit",
            "planning-resolve",
            "planning-feed-create",
            "referral-addendum",
            "referral-attachment",
            "period-create",
            "meeting-create",
            "letter-issue",
            "decision-placed",
            "letter-sent",
            "participant-add",
            "session-plan",
            "observation-add",
            "participant-letter-given",
            "recommendation-add",
            "recommendation-to-plan",
            "consent-withdraw",
            "job-retry",
            "child-cpr-reveal",
            "second-factor-reset",
            "user-deactivate",
            "user-reactivate",
            "privacy-export",
            "retention-run",
            "import-execute",
            "waiting-add",
            "waiting-move",
            "waiting-remove",
            "family-consent-give",
            "plan-messages-read",
            "api-token-revoke",
            "api_v1:create_referral_draft",
            "api_v1:record_session_held",
            "api_v1:record_session_cancelled",
            "api_v1:create_absence",
            "handover-share",
            "handover-meeting",
            "screening-close",
        ),
        "POST-only form action",
    ),
    # Files: one object (or one table) rendered to PDF/CSV/XLSX/iCalendar.
    "attachment-download": "a file download, one attachment",
    "letter-download": "a file download, one letter",
    "appeal-bundle": "a file download, one appeal's case file",
    "participant-letter": "a PDF, one participant's parent letter",
    "family-course-letter": "a PDF, one participant's parent letter (for the guardian)",
    "plan-reopen": "a confirm form of one closed plan; lists nothing (tests/plans opens it)",
    "referral-submit": "a confirm page of one referral; lists nothing",
    "referral-withdraw": "a confirm page of one referral; lists nothing",
    "planning-absence-delete": "a confirm page of one absence; lists the plans of its weeks, "
    "at most one current plan a week (tests/planning/test_undo.py)",
    "goal-bank-create": "a form of one goal; lists nothing",
    "goal-bank-edit": "a form of one goal; lists nothing",
    "goal-bank-retire": "a confirm page of one goal; lists nothing",
    "plan-meeting-ics": "an iCalendar file, one meeting",
    "partner-organisation-create": "a form of one organisation; lists nothing",
    "partner-organisation-edit": "a form of one organisation; lists nothing",
    "partner-organisation-deactivate": "a confirm page of one organisation; lists nothing",
    "partner-person-deactivate": "a confirm page of one partner; lists nothing",
    "partner-invitation-end": "a confirm page of one invitation; lists nothing",
    "consultative-ics": "an iCalendar file, one meeting",
    "job-download": "a file download, one job's stored file",
    "import-template": "an empty template file with one example row; reads no records",
    "statistics-download": "a file of one table; the table itself is guarded as a page",
    "statistics-table": "guarded per table in test_no_page_and_no_statistics_table_grows_with_rows",
    "api_v1:get_statistics_table": "the same table functions as statistics-table, guarded there",
    "api_v1:get_letter_pdf": "a file download, one letter",
    "api_v1:get_child_cpr": "one child's CPR number; no list",
    "two-factor-verify": "a form of one field; reads only the signed-in user's own devices",
}


def test_every_url_name_is_guarded_or_excused():
    guarded = {item.view for item in GUARDED}
    names = set(_url_names())
    assert sorted(names - guarded - set(NOT_GUARDED)) == [], "pages without a query-count guard"
    assert sorted(guarded & set(NOT_GUARDED)) == []
    assert sorted((guarded | set(NOT_GUARDED)) - names) == [], "names that are no URL any more"


def measure(client, user, url: str) -> tuple[int, list[str]]:
    client.force_login(user)
    client.get(url)  # the first request of a session loads the session and user once
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, f"{user.username} got {response.status_code} for {url}"
    return len(context), [query["sql"] for query in context.captured_queries]


def _repeated(sql: list[str]) -> list[tuple[int, str]]:
    """The statements run more than twice, numbers and quoted values blanked: the N+1 suspects."""
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", query)[:160] for query in sql)
    return [(n, shape) for shape, n in shapes.most_common(3) if n > 2]


def test_no_page_and_no_statistics_table_grows_with_rows(cast, client):
    """Every GUARDED page (as each of its users) and every statistics table (as the
    administration), measured with FEW and again with MANY of everything. The cast grows once
    for all of them: growing it per page made this file most of the suite's time. A failure
    lists every page that grows, with the statements repeated most."""
    from tests.core.test_access_matrix import Case

    # The cast's plan published, so that the pedagogue and the staff read it (a proposal is the
    # corps leader's alone; her page of one is guarded in tests/planning/test_planning_queries).
    WeeklyPlan.objects.filter(pk=cast.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
    pages = [
        (_url(cast, Case(item.view, item.target, frozenset())), item.users) for item in GUARDED
    ]
    pages += [
        (reverse("statistics-table", kwargs={"name": name}), ("alice",))
        for name in _statistics_tables()
    ]
    grow(cast, 0, FEW)
    few = {
        (url, name): measure(client, getattr(cast, name), url)[0]
        for url, users in pages
        for name in users
    }
    grow(cast, FEW, MANY)
    growing = {}
    for (url, name), before in few.items():
        after, sql = measure(client, getattr(cast, name), url)
        if after != before:
            growing[(url, name)] = (before, after, _repeated(sql))
    assert growing == {}, f"queries with {FEW} vs {MANY} rows: {growing}"


@pytest.mark.parametrize("text", ["Barn", "Bøgely", "150322-4123"])
def test_search_results_do_not_grow_with_rows(cast, client, text):
    """The global search's results (a posted search shown under its token): every group
    capped, so 5 or 50 matches per group cost the same queries."""
    users = ("alice", "bob", "pia")

    def results_url(name):
        client.force_login(getattr(cast, name))
        return client.post(reverse("search"), {"q": text})["Location"]

    grow(cast, 0, FEW)
    few = {name: measure(client, getattr(cast, name), results_url(name))[0] for name in users}
    grow(cast, FEW, MANY)
    for name in users:
        many, sql = measure(client, getattr(cast, name), results_url(name))
        assert few[name] == many, (name, text, few[name], many, _repeated(sql))

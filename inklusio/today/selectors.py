"""A user's today list: today's and this week's sessions and meetings, and the deadlines they
answer for. Each kind is read through the rule in `inklusio.access` for it, then narrowed to
what is this user's own (the meeting they take part in, the plan they own, the decision they
are contact person for). The page logs the children it shows; the reminders show none."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.courses.models import Course, Participant, Session
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.people.models import Role, User
from inklusio.plans.models import ActionPlan, Adjustment, PlanMeeting
from inklusio.plans.selectors import overdue_follow_ups, waiting_acknowledgements
from inklusio.referrals.models import APPEAL_WEEKS, Appeal, Decision, DecisionLetter
from inklusio.referrals.selectors import current_grants, meetings_for

# A deadline shows (and is reminded) this many days before it falls due.
NOTICE_DAYS = 14
# A decision without a sent letter is pending for this long after it was made; older ones
# belong to the case history (the demo's years of statistics), not to anyone's day.
LETTER_PENDING_DAYS = 90
# The municipality reassesses a decision it has received an appeal about within four weeks
# (retssikkerhedsloven § 66) before upholding it and sending it on.
APPEAL_REASSESSMENT_WEEKS = 4


@dataclass
class Item:
    """One line of the list. `key` identifies the item for reminders ("<kind>:<id>")."""

    kind: str
    label: str
    title: str
    date: datetime.date
    url: str
    key: str
    time: datetime.time | None = None
    place: str = ""
    note: str = ""
    child: Any = None
    overdue: bool = False


@dataclass
class TodayList:
    today: datetime.date
    week_end: datetime.date
    events: list[Item] = field(default_factory=list)
    deadlines: list[Item] = field(default_factory=list)
    # Overdue follow-ups beyond those named (the list names the most overdue ones).
    more_follow_ups: int = 0

    @property
    def looks_into_next_week(self) -> bool:
        """At the weekend the list runs to next Sunday (`week_end`)."""
        return self.week_end - self.today > datetime.timedelta(days=6)

    @property
    def events_today(self) -> list[Item]:
        return [item for item in self.events if item.date == self.today]

    @property
    def events_later(self) -> list[Item]:
        return [item for item in self.events if item.date > self.today]

    @property
    def proposals(self) -> list[Item]:
        return [item for item in self.deadlines if item.kind == "adjustment"]

    @property
    def waiting_count(self) -> int:
        return len(self.deadlines) + self.more_follow_ups

    @property
    def children(self) -> list[Any]:
        return [item.child for item in self.events + self.deadlines if item.child is not None]


SATURDAY = 5


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday of today's week; at the weekend the Sunday after, as what comes on Monday
    is what one looks for then."""
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    return sunday + datetime.timedelta(days=7) if today.weekday() >= SATURDAY else sunday


def today_for(user: User) -> TodayList:
    """The user's list; empty for those the list is not for."""
    today = timezone.localdate()
    result = TodayList(today=today, week_end=week_end(today))
    if not access.can_use_today(user):
        return result
    window = (today, result.week_end)
    result.events = sorted(
        _sessions(user, window)
        + _plan_meetings(user, window)
        + _consultative_meetings(user, window)
        + _committee_meetings(user, window),
        key=lambda item: (item.date, item.time or datetime.time(0), item.label),
    )
    follow_ups, result.more_follow_ups = _overdue_follow_ups(user)
    result.deadlines = sorted(
        _reassessments(user, today)
        + follow_ups
        + _appeals(user, today)
        + _appeal_deadlines(user, window)
        + _letters(user, today)
        + _proposals(user)
        + _acknowledgements(user)
        + _school_starts(user),
        key=lambda item: (item.date, item.label),
    )
    return result


def _sessions(user: User, window: tuple[datetime.date, datetime.date]) -> list[Item]:
    # The user's own courses first, as ids, each role as a subquery: joining the staff and the
    # participants would repeat every session once per person, and joined to the sessions the
    # planner misjudges the few own courses among the municipality's thousands.
    own_courses = frozenset(
        access.courses_visible_to(user)
        .filter(
            Q(pedagogue=user)
            | Q(coordinator_staff=user)
            | Q(pk__in=Course.objects.filter(staff=user).values("pk"))
            # A member of staff taking part in a reflection or action-learning course.
            | Q(pk__in=Participant.objects.filter(staff_member=user).values("course_id"))
        )
        .values_list("pk", flat=True)
    )
    if not own_courses:
        return []
    sessions = Session.objects.filter(
        course__pk__one_of=own_courses, status=Session.Status.PLANNED, date__range=window
    ).select_related("course__institution")
    return [
        Item(
            kind="session",
            label=_("Forløbsgang"),
            title=session.course.title,
            date=session.date,
            time=session.start_time,
            place=session.course.institution.name,
            url=session.course.get_absolute_url(),
            key=f"session:{session.pk}",
        )
        for session in sessions
    ]


def _plan_meetings(user: User, window: tuple[datetime.date, datetime.date]) -> list[Item]:
    meetings = PlanMeeting.objects.filter(
        plan__in=access.plans_visible_to(user), participants=user, held=False, date__range=window
    ).select_related("plan__child", "plan__course", "plan__institution")
    return [
        Item(
            kind="plan_meeting",
            label=meeting.get_kind_display(),
            title=_plan_subject(meeting.plan),
            date=meeting.date,
            time=meeting.start_time,
            place=meeting.place or meeting.plan.institution.name,
            url=meeting.get_absolute_url(),
            key=f"plan_meeting:{meeting.pk}",
            child=meeting.plan.child,
        )
        for meeting in meetings
    ]


def _consultative_meetings(user: User, window: tuple[datetime.date, datetime.date]) -> list[Item]:
    # The partners as a subquery: a join would repeat the meeting once per partner.
    own = (
        Q(resource_pedagogue=user)
        | Q(created_by=user)
        | Q(pk__in=ConsultativeMeeting.objects.filter(partners=user).values("pk"))
    )
    if user.role == Role.INSTITUTION_LEADER:
        own |= Q(institution_id=user.institution_id)
    meetings = (
        access.consultative_meetings_visible_to(user)
        .filter(own, date__range=window)
        .select_related("institution")
    )
    return [
        Item(
            kind="consultative_meeting",
            label=_("Konsultativt møde"),
            title=meeting.institution.name,
            date=meeting.date,
            time=meeting.start_time,
            url=meeting.get_absolute_url(),
            key=f"consultative_meeting:{meeting.pk}",
        )
        for meeting in meetings
    ]


def _committee_meetings(user: User, window: tuple[datetime.date, datetime.date]) -> list[Item]:
    return [
        Item(
            kind="committee_meeting",
            label=_("Visitationsmøde"),
            title=str(meeting),
            date=meeting.date,
            url=meeting.get_absolute_url(),
            key=f"committee_meeting:{meeting.pk}",
        )
        for meeting in meetings_for(user).filter(date__range=window)
    ]


def _plan_subject(plan: ActionPlan) -> str:
    return plan.child.full_name if plan.child is not None else str(plan.course)


def _own_decisions(user: User) -> QuerySet[Decision] | None:
    """Decisions the user is contact person for, as far as the committee's rule lets them see."""
    if not access.can_decide(user):
        return None
    return access.decisions_visible_to(user).filter(contact_person=user)


def _decision_item(
    decision: Decision, kind: str, label: str, date: datetime.date, today: datetime.date
) -> Item:
    """A deadline about a decision: the child's name, the offer, overdue once the day is past."""
    return Item(
        kind=kind,
        label=label,
        title=decision.child.full_name,
        note=decision.get_offer_display(),
        date=date,
        url=decision.get_absolute_url(),
        key=f"{kind}:{decision.pk}",
        child=decision.child,
        overdue=date < today,
    )


def _reassessments(user: User, today: datetime.date) -> list[Item]:
    own = _own_decisions(user)
    if own is None:
        return []
    grants = (
        current_grants(user)
        .filter(
            pk__in=own.values("pk"),
            reassessment_due__lte=today + datetime.timedelta(days=NOTICE_DAYS),
        )
        .select_related("child")
    )
    return [
        _decision_item(decision, "reassessment", _("Revurdering"), decision.reassessment_due, today)
        for decision in grants
        if decision.reassessment_due is not None
    ]


def _overdue_follow_ups(user: User) -> tuple[list[Item], int]:
    if not access.can_use_plans(user):
        return [], 0
    # The page logs the children of the whole list at once.
    count, plans = overdue_follow_ups(user, log=False)
    items = [
        Item(
            kind="follow_up",
            label=_("Opfølgning overskredet"),
            title=_plan_subject(plan),
            date=plan.next_follow_up,
            url=plan.get_absolute_url(),
            key=f"follow_up:{plan.pk}",
            child=plan.child,
            overdue=True,
        )
        for plan in plans
    ]
    return items, count - len(items)


def _appeals(user: User, today: datetime.date) -> list[Item]:
    own = _own_decisions(user)
    if own is None:
        return []
    horizon = today + datetime.timedelta(days=NOTICE_DAYS)
    received_by = horizon - datetime.timedelta(weeks=APPEAL_REASSESSMENT_WEEKS)
    appeals = Appeal.objects.filter(
        decision__in=access.decisions_visible_to(user),
        owner=user,
        status=Appeal.Status.RECEIVED,
        received_on__lte=received_by,
    ).select_related("decision__child")
    items = []
    for appeal in appeals:
        due = appeal.received_on + datetime.timedelta(weeks=APPEAL_REASSESSMENT_WEEKS)
        items.append(
            Item(
                kind="appeal",
                label=_("Klage skal genvurderes"),
                title=appeal.decision.child.full_name,
                note=appeal.decision.get_offer_display(),
                date=due,
                url=appeal.decision.get_absolute_url(),
                key=f"appeal:{appeal.pk}",
                child=appeal.decision.child,
                overdue=due < today,
            )
        )
    return items


def _appeal_deadlines(user: User, window: tuple[datetime.date, datetime.date]) -> list[Item]:
    """Letters whose four-week appeal deadline runs out this week: after it the decision stands
    unless an appeal came in."""
    own = _own_decisions(user)
    if own is None:
        return []
    weeks = datetime.timedelta(weeks=APPEAL_WEEKS)
    letters = DecisionLetter.objects.filter(
        decision__in=own, sent_on__range=(window[0] - weeks, window[1] - weeks)
    ).select_related("decision__child")
    return [
        Item(
            kind="appeal_deadline",
            label=_("Klagefristen udløber"),
            title=letter.decision.child.full_name,
            note=letter.decision.get_offer_display(),
            date=letter.sent_on + weeks,
            url=letter.decision.get_absolute_url(),
            key=f"appeal_deadline:{letter.pk}",
            child=letter.decision.child,
        )
        for letter in letters
        if letter.sent_on is not None
    ]


def _letters(user: User, today: datetime.date) -> list[Item]:
    own = _own_decisions(user)
    if own is None:
        return []
    pending = (
        own.filter(decided_on__gte=today - datetime.timedelta(days=LETTER_PENDING_DAYS))
        .exclude(letters__sent_on__isnull=False)
        .select_related("child")
    )
    return [
        _decision_item(
            decision, "letter", _("Afgørelsesbrev ikke sendt"), decision.decided_on, today
        )
        for decision in pending
    ]


def _proposals(user: User) -> list[Item]:
    """Adjustments proposed between meetings, waiting for the plan's owner (issue 16, point 5)."""
    adjustments = Adjustment.objects.filter(
        plan__in=access.plans_visible_to(user).exclude(status=ActionPlan.Status.CLOSED),
        plan__owner=user,
        status=Adjustment.Status.PROPOSED,
    ).select_related("plan__child", "plan__course", "proposed_by")
    return [
        Item(
            kind="adjustment",
            label=_("Forslag til justering"),
            title=_plan_subject(adjustment.plan),
            date=timezone.localtime(adjustment.proposed_at).date(),
            url=adjustment.plan.get_absolute_url(),
            key=f"adjustment:{adjustment.pk}",
            note=_("foreslået af %(name)s") % {"name": adjustment.proposed_by},
            child=adjustment.plan.child,
        )
        for adjustment in adjustments
    ]


def _acknowledgements(user: User) -> list[Item]:
    """Held plan meetings whose agreements wait for the user's acknowledgement: the start page
    counts them, so the list does not say nothing waits while they do."""
    return [
        Item(
            kind="acknowledgement",
            label=_("Kvittér for aftalerne"),
            title=_plan_subject(meeting.plan),
            note=meeting.get_kind_display(),
            date=meeting.date,
            url=meeting.get_acknowledge_url(),
            key=f"acknowledgement:{meeting.pk}",
            child=meeting.plan.child,
        )
        for meeting in waiting_acknowledgements(user)
    ]


def _school_starts(user: User) -> list[Item]:
    """Children of the leader's institution in a group who start school within a year and have
    no handover to school yet (Hedensted: the school start is planned a year ahead)."""
    from inklusio.transitions.selectors import school_starters

    if user.role != Role.INSTITUTION_LEADER:
        return []
    items = []
    for row in school_starters(user):
        child = row["child"]
        if child.has_school_handover:
            continue
        url = reverse("handover-create", kwargs={"public_id": child.public_id})
        items.append(
            Item(
                kind="school_start",
                label=_("Skolestart om et år"),
                title=child.full_name,
                # Planning starts a year before the school start.
                date=row["school_start"] - datetime.timedelta(days=365),
                url=f"{url}?kind=school",
                key=f"school_start:{child.pk}",
                note=_("starter i skole %(day)s: start overgangen")
                % {"day": short_date(row["school_start"])},
                child=child,
            )
        )
    return items


def reminder_items(user: User) -> list[Item]:
    """What a reminder is about: the deadlines of the list (meetings are in the calendar)."""
    return today_for(user).deadlines


def reminder_email_on(user: User) -> bool:
    """Reminders by e-mail are on until the user turns them off."""
    from inklusio.today.models import ReminderSetting

    return not ReminderSetting.objects.filter(user=user, email=False).exists()

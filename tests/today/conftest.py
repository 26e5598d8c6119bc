"""A week of items for the today list's tests."""

import datetime

import pytest

from inklusio.courses.models import Session
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.plans import services as plan_services
from inklusio.plans.models import ActionPlan
from inklusio.referrals.models import CommitteeMeeting, Decision
from tests.conftest import TODAY

SUNDAY = TODAY + datetime.timedelta(days=6 - TODAY.weekday())


@pytest.fixture
def week(cast):
    """A week of items: Bob's sessions today and Friday, Mia's follow-up meeting tomorrow (Bob,
    Sara, Cora), a consultative meeting at Bøgely on Saturday (Bob) and at Elverhøj today
    (Carl's institution), a committee meeting tomorrow, Mia's re-assessment due on Monday
    next week, a decision about Emil made two days ago whose letter has not gone out, and
    a plan of Carl's for Emil whose follow-up is long overdue. Beyond Sunday: one of each."""
    ishoj = cast.ishoj
    course = cast.course_boegely
    items = {
        "session_today": Session.objects.create(municipality=ishoj, course=course, date=TODAY),
        "session_friday": Session.objects.create(
            municipality=ishoj, course=course, date=TODAY + datetime.timedelta(days=2)
        ),
        "session_next_week": Session.objects.create(
            municipality=ishoj, course=course, date=SUNDAY + datetime.timedelta(days=1)
        ),
    }
    meeting = plan_services.plan_meeting_schedule(
        actor=cast.bob,
        plan=cast.plan_mia,
        kind="follow_up",
        date=TODAY + datetime.timedelta(days=1),
        start_time=datetime.time(13),
        place="Personalestuen",
        participants=[cast.bob, cast.sara, cast.cora],
    )
    items["plan_meeting"] = meeting
    items["consultative_saturday"] = ConsultativeMeeting.objects.create(
        municipality=ishoj,
        institution=cast.boegely,
        date=SUNDAY - datetime.timedelta(days=1),
        resource_pedagogue=cast.bob,
        created_by=cast.alice,
    )
    items["consultative_elverhoej"] = ConsultativeMeeting.objects.create(
        municipality=ishoj, institution=cast.elverhoej, date=TODAY, created_by=cast.alice
    )
    items["committee_tomorrow"] = CommitteeMeeting.objects.create(
        municipality=ishoj, period=cast.period, date=TODAY + datetime.timedelta(days=1)
    )
    items["committee_next_week"] = CommitteeMeeting.objects.create(
        municipality=ishoj, period=cast.period, date=SUNDAY + datetime.timedelta(days=2)
    )
    Decision.objects.filter(pk=cast.decision_mia.pk).update(
        reassessment_due=SUNDAY + datetime.timedelta(days=1)
    )
    items["decision_emil"] = Decision.objects.create(
        municipality=ishoj,
        child=cast.emil,
        outcome=Decision.Outcome.REFUSED,
        offer="support_pedagogue",
        reasons="Behovet kan dækkes af ressourcefunktionen.",
        legal_basis=cast.legal_basis,
        decided_by=cast.alice,
        decided_on=TODAY - datetime.timedelta(days=2),
        contact_person=cast.alice,
    )
    plan_emil = plan_services.plan_create(
        actor=cast.carl,
        data={
            "child": cast.emil,
            "owner": cast.carl,
            "title": "Emils handleplan",
            "problem": "Sprog",
            "strategies": "Dialogisk læsning",
            "duration": "Et halvt år",
        },
        goals=[{"text": "Flere ord", "success_criterion": "20 nye ord"}],
        agreements=[],
    )
    ActionPlan.objects.filter(pk=plan_emil.pk).update(
        status=ActionPlan.Status.ACTIVE,
        created_at=plan_emil.created_at - datetime.timedelta(days=200),
    )
    items["plan_emil"] = plan_emil
    return items

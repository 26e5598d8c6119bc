import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from inklusio.children.models import Child, Guardianship
from inklusio.core.demo import FATHERS, MOTHERS
from inklusio.courses.models import Session
from inklusio.family.models import Message
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.organisation.models import Institution, Municipality, ResourceGroup
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.plans.models import Acknowledgement, PlanMeeting
from inklusio.referrals.models import (
    Appeal,
    CommitteeMeeting,
    Decision,
    DecisionLetter,
    Referral,
)
from inklusio.referrals.selectors import current_grants
from inklusio.transitions.models import Handover, HandoverMeeting
from tests.conftest import TODAY, assert_open_accounts_have_their_own_emails

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

ISHOJ_INSTITUTIONS = {
    "Bøgely", "Elverhøj", "Femkanten", "Firkløveren", "Piletræet",
    "Regnbuen", "Troldebo", "Trækronerne", "Tvillingehuset", "Ørnebo",
}  # fmt: skip


def test_demo_municipality_is_ishoj_with_its_ten_institutions(db):
    call_command("load_demo")
    ishoj = Municipality.objects.get(slug="ishoj")
    assert set(Institution.objects.filter(municipality=ishoj).values_list("name", flat=True)) == (
        ISHOJ_INSTITUTIONS
    )
    assert ResourceGroup.objects.filter(municipality=ishoj, places__gt=0).exists()
    assert Child.objects.filter(municipality=ishoj).count() >= 60
    assert User.objects.filter(role=Role.PEDAGOGUE).count() == 8
    demo_roles = set(
        User.objects.filter(username__startswith="demo-").values_list("role", flat=True)
    )
    assert demo_roles == set(Role.values)
    assert_open_accounts_have_their_own_emails()


def test_every_demo_login_is_refused_when_demo_logins_are_off(db, client, settings):
    """Production's guard knows demo accounts by their name: every one of them carries it."""
    call_command("load_demo")
    users = list(User.objects.filter(municipality__slug="ishoj"))
    assert users and all(user.username.startswith("demo-") for user in users)
    settings.DEMO_LOGINS_ENABLED = False
    for user in users:
        assert not client.login(username=user.username, password="inklusio-demo"), user.username


def test_demo_pedagogues_never_serve_both_functions_in_one_institution(db):
    call_command("load_demo")
    pairs = PedagogueAttachment.objects.values_list("pedagogue_id", "institution_id")
    assert len(pairs) == len(set(pairs))
    for pedagogue in User.objects.filter(role=Role.PEDAGOGUE):
        assert 2 <= pedagogue.attachments.count() <= 3


def _demo_children(seed):
    call_command("load_demo", seed=seed)
    # CPR numbers are encrypted: compared in Python, in the order of the public ids.
    rows = [(c.cpr, c.first_name, c.public_id) for c in Child.objects.order_by("public_id")]
    call_command("flush", interactive=False, verbosity=0)
    return rows


def test_demo_is_deterministic_for_a_seed(transactional_db):
    assert _demo_children(7) == _demo_children(7)
    assert _demo_children(7) != _demo_children(8)


def test_load_demo_if_empty_does_nothing_when_data_exists(db):
    Municipality.objects.create(name="Anden Kommune", slug="anden")
    call_command("load_demo", if_empty=True)
    assert not Municipality.objects.filter(slug="ishoj").exists()


# Twelve days over the year from TODAY, one in each month, among them the last days of March
# (the next meeting opens the coming period), a day in the first three weeks of April (before
# the period's first meeting: the demo did not load) and early May (that meeting held, but not
# three weeks ago). One load takes seconds, so the year is sampled, not walked day by day.
YEAR_OFFSETS = (0, 31, 62, 90, 120, 135, 160, 195, 230, 270, 305, 335)
YEAR_DAYS = [TODAY + datetime.timedelta(days=k) for k in YEAR_OFFSETS]


def test_the_year_days_cover_every_month_and_the_first_weeks_of_april():
    assert {day.month for day in YEAR_DAYS} == set(range(1, 13))
    assert [day for day in YEAR_DAYS if day.month == 4 and day.day <= 21]
    assert [day for day in YEAR_DAYS if day.month == 3 and day.day >= 24]


def _happened_ahead(today: datetime.date, now: datetime.datetime) -> list[str]:
    """What the demo says has happened, dated after the moment it was loaded."""
    ahead = [
        *(f"decided {d.decided_on}" for d in Decision.objects.filter(decided_on__gt=today)),
        *(f"started {d.placed_on}" for d in Decision.objects.filter(placed_on__gt=today)),
        *(
            f"letter written {x.created_at}"
            for x in DecisionLetter.objects.filter(created_at__gt=now)
        ),
        *(f"letter sent {x.sent_on}" for x in DecisionLetter.objects.filter(sent_on__gt=today)),
        *(f"appeal {a.received_on}" for a in Appeal.objects.filter(received_on__gt=today)),
        *(f"referral sent {r.submitted_at}" for r in Referral.objects.filter(submitted_at__gt=now)),
        *(f"acknowledged {a.at}" for a in Acknowledgement.objects.filter(at__gt=now)),
        *(f"message {m.created_at}" for m in Message.objects.filter(created_at__gt=now)),
        *(
            f"session held {s.date}"
            for s in Session.objects.filter(status=Session.Status.HELD, date__gt=today)
        ),
    ]
    return ahead


@pytest.mark.parametrize("day", YEAR_DAYS, ids=str)
def test_the_demo_loads_on_any_day_of_the_year_with_nothing_dated_ahead(db, day):
    """Loaded early in the morning of any day, the demo shows decisions, letters, an appeal and
    a meeting to come, each meeting in its own period, and nothing that happened dated after the
    moment it was loaded."""
    moment = datetime.datetime.combine(day, datetime.time(6, 30), tzinfo=COPENHAGEN)
    with time_machine.travel(moment, tick=False):
        call_command("load_demo", stdout=io.StringIO())
        now = timezone.now()
        assert _happened_ahead(day, now) == []
        assert current_grants(Municipality.objects.get(slug="ishoj")).count() >= 5
        assert DecisionLetter.objects.exclude(sent_on=None).count() == 4
        assert all(
            letter.decision.decided_on <= letter.sent_on
            for letter in DecisionLetter.objects.exclude(sent_on=None).select_related("decision")
        )
        [appeal] = Appeal.objects.select_related("decision")
        assert appeal.decision.decided_on <= appeal.received_on
        meetings = CommitteeMeeting.objects.select_related("period")
        assert [m.date for m in meetings if not m.period.contains(m.date)] == []
        assert meetings.filter(date__gt=day).exists()
        assert Referral.objects.filter(status=Referral.Status.SUBMITTED).exists()
        assert _meetings_at_the_weekend(day) == []


def _meetings_at_the_weekend(today: datetime.date) -> list[str]:
    """Meetings the demo made around the day it was loaded (the evaluation's years apart)."""
    recent = {"date__gte": today - datetime.timedelta(days=400)}
    dates = [
        *(
            ("committee", d)
            for d in CommitteeMeeting.objects.filter(**recent).values_list("date", flat=True)
        ),
        *(("plan", d) for d in PlanMeeting.objects.values_list("date", flat=True)),
        *(("consultative", d) for d in ConsultativeMeeting.objects.values_list("date", flat=True)),
        *(("handover", d) for d in HandoverMeeting.objects.values_list("date", flat=True)),
        *(("school start", d) for d in Handover.objects.values_list("handover_date", flat=True)),
    ]
    return [f"{kind} {day:%A %d.%m.%Y}" for kind, day in dates if day.weekday() >= 5]


def test_the_demo_appeal_arrived_after_its_decision_and_by_today(db):
    call_command("load_demo")
    [appeal] = Appeal.objects.all()
    assert appeal.decision.decided_on <= appeal.received_on <= TODAY


def test_every_demo_referral_was_written_by_the_day_it_was_sent(db):
    call_command("load_demo")
    sent = Referral.objects.exclude(submitted_at=None)
    assert sent.exists()
    assert all(referral.created_at <= referral.submitted_at for referral in sent)


def test_every_demo_guardian_has_a_name_that_fits_mor_or_far(db):
    call_command("load_demo")
    named = [
        (g.relation, g.guardian.name.split()[0])
        for g in Guardianship.objects.select_related("guardian")
    ]
    assert {relation for relation, _first in named} == {"mor", "far"}
    for relation, first in named:
        assert first in ([*MOTHERS, "Gitte"] if relation == "mor" else FATHERS), (relation, first)


def test_the_demo_parents_child_has_her_as_its_one_mother(db):
    call_command("load_demo")
    parent = User.objects.get(username="demo-foraelder").guardian_profile
    child = parent.children.get()
    mothers = Guardianship.objects.filter(child=child, relation="mor")
    assert [g.guardian for g in mothers] == [parent]


def test_demo_acknowledgements_were_given_after_their_meeting_not_when_the_demo_was_loaded(db):
    call_command("load_demo")
    acknowledgements = Acknowledgement.objects.select_related("meeting")
    assert acknowledgements.exists()
    for acknowledgement in acknowledgements:
        meeting = acknowledgement.meeting
        began = datetime.datetime.combine(meeting.date, meeting.start_time, tzinfo=COPENHAGEN)
        assert began < acknowledgement.at <= began + datetime.timedelta(days=3), meeting


def test_the_demo_hands_a_child_of_school_age_over_to_school(db):
    call_command("load_demo")
    [handover] = Handover.objects.select_related("child")
    assert handover.kind == Handover.Kind.SCHOOL
    assert handover.child.age_on(handover.handover_date) >= 5

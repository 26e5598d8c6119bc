"""The today list (`/i-dag/`) per role, its start-page panel, and the e-mail reminders.

TODAY is a Wednesday: "this week" runs to Sunday (TODAY + 4). The cast's course session
(2 December) and consultative meeting (1 December) lie in the next week and stay off the list.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.courses.models import Session
from inklusio.people.models import Role
from inklusio.plans.models import ActionPlan
from inklusio.plans.services import plan_meeting_acknowledge
from inklusio.referrals.models import Decision
from inklusio.today import schedule
from inklusio.today.models import Reminder, ReminderRun, ReminderSetting
from inklusio.today.selectors import NOTICE_DAYS, today_for
from inklusio.today.services import reminder_send, reminder_setting_set
from inklusio.today.tasks import reminders_daily
from tests.conftest import TODAY, make_user
from tests.today.conftest import SUNDAY

SENTINEL = "Sentinelbarnet"


def _kinds(user) -> dict[str, list]:
    listing = today_for(user)
    found: dict[str, list] = {}
    for item in listing.events + listing.deadlines:
        found.setdefault(item.kind, []).append(item)
    return found


def _keys(user) -> set[str]:
    listing = today_for(user)
    return {item.key for item in listing.events + listing.deadlines}


def _session_today_of_reflection_course_with(cast, staff_member) -> Session:
    """Today's session of a reflection course at Bøgely that `staff_member` takes part in."""
    from inklusio.courses.models import Course, Participant

    course = Course.objects.create(
        municipality=cast.ishoj,
        institution=cast.boegely,
        kind=Course.Kind.REFLECTION,
        title="Refleksion om overgange",
        goals="Fælles sprog",
        start=TODAY - datetime.timedelta(days=30),
        planned_end=TODAY + datetime.timedelta(days=60),
        pedagogue=cast.bob,
        created_by=cast.bob,
    )
    Participant.objects.create(
        municipality=cast.ishoj, course=course, staff_member=staff_member, role="staff"
    )
    return Session.objects.create(municipality=cast.ishoj, course=course, date=TODAY)


class TestThePedagoguesWeek:
    def test_bob_sees_his_sessions_meetings_and_the_proposal_waiting_for_him(
        self, cast, week, client
    ):
        client.force_login(cast.bob)
        response = client.get(reverse("today"))
        assert response.status_code == 200
        today_part = response.context["listing"].events_today
        assert [i.key for i in today_part] == [f"session:{week['session_today'].pk}"]
        keys = _keys(cast.bob)
        assert f"session:{week['session_friday'].pk}" in keys
        assert f"plan_meeting:{week['plan_meeting'].pk}" in keys
        assert f"consultative_meeting:{week['consultative_saturday'].pk}" in keys
        assert f"adjustment:{cast.adjustment_mia.pk}" in keys
        html = response.content.decode()
        assert "Legegruppe" in html
        assert "Forslag til justering" in html
        assert "Mia Testesen" in html

    def test_items_outside_this_week_are_absent(self, cast, week):
        keys = _keys(cast.bob)
        assert f"session:{week['session_next_week'].pk}" not in keys
        assert f"session:{cast.session_boegely.pk}" not in keys  # 2 December
        assert f"consultative_meeting:{cast.consultative_boegely.pk}" not in keys
        assert f"committee_meeting:{week['committee_next_week'].pk}" not in keys

    def test_at_the_weekend_the_list_looks_into_the_coming_week(self, cast, week, client):
        """On Saturday, Monday's session is what Bob looks for; on Friday it is next week's."""
        monday_session = f"session:{week['session_next_week'].pk}"
        saturday = SUNDAY - datetime.timedelta(days=1)
        for day, heading, listed in [
            (saturday - datetime.timedelta(days=1), "Resten af ugen (til og med søndag", False),
            (saturday, "Den kommende uge (til og med søndag", True),
        ]:
            with time_machine.travel(datetime.datetime.combine(day, datetime.time(18))):
                client.force_login(cast.bob)
                response = client.get(reverse("today"))
            assert heading in response.content.decode(), day
            later = {item.key for item in response.context["listing"].events_later}
            assert (monday_session in later) is listed, day

    def test_other_peoples_items_are_absent(self, cast, week):
        found = _kinds(cast.bob)
        for kind in ("committee_meeting", "reassessment", "appeal", "letter", "follow_up"):
            assert kind not in found, kind
        # The consultative meeting at Elverhøj is Carl's institution's, not Bob's.
        assert f"consultative_meeting:{week['consultative_elverhoej'].pk}" not in _keys(cast.bob)

    def test_a_cancelled_session_is_not_on_the_list(self, cast, week):
        Session.objects.filter(pk=week["session_friday"].pk).update(status=Session.Status.CANCELLED)
        assert f"session:{week['session_friday'].pk}" not in _keys(cast.bob)

    def test_the_page_logs_each_child_it_shows_once(self, cast, week, client):
        client.force_login(cast.bob)
        before = AuditEntry.objects.count()
        client.get(reverse("today"))
        entries = AuditEntry.objects.order_by("pk")[before:]
        reads = [e for e in entries if e.action in {AuditAction.READ, AuditAction.SEARCH}]
        assert len(reads) == 1
        assert reads[0].object_type == "today"
        assert [link.child_id for link in reads[0].children.all()] == [cast.mia.public_id]


class TestOtherRoles:
    def test_staff_sees_the_meeting_she_takes_part_in_but_not_bobs_proposal(self, cast, week):
        keys = _keys(cast.sara)
        assert f"plan_meeting:{week['plan_meeting'].pk}" in keys
        assert f"adjustment:{cast.adjustment_mia.pk}" not in keys
        assert not any(k.startswith("session:") for k in keys)

    def test_staff_taking_part_in_a_reflection_course_sees_its_sessions(self, cast, week):
        session = _session_today_of_reflection_course_with(cast, cast.sara)
        assert f"session:{session.pk}" in _keys(cast.sara)
        assert f"session:{week['session_today'].pk}" not in _keys(cast.sara)

    def test_a_session_shows_once_however_many_ways_staff_take_part(self, cast, week):
        session = _session_today_of_reflection_course_with(cast, cast.sara)
        colleague = make_user("sofie", cast.ishoj, Role.STAFF, institution=cast.boegely)
        session.course.staff.add(cast.sara, colleague)
        session.course.coordinator_staff = cast.sara
        session.course.save(update_fields=["coordinator_staff"])
        sessions = [item.key for item in _kinds(cast.sara)["session"]]
        assert sessions == [f"session:{session.pk}"]
        # On the course's staff only, without coordinating or taking part.
        assert [item.key for item in _kinds(colleague)["session"]] == [f"session:{session.pk}"]

    def test_agreements_waiting_for_acknowledgement_are_not_called_nothing(self, cast, client):
        """Sara took part in Mia's held plan meeting and has not acknowledged its agreements: the
        start page counts them, and the list said «Intet venter på dig»."""
        client.force_login(cast.sara)
        html = client.get(reverse("today")).content.decode()
        deadlines = html.split('data-testid="deadlines"')[1].split("</ul>")[0]
        assert "Intet venter på dig" not in deadlines
        assert "Kvittér for aftalerne</strong>:" in deadlines
        assert cast.plan_meeting.get_absolute_url() in deadlines
        start = client.get(reverse("start")).content.decode()
        assert 'data-testid="today-waiting">1<' in start
        # Once acknowledged, nothing waits.
        plan_meeting_acknowledge(actor=cast.sara, meeting=cast.plan_meeting, answer="agreed")
        assert not _kinds(cast.sara).get("acknowledgement")

    def test_the_corps_leader_sees_the_meeting_she_attends_and_not_bobs_sessions(self, cast, week):
        keys = _keys(cast.cora)
        assert f"plan_meeting:{week['plan_meeting'].pk}" in keys
        assert not any(k.startswith(("session:", "committee_meeting:")) for k in keys)

    def test_the_administration_sees_committee_reassessment_appeal_and_letter(self, cast, week):
        found = _kinds(cast.alice)
        # Like the start page, the administration answers for every plan's follow-up.
        assert [i.child for i in found["follow_up"]] == [cast.emil]
        assert [i.key for i in found["committee_meeting"]] == [
            f"committee_meeting:{week['committee_tomorrow'].pk}"
        ]
        (reassessment,) = found["reassessment"]
        assert reassessment.child == cast.mia and not reassessment.overdue
        (appeal,) = found["appeal"]  # received 20 September, not yet reassessed
        assert appeal.child == cast.mia and appeal.overdue
        assert appeal.date == cast.appeal_mia.received_on + datetime.timedelta(weeks=4)
        (letter,) = found["letter"]
        assert letter.child == cast.emil
        assert "session" not in found and "adjustment" not in found

    def test_a_reassessment_beyond_the_notice_is_not_yet_on_the_list(self, cast, week):
        Decision.objects.filter(pk=cast.decision_mia.pk).update(
            reassessment_due=TODAY + datetime.timedelta(days=NOTICE_DAYS + 1)
        )
        assert "reassessment" not in _kinds(cast.alice)

    def test_a_sent_letter_is_no_longer_pending(self, cast, week):
        from inklusio.referrals.models import DecisionLetter

        DecisionLetter.objects.create(
            municipality=cast.ishoj,
            decision=week["decision_emil"],
            version=1,
            pdf=b"%PDF-1.4",
            sha256="0" * 64,
            created_by=cast.alice,
            sent_on=TODAY,
        )
        assert "letter" not in _kinds(cast.alice)

    def test_an_appeal_deadline_this_week_is_shown(self, cast, week):
        from inklusio.referrals.models import DecisionLetter

        DecisionLetter.objects.filter(pk=cast.letter_mia.pk).update(
            sent_on=TODAY - datetime.timedelta(weeks=4) + datetime.timedelta(days=2)
        )
        (deadline,) = _kinds(cast.alice)["appeal_deadline"]
        assert deadline.date == TODAY + datetime.timedelta(days=2)

    def test_the_institution_leader_sees_her_institutions_meeting_and_overdue_follow_up(
        self, cast, week, client
    ):
        found = _kinds(cast.carl)
        assert [i.key for i in found["consultative_meeting"]] == [
            f"consultative_meeting:{week['consultative_elverhoej'].pk}"
        ]
        (follow_up,) = found["follow_up"]
        assert follow_up.child == cast.emil and follow_up.overdue
        assert "plan_meeting" not in found and "session" not in found
        client.force_login(cast.carl)
        html = client.get(reverse("today")).content.decode()
        assert "Emil Testesen" in html and "Mia" not in html

    def test_the_administrations_deadlines_name_the_child_and_the_offer(self, cast, week, client):
        client.force_login(cast.alice)
        deadlines = (
            client.get(reverse("today")).content.decode().split('data-testid="deadlines"')[1]
        )
        assert "Revurdering</strong>:" in deadlines and "Mia Testesen" in deadlines
        assert "Afgørelsesbrev ikke sendt" in deadlines and "Emil Testesen" in deadlines
        assert "Støttepædagog" in deadlines

    def test_a_deadline_says_its_year_as_an_overdue_one_may_be_from_last_year(
        self, cast, week, client
    ):
        client.force_login(cast.alice)
        html = client.get(reverse("today")).content.decode()
        events, deadlines = html.split('data-testid="deadlines"')
        when = re.compile(r'<span class="today-when">([^<]*)</span>')
        assert when.findall(deadlines)
        assert all(re.search(r"\d\.\d{4}$", shown) for shown in when.findall(deadlines))
        assert not any(re.search(r"\d{4}", shown) for shown in when.findall(events))

    def test_dragoer_sees_nothing_of_ishoj(self, cast, week):
        assert _keys(cast.dora) == set()

    def test_partners_and_guardians_have_no_list(self, cast, client):
        for user in (cast.pia, cast.gert):
            client.force_login(user)
            assert client.get(reverse("today")).status_code == 404


class TestEndedRelations:
    def test_ended_relations_see_nothing_of_mia(self, cast, ended, week, client):
        # Mads and Petra were at Mia's first plan meeting; put them on tomorrow's too.
        week["plan_meeting"].participants.add(ended.mads, ended.petra)
        for user in ended.users:
            client.force_login(user)
            response = client.get(reverse("today"))
            if user in (ended.ida, ended.olga):
                assert response.status_code == 404
                continue
            assert response.status_code == 200
            assert "Mia" not in response.content.decode()
            assert today_for(user).children == []


class TestStartPage:
    def test_the_owner_sees_the_waiting_proposal_and_the_figures_on_the_start_page(
        self, cast, week, client
    ):
        client.force_login(cast.bob)
        response = client.get(reverse("start"))
        html = response.content.decode()
        assert 'data-testid="waiting-proposals"' in html
        assert reverse("today") in html
        assert 'data-testid="today-events">1<' in html  # today's session

    def test_the_menu_links_to_the_list_for_staff_only(self, cast, client):
        client.force_login(cast.sara)
        assert f'href="{reverse("today")}"' in client.get(reverse("start")).content.decode()
        client.force_login(cast.gert)
        assert f'href="{reverse("today")}"' not in client.get(reverse("start")).content.decode()


class TestAccountPage:
    def test_the_account_page_links_to_the_reminder_setting_for_staff(self, cast, client):
        client.force_login(cast.sara)
        link = f'href="{reverse("reminder-settings")}"'
        assert link in client.get(reverse("account")).content.decode()
        client.force_login(cast.gert)
        assert link not in client.get(reverse("account")).content.decode()


@pytest.fixture
def mailable(cast, week):
    """Alice has an e-mail address, and Mia carries a sentinel name."""
    cast.alice.email = "alice@ishoj.example"
    cast.alice.save(update_fields=["email"])
    cast.mia.first_name = SENTINEL
    cast.mia.save(update_fields=["first_name"])
    return cast


class TestReminders:
    def test_a_reminder_is_sent_once_and_names_no_child(self, mailable):
        cast = mailable
        assert reminder_send(actor=cast.alice) is not None
        (message,) = mail.outbox
        assert message.to == ["alice@ishoj.example"]
        waiting = len(today_for(cast.alice).deadlines)
        assert f"Du har {waiting} ting, der venter i Inklusio" in message.body
        assert "/i-dag/" in message.body
        for secret in (SENTINEL, cast.mia.cpr, cast.emil.first_name, cast.emil.cpr, "Behovet"):
            assert secret not in message.subject
            assert secret not in message.body
        # The second round finds every item reminded and sends nothing.
        assert reminder_send(actor=cast.alice) is None
        assert len(mail.outbox) == 1

    def test_one_audit_row_per_reminder_without_child(self, mailable):
        before = AuditEntry.objects.count()
        reminder_send(actor=mailable.alice)
        (entry,) = AuditEntry.objects.order_by("pk")[before:]
        assert entry.action == AuditAction.CREATE and entry.object_type == "reminder"
        assert SENTINEL not in str(entry.changes)

    def test_a_new_item_brings_a_new_reminder(self, mailable):
        cast = mailable
        reminder_send(actor=cast.alice)
        Decision.objects.create(
            municipality=cast.ishoj,
            child=cast.emil,
            outcome=Decision.Outcome.REFUSED,
            offer="resource_group_place",
            reasons="Ingen plads.",
            legal_basis=cast.legal_basis,
            decided_by=cast.alice,
            decided_on=TODAY,
            contact_person=cast.alice,
        )
        assert reminder_send(actor=cast.alice) is not None
        assert len(mail.outbox) == 2

    def test_no_reminder_before_the_notice(self, mailable):
        cast = mailable
        # Nothing within the notice: a re-assessment further ahead, no appeal, letter sent.
        Decision.objects.filter(pk=cast.decision_mia.pk).update(
            reassessment_due=TODAY + datetime.timedelta(days=NOTICE_DAYS + 1)
        )
        cast.appeal_mia.delete()
        Decision.objects.filter(contact_person=cast.alice, child=cast.emil).update(
            decided_on=TODAY - datetime.timedelta(days=365)
        )
        ActionPlan.objects.filter(child=cast.emil).update(status=ActionPlan.Status.CLOSED)
        assert reminder_send(actor=cast.alice) is None
        assert mail.outbox == []
        # On the day it enters the notice, it is reminded.
        Decision.objects.filter(pk=cast.decision_mia.pk).update(
            reassessment_due=TODAY + datetime.timedelta(days=NOTICE_DAYS)
        )
        assert reminder_send(actor=cast.alice) is not None
        assert len(mail.outbox) == 1
        assert Reminder.objects.get(user=cast.alice).key == f"reassessment:{cast.decision_mia.pk}"

    def test_a_failed_send_claims_nothing_and_the_next_round_sends(self, mailable, settings):
        cast = mailable
        # A mail server that refuses connections (nothing listens on port 9 here).
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        before = AuditEntry.objects.count()
        assert schedule.run_daily() == 0  # logged, and the round goes on
        assert not Reminder.objects.filter(user=cast.alice).exists()
        assert AuditEntry.objects.count() == before
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert reminder_send(actor=cast.alice) is not None
        assert len(mail.outbox) == 1

    def test_opting_out_is_honoured(self, mailable, client):
        cast = mailable
        client.force_login(cast.alice)
        response = client.post(reverse("reminder-settings"), {})
        assert response.status_code == 302
        assert ReminderSetting.objects.get(user=cast.alice).email is False
        assert reminder_send(actor=cast.alice) is None
        assert mail.outbox == []
        page = client.get(reverse("reminder-settings")).content.decode()
        assert "checked" not in page
        client.post(reverse("reminder-settings"), {"email": "on"})
        assert reminder_send(actor=cast.alice) is not None

    def test_the_setting_is_audited_once(self, cast):
        before = AuditEntry.objects.count()
        reminder_setting_set(actor=cast.bob, email=False)
        (entry,) = AuditEntry.objects.order_by("pk")[before:]
        assert entry.action == AuditAction.CHANGE

    def test_no_address_no_reminder(self, cast, week):
        assert reminder_send(actor=cast.bob) is None
        assert mail.outbox == []

    def test_a_partner_gets_no_reminder(self, cast, week):
        cast.pia.email = "pia@ishoj.example"
        cast.pia.save(update_fields=["email"])
        assert reminder_send(actor=cast.pia) is None


class TestSchedule:
    def test_the_sweeper_claims_the_days_round(self, cast, django_capture_on_commit_callbacks):
        from io import StringIO

        from django_tasks_db.models import DBTaskResult

        with django_capture_on_commit_callbacks(execute=True):
            call_command("sweep_stale_jobs", stdout=StringIO())
            call_command("sweep_stale_jobs", stdout=StringIO())
        assert ReminderRun.objects.get().day == TODAY
        assert DBTaskResult.objects.filter(task_path__endswith="reminders_daily").count() == 1

    def test_the_day_is_claimed_once(self, cast, django_capture_on_commit_callbacks):
        from django_tasks_db.models import DBTaskResult

        with django_capture_on_commit_callbacks(execute=True):
            assert schedule.enqueue_due() is True
        with django_capture_on_commit_callbacks(execute=True):
            assert schedule.enqueue_due() is False
        assert ReminderRun.objects.get().day == TODAY
        assert DBTaskResult.objects.filter(task_path__endswith="reminders_daily").count() == 1

    def test_the_task_reminds_every_user_once(self, mailable):
        cast = mailable
        cast.bob.email = "bob@ishoj.example"
        cast.bob.save(update_fields=["email"])
        assert reminders_daily.call(TODAY.isoformat()) == 2
        assert sorted(m.to[0] for m in mail.outbox) == ["alice@ishoj.example", "bob@ishoj.example"]
        assert reminders_daily.call(TODAY.isoformat()) == 0
        assert len(mail.outbox) == 2

    def test_the_command_sends_by_hand(self, mailable, capsys):
        call_command("send_reminders")
        assert "reminders sent: 1" in capsys.readouterr().out
        assert len(mail.outbox) == 1

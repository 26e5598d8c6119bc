"""Reminders by e-mail: the setting's audit row, the rows a round claims, the e-mail's links and
who gets none (`inklusio/today/services.py`)."""

import pytest
from django.core import mail
from django.utils import timezone

from inklusio.audit.labels import change_rows
from inklusio.audit.models import AuditAction
from inklusio.referrals.models import Decision
from inklusio.today.models import Reminder, ReminderSetting
from inklusio.today.selectors import today_for
from inklusio.today.services import reminder_send, reminder_setting_set
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY
from tests.today.test_today import mailable  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_turning_reminders_off_and_on_is_stored_and_logged(cast):
    # Logged under its own name: "email" is redacted in the log (addresses), and the log
    # showed ••• → •••, not which way the choice went.
    with new_audit_rows() as off:
        setting = reminder_setting_set(actor=cast.bob, email=False)
    stored = ReminderSetting.objects.get(user=cast.bob)
    assert (stored.email, stored.municipality_id, setting.email) == (False, cast.ishoj.pk, False)
    with new_audit_rows() as on:
        reminder_setting_set(actor=cast.bob, email=True)
    assert ReminderSetting.objects.get(user=cast.bob).email is True
    assert [(r.actor, r.action, r.object_type, r.object_id, r.changes) for r in (*off, *on)] == [
        (cast.bob, AuditAction.CHANGE, "remindersetting", str(stored.pk),
         {"email_reminders": {"before": True, "after": False}}),
        (cast.bob, AuditAction.CHANGE, "remindersetting", str(stored.pk),
         {"email_reminders": {"before": False, "after": True}}),
    ]  # fmt: skip


def test_saving_the_choice_unchanged_logs_nothing(cast):
    reminder_setting_set(actor=cast.bob, email=False)
    with new_audit_rows() as unchanged:
        reminder_setting_set(actor=cast.bob, email=False)
    assert unchanged == [] and ReminderSetting.objects.get(user=cast.bob).email is False


def test_reminders_left_on_explicitly_are_sent_whatever_others_chose(mailable):  # noqa: F811
    reminder_setting_set(actor=mailable.bob, email=False)
    reminder_setting_set(actor=mailable.alice, email=True)
    assert reminder_send(actor=mailable.alice) is not None
    assert len(mail.outbox) == 1


def test_a_round_claims_each_item_once_and_logs_how_many_are_new_and_waiting(mailable):  # noqa: F811
    cast = mailable
    items = today_for(cast.alice).deadlines
    before = timezone.now()
    with new_audit_rows() as rows:
        first = reminder_send(actor=cast.alice)
    claimed = list(Reminder.objects.filter(user=cast.alice).order_by("pk"))
    assert first == claimed[0]
    assert len(claimed) == len(items) > 1
    assert {(r.key, r.due) for r in claimed} == {(i.key, i.date) for i in items}
    for reminder in claimed:
        assert reminder.municipality_id == cast.ishoj.pk
        assert before <= reminder.sent_at <= timezone.now()
    [row] = rows
    assert (row.actor, row.action, row.object_type, row.object_id, row.child_id) == (
        cast.alice, AuditAction.CREATE, "reminder", str(first.pk), None
    )  # fmt: skip
    assert row.changes == {"items": len(items), "waiting": len(items)}
    # One new decision later: one new item, all of them still waiting.
    Decision.objects.create(
        municipality=cast.ishoj, child=cast.emil, outcome=Decision.Outcome.REFUSED,
        offer="resource_group_place", reasons="Ingen plads.", legal_basis=cast.legal_basis,
        decided_by=cast.alice, decided_on=TODAY, contact_person=cast.alice,
    )  # fmt: skip
    with new_audit_rows() as second:
        reminder_send(actor=cast.alice)
    assert second[0].changes == {"items": 1, "waiting": len(items) + 1}
    assert f"Du har {len(items) + 1} ting, der venter i Inklusio." in mail.outbox[1].body


def test_the_email_links_to_the_list_and_to_the_setting(mailable, settings):  # noqa: F811
    settings.BASE_URL = "https://inklusio.ishoj.example"
    reminder_send(actor=mailable.alice)
    [message] = mail.outbox
    assert message.subject == "Påmindelse fra Inklusio"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Se dem her: https://inklusio.ishoj.example/i-dag/" in message.body
    assert (
        "Du kan slå påmindelser på e-mail fra her: "
        "https://inklusio.ishoj.example/i-dag/paamindelser/" in message.body
    )


def test_a_user_with_nothing_new_gets_nothing_and_no_row(mailable):  # noqa: F811
    reminder_send(actor=mailable.alice)
    with new_audit_rows() as rows:
        assert reminder_send(actor=mailable.alice) is None
    assert rows == [] and len(mail.outbox) == 1


def test_the_audit_log_shows_which_way_reminders_were_turned(cast):
    with new_audit_rows() as rows:
        reminder_setting_set(actor=cast.bob, email=False)
    (row,) = rows
    assert change_rows(row.object_type, row.changes) == [("påmindelser på e-mail", "Ja", "Nej")]

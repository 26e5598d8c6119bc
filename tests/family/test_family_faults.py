"""Messages on a child's plan: the refusals word for word, the limit's edge, what is stored, what
counts as read and what the audit log says (`inklusio/family/services.py`)."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from inklusio.audit.models import AuditAction
from inklusio.family import selectors, services
from inklusio.family.models import MAX_MESSAGE_CHARS, Message, MessageRead
from inklusio.plans.models import ActionPlan
from tests.audit_rows import new_audit_rows

pytestmark = pytest.mark.django_db


def test_an_empty_message_is_refused_by_the_service_in_danish(cast):
    with pytest.raises(services.MessageRefused) as refused:
        services.message_send(actor=cast.gert, plan=cast.plan_mia, text=" \n ")
    assert str(refused.value) == "Skriv beskeden, før du sender den."
    assert not Message.objects.exists()


def test_a_message_at_the_limit_is_sent_and_one_character_more_is_refused(cast):
    at_limit = "x" * MAX_MESSAGE_CHARS
    sent = services.message_send(actor=cast.gert, plan=cast.plan_mia, text=f"  {at_limit}  ")
    assert Message.objects.get(pk=sent.pk).text == at_limit  # the spaces around are dropped
    with pytest.raises(services.MessageRefused) as refused:
        services.message_send(actor=cast.gert, plan=cast.plan_mia, text=at_limit + "y")
    assert str(refused.value) == "Beskeden er for lang: højst 2000 tegn (den har 2001)."
    assert Message.objects.count() == 1


def test_a_sent_message_is_stored_read_by_its_writer_logged_and_handed_to_the_mailer(
    cast, django_capture_on_commit_callbacks
):
    with new_audit_rows() as rows, django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(
            actor=cast.gert, plan=cast.plan_mia, text=" Mia sov dårligt "
        )
    stored = Message.objects.get(pk=message.pk)
    assert (stored.municipality_id, stored.plan, stored.author, stored.text) == (
        cast.ishoj.pk, cast.plan_mia, cast.gert, "Mia sov dårligt"
    )  # fmt: skip
    read = MessageRead.objects.get(plan=cast.plan_mia, user=cast.gert)
    assert (read.read_until, read.municipality_id) == (stored.created_at, cast.ishoj.pk)
    assert selectors.unread_count(cast.gert) == 0 and selectors.unread_count(cast.bob) == 1
    [row] = rows
    assert (row.actor, row.action, row.object_type, row.object_id, row.child_id) == (
        cast.gert, AuditAction.CREATE, "message", str(stored.public_id), cast.mia.public_id
    )  # fmt: skip
    assert row.changes == {"plan": str(cast.plan_mia.public_id), "length": 15}
    [task] = [t for t in DBTaskResult.objects.all() if t.args_kwargs["args"] == [stored.pk]]
    assert task.task_path == "inklusio.family.tasks.message_notify"


def test_marking_as_read_moves_the_mark_to_now_and_is_logged_for_the_child(cast):
    # Gert has read another plan's thread too (a sibling's): only Mia's mark moves.
    other = ActionPlan.objects.create(
        municipality=cast.ishoj, child=cast.emil, institution=cast.elverhoej, owner=cast.carl,
        title="Emils handleplan", problem="Sprog", strategies="Billeder", duration="Et år",
    )  # fmt: skip
    long_ago = timezone.now() - datetime.timedelta(days=30)
    MessageRead.objects.create(
        municipality=cast.ishoj, plan=other, user=cast.gert, read_until=long_ago
    )
    services.message_send(actor=cast.gert, plan=cast.plan_mia, text="Hej")
    services.message_send(actor=cast.bob, plan=cast.plan_mia, text="Hej igen")
    assert selectors.unread_count(cast.gert) == 1
    before = timezone.now()
    with new_audit_rows() as rows:
        read = services.messages_mark_read(actor=cast.gert, plan=cast.plan_mia)
    assert selectors.unread_count(cast.gert) == 0
    assert MessageRead.objects.filter(plan=cast.plan_mia, user=cast.gert).count() == 1
    assert (read.user, read.plan, read.municipality_id) == (cast.gert, cast.plan_mia, cast.ishoj.pk)
    assert before <= read.read_until <= timezone.now()
    [row] = rows
    assert (row.actor, row.action, row.object_type, row.object_id, row.child_id) == (
        cast.gert, AuditAction.CHANGE, "messageread", str(cast.plan_mia.public_id),
        cast.mia.public_id,
    )  # fmt: skip
    assert row.changes == {"read_until": read.read_until.isoformat()}
    assert MessageRead.objects.get(plan=other, user=cast.gert).read_until == long_ago

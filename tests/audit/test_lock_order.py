"""A service that locks a user's row and then logs, beside a page that logs for the same user.

Every audit entry names its actor by a foreign key, so writing one takes PostgreSQL's KEY SHARE
lock on the actor's row, and it is written under the municipality's chain lock. A service that
locked the user's row FOR UPDATE (the second-factor step, a contract edit of a pedagogue) and
then waited for the chain lock deadlocked with any page of that user that held the chain lock:
PostgreSQL aborted one of them (a 500), as the load benchmark showed when several sign-ins of
one account ran at once. Services lock user rows FOR NO KEY UPDATE, which excludes other
services' locks but not the entries' key checks. PostgreSQL only: SQLite has no row locks."""

import threading
import time

import pytest
from django.db import connection

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.audit.services import audit_record
from inklusio.people import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_a_users_page_and_their_second_factor_step_at_once_both_finish(cast):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    page_pid: list[int] = []
    page_started = threading.Event()
    page_done = threading.Event()
    errors: list[Exception] = []

    def page():
        """Another tab of bob's: a page that logs what it showed."""
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                page_pid.append(cursor.fetchone()[0])
            page_started.wait(10)
            audit_record(actor=cast.bob, action=AuditAction.READ, obj=cast.mia, child=cast.mia)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            page_done.set()
            connection.close()

    def hold_after_locking_the_user(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "FOR" in sql and '"people_user"' in sql and not page_started.is_set():
            # The user's row is locked: let the page take the chain lock and write its entry,
            # then go on to the step's own entry (which needs the chain lock).
            page_started.set()
            deadline = time.monotonic() + 10
            while not page_done.is_set() and time.monotonic() < deadline:
                if page_pid and _waiting_for_a_lock(page_pid[0]):
                    break
                time.sleep(0.02)
        return result

    def step():
        try:
            with (
                connection.execute_wrapper(hold_after_locking_the_user),
                pytest.raises(services.SecondFactorRefused),
            ):
                services.second_factor_verify(actor=cast.bob, token="000000")
        except (
            BaseException
        ) as error:  # pytest.raises reports a missing refusal this way  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=page), threading.Thread(target=step)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    logged = AuditEntry.objects.filter(actor=cast.bob)
    assert logged.filter(action=AuditAction.READ, object_type="child").count() == 1
    assert logged.filter(action=AuditAction.LOGIN_FAILED).count() == 1

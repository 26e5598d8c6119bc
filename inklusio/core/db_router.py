"""A read replica for the statistics (`DATABASE_REPLICA_URL`, docs/deployment.md).

Statistics scan years of courses, sessions and decisions; on a replica they stop competing with
the everyday pages for the primary. Only reads made inside `statistics_reads()` go to the
replica — `reports.registry.build_table` opens it, so the statistics pages, downloads, the
workbook and the annual report all use it — and only for the domain's tables: the audit log
(whose chain head must be read where it is written), sessions, users and jobs are always read
from the primary. Everything else, and every write, goes to `default`. A replica may lag the
primary by seconds; statistics are about months and years.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections
from django.db.models import Model

REPLICA = "replica"
# Apps whose reads never go to the replica, statistics or not.
PRIMARY_ONLY = frozenset(
    {"audit", "auth", "contenttypes", "sessions", "people", "jobs", "django_tasks_database"}
)

_statistics = ContextVar("statistics_reads", default=False)


@contextmanager
def statistics_reads() -> Iterator[None]:
    """Reads of the domain's tables inside this block may come from the replica."""
    token = _statistics.set(True)
    try:
        yield
    finally:
        _statistics.reset(token)


class ReplicaRouter:
    """Installed (settings.DATABASE_ROUTERS) only when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if (
            _statistics.get()
            and model._meta.app_label not in PRIMARY_ONLY
            and REPLICA in connections.settings
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary; it is never migrated itself

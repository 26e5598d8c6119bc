"""pytest-django under mutmut, loaded only by `make mutate` (`-p tests.mutmut_django`).

mutmut runs pytest once per mutant, in a process forked from its own, inside `mutants/`. The
settings name the SQLite test database after the process that imported them, so every fork
would build (and delete) the same file; and building it by migrating takes most of a run.
Here each pytest session gets its own file, copied from a database `make mutate` migrated once
(MUTMUT_TEMPLATE_DB), which `--reuse-db` then keeps as it is; the copy goes when the session ends.

mutmut names a mutant's tests fastest first and stops at the first failure (`-x`), but
pytest-django reorders them by database use and puts the tests without a database last: a
mutant the pure rule-checker tests kill in milliseconds first sat through minutes of page
tests. The order is restored here, keeping pytest-django's grouping of the database tests
(plain before transactional); the tests without a database, which no other test can disturb,
go first.
"""

import os
import shutil
from pathlib import Path

import pytest

_copies: list[Path] = []


def pytest_sessionstart(session):
    from django.conf import settings
    from django.db import connections

    connections.close_all()  # a forked process must not share its parent's connection
    var = Path(settings.BASE_DIR) / "var"
    var.mkdir(exist_ok=True)
    template = os.environ.get("MUTMUT_TEMPLATE_DB", "")
    for connection in connections.all():
        if connection.vendor != "sqlite":
            continue
        name = var / f"test-mutant-{os.getpid()}-{connection.alias}.sqlite3"
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(name)
        if template and Path(template).exists():
            shutil.copyfile(template, name)
        _copies.append(name)


def pytest_sessionfinish(session, exitstatus):
    for name in _copies:
        name.unlink(missing_ok=True)


def _database_group(item: pytest.Item) -> int:
    """0: no database; 1: a database test rolled back; 2: a transactional one."""
    fixtures = getattr(item, "fixturenames", [])
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transactional = transactional or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
    if transactional:
        return 2
    return 1 if marker is not None or "db" in fixtures else 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    given = {name: index for index, name in enumerate(config.args)}
    items.sort(key=lambda item: (_database_group(item), given.get(item.nodeid, len(given))))

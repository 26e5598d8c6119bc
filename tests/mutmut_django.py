"""pytest-django under mutmut, loaded only by `make mutate` (`-p tests.mutmut_django`).

mutmut runs pytest once per mutant, in a process forked from its own, inside `mutants/`. The
settings name the SQLite test database after the process that imported them, so every fork
would build (and delete) the same file; and building it by migrating takes most of a run.
Here each pytest session gets its own file, copied from a database `make mutate` migrated once
(MUTMUT_TEMPLATE_DB), which `--reuse-db` then keeps as it is; the copy goes when the session ends.
"""

import os
import shutil
from pathlib import Path

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

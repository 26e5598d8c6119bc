"""The audit chain's writer lock under concurrent readers (issue 14).

    INKLUSIO_AUDIT_HASH_KEY=… .venv/bin/python bench/audit_lock.py [--database …] [--writers 20]
                                                                   [--entries 40]

Every page that shows a child appends a read entry to its municipality's chain under
`pg_advisory_xact_lock`. This starts `--writers` processes that each append `--entries` read
entries of a child, exactly as a page does (`audit_shown`), twice: all in one municipality's
chain (they queue for one lock) and each in a chain of its own (no two wait for each other).
The ratio of the two runs' throughput is what the lock costs; the second is the ceiling the
machine allows. Writes real entries (sealed with the configured key) to the database given.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/inklusio_scale"


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inklusio.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _writer(args: tuple[str, int, int, int, multiprocessing.Barrier]) -> list[float]:
    database, user_id, child_id, entries, barrier = args
    _setup(database)
    from inklusio.audit.services import audit_shown
    from inklusio.children.models import Child
    from inklusio.people.models import User

    user, child = User.objects.get(pk=user_id), Child.objects.get(pk=child_id)
    barrier.wait()
    times = []
    for _ in range(entries):
        started = time.perf_counter()
        audit_shown(actor=user, obj=child, children=[child])
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--entries", type=int, default=40)
    args = parser.parse_args()
    _setup(args.database)
    from django.db import connections
    from django.db.models import Count

    from inklusio.children.models import Child
    from inklusio.people.models import Role, User

    by_size = (
        Child.objects.values("municipality_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("municipality_id", flat=True)
    )
    municipalities = list(by_size[: args.writers])

    def pair(municipality_id: int) -> tuple[int, int]:
        user = User.objects.filter(municipality_id=municipality_id, role=Role.ADMINISTRATOR)
        child = Child.objects.filter(municipality_id=municipality_id).order_by("pk")
        return user.values_list("pk", flat=True)[0], child.values_list("pk", flat=True)[0]

    runs = {
        "one chain (all writers in one municipality)": [pair(municipalities[0])] * args.writers,
        "separate chains (a municipality each)": [pair(m) for m in municipalities],
    }
    connections.close_all()
    print(f"{args.writers} writers × {args.entries} read entries, load {os.getloadavg()[0]:.1f}")
    print(f"{'run':<46} {'entries/s':>9} {'p50 ms':>7} {'p95 ms':>7}")
    context = multiprocessing.get_context("fork")
    for name, pairs in runs.items():
        barrier = context.Manager().Barrier(args.writers)
        with context.Pool(args.writers) as pool:
            started = time.perf_counter()
            results = pool.map(
                _writer, [(args.database, u, c, args.entries, barrier) for u, c in pairs]
            )
            elapsed = time.perf_counter() - started
        times = sorted(t for result in results for t in result)
        p95 = times[int(len(times) * 0.95)]
        print(
            f"{name:<46} {len(times) / elapsed:>9.0f} {statistics.median(times) * 1000:>7.1f}"
            f" {p95 * 1000:>7.1f}"
        )


if __name__ == "__main__":
    main()

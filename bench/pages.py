"""Per-page cost on the national dataset, in-process (issue 14): per request as each role's user
sees the page, without a server or concurrency in the way.

    INKLUSIO_AUDIT_HASH_KEY=… .venv/bin/python bench/pages.py [--database postgres://…]
        [--repeat 5] [--plan /tmp/plan.json] [--only "pedagogue: start page"] [--slowest 5]
        [--profile 25] [--gc-threshold 50000,20,10] [--mix-profile 60]

(The key `generate_scale` sealed the log with: the pages append read entries to it.)

Uses `bench/load.py`'s choice of municipality, users and objects (`--plan` keeps them in a file
for the next run) and the Django test client with debug off. Prints per page: the number of
queries, the median wall time and time in `cursor.execute`, the median CPU time of this process
and the mean CPU time of its PostgreSQL backend (read from /proc: the server must run on this
machine; 10 ms ticks, hence the mean) and the Python function calls of one request (cProfile's
count: the same for the same code and data however busy the machine is). CPU times are what to
compare on a machine shared with other work: wall times there stretch with the load; the calls
column does not move with it at all. `--slowest N` prints each page's N slowest
queries, `--profile N` its N costliest functions (cProfile, cumulative; PROFILE_SORT=tottime
sorts otherwise, PROFILE_DUMP=/tmp/prof/p keeps each profile as a pstats file); `--mix-profile N`
profiles the load mix as a whole instead (each page as often as `load.py` opens it). Asserts nothing;
writes read entries to the audit log like the pages do. The last line: how often and how long the cyclic
garbage collector ran; `--gc-threshold` sets it up as `deploy/gunicorn.conf.py` does.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    import load

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=load.DEFAULT_DATABASE)
    parser.add_argument("--municipality", default=None, help="slug; default: the largest")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="pages whose 'role: page' contains this")
    parser.add_argument("--plan", default="", help="a file to keep the users and objects in")
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries")
    parser.add_argument("--width", type=int, default=300, help="characters of each query shown")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument(
        "--mix-profile",
        type=int,
        default=0,
        help="instead of the table: profile the load mix (each page as often as load.py opens"
        " it) and print its N costliest functions",
    )
    parser.add_argument(
        "--gc-threshold",
        default="",
        help="as the gunicorn workers do: freeze what set-up left, then this threshold (e.g."
        " 50000,20,10; 700,10,10 is Python's default)",
    )
    args = parser.parse_args()

    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    cache = Path(args.plan) if args.plan else None
    if cache and cache.exists():
        plan = json.loads(cache.read_text())
        _setup(args.database)
    else:
        plan = load.discover(args.database, args.municipality)
        if cache:
            cache.write_text(json.dumps(plan))

    collector = _CollectorTime()
    if args.gc_threshold:
        gc.collect()
        gc.freeze()
        gc.set_threshold(*(int(part) for part in args.gc_threshold.split(",")))
    gc.callbacks.append(collector)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first_of_role = {account["role"]: account for account in reversed(plan["users"])}
    print(f"municipality {plan['municipality']}: {plan['dataset']}")
    if args.mix_profile:
        _profile_mix(first_of_role, args.mix_profile)
        return
    print(
        f"{'page':<42} {'queries':>7} {'wall ms':>8} {'sql ms':>7} {'cpu ms':>9} {'db cpu ms':>9}"
        f" {'calls':>8}"
    )
    requests = 0
    for role, account in first_of_role.items():
        client = _signed_in(account)
        for name, urls, _weight in account["pages"]:
            label = f"{role}: {name}"
            if args.only and args.only not in label:
                continue
            walls, sqls, counts, cpus, db_cpus = [], [], [], [], []
            for index in range(args.repeat):
                url = urls[index % len(urls)]
                sql_time = _timed_sql(connection)
                with CaptureQueriesContext(connection) as queries, sql_time:
                    db_cpu = _backend_cpu(connection)
                    started, cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    walls.append(time.perf_counter() - started)
                    cpus.append(time.process_time() - cpu)
                db_cpus.append(_backend_cpu(connection) - db_cpu)
                if response.status_code != 200:
                    print(f"{label}: {url} answered {response.status_code}")
                sqls.append(sql_time.seconds)
                counts.append(len(queries))
            wall, sql = statistics.median(walls) * 1000, statistics.median(sqls) * 1000
            print(
                f"{label:<42} {statistics.median(counts):>7.0f} {wall:>8.1f} {sql:>7.1f}"
                f" {statistics.median(cpus) * 1000:>9.1f} {statistics.mean(db_cpus) * 1000:>9.1f}"
                f" {_calls(client, urls[0]):>8}"
            )
            for spent, sql in sorted(sql_time.queries, reverse=True)[: args.slowest]:
                print(f"    {spent * 1000:7.1f} ms  {sql[: args.width]}")
            if args.profile:
                _profile(client, urls[0], args.profile)
            requests += args.repeat + 1 + bool(args.profile)
    print(
        f"cyclic collector {gc.get_threshold()}: {requests} requests, {collector.runs} collections"
        f" (generations 0/1/2: {'/'.join(map(str, collector.by_generation))}),"
        f" {collector.seconds * 1000:.0f} ms in all (wall, profiled requests included)"
    )


def _signed_in(account: dict[str, Any]) -> Any:
    """A test client signed in as the account, its second factor done (generate_scale gives
    staff one), as after its step."""
    from django.test import Client

    from inklusio.people import twofactor
    from inklusio.people.models import User

    client = Client()
    user = User.objects.get(username=account["username"])
    client.force_login(user)
    session = client.session
    session[twofactor.STATE_KEY] = f"{twofactor.OK}:{user.pk}"
    session.save()
    return client


def _profile_mix(first_of_role: dict[str, dict[str, Any]], top: int) -> None:
    """The load mix under one profiler: per role, each page as often as `load.py`'s users of
    that role open it in a round of 12 (ROLE_WEIGHTS users, each page by its weight), every page
    asked for once before, unprofiled. Shares are of the profiled time, waits for the database
    included."""
    import load

    clients = {role: _signed_in(account) for role, account in first_of_role.items()}
    rounds: list[tuple[Any, str]] = []
    for role, account in first_of_role.items():
        total = sum(weight for _name, _urls, weight in account["pages"])
        for _name, urls, weight in account["pages"]:
            clients[role].get(urls[0])
            times = max(1, round(load.ROLE_WEIGHTS[role] * weight / total * 12))
            rounds += [(clients[role], urls[index % len(urls)]) for index in range(times)]
    profiler = cProfile.Profile()
    for client, url in rounds:
        profiler.enable()
        client.get(url)
        profiler.disable()
    if dump := os.environ.get("PROFILE_DUMP"):
        profiler.dump_stats(f"{dump}-mix.prof")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    print(f"the mix: {len(rounds)} requests, {stats.total_tt:.2f} s profiled")  # type: ignore[attr-defined]
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(top)
    print(out.getvalue())


def _backend_cpu(connection: Any) -> float:
    """CPU seconds the PostgreSQL backend of this connection has used (same machine, Linux):
    the database's share of a request, unlike its wall time not stretched by other work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inklusio.settings")
    import django

    django.setup()


class _CollectorTime:
    """Time the cyclic garbage collector runs while the pages are asked for (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.by_generation = [0, 0, 0]
        self._started = 0.0

    @property
    def runs(self) -> int:
        return sum(self.by_generation)

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.by_generation[info["generation"]] += 1


class _timed_sql:
    """Time spent in `cursor.execute` (the database and the driver), summed over a request."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.seconds = 0.0
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.seconds += spent
            self.queries.append((spent, sql))

    def __enter__(self) -> _timed_sql:
        self._wrapper = self.connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)


def _calls(client: Any, url: str) -> int:
    """Python function calls of one request: a measure of its CPU cost that the machine's load
    does not change (cProfile counts every call, primitive or recursive)."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    return sum(calls for calls, *_ in pstats.Stats(profiler).stats.values())  # type: ignore[attr-defined]


def _profile(client: Any, url: str, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    if dump := os.environ.get("PROFILE_DUMP"):
        profiler.dump_stats(f"{dump}-{time.monotonic_ns()}.prof")  # for pstats / snakeviz
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(
        os.environ.get("PROFILE_SORT", "cumulative")
    ).print_stats(top)
    print(out.getvalue())


if __name__ == "__main__":
    main()

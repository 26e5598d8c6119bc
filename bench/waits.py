"""What the machine and the database do during a load level (issue 14): `bench/load.py --sample`
starts it when a level's clock starts; it can also be run by hand beside any load.

    .venv/bin/python bench/waits.py --seconds 60 [--database postgres://…/inklusio_scale]
        [--server-pid PID] [--load-pid PID]

Prints two things, measured over the same seconds:
1. What the database's busy connections were doing, sampled every 0.1 s from
   `pg_stat_activity`: running (on the CPU or ready for it), or waiting, and for what — an
   `advisory` lock is the audit log's chain lock (`inklusio/audit/services.py`), `WALSync` a
   commit's flush, `ClientRead` a connection idle in a transaction waiting for the application.
   The figure is the mean number of connections in that state, so 0.5 means one connection half
   of the time.
2. CPU seconds by process group, read from /proc at the start and the end: the application
   server (`--server-pid` and its children), PostgreSQL (every `postgres` process), the load
   tool (`--load-pid`) and everything else — which shows a machine shared with other work.

Asserts nothing; reads only the statistics views and /proc.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from pathlib import Path

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/inklusio_scale"
INTERVAL = 0.1


def _processes() -> dict[int, tuple[int, str, float]]:
    """Every process: its parent, its executable's name and the CPU seconds it has used, with
    those of its children that ended (a recycled server worker's go to the server's, a closed
    connection's backend to PostgreSQL's postmaster)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The executable's name: PostgreSQL's processes retitle their command lines.
            command = (entry / "comm").read_text().strip()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = sum(int(value) for value in fields[11:15])
        found[int(entry.name)] = (int(fields[1]), command, used / tick)
    return found


def _cpu_by_group(server_pid: int, load_pid: int) -> Counter[str]:
    processes = _processes()
    cpu: Counter[str] = Counter()
    for pid, (parent, command, seconds) in processes.items():
        if server_pid and server_pid in (pid, parent):
            group = "application server"
        elif command == "postgres":
            group = "PostgreSQL"
        elif load_pid and pid == load_pid:
            group = "load tool"
        else:
            group = "everything else"
        cpu[group] += seconds
    return cpu


def sample(database: str, seconds: float, server_pid: int, load_pid: int) -> str:
    import psycopg

    name = database.rsplit("/", 1)[1].split("?", 1)[0]
    states: Counter[str] = Counter()
    samples = 0
    with psycopg.connect(database, autocommit=True) as connection:
        cpu_before = _cpu_by_group(server_pid, load_pid)
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            rows = connection.execute(
                "SELECT state, wait_event_type, wait_event FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()"
                " AND state IN ('active', 'idle in transaction')",
                [name],
            ).fetchall()
            samples += 1
            for state, wait_type, wait_event in rows:
                if state == "idle in transaction":
                    states["idle in a transaction (waiting for the application)"] += 1
                elif wait_type is None:
                    states["running (on the CPU or ready for it)"] += 1
                else:
                    states[f"waiting: {wait_type} {wait_event}"] += 1
            time.sleep(INTERVAL)
        elapsed = time.monotonic() - started
        cpu_after = _cpu_by_group(server_pid, load_pid)
    lines = [f"  the database's busy connections, mean over {samples} samples in {elapsed:.0f} s:"]
    for state, count in states.most_common():
        lines.append(f"    {count / samples:6.2f}  {state}")
    available = elapsed * (os.cpu_count() or 1)
    lines.append(
        f"  CPU seconds by process group ({available:.0f} available on {os.cpu_count()} cores):"
    )
    for group in ("application server", "PostgreSQL", "load tool", "everything else"):
        used = cpu_after[group] - cpu_before[group]
        lines.append(f"    {used:7.1f}  {group} ({used / available:.0%})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--server-pid", type=int, default=0)
    parser.add_argument("--load-pid", type=int, default=0)
    args = parser.parse_args()
    print(sample(args.database, args.seconds, args.server_pid, args.load_pid))


if __name__ == "__main__":
    main()

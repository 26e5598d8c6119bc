"""EXPLAIN ANALYZE of the access log's queries before and after the indexes of issue 14.

Creates a scratch PostgreSQL database, migrates it, fills it with 200,000 audit entries over
ten municipalities (40 % in municipality 1, the one read) and 260,000 child links (each read
names its child, each search five), then prints the plan and timings of: the log's paging
count, its first page, the same two filtered by a child's name, and `changes_since` (edit
conflicts) — once with the audit migrations up to 0004 (before) and once with 0005 (after).
Prints figures; asserts nothing about time. The database is dropped at the end.

    .venv/bin/python bench/audit_indexes.py [--database postgres://postgres@127.0.0.1:5432/inklusio_queries_scratch]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FILL = """
INSERT INTO audit_auditentry (municipality_id, at, actor_id, actor_name, action, object_type,
  object_id, object_label, child_id, child_name, ip_address, search_term, changes, prev_hash,
  entry_hash)
SELECT CASE WHEN g % 5 < 2 THEN 1 ELSE 2 + g % 9 END,
       now() - (g % 730) * interval '1 day' - (g % 86400) * interval '1 second',
       NULL, 'Bruger ' || (g % 300),
       (ARRAY['read','read','read','search','search','change','change','create','login',
              'export'])[1 + g % 10],
       (ARRAY['child','actionplan','course','referral','decision','consultativemeeting',
              'planmeeting','session','user','weeklyplan','agendaitem','contract'])[1 + (g / 10) % 12],
       md5((g % 20000)::text)::uuid::text, 'Objekt ' || (g % 20000),
       CASE WHEN g % 10 < 3 THEN md5('c' || (g % 2000))::uuid END,
       CASE WHEN g % 10 < 3 THEN 'Barn' || (g % 2000) || ' Testesen' ELSE '' END,
       NULL, '',
       CASE WHEN g % 10 IN (5, 6) THEN jsonb_build_object(
         'version', jsonb_build_object('before', g % 7, 'after', g % 7 + 1),
         'title', jsonb_build_object('before', 'a', 'after', 'b')) ELSE '{}'::jsonb END,
       '', md5(g::text) || md5(g::text)
FROM generate_series(1, 200000) g;
INSERT INTO audit_auditentrychild (entry_id, child_id, child_name)
SELECT id, child_id, child_name FROM audit_auditentry WHERE child_id IS NOT NULL;
INSERT INTO audit_auditentrychild (entry_id, child_id, child_name)
SELECT e.id, md5('c' || ((e.id * 7 + k) % 2000))::uuid,
       'Barn' || ((e.id * 7 + k) % 2000) || ' Testesen'
FROM audit_auditentry e, generate_series(0, 4) k WHERE e.action = 'search';
"""
RUNS = 20


def _psql(url: str, database: str, sql: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname=database,
        autocommit=True,
    ) as connection:
        connection.execute(sql)


def _manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(  # noqa: S603 - this interpreter and manage.py, arguments from this file
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def measure(label: str) -> None:
    from django.db import connection

    from inklusio.audit.models import AuditAction, AuditEntry
    from inklusio.audit.selectors import audit_entries_for
    from inklusio.people.models import User

    def show(name: str, sql: str, params) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditentrychild")
            cursor.execute("EXPLAIN (ANALYZE) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"## {label}: {name}: best {times[0]:.1f} ms, median {times[RUNS // 2]:.1f} ms")
        for line in plan:
            if re.search(r"Scan|Join|Sort |Execution Time", line):
                print("    " + line.strip()[:150])

    user = User(municipality_id=1)
    for name, entries in (
        ("the log", audit_entries_for(user)),
        ("the log by child 'barn1230'", audit_entries_for(user, child="barn1230")),
    ):
        sql, params = entries.order_by().values("pk").query.sql_with_params()
        count = f"SELECT COUNT(*) FROM ({sql}) t"  # noqa: S608 - SQL built by Django
        show(f"{name}, paging count", count, params)
        sql, params = entries.values("pk", "at")[:50].query.sql_with_params()
        show(f"{name}, first page", sql, params)
    target = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_type="actionplan").first()
    assert target is not None
    since = AuditEntry.objects.filter(
        object_type=target.object_type, object_id=target.object_id, action=AuditAction.CHANGE
    ).order_by("at", "id")
    sql, params = since.query.sql_with_params()
    show("changes_since", sql, params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/inklusio_queries_scratch"
    )
    url = parser.parse_args().database
    name = url.rsplit("/", 1)[1]
    _psql(url, "postgres", f'DROP DATABASE IF EXISTS "{name}"')
    _psql(url, "postgres", f'CREATE DATABASE "{name}"')
    try:
        _manage(url, "migrate", "-v0")
        _manage(url, "migrate", "audit", "0004", "-v0")
        _psql(url, name, FILL)
        _psql(url, name, "VACUUM ANALYZE audit_auditentry")
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inklusio.settings")
        import django

        django.setup()
        measure("before (audit 0004)")
        from django.db import connection

        connection.close()
        _manage(url, "migrate", "audit", "-v0")
        measure("after (audit 0005)")
        connection.close()
    finally:
        _psql(url, "postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()

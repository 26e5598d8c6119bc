"""Importing 20,000 children (issue 17): the dry run, the real run and a re-run of the same file.

Generates a CSV of 20,000 children with one guardian each in ten institutions, migrates a
scratch database, and times `import_check`, `import_execute` and the re-run (all rows
unchanged) through the same services the worker runs. Prints figures; asserts nothing about time.

    .venv/bin/python bench/import_20000.py [--rows 20000] [--history] [--database postgres://postgres@127.0.0.1:5432/inklusio_import_bench]

With --history it then imports one historic decision per child (docs/import.md) the same way.

Without --database it uses a scratch SQLite file (deleted at the end); a PostgreSQL database
named in --database is dropped and created again.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

INSTITUTIONS = ["Bøgely", "Elverhøj", "Femkanten", "Firkløveren", "Piletræet"]
INSTITUTIONS += ["Regnbuen", "Troldebo", "Trækronerne", "Tvillingehuset", "Ørnebo"]


def prepare(url: str | None, scratch: Path) -> str:
    if url is None:
        url = f"sqlite:///{scratch / 'import-bench.sqlite3'}"
    else:
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        admin = f"host={config['HOST']} port={config['PORT']} user={config['USER']} dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inklusio.settings")
    os.environ.setdefault("INKLUSIO_PRIVATE_ROOT", str(scratch / "private"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def children_csv(rows: int, today: datetime.date) -> bytes:
    from inklusio.imports.parsers import CHILD_COLUMNS

    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in CHILD_COLUMNS[:12]])
    # Birth dates over the last six years, 10 serial numbers per day: 21,900 distinct numbers.
    for index in range(rows):
        born = today - datetime.timedelta(days=1 + index // 10)
        cpr = f"{born:%d%m%y}-4{index % 10:03d}"
        institution = INSTITUTIONS[index % len(INSTITUTIONS)]
        child = [cpr, f"Barn{index}", "Bench", institution, "", "dansk", "", ""]
        writer.writerow([*child, f"Forælder {index}", "mor", f"f{index}@example.dk", "12345678"])
    return output.getvalue().encode("utf-8-sig")


def decisions_csv(rows: int, today: datetime.date) -> bytes:
    """One historic decision per child of `children_csv`: a support pedagogue granted, refused
    or offered something else, decided over the last three visitation periods."""
    from inklusio.imports.parsers import DECISION_COLUMNS

    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    keys = ["cpr", "offer", "outcome", "decided_on", "legal_basis", "start", "alternative"]
    headers = {column.key: column.header for column in DECISION_COLUMNS}
    writer.writerow([headers[key] for key in keys])
    outcomes = ["Bevilget", "Afslag", "Andet tilbud"]
    for index in range(rows):
        born = today - datetime.timedelta(days=1 + index // 10)
        decided = max(born, today - datetime.timedelta(days=30 + index % 1000))
        outcome = outcomes[index % 3]
        granted = outcome == "Bevilget"
        start = f"{decided:%d-%m-%Y}" if granted else ""
        cpr = f"{born:%d%m%y}-4{index % 10:03d}"
        row = [cpr, "Støttepædagog", outcome, f"{decided:%d-%m-%Y}", "Dagtilbudslovens § 4"]
        alternative = "Ressourceforløb" if outcome == "Andet tilbud" else ""
        writer.writerow([*row, start, alternative])
    return output.getvalue().encode("utf-8-sig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database", help="a PostgreSQL URL; default: a scratch SQLite file")
    parser.add_argument(
        "--history", action="store_true", help="then one historic decision per child as well"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = prepare(args.database, Path(folder))
        from django.utils import timezone

        from inklusio.imports import services
        from inklusio.organisation.models import Institution, Municipality
        from inklusio.people.models import Role, User

        place = Municipality.objects.create(name="Benchkommune", slug="bench")
        for name in INSTITUTIONS:
            Institution.objects.create(municipality=place, name=name, kind="integrated", size=2000)
        admin = User.objects.create_user(
            username="bench-admin", municipality=place, role=Role.ADMINISTRATOR
        )
        data = children_csv(args.rows, timezone.localdate())
        print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB CSV, database {url.split(':')[0]}")
        files = [("children", "first import", data), ("children", "same file again", data)]
        if args.history:
            from inklusio.referrals.models import LegalBasis

            LegalBasis.objects.create(municipality=place, title="Dagtilbudslovens § 4", text="…")
            history = decisions_csv(args.rows, timezone.localdate())
            files += [
                ("decisions", "decisions", history),
                ("decisions", "decisions again", history),
            ]
        figures = []
        for kind, label, data in files:
            run = services.import_upload(actor=admin, kind=kind, file_name=f"{kind}.csv", data=data)
            start = time.perf_counter()
            run = services.import_check(actor=admin, run=run)
            checked = time.perf_counter()
            if run.refused:
                refused = [row for row in run.rows if row["action"] == "refused"][:3]
                raise SystemExit(f"{label}: {run.refused} rows refused, e.g. {refused}")
            run = services.import_execute(actor=admin, run=run)
            done = time.perf_counter()
            counts = {action: run.count(action) for action in ("create", "update", "unchanged")}
            figures.append((label, checked - start, done - checked, run.status, counts))
        for label, dry, real, status, counts in figures:
            print(f"{label}: dry run {dry:.1f} s, real run {real:.1f} s, {status}, {counts}")


if __name__ == "__main__":
    main()

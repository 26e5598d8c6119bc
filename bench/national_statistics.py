"""Benchmark of the statistics at national scale: 98 municipalities, ~25 000 children with
cases, ~100 000 resource courses. Times every table and the annual report for the largest and
the smallest municipality, and counts their queries (which must not grow with the rows).

Prints figures; asserts nothing about time. Needs PostgreSQL:
    .venv/bin/python bench/national_statistics.py [--scale 0.1] [--database postgres://postgres@127.0.0.1:5432/inklusio_bench]
The database is dropped and created again.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MUNICIPALITIES = 98
CHILDREN_WITH_CASES = 25_000
COURSES = 100_000
YEARS = range(2014, 2026)
BATCH = 5000


def prepare_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inklusio.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(scale: float, rng: random.Random) -> None:
    from inklusio.children.models import Child, DifficultyCategory
    from inklusio.courses.models import Course, EffectMeasure, Participant, Session
    from inklusio.organisation.models import Institution, Municipality
    from inklusio.people.models import Role, User
    from inklusio.referrals.models import Decision, LegalBasis, Offer, Referral, VisitationPeriod

    categories = DifficultyCategory.values
    per_municipality_children = int(CHILDREN_WITH_CASES * scale / MUNICIPALITIES)
    per_municipality_courses = int(COURSES * scale / MUNICIPALITIES)
    # Sizes vary like Danish municipalities: a few large, many small (weights average 1).
    raw = [0.3 + 2.4 * (m / MUNICIPALITIES) ** 3 for m in range(MUNICIPALITIES)]
    weights = [w * MUNICIPALITIES / sum(raw) for w in raw]
    for m in range(MUNICIPALITIES):
        weight = weights[m]
        municipality = Municipality.objects.create(name=f"Kommune {m}", slug=f"k{m}")
        admin = User.objects.create(
            username=f"admin{m}", municipality=municipality, role=Role.ADMINISTRATOR, first_name="A"
        )
        pedagogue = User.objects.create(
            username=f"ped{m}", municipality=municipality, role=Role.PEDAGOGUE, first_name="P"
        )
        institutions = Institution.objects.bulk_create(
            Institution(
                municipality=municipality,
                name=f"Inst {m}-{i}",
                kind="integrated",
                size=rng.randrange(30, 160),
            )
            for i in range(max(3, int(12 * weight)))
        )
        basis = LegalBasis.objects.create(
            municipality=municipality, title="Dagtilbudslovens § 4", text="-"
        )
        periods = {
            year: VisitationPeriod.objects.create(
                municipality=municipality,
                start=datetime.date(year, 4, 1),
                end=datetime.date(year + 1, 3, 31),
                support_places=10_000,
            )
            for year in YEARS
        }
        n_children = int(per_municipality_children * weight)
        children = Child.objects.bulk_create(
            Child(
                municipality=municipality,
                cpr=f"{1 + i % 28:02d}0{1 + i % 9}{16 + i % 8:02d}{i:04d}"[-10:],
                first_name="B",
                last_name=str(i),
                birth_date=datetime.date(2016 + i % 8, 1 + i % 9, 1 + i % 28),
                institution=rng.choice(institutions),
                category=rng.choice(categories),
            )
            for i in range(n_children)
        )
        referrals, decisions = [], []
        for child in children[: n_children // 3]:
            year = rng.choice(YEARS)
            submitted = datetime.datetime(year, 5, 1, tzinfo=datetime.UTC)
            referrals.append(
                Referral(
                    municipality=municipality,
                    child=child,
                    offer=Offer.SUPPORT_PEDAGOGUE,
                    category=child.category,
                    description="-",
                    status="decided",
                    referred_by=admin,
                    submitted_at=submitted,
                )
            )
            granted = rng.random() < 0.6
            decisions.append(
                Decision(
                    municipality=municipality,
                    child=child,
                    outcome="granted" if granted else "refused",
                    offer=Offer.SUPPORT_PEDAGOGUE,
                    category=child.category,
                    reasons="-",
                    legal_basis=basis,
                    start=datetime.date(year, 5, 15) if granted else None,
                    end=datetime.date(year + 1, 5, 14) if granted else None,
                    period=periods[year] if granted else None,
                    decided_by=admin,
                    contact_person=admin,
                    decided_on=datetime.date(year, 5, 10),
                    reassessment_due=datetime.date(year + 1, 4, 14) if granted else None,
                )
            )
        Referral.objects.bulk_create(referrals, batch_size=BATCH)
        Decision.objects.bulk_create(decisions, batch_size=BATCH)
        n_courses = int(per_municipality_courses * weight)
        kinds = ["group"] * 5 + ["individual"] * 4 + ["reflection", "action_learning"]
        courses = []
        for _ in range(n_courses):
            start = datetime.date(rng.choice(YEARS), rng.randrange(1, 13), rng.randrange(1, 28))
            courses.append(
                Course(
                    municipality=municipality,
                    institution=rng.choice(institutions),
                    kind=rng.choice(kinds),
                    title="-",
                    goals="-",
                    start=start,
                    planned_end=start + datetime.timedelta(days=182),
                    closed_on=start + datetime.timedelta(days=rng.randrange(90, 240)),
                    pedagogue=pedagogue,
                    created_by=pedagogue,
                )
            )
        Course.objects.bulk_create(courses, batch_size=BATCH)
        participants, sessions = [], []
        for course in courses:
            if course.kind == "group":
                picked = rng.sample(children, min(len(children), 6)) if children else []
                roles = ["case"] * 4 + ["role_model"] * 2
            elif course.kind == "individual":
                picked, roles = ([rng.choice(children)] if children else []), ["case"]
            else:
                picked, roles = [], []
            participants += [
                Participant(municipality=municipality, course=course, child=child, role=role)
                for child, role in zip(picked, roles, strict=False)
            ]
            for week in range(4):
                cancelled = rng.random() < 0.12
                sessions.append(
                    Session(
                        municipality=municipality,
                        course=course,
                        date=course.start + datetime.timedelta(weeks=week),
                        status="cancelled" if cancelled else "held",
                        cause=rng.choice(["called_to_centre", "illness", "institution", "other"])
                        if cancelled
                        else "",
                    )
                )
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        Session.objects.bulk_create(sessions, batch_size=BATCH)
        measures = []
        for participant in participants:
            if participant.role != "case":
                continue
            for phase, lift in (("start", 0), ("end", 1)):
                scores = {d: min(5, rng.randrange(1, 5) + lift) for d in EffectMeasure.DIMENSIONS}
                measures.append(
                    EffectMeasure(
                        municipality=municipality,
                        participant=participant,
                        phase=phase,
                        assessed_by=pedagogue,
                        **scores,
                    )
                )
        EffectMeasure.objects.bulk_create(measures, batch_size=BATCH)
        if m % 10 == 0:
            print(f"  municipality {m + 1}/{MUNICIPALITIES} generated", flush=True)


def measure() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inklusio.courses.models import Course, Participant
    from inklusio.organisation.models import Municipality
    from inklusio.referrals.models import Referral
    from inklusio.reports.registry import TABLES, build_table
    from inklusio.reports.report import annual_report_pdf

    print(
        f"\nRows: {Course.objects.count()} courses, {Participant.objects.count()} participations, "
        f"{Referral.objects.count()} referrals, children with cases: "
        f"{Participant.objects.filter(role='case').values('child').distinct().count()}\n"
    )
    by_size = sorted(
        Municipality.objects.all(), key=lambda m: Course.objects.filter(municipality=m).count()
    )
    smallest, largest = by_size[0], by_size[-1]
    print(f"{'table':>20} | {'large s':>8} | {'queries':>7} | {'small s':>8} | {'queries':>7}")
    for name in sorted(TABLES):
        figures = []
        for municipality in (largest, smallest):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                build_table(name, municipality)
                elapsed = time.perf_counter() - started
            figures += [f"{elapsed:.3f}", str(len(queries))]
        print(f"{name:>20} | {figures[0]:>8} | {figures[1]:>7} | {figures[2]:>8} | {figures[3]:>7}")
    started = time.perf_counter()
    annual_report_pdf(smallest, 2023)
    print(
        f"first annual report of the process (loads fonts): {time.perf_counter() - started:.2f} s"
    )
    for municipality, label in ((largest, "large"), (smallest, "small")):
        started = time.perf_counter()
        annual_report_pdf(municipality, 2024)
        print(f"annual report ({label}): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    for municipality in by_size:
        build_table("courses-by-type", municipality)
    print(
        f"courses-by-type for all {len(by_size)} municipalities: {time.perf_counter() - started:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/inklusio_bench")
    parser.add_argument(
        "--measure-only", action="store_true", help="reuse the data of the last run"
    )
    args = parser.parse_args()
    if args.measure_only:
        os.environ["DATABASE_URL"] = args.database
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inklusio.settings")
        import django

        django.setup()
    else:
        prepare_database(args.database)
        started = time.perf_counter()
        generate(args.scale, random.Random(2017))
        print(f"generated in {time.perf_counter() - started:.0f} s")
    measure()


if __name__ == "__main__":
    main()

"""Statistics read from the replica when DATABASE_REPLICA_URL names one (issue 14): a second
real database on the same PostgreSQL server, copied from the test database and then made to
differ, so the statistics page shows which one it read."""

import csv
import datetime
import io

import psycopg
import pytest
from django.db import connection, connections
from django.urls import reverse

from inklusio.audit.models import AuditEntry
from inklusio.core.db_router import REPLICA, ReplicaRouter, statistics_reads
from inklusio.courses.models import Course
from inklusio.organisation.models import Institution

ROUTER = "inklusio.core.db_router.ReplicaRouter"


def _admin_connection() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], dbname="postgres", autocommit=True
    )


@pytest.fixture
def replica(transactional_db, cast):
    """A copy of the test database (cast included), registered as the `replica` alias."""
    if connection.vendor != "postgresql":
        pytest.skip("the replica test needs a second PostgreSQL database (SQLite has no server)")
    primary = connection.settings_dict["NAME"]
    name = f"{primary}_replica"
    connections.close_all()  # a template database must have no other sessions
    with _admin_connection() as admin:
        # Nor may another thread of this test process hold one (a live server's, a concurrency
        # test's): closing is per thread, so those are ended here (Django reconnects them).
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [primary],
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary}"')
    connections.settings[REPLICA] = {**connections.settings["default"], "NAME": name}
    # Connected here: the test case only lets in connections that are already open.
    connections[REPLICA].connect()
    try:
        yield name
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _courses_by_year(client) -> dict[str, list[str]]:
    answer = client.get(reverse("statistics-download", args=["courses-by-type", "csv"]))
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    return {row[0]: row[1:] for row in rows[1:] if row and row[0].isdigit()}


def test_the_statistics_page_reads_the_replica_and_everything_else_the_primary(
    cast, replica, client, settings
):
    # The replica holds courses the primary has not got: five group courses in 2019.
    start = datetime.date(2019, 3, 4)
    Course.objects.using(REPLICA).bulk_create(
        Course(
            municipality_id=cast.ishoj.pk,
            institution_id=cast.boegely.pk,
            kind=Course.Kind.GROUP,
            title=f"Kun på replikaen {n}",
            goals="-",
            start=start,
            planned_end=start + datetime.timedelta(days=180),
            pedagogue_id=cast.bob.pk,
            created_by_id=cast.bob.pk,
        )
        for n in range(5)
    )
    client.force_login(cast.alice)

    settings.DATABASE_ROUTERS = []
    from_primary = _courses_by_year(client)
    assert "2019" not in from_primary

    settings.DATABASE_ROUTERS = [ROUTER]
    from_replica = _courses_by_year(client)
    assert from_replica["2019"][0] == "5"  # group courses
    assert from_replica["2019"][-1] == "5"  # in all
    # The years both hold read the same.
    assert {year: row for year, row in from_replica.items() if year != "2019"} == from_primary

    # Other reads stay on the primary, and so does the page itself: it shows the replica's year.
    assert not Course.objects.filter(title__startswith="Kun på replikaen").exists()
    page = client.get(reverse("statistics-table", args=["courses-by-type"]))
    assert page.status_code == 200
    assert "2019" in page.content.decode()


def test_the_router_sends_only_statistics_reads_of_the_domain_to_the_replica():
    router = ReplicaRouter()
    connections.settings[REPLICA] = {**connections.settings["default"]}
    try:
        assert router.db_for_read(Course) is None  # the default database
        with statistics_reads():
            assert router.db_for_read(Course) == REPLICA
            assert router.db_for_read(Institution) == REPLICA
            assert router.db_for_read(AuditEntry) is None  # the chain head is read where written
        assert router.db_for_write(Course) == "default"
        assert router.allow_migrate(REPLICA, "courses") is False
        assert router.allow_migrate("default", "courses") is True
    finally:
        del connections.settings[REPLICA]
    with statistics_reads():
        assert router.db_for_read(Course) is None  # no replica configured: the primary

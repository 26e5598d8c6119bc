"""`id__one_of=ids` finds the same rows as `id__in=ids`; on PostgreSQL as one array parameter
(`= ANY(%s)`), the same short query however many ids."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inklusio.children.models import Child

pytestmark = pytest.mark.django_db


def test_the_same_children_as_in(cast):
    every = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    for ids in (every, every[:1], every[1:3], [every[0], None], [max(every) + 1000]):
        chosen = Child.objects.filter(pk__one_of=ids).order_by("pk")
        assert list(chosen) == list(Child.objects.filter(pk__in=ids).order_by("pk"))


def test_no_ids_no_rows_and_no_query(cast):
    with CaptureQueriesContext(connection) as queries:
        assert list(Child.objects.filter(pk__one_of=set())) == []
    assert queries.captured_queries == []


def test_one_parameter_on_postgresql(cast):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite gets the plain IN")
    ids = list(Child.objects.values_list("pk", flat=True))
    sql, params = Child.objects.filter(pk__one_of=ids).query.sql_with_params()
    assert "= ANY(%s::bigint[])" in sql
    assert params == (ids,)

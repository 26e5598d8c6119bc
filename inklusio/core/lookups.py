"""`id__one_of=ids`: the same rows as `id__in=ids`, sent to PostgreSQL as one array.

`IN (%s, %s, …)` costs Django and psycopg work per id on every query, and a query with hundreds
of them is too long for psycopg's cache of parsed queries; the need-to-know sets of a corps
leader are several hundred ids, asked in many queries of a page. `= ANY(%s)` is one parameter
and the same short query each time. Other databases get the plain `IN`.
"""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import BigAutoField
from django.db.models.lookups import In


@BigAutoField.register_lookup
class OneOf(In):
    lookup_name = "one_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(value) for value in self.rhs if value is not None]
        if not ids:
            raise EmptyResultSet
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]

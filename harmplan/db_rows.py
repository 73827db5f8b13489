"""Rows straight from the database cursor, for the few queries that return tens of thousands.

Django turns every row of a `values_list()` into Python through per-value converters (a Decimal
is made twice and rounded); for the program report's 30,000 goals that costs more than the query.
These rows are what psycopg returns (numerics as Decimals, counts as ints), in the order of the
queryset's `values_list()` fields. SQLite's driver returns decimals as floats, so there (the
embedded default, with small programs) the rows go through Django as usual.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


def tuples(queryset: QuerySet) -> list[tuple]:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()

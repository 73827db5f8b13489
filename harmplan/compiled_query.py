"""An ORM query built and compiled once for each shape, then run again with new values.

Some page queries cost far more to build than to answer: goal_stats (plans/progress/stats.py) has
some thirty filtered aggregates, and Django spends about 5 ms of CPU turning it into SQL that
PostgreSQL answers in well under one. Its SQL changes only with the number of goals, so the SQL
is made once per number of ids (and database) and each request only fills in its values.

`build(ids, **days)` returns the query as a `values()` QuerySet. It is compiled once with stand-in
values (negative ids, days in the year 1000) that cannot be among the constants Django puts in the
parameters; where the stand-ins land is where each run's ids and days go. A query whose stand-ins
are not all found is refused, so a shape this cannot handle fails loudly in tests rather than
running with wrong values.

Rows come back as dicts of what psycopg returns (dates, Decimals, ints): Django's converters do
not run. On SQLite (the embedded default, with small programs), whose driver returns dates as
text, the query goes through the ORM as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # the constants, with stand-ins where each run's values go
    id_slots: dict[int, int]  # parameter index -> index in ids
    day_slots: dict[int, str]  # parameter index -> name of the day


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], days: Sequence[str]):
        self._build = build
        self._days = tuple(days)
        self._compiled: dict[tuple[str, int], _Compiled] = {}

    def rows(self, ids: Sequence[int], using: str = DEFAULT_DB_ALIAS, **days: date) -> list[dict]:
        if set(days) != set(self._days):
            raise TypeError(f"Expected the days {self._days}, got {tuple(days)}")
        connection = connections[using]
        if connection.vendor != "postgresql":
            return list(self._build(list(ids), **days).using(using))
        compiled = self._compiled.get((using, len(ids)))
        if compiled is None:
            compiled = self._compiled[(using, len(ids))] = self._compile(using, len(ids))
        params: list[Any] = list(compiled.params)
        for index, position in compiled.id_slots.items():
            params[index] = ids[position]
        for index, name in compiled.day_slots.items():
            params[index] = connection.ops.adapt_datefield_value(days[name])
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            columns = [column[0] for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def _compile(self, using: str, count: int) -> _Compiled:
        connection = connections[using]
        stand_in_ids = [-(n + 1) for n in range(count)]
        stand_in_days = {name: date(1000, 1, n + 1) for n, name in enumerate(self._days)}
        queryset = self._build(stand_in_ids, **stand_in_days)
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        ids_at = {value: n for n, value in enumerate(stand_in_ids)}
        days_at: dict[object, str] = {}
        for name, day in stand_in_days.items():
            days_at[day] = name
            days_at[connection.ops.adapt_datefield_value(day)] = name
        id_slots: dict[int, int] = {}
        day_slots: dict[int, str] = {}
        for index, value in enumerate(params):
            if isinstance(value, int) and not isinstance(value, bool) and value in ids_at:
                id_slots[index] = ids_at[value]
            elif isinstance(value, date | str) and value in days_at:
                day_slots[index] = days_at[value]
        if set(id_slots.values()) != set(range(count)) or set(day_slots.values()) != set(
            self._days
        ):
            raise ValueError("Some stand-in values are not among the query's parameters.")
        return _Compiled(sql, tuple(params), id_slots, day_slots)

"""An ORM query built and compiled once for each shape, then run again with new values.

Some page queries cost far more to build than to answer: goal_stats (plans/progress/stats.py) has
some thirty filtered aggregates, and Django spends about 5 ms of CPU turning it into SQL that
PostgreSQL answers in well under one. Even a plain `plan.goals.select_related(...)` costs about
0.4 ms to build and compile, more than PostgreSQL takes to answer it. A query's SQL changes only
with the number of ids, so the SQL is made once per number of ids (and database) and each
request only fills in its values.

`build(ids, **values)` returns the query as a QuerySet. It is compiled once with stand-in values
(negative ids, days and times in the year 1000, UUIDs no public id can be) that cannot be among
the constants Django puts in the parameters; where the stand-ins land is where each run's ids,
days, times and UUIDs go. A query whose stand-ins are not all found is refused, so a shape this
cannot handle fails loudly in tests rather than running with wrong values.

`rows()` runs a `values()` query and returns dicts of what psycopg returns (dates, Decimals,
ints): Django's converters do not run; `tuples()` the same for a `values_list()` query.
`objects()` runs a query of model instances (with its `select_related()` and annotations) and
makes them as the ORM does: converters, `Model.from_db` and the related objects. `prefetched()`
puts objects loaded this way where `instance.<relation>.all()` finds them, as
`prefetch_related()` does.

On SQLite (the embedded default, with small programs), whose driver returns dates as text, the
query goes through the ORM as usual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators


@dataclass(frozen=True)
class _Instances:
    """What the ORM's ModelIterable works out from the compiler, worked out once."""

    model: type[Model]
    start: int
    end: int
    attnames: list[str]
    related_populators: list
    annotation_col_map: dict[str, int]
    converters: list[tuple[int, tuple[list, Any]]]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # the constants, with stand-ins where each run's values go
    id_slots: dict[int, int]  # parameter index -> index in ids
    value_slots: dict[int, str]  # parameter index -> name of the day or time
    instances: _Instances | None  # None for a values() query


class CompiledQuery:
    def __init__(
        self,
        build: Callable[..., QuerySet],
        days: Sequence[str] = (),
        times: Sequence[str] = (),
        uuids: Sequence[str] = (),
    ):
        self._build = build
        self._days = tuple(days)
        self._times = tuple(times)
        self._uuids = tuple(uuids)
        self._compiled: dict[tuple[str, int], _Compiled] = {}

    def rows(self, ids: Sequence[int], using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[dict]:
        """The rows of a `values()` query, as dicts."""
        connection = connections[using]
        if connection.vendor != "postgresql":
            return list(self._build(list(ids), **self._checked(values)).using(using))
        compiled, cursor_rows, columns = self._run(ids, using, values)
        return [dict(zip(columns, row, strict=True)) for row in cursor_rows]

    def tuples(self, ids: Sequence[int], using: str = DEFAULT_DB_ALIAS, **values: Any) -> list:
        """The rows of a `values_list()` query, as tuples (two columns may share a name)."""
        connection = connections[using]
        if connection.vendor != "postgresql":
            return [
                tuple(row) for row in self._build(list(ids), **self._checked(values)).using(using)
            ]
        _compiled, cursor_rows, _columns = self._run(ids, using, values)
        return [tuple(row) for row in cursor_rows]

    def objects(self, ids: Sequence[int], using: str = DEFAULT_DB_ALIAS, **values: Any) -> list:
        """The model instances of a query, made as the ORM makes them."""
        connection = connections[using]
        if connection.vendor != "postgresql":
            return list(self._build(list(ids), **self._checked(values)).using(using))
        compiled, cursor_rows, _columns = self._run(ids, using, values)
        made = compiled.instances
        if made is None:
            raise TypeError("objects() is for queries of model instances; use rows().")
        found = []
        for cursor_row in cursor_rows:
            row = list(cursor_row)
            for position, (convs, expression) in made.converters:
                value = row[position]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[position] = value
            obj = made.model.from_db(using, made.attnames, row[made.start : made.end])
            for populator in made.related_populators:
                populator.populate(row, obj)
            for name, position in made.annotation_col_map.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def _checked(self, values: dict) -> dict:
        names = self._days + self._times + self._uuids
        if set(values) != set(names):
            raise TypeError(f"Expected the values {names}, got {tuple(values)}")
        return values

    def _run(self, ids: Sequence[int], using: str, values: dict):
        self._checked(values)
        connection = connections[using]
        compiled = self._compiled.get((using, len(ids)))
        if compiled is None:
            compiled = self._compiled[(using, len(ids))] = self._compile(using, len(ids))
        params: list[Any] = list(compiled.params)
        for index, position in compiled.id_slots.items():
            params[index] = ids[position]
        for index, name in compiled.value_slots.items():
            params[index] = _adapted(connection, values[name])
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            columns = [column[0] for column in cursor.description]
            return compiled, cursor.fetchall(), columns

    def _compile(self, using: str, count: int) -> _Compiled:
        connection = connections[using]
        stand_in_ids = [-(n + 1) for n in range(count)]
        stand_ins: dict[str, date | UUID] = {
            name: date(1000, 1, n + 1) for n, name in enumerate(self._days)
        }
        for n, name in enumerate(self._times):
            stand_ins[name] = datetime(1000, 2, n + 1, tzinfo=UTC)
        for n, name in enumerate(self._uuids):
            stand_ins[name] = UUID(int=n + 1)  # no public id is this (version 4 has bits set)
        queryset = self._build(stand_in_ids, **stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        ids_at = {value: n for n, value in enumerate(stand_in_ids)}
        values_at: dict[object, str] = {}
        for name, value in stand_ins.items():
            values_at[value] = name
            values_at[_adapted(connection, value)] = name
        id_slots: dict[int, int] = {}
        value_slots: dict[int, str] = {}
        for index, param in enumerate(params):
            if isinstance(param, int) and not isinstance(param, bool) and param in ids_at:
                id_slots[index] = ids_at[param]
            elif isinstance(param, date | str | UUID) and param in values_at:
                value_slots[index] = values_at[param]
        if set(id_slots.values()) != set(range(count)) or set(value_slots.values()) != set(
            stand_ins
        ):
            raise ValueError("Some stand-in values are not among the query's parameters.")
        instances = _instances(queryset, compiler, using)
        return _Compiled(sql, tuple(params), id_slots, value_slots, instances)


def _adapted(connection, value: date | UUID) -> Any:
    """A day, a time or a UUID as Django passes it to the database."""
    if isinstance(value, UUID):
        return value  # PostgreSQL has a uuid type: Django passes the UUID itself
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


def _instances(queryset: QuerySet, compiler, using: str) -> _Instances | None:
    """How to make the instances from a row, as django.db.models.query.ModelIterable does."""
    if queryset._iterable_class is not ModelIterable:
        return None  # a values() query
    klass_info = compiler.klass_info
    # Built from a related manager or with prefetches: not what objects() makes.
    known = queryset._known_related_objects  # type: ignore[attr-defined]
    if known or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        raise ValueError("Build the query from the model's manager, without prefetch_related().")
    select = compiler.select
    if compiler.has_composite_fields([column[0] for column in select[: compiler.col_count]]):
        raise ValueError("Composite primary keys are not made here.")
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
    return _Instances(
        model=klass_info["model"],
        start=start,
        end=end,
        attnames=[column[0].target.attname for column in select[start:end]],
        # django-stubs describes a later Django, whose populators also take a fetch mode.
        related_populators=get_related_populators(klass_info, select, using),  # type: ignore[call-arg]
        annotation_col_map=dict(compiler.annotation_col_map or {}),
        converters=list(converters.items()),
    )


def prefetched(instances: Iterable[Model], relation: str, related: Iterable[Model]) -> None:
    """Put `related` (the objects of a reverse foreign key `relation`, loaded for all
    `instances` at once) where `instance.<relation>.all()` finds them without a query, each with
    its instance set on it, as `prefetch_related(relation)` leaves them."""
    instances = list(instances)
    if not instances:
        return
    field = getattr(instances[0], relation).field
    found: dict[Any, list[Model]] = defaultdict(list)
    for obj in related:
        found[getattr(obj, field.attname)].append(obj)
    for instance in instances:
        manager = getattr(instance, relation)
        queryset = manager.get_queryset()  # its filter is not built until it is used
        objs = found.get(getattr(instance, field.target_field.attname), [])
        for obj in objs:
            field.set_cached_value(obj, instance)
        queryset._result_cache = objs
        queryset._prefetch_done = True
        cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
        cache[field.remote_field.cache_name] = queryset


class PagedRows:
    """What Paginator reads of rows served a page at a time by compiled queries: `count()` and
    `page(start, stop)` (a sliced queryset would build its query again on every page)."""

    def __init__(self, count: Callable[[], int], page: Callable[[int, int], list], size: int):
        self._count = count
        self._page = page
        self._size = size

    def count(self) -> int:
        return self._count()

    def __len__(self) -> int:
        return self._count()

    def __iter__(self):
        raise TypeError("These rows are read a page at a time.")

    def __getitem__(self, rows: slice) -> list:
        if not isinstance(rows, slice) or rows.stop - rows.start > self._size:
            raise TypeError("These rows are read a page at a time.")
        return self._page(rows.start, rows.stop)


def counted(rows: list[dict]) -> int:
    """The count of a query of one row with `n` (a count in a window), 0 when it has no rows."""
    return rows[0]["n"] if rows else 0

"""What a client's "who saw my records" page reads: their access log a page at a time, their
care team and any emergency access, in queries compiled once (harmplan/compiled_query.py).
Building these four small queries cost more than PostgreSQL takes to answer them."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

from harmplan.compiled_query import CompiledQuery, PagedRows, counted

from .models import AccessEvent, CareAssignment, EmergencyAccess, User

PAGE_SIZE = 50
EMERGENCIES_SHOWN = 20


def person(relation: str) -> list[str]:
    """The columns person_name() names someone from, through `relation`."""
    return [
        f"{relation}__{name}" for name in ("preferred_name", "first_name", "last_name", "username")
    ]


# What a row of the access log shows, read as plain columns: fifty model rows, their actors and
# memberships cost more to build than the page's rendering.
ACCESS_ROW_COLUMNS = ("at", "action", "object_type", *person("actor"), "actor__membership__role")


def _events(ids: list[int]) -> QuerySet[AccessEvent]:
    return AccessEvent.objects.filter(client_id=ids[0])


def _count_query(ids: list[int]) -> QuerySet:
    """How many entries the log has, counted without the joins the rows need."""
    return _events(ids).order_by().annotate(n=Window(Count("pk"))).values("n")[:1]


_COUNT = CompiledQuery(_count_query)
# The first page is nearly every visit; a later one is built as usual (pages only grow in number).
_FIRST_PAGE = CompiledQuery(lambda ids: _events(ids).values_list(*ACCESS_ROW_COLUMNS)[:PAGE_SIZE])
_CARE_TEAM = CompiledQuery(
    lambda ids: (
        CareAssignment.objects.filter(client_id=ids[0])
        .order_by("created_at")
        .values_list(
            *person("counselor"),
            "created_at",
            "added_by",
            *person("added_by"),
            "added_by__membership__role",
        )
    )
)
_EMERGENCIES = CompiledQuery(
    lambda ids: EmergencyAccess.objects.filter(client_id=ids[0]).values_list(
        *person("counselor"), "started_at", "reason"
    )[:EMERGENCIES_SHOWN]
)


def _log_page(ids: list[int], start: int, stop: int) -> list[tuple]:
    if start == 0:  # the last page may be the first: cut where Paginator cuts it
        return _FIRST_PAGE.tuples(ids)[:stop]
    return list(_events(ids).values_list(*ACCESS_ROW_COLUMNS)[start:stop])


def log_page(client: User, number: Any) -> Page:
    """The page of the client's access log asked for (the last one when past the end, the first
    when not a number), newest first, as rows of ACCESS_ROW_COLUMNS."""
    ids = [client.pk]
    rows = PagedRows(
        lambda: counted(_COUNT.rows(ids)),
        lambda start, stop: _log_page(ids, start, stop),
        PAGE_SIZE,
    )
    return Paginator(rows, PAGE_SIZE).get_page(number)  # type: ignore[arg-type]


def care_team(client: User) -> list[tuple]:
    """Who is on the client's care team, since when and who added them, oldest first."""
    return _CARE_TEAM.tuples([client.pk])


def emergencies(client: User) -> list[tuple]:
    """Who opened the client's records in an emergency, when and why."""
    return _EMERGENCIES.tuples([client.pk])

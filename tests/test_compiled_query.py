"""A query compiled once and run again with new values answers exactly what the ORM answers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from harmplan.compiled_query import CompiledQuery
from plans.models import CheckInEntry, Period
from plans.progress.stats import RECENT_DAYS, _goal_stats_query, _series_query, goal_stats, series
from tests.plan_factories import add_checkins, add_plans, make_goal

TODAY = date(2026, 3, 20)


@pytest.fixture
def goals(db):
    from tests.factories import make_people

    people = make_people()
    add_plans(people)
    daily = make_goal(people.plan_a, target_value=Decimal(2), target_period=Period.DAY)
    add_checkins(people.goal_a, {TODAY - timedelta(days=n): n % 4 for n in range(40)})
    add_checkins(daily, {TODAY - timedelta(days=n): n % 3 for n in range(0, 40, 2)})
    other = make_goal(people.plan_b)
    add_checkins(other, {TODAY - timedelta(days=n): 5 for n in range(10)})
    return [people.goal_a, daily, other]


def orm_rows(ids, today):
    recent_from = today - timedelta(days=RECENT_DAYS - 1)
    return _goal_stats_query(
        ids,
        week_from=today - timedelta(days=6),
        recent_from=recent_from,
        earlier_from=recent_from - timedelta(days=RECENT_DAYS),
        today=today,
    )


@pytest.mark.parametrize("count", [1, 2, 3])
def test_goal_stats_match_the_orm_for_each_shape_and_day(goals, count):
    for today in (TODAY, TODAY - timedelta(days=5), TODAY - timedelta(days=30)):
        chosen = goals[:count] if today != TODAY else goals[-count:]
        expected = {row["goal_id"]: row for row in orm_rows([g.pk for g in chosen], today)}
        found = goal_stats(chosen, today)
        assert set(found) == set(expected)
        for pk, stats in found.items():
            row = expected[pk]
            assert stats.last7.answered == row["w_answered"]
            assert stats.last7.met == row["w_met"]
            assert stats.recent.yes == row["r_yes"]
            assert stats.earlier.answered == row["e_answered"]
            assert stats.last_day == row["last_day"]
            assert stats.total7 == (
                None if row["total7"] is None else Decimal(row["total7"]).quantize(Decimal("0.01"))
            )


def test_a_query_that_drops_a_value_is_refused(db):
    query = CompiledQuery(
        lambda ids, *, since: CheckInEntry.objects.filter(goal_id__in=ids).values("day"),
        days=("since",),
    )
    with pytest.raises(ValueError):
        query.rows([1], since=TODAY)


def test_the_days_asked_for_must_be_given(db):
    query = CompiledQuery(
        lambda ids, *, since: CheckInEntry.objects.filter(goal_id__in=ids, day__gte=since),
        days=("since",),
    )
    with pytest.raises(TypeError):
        query.rows([1], until=TODAY)


@pytest.mark.parametrize("count", [1, 3])
def test_series_match_the_orm(goals, count):
    for last in (TODAY, TODAY - timedelta(days=9)):
        first = last - timedelta(days=27)
        chosen = goals[:count]
        found = series(chosen, first, last)
        expected = list(
            _series_query([g.pk for g in chosen], since=first - timedelta(days=6), last=last)
        )
        points = [
            (row["goal_id"], row["day"], row["amount"], row["done"], row["skipped"])
            for row in expected
            if row["day"] >= first
        ]
        assert [
            (pk, p.day, p.amount, p.done, p.skipped) for pk, ps in found.items() for p in ps
        ] == points
        averages = [row["rolling"] for row in expected if row["day"] >= first]
        assert [p.average for ps in found.values() for p in ps] == [
            None if a is None else Decimal(a).quantize(Decimal("0.01")) for a in averages
        ]

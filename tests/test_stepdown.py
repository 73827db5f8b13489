"""Step-down planner properties, checked over many generated inputs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.goals.stepdown import MAX_STEPS, StepDownError, plan_steps

amounts = st.decimals(min_value=0, max_value=400, places=1)


@given(
    baseline=amounts,
    target=amounts,
    percent=st.integers(min_value=1, max_value=90),
    interval=st.integers(min_value=1, max_value=92),
    start=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 1, 1)),
)
def test_steps_go_down_to_the_target_on_ascending_dates(baseline, target, percent, interval, start):
    try:
        steps = plan_steps(
            baseline=baseline,
            target=target,
            start=start,
            reduction_percent=Decimal(percent),
            interval_days=interval,
        )
    except StepDownError as error:
        assert target >= baseline or "more than" in str(error)
        return
    values = [s.value for s in steps]
    assert values[-1] == target
    # Numbers a person would say: every step before the target is a whole number, none repeats.
    assert all(value == value.to_integral_value() for value in values[:-1])
    assert len(set(values)) == len(values)
    assert all(later < earlier for earlier, later in zip([baseline, *values], values, strict=False))
    assert steps[0].starts_on == start
    assert all(
        b.starts_on - a.starts_on == timedelta(days=interval)
        for a, b in zip(steps, steps[1:], strict=False)
    )
    assert len(steps) <= MAX_STEPS


def test_ten_percent_every_two_weeks_in_whole_numbers():
    steps = plan_steps(baseline=Decimal(20), target=Decimal(14), start=date(2026, 12, 1))
    assert [(s.starts_on.isoformat(), str(s.value)) for s in steps] == [
        ("2026-12-01", "18"),
        ("2026-12-15", "16"),
        ("2026-12-29", "14"),
    ]


def test_the_steps_the_issue_saw_are_whole_numbers():
    """Before: 12.5 and 10.6 drinks a week; 5.4 times a day over 11 steps."""
    drinks = [
        s.value
        for s in plan_steps(baseline=Decimal(14), target=Decimal(7), start=date(2026, 12, 1))
    ]
    assert drinks == [
        Decimal(13),
        Decimal(12),
        Decimal(11),
        Decimal(10),
        Decimal(9),
        Decimal(8),
        Decimal(7),
    ]
    times = [
        s.value for s in plan_steps(baseline=Decimal(6), target=Decimal(0), start=date(2026, 12, 1))
    ]
    assert times == [Decimal(5), Decimal(4), Decimal(3), Decimal(2), Decimal(1), Decimal(0)]


def test_a_target_with_a_half_is_still_the_last_step():
    values = [
        s.value
        for s in plan_steps(baseline=Decimal(3), target=Decimal("0.5"), start=date(2026, 12, 1))
    ]
    assert values == [Decimal(2), Decimal(1), Decimal("0.5")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": 10, "target": 10}, "not lower than where you are starting"),
        ({"baseline": 10, "target": 12}, "not lower than where you are starting"),
        ({"baseline": 10, "target": 5, "reduction_percent": 0}, "between 1% and 90%"),
        ({"baseline": 10, "target": 5, "reduction_percent": 95}, "between 1% and 90%"),
        ({"baseline": 10, "target": 5, "interval_days": 0}, "1 day to 3 months"),
        ({"baseline": 10, "target": -1}, "below zero"),
        ({"baseline": 400, "target": 0, "reduction_percent": 1}, "more than 52 steps"),
    ],
)
def test_bad_parameters_are_refused_with_a_message(kwargs, message):
    with pytest.raises(StepDownError, match=message):
        plan_steps(
            start=date(2026, 12, 1),
            **{k: Decimal(v) if k != "interval_days" else v for k, v in kwargs.items()},
        )

"""The step-down planner: small, dated steps from where someone starts to their target.

Each step lowers the amount by a share of the one before (10% by default), at a fixed interval,
until the target is reached. Every step is a number a person would say: a whole number of
drinks, times or money (never 12.5 or 10.6), at least one lower than the step before, and the
last step is exactly the target (which may have a half, like 0.5). Pure functions, so they can
be tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext

MAX_STEPS = 52
SMALLEST_CHANGE = Decimal(1)  # whole numbers: a step is at least one lower


class StepDownError(ValueError):
    """The parameters cannot make a plan; the message says why in plain words."""


@dataclass(frozen=True)
class PlannedStep:
    starts_on: date
    value: Decimal


def plan_steps(
    *,
    baseline: Decimal,
    target: Decimal,
    start: date,
    reduction_percent: Decimal = Decimal(10),
    interval_days: int = 14,
) -> list[PlannedStep]:
    """Steps from the first reduction down to the target, inclusive.

    Values only ever go down, dates go up by `interval_days`, and the last step is the target.
    """
    baseline, target, reduction_percent = (
        Decimal(baseline),
        Decimal(target),
        Decimal(reduction_percent),
    )
    if target < 0 or baseline < 0:
        raise StepDownError(gettext("Amounts cannot be below zero."))
    if target >= baseline:
        raise StepDownError(
            gettext(
                "Your target is not lower than where you are starting, so there is nothing to "
                "step down."
            )
        )
    if not Decimal(1) <= reduction_percent <= Decimal(90):
        raise StepDownError(
            gettext("Choose a cut of between %(least)s%% and %(most)s%% each step.")
            % {"least": 1, "most": 90}
        )
    if not 1 <= interval_days <= 92:
        raise StepDownError(gettext("Choose a time between steps of 1 day to 3 months."))

    steps: list[PlannedStep] = []
    value = baseline
    keep = Decimal(1) - reduction_percent / Decimal(100)
    while value > target:
        cut = (value * keep).quantize(SMALLEST_CHANGE, rounding=ROUND_HALF_UP)
        # Rounding must never hide a step: every step is at least one lower, and a whole number.
        lower = (value - SMALLEST_CHANGE).quantize(SMALLEST_CHANGE, rounding=ROUND_CEILING)
        value = max(target, min(cut, lower))
        try:
            starts_on = start + timedelta(days=interval_days * len(steps))
        except OverflowError:
            raise StepDownError(
                gettext("Those steps would run past the last date there is.")
            ) from None
        steps.append(PlannedStep(starts_on=starts_on, value=value))
        if len(steps) > MAX_STEPS:
            raise StepDownError(
                gettext(
                    "That would take more than %(most)s steps. Try a bigger cut each step, "
                    "or a target closer to where you are starting."
                )
                % {"most": MAX_STEPS}
            )
    return steps

"""Reads for the Today page, each a fixed number of queries whatever the data size."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, Prefetch, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.models import (
    CheckIn,
    CheckInEntry,
    Direction,
    Goal,
    Period,
    Plan,
    Revision,
    Step,
    TargetKind,
    Unit,
)
from plans.models.plan import amount_with_unit, format_amount
from plans.timezones import week_start

WEEKS_BACK = 4  # feedback looks at this week and the three before it


def step_value(goal: Goal, day: date) -> Decimal | None:
    return goal.step_on(day)


@dataclass
class GoalToday:
    goal: Goal
    step: Decimal | None
    step_text: str
    so_far_text: str
    week_totals: list[Decimal]  # this week first, then the weeks before
    today_amount: Decimal | None
    today_done: bool | None
    free_days_this_week: int


def active_goals(plan: Plan) -> list[Goal]:
    return list(
        plan.goals.active()
        .select_related("focus_area")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("starts_on", "pk")))
    )


def _step_words(goal: Goal, step: Decimal | None) -> str:
    if goal.target_kind == TargetKind.PRACTICE:
        return goal.practice
    if goal.target_kind != TargetKind.AMOUNT or step is None:
        return goal.statement
    weekly = goal.target_period == Period.WEEK
    at_most = goal.target_direction == Direction.AT_MOST
    if goal.target_unit == Unit.USING_DAYS:
        amount = ngettext("%(n)s day using", "%(n)s days using", int(step)) % {
            "n": format_amount(step)
        }
    else:
        amount = amount_with_unit(step, goal.target_unit)
    if weekly:
        text = _("Up to %(amount)s this week") if at_most else _("At least %(amount)s this week")
    else:
        text = _("Up to %(amount)s a day") if at_most else _("At least %(amount)s a day")
    return text % {"amount": amount}


def goals_today(plan: Plan, goals: list[Goal], today: date) -> list[GoalToday]:
    """Each active goal with this step in plain words and what is noted so far, in one query."""
    if not goals:
        return []
    monday = week_start(today)
    aggregates: dict[str, Aggregate] = {"today_amount": Sum("amount", filter=Q(checkin__day=today))}
    aggregates["today_yes"] = Count("pk", filter=Q(checkin__day=today, done=True))
    aggregates["today_no"] = Count("pk", filter=Q(checkin__day=today, done=False))
    aggregates["free"] = Count("pk", filter=Q(checkin__day__gte=monday, amount=0))
    for back in range(WEEKS_BACK):
        first = monday - timedelta(weeks=back)
        aggregates[f"week{back}"] = Sum(
            "amount", filter=Q(checkin__day__gte=first, checkin__day__lt=first + timedelta(7))
        )
    # The stubs type a row from values() alone; the aggregates above are its other keys.
    rows: dict[int, Mapping[str, Any]] = {
        row["goal_id"]: row
        for row in CheckInEntry.objects.filter(
            goal__in=goals,
            checkin__day__gte=monday - timedelta(weeks=WEEKS_BACK - 1),
            checkin__day__lte=today,
        )
        .values("goal_id")
        .annotate(**aggregates)
        .order_by()
    }
    found = []
    for goal in goals:
        row: Mapping[str, Any] = rows.get(goal.pk, {})
        step = step_value(goal, today)
        weeks = [row.get(f"week{back}") or Decimal(0) for back in range(WEEKS_BACK)]
        done = True if row.get("today_yes") else False if row.get("today_no") else None
        today_amount = row.get("today_amount")
        if goal.target_kind == TargetKind.AMOUNT and goal.target_period == Period.WEEK:
            amount = amount_with_unit(weeks[0], goal.target_unit)
            if goal.target_unit == Unit.USING_DAYS:
                amount = format_amount(weeks[0])
            so_far = _("%(amount)s so far") % {"amount": amount}
        elif goal.target_kind == TargetKind.AMOUNT and today_amount is not None:
            so_far = _("%(amount)s today") % {
                "amount": amount_with_unit(today_amount, goal.target_unit)
            }
        elif done is not None:
            so_far = _("Done today") if done else _("Not today")
        else:
            so_far = _("Nothing noted yet today")
        found.append(
            GoalToday(
                goal=goal,
                step=step,
                step_text=_step_words(goal, step),
                so_far_text=so_far,
                week_totals=weeks,
                today_amount=today_amount,
                today_done=done,
                free_days_this_week=row.get("free", 0),
            )
        )
    return found


def todays_checkin(plan: Plan, today: date) -> CheckIn | None:
    return (
        CheckIn.objects.for_client(plan.client_id)
        .filter(day=today)
        .prefetch_related(Prefetch("entries", queryset=CheckInEntry.objects.select_related("goal")))
        .first()
    )


def counselor_changes(plan: Plan) -> list[Revision]:
    """What the counselor changed since the client last agreed, field by field."""
    if plan.agreement != "counselor_changed":
        return []
    return list(
        plan.revisions.filter(
            author_role="counselor", content_version__gt=plan.agreed_content_version
        )
        .select_related("author")
        .order_by("at", "pk")[:10]
    )

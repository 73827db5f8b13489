"""Kind words after a check-in, from the client's own numbers (LANGUAGE.md): small wins and
trends, never a streak, never "failed". After a harder day, a gentle line and the goal's
strategies. tests/test_today.py bans scorekeeping and failure words."""

from __future__ import annotations

from dataclasses import dataclass

from plans.models import Direction, Period, TargetKind, Unit
from plans.models.plan import format_amount
from plans.timezones import week_start

from .selectors import GoalToday, step_value

FREE_DAY_WORDS = {"alcohol": "alcohol-free"}


@dataclass(frozen=True)
class Feedback:
    text: str
    goal_url: str = ""  # set after a harder day: a link to the goal's strategies


def _weeks_within(item: GoalToday, today) -> int:
    """Of the weeks before this one (up to three), how many stayed within their step."""
    monday = week_start(today)
    count = 0
    for back, total in enumerate(item.week_totals[1:], start=1):
        step = step_value(item.goal, monday.fromordinal(monday.toordinal() - 7 * back + 6))
        if step is not None and total <= step:
            count += 1
    return count


def for_goal(item: GoalToday, today) -> Feedback | None:
    goal = item.goal
    if goal.target_kind != TargetKind.AMOUNT or item.step is None:
        if item.today_done:
            return Feedback("You did what you set out to do today. That counts.")
        return None
    at_most = goal.target_direction == Direction.AT_MOST
    weekly = goal.target_period == Period.WEEK
    noted = item.week_totals[0] if weekly else item.today_amount
    if noted is not None and at_most and noted > item.step:
        return Feedback(
            "Some days are harder than others. Thank you for noting it honestly. "
            "Your strategies are here when you want them.",
            goal_url=goal.get_absolute_url() + "#strategies",
        )
    lines = []
    if weekly and at_most:
        weeks = _weeks_within(item, today)
        if weeks:
            lines.append(
                f"Within your weekly step in {weeks} of the last {len(item.week_totals) - 1} weeks."
            )
        if goal.target_unit == Unit.MONEY and goal.baseline_value is not None:
            kept = goal.baseline_value - item.week_totals[0]
            if kept > 0:
                lines.append(f"About {format_amount(kept)} not spent so far this week.")
    if item.free_days_this_week and goal.target_unit != Unit.MONEY:
        word = FREE_DAY_WORDS.get(goal.focus_area.slug, "use-free")
        days = "day" if item.free_days_this_week == 1 else "days"
        lines.append(f"{item.free_days_this_week} {word} {days} this week.")
    if not lines and noted is not None and at_most:
        lines.append("You are within this step. Nice work.")
    if not lines:
        return None
    return Feedback(" ".join(lines))


def feedback(items: list[GoalToday], today) -> list[Feedback]:
    return [line for item in items if (line := for_goal(item, today)) is not None]

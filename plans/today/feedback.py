"""Kind words after a check-in, from the client's own numbers (LANGUAGE.md): small wins and
trends, never a streak, never "failed". After a harder day, a gentle line and the goal's
strategies. tests/test_today.py bans scorekeeping and failure words."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.models import Direction, Period, TargetKind, Unit
from plans.models.plan import format_amount
from plans.timezones import week_start

from .selectors import GoalToday, step_value


def _free_days(slug: str, count: int) -> str:
    """ "2 alcohol-free days this week", in words that fit the focus area."""
    if slug == "alcohol":
        text = ngettext(
            "%(count)d alcohol-free day this week.", "%(count)d alcohol-free days this week.", count
        )
    elif slug == "nicotine":
        text = ngettext(
            "%(count)d nicotine-free day this week.",
            "%(count)d nicotine-free days this week.",
            count,
        )
    elif slug == "gambling":
        text = ngettext(
            "%(count)d day without gambling this week.",
            "%(count)d days without gambling this week.",
            count,
        )
    else:
        text = ngettext(
            "%(count)d day without using this week.",
            "%(count)d days without using this week.",
            count,
        )
    return text % {"count": count}


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
            return Feedback(_("You did what you set out to do today. That counts."))
        return None
    at_most = goal.target_direction == Direction.AT_MOST
    weekly = goal.target_period == Period.WEEK
    noted = item.week_totals[0] if weekly else item.today_amount
    if noted is not None and at_most and noted > item.step:
        return Feedback(
            _(
                "Some days are harder than others. Thank you for noting it honestly. "
                "Your strategies are here when you want them."
            ),
            goal_url=goal.get_absolute_url() + "#strategies",
        )
    lines = []
    if weekly and at_most:
        weeks = _weeks_within(item, today)
        if weeks:
            lines.append(
                _("Within your weekly step in %(weeks)d of the last %(of)d weeks.")
                % {"weeks": weeks, "of": len(item.week_totals) - 1}
            )
        if goal.target_unit == Unit.MONEY and goal.baseline_value is not None:
            kept = goal.baseline_value - item.week_totals[0]
            if kept > 0:
                lines.append(
                    _("About %(amount)s not spent so far this week.")
                    % {"amount": format_amount(kept)}
                )
    if item.free_days_this_week and goal.target_unit != Unit.MONEY:
        lines.append(_free_days(goal.focus_area.slug, item.free_days_this_week))
    if not lines and noted is not None and at_most:
        lines.append(_("You are within this step. Nice work."))
    if not lines:
        return None
    return Feedback(" ".join(lines))


def feedback(items: list[GoalToday], today) -> list[Feedback]:
    return [line for item in items if (line := for_goal(item, today)) is not None]

"""The progress chart as plain numbers for an SVG template: no JavaScript library, no images.

Daily amount goals: a bar for each day with an entry, the 7-day rolling average as a line, and
the step or target in effect as a dashed line. Weekly amount goals: a bar for each week's total
(Monday to Sunday) against that week's step, with this week (so far) marked — never daily bars
against a weekly number.
Yes/no goals: a filled dot for a yes, an open dot for a no.

The chart is an image with a title and a description; the same numbers are in a table next to it.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from harmplan.fragments import render_cached_from
from plans.models import Goal, Period, TargetKind, Unit
from plans.models.plan import amount_with_unit, format_amount
from plans.timezones import week_start

from .stats import DayPoint

WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 12, 30


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    zero: bool
    label: str
    current: bool = False  # this week, still going


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    yes: bool
    label: str


@dataclass(frozen=True)
class Row:
    day: date
    noted: str
    average: str
    target: str


@dataclass
class Chart:
    kind: str  # "amount" or "yes_no"
    first: date
    last: date
    y_label: str = ""
    bars: list[Bar] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    average_path: str = ""
    target_path: str = ""
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    weekly_target_note: str = ""
    has_steps: bool = False
    weekly: bool = False
    answered_days: int = 0

    @property
    def center_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def answered(self) -> int:
        return len(self.bars) + len(self.dots)

    @property
    def empty(self) -> bool:
        return self.answered == 0


def nice_ceiling(value: float) -> float:
    """A round number, at least `value`, for the top of the chart."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value - 1e-9:
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return format_amount(Decimal(str(round(value, 1))))


def _r(value: float) -> float:
    return round(value, 1)


def build_chart(
    goal: Goal | ChartGoal,
    points: list[DayPoint],
    targets: list[tuple[date, Decimal | None]],
    first: date,
    last: date,
) -> Chart:
    days = (last - first).days + 1
    slot = (WIDTH - RIGHT - LEFT) / days
    bottom, top = HEIGHT - BOTTOM, TOP

    def x_of(day: date) -> float:
        return LEFT + ((day - first).days + 0.5) * slot

    amount = goal.target_kind == TargetKind.AMOUNT
    chart = Chart(kind="amount" if amount else "yes_no", first=first, last=last)
    chart.answered_days = sum(1 for p in points if p.amount is not None or p.done is not None)
    if amount and goal.target_period == Period.WEEK:
        return _weekly(chart, goal, points, targets, first, last)
    step_days = 7 if days <= 35 else 21
    chart.x_ticks = [
        (_r(x_of(first + timedelta(days=n))), (first + timedelta(days=n)).strftime("%-d %b"))
        for n in range(0, days, step_days)
    ]
    unit = goal.get_target_unit_display() if goal.target_unit else gettext("amount")
    share = Decimal(7) if goal.target_period == Period.WEEK else Decimal(1)
    target_text = dict(targets)

    for point in reversed(points):
        chart.rows.append(_row(goal, point, target_text.get(point.day), unit))

    if not amount:
        chart.y_ticks = [
            (_r(top + (bottom - top) * 0.25), gettext("Yes")),
            (_r(top + (bottom - top) * 0.75), gettext("No")),
        ]
        for point in points:
            if point.skipped or point.done is None:
                continue
            cy = chart.y_ticks[0][0] if point.done else chart.y_ticks[1][0]
            chart.dots.append(
                Dot(
                    _r(x_of(point.day)),
                    cy,
                    point.done,
                    (gettext("%(day)s: yes") if point.done else gettext("%(day)s: no"))
                    % {"day": _day(point.day)},
                )
            )
        return chart

    chart.y_label = gettext("%(unit)s a day") % {"unit": unit}
    daily_targets = [(day, value / share) for day, value in targets if value is not None]
    highest = max(
        [float(p.amount) for p in points if p.amount is not None]
        + [float(p.average) for p in points if p.average is not None]
        + [float(value) for _, value in daily_targets]
        + [1.0]
    )
    y_max = nice_ceiling(highest * 1.05)

    def y_of(value: float) -> float:
        return bottom - (value / y_max) * (bottom - top)

    chart.y_ticks = [(_r(y_of(y_max * f)), _number(y_max * f)) for f in (0, 0.5, 1)]
    bar_width = max(slot * 0.7, 1.0)
    line = []
    for point in points:
        if point.amount is not None:
            value = float(point.amount)
            height = max(bottom - y_of(value), 2.0)  # a zero still shows as a small mark
            chart.bars.append(
                Bar(
                    x=_r(x_of(point.day) - bar_width / 2),
                    y=_r(bottom - height),
                    width=_r(bar_width),
                    height=_r(height),
                    zero=value == 0,
                    label=f"{_day(point.day)}: {format_amount(point.amount)} {unit}",
                )
            )
        if point.average is not None:
            line.append(f"{_r(x_of(point.day))} {_r(y_of(float(point.average)))}")
    if len(line) == 1:  # one point: a short line, so it can be seen
        x, y = (float(n) for n in line[0].split())
        line = [f"{_r(x - slot / 2)} {y}", f"{_r(x + slot / 2)} {y}"]
    chart.average_path = ("M" + " L".join(line)) if line else ""

    path = []
    previous = None
    for day, target in daily_targets:
        y = _r(y_of(float(target)))
        x_start = _r(LEFT + (day - first).days * slot)
        if previous is None:
            path.append(f"M{x_start} {y}")
        elif y != previous:
            path.append(f"L{x_start} {previous} L{x_start} {y}")
        previous = y
    if previous is not None:
        path.append(f"L{_r(WIDTH - RIGHT)} {previous}")
    chart.target_path = " ".join(path)
    chart.has_steps = len({value for _, value in daily_targets}) > 1
    if goal.target_period == Period.WEEK and goal.target_value is not None:
        chart.weekly_target_note = _weekly_note(
            goal.target_value, targets[-1][1] if targets else None
        )
    return chart


def _weekly(
    chart: Chart, goal: Goal | ChartGoal, points, targets, first: date, last: date
) -> Chart:
    """Each week's total against that week's step; this week is marked as "so far"."""
    chart.weekly = True
    unit = goal.get_target_unit_display() if goal.target_unit else gettext("amount")
    chart.y_label = gettext("%(unit)s a week") % {"unit": unit}
    this_week = week_start(last)
    start = week_start(first)
    if start < first:  # a week only partly in range would look smaller than it was
        start += timedelta(days=7)
    weeks = []
    week = start
    while week <= this_week:
        weeks.append(week)
        week += timedelta(days=7)
    totals: dict[date, Decimal] = {}
    for point in points:
        if point.amount is not None and point.day >= start:
            key = week_start(point.day)
            totals[key] = totals.get(key, Decimal(0)) + point.amount
    step_on = dict(targets)
    steps = {w: step_on.get(min(w + timedelta(days=6), last)) for w in weeks}
    slot = (WIDTH - RIGHT - LEFT) / max(len(weeks), 1)
    bottom, top = chart.bottom, chart.top
    highest = max(
        [float(v) for v in totals.values()]
        + [float(v) for v in steps.values() if v is not None]
        + [1.0]
    )
    y_max = nice_ceiling(highest * 1.05)

    def y_of(value: float) -> float:
        return bottom - (value / y_max) * (bottom - top)

    chart.y_ticks = [(_r(y_of(y_max * f)), _number(y_max * f)) for f in (0, 0.5, 1)]
    every = 1 if len(weeks) <= 6 else 3
    chart.x_ticks = [
        (_r(LEFT + (n + 0.5) * slot), w.strftime("%-d %b"))
        for n, w in enumerate(weeks)
        if n % every == 0
    ]
    path = []
    for n, week in enumerate(weeks):
        step = steps[week]
        if step is not None:
            y = _r(y_of(float(step)))
            left, right = _r(LEFT + (n + 0.05) * slot), _r(LEFT + (n + 0.95) * slot)
            path.append(f"M{left} {y} L{right} {y}")
        if week not in totals:
            continue
        total = totals[week]
        height = max(bottom - y_of(float(total)), 2.0)
        current = week == this_week
        label = gettext("Week of %(day)s: %(amount)s") % {
            "day": _day(week),
            "amount": amount_with_unit(total, goal.target_unit),
        }
        chart.bars.append(
            Bar(
                x=_r(LEFT + n * slot + slot * 0.2),
                y=_r(bottom - height),
                width=_r(slot * 0.6),
                height=_r(height),
                zero=total == 0,
                label=label + (" " + gettext("(this week, so far)") if current else ""),
                current=current,
            )
        )
    for week in reversed(weeks):
        if week in totals:
            step = steps[week]
            chart.rows.append(
                Row(
                    day=week,
                    noted=amount_with_unit(totals[week], goal.target_unit)
                    + (" " + gettext("so far") if week == this_week else ""),
                    average="",
                    target=gettext("%(amount)s a week") % {"amount": format_amount(step)}
                    if step is not None
                    else "",
                )
            )
    chart.target_path = " ".join(path)
    chart.has_steps = len({v for v in steps.values() if v is not None}) > 1
    return chart


def _weekly_note(target: Decimal, step: Decimal | None) -> str:
    """The line is drawn per day; say what a weekly amount is per day, in words."""

    def week_and_day(value: Decimal) -> str:
        return gettext("%(week)s a week, about %(day)s a day") % {
            "week": format_amount(value),
            "day": _number(float(value / 7)),
        }

    note = gettext("The target: %(amount)s.") % {"amount": week_and_day(target)}
    if step is not None and step != target:
        note = gettext("The step now: %(amount)s.") % {"amount": week_and_day(step)} + " " + note
    return note


def _day(day: date) -> str:
    # Translators: a day in a chart's labels, like "2 December" (a Django date format).
    return format_date(day, gettext("j F"))


def _row(goal: Goal | ChartGoal, point: DayPoint, target: Decimal | None, unit: str) -> Row:
    if point.skipped:
        noted = gettext("Skipped")
    elif point.done is not None:
        noted = gettext("Yes") if point.done else gettext("No")
    else:
        noted = f"{format_amount(point.amount)} {unit}"
    average = (
        format_amount(point.average.quantize(Decimal("0.1"))) if point.average is not None else ""
    )
    target_text = ""
    if target is not None:
        period = goal.get_target_period_display() if goal.target_period else ""
        target_text = f"{format_amount(target)} {period}".strip()
    return Row(day=point.day, noted=noted, average=average, target=target_text)


@dataclass(frozen=True)
class ChartGoal:
    """All a chart reads of its goal, as plain values: a cached chart is keyed by them."""

    public_id: uuid.UUID
    statement: str
    target_kind: str
    target_period: str
    target_unit: str
    target_value: Decimal | None

    @classmethod
    def of(cls, goal: Goal) -> ChartGoal:
        return cls(
            goal.public_id,
            goal.statement,
            goal.target_kind,
            goal.target_period,
            goal.target_unit,
            goal.target_value,
        )

    def get_target_unit_display(self) -> str:
        return str(dict(Unit.choices).get(self.target_unit, self.target_unit))

    def get_target_period_display(self) -> str:
        return str(dict(Period.choices).get(self.target_period, self.target_period))


def chart_html(
    goal: Goal,
    points: list[DayPoint],
    targets: list[tuple[date, Decimal | None]],
    first: date,
    last: date,
    *,
    weeks: int,
    summary: str,
) -> SafeString:
    """The chart's figure and table (plans/progress/_chart.html), from the cache when the same
    chart was drawn before: drawing and rendering it cost more than the rest of a progress page,
    so the cache is keyed by what it is drawn from, and it is drawn only when not found."""
    drawn = ChartGoal.of(goal)
    drawn_from = {
        "goal": drawn,
        "points": points,
        "targets": targets,
        "first": first,
        "last": last,
        "weeks": weeks,
        "summary": summary,
    }
    return render_cached_from(
        "plans/progress/_chart.html",
        drawn_from,
        lambda: {
            "chart": build_chart(drawn, points, targets, first, last),
            "chart_id": f"chart-{drawn.public_id.hex}",
            "statement": drawn.statement,
            "weeks": weeks,
            "summary": summary,
        },
    )

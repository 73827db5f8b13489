"""Progress per goal: recent numbers from the database, an achievement state, and plain words.

Everything is aggregated in PostgreSQL (or SQLite in the embedded setup): a page makes the same
number of queries whether a client has ten check-ins or a thousand.

Achievement states use HL7 FHIR R4 Goal.achievementStatus codes. The rules, over the client's
last 14 local days ("recent") and the 14 days before them ("earlier"):

1. Fewer than 4 answered days in the recent 14: **in-progress** (too soon to see a trend).
2. The recent level is at the goal's target: **sustaining** if the earlier 14 days were at the
   target too (with at least 4 answers), else **achieved**. Goals with no target skip this rule.
3. Compared with the earlier 14 days (or, for amounts, with where the client started when there
   are too few earlier answers), the level moved toward the target by at least the threshold:
   **improving**; away from it by at least the threshold: **worsening**; else **no-change**.
4. Nothing to compare with: **in-progress**.

The *level* of an amount goal is the average per answered day, in the target's period (times 7
for a weekly target). For yes/no goals it is the share of answered days that were a yes, and
"at the target" means at least 80% of them. The threshold is 10% of the earlier level or of the
target, whichever is bigger (amounts), or 15 percentage points (yes/no).

Words follow LANGUAGE.md: trends and small wins, never streaks or "failed".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.expressions import ValueRange
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from harmplan.compiled_query import CompiledQuery
from harmplan.db_rows import tuples
from plans.models import CheckInEntry, Direction, Goal, Period, Step, TargetKind
from plans.models.plan import format_amount

if TYPE_CHECKING:
    from plans.reports.figures import GoalTarget

    # What the achievement rules read: a goal, or the program report's light copy of one.
    GoalLike: TypeAlias = Goal | GoalTarget


class Achievement:
    IN_PROGRESS = "in-progress"
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no-change"
    ACHIEVED = "achieved"
    SUSTAINING = "sustaining"


# Neutral words for each state. Goals without a target have no "at the target".
ACHIEVEMENT_LABELS = {
    Achievement.IN_PROGRESS: _("Working on it"),
    Achievement.IMPROVING: _("Moving toward the target"),
    Achievement.WORSENING: _("Further from the target lately"),
    Achievement.NO_CHANGE: _("About the same as before"),
    Achievement.ACHIEVED: _("At the target"),
    Achievement.SUSTAINING: _("Staying at the target"),
}
NO_TARGET_LABELS = {
    **ACHIEVEMENT_LABELS,
    Achievement.IMPROVING: _("Doing it more often"),
    Achievement.WORSENING: _("Doing it less often lately"),
}

RECENT_DAYS = 14
MIN_ANSWERS = 4
AMOUNT_THRESHOLD = Decimal("0.1")
YES_NO_THRESHOLD = Decimal("0.15")
YES_NO_AT_TARGET = Decimal("0.8")


# Named tuples rather than dataclasses: the program report makes tens of thousands of them.
class Tally(NamedTuple):
    """Counts over some days for one goal. `average` is per answered day (amounts only)."""

    answered: int = 0
    met: int = 0
    yes: int = 0
    average: Decimal | None = None


NO_TALLY = Tally()


class GoalStats(NamedTuple):
    last7: Tally = NO_TALLY
    recent: Tally = NO_TALLY
    earlier: Tally = NO_TALLY
    total7: Decimal | None = None
    last_day: date | None = None


class DayNumber(Func):
    """A date as a whole number of days, so a window can range over "the 6 days before"."""

    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '2000-01-01')", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", **extra
        )


class DaysUpTo(ValueRange):
    """RANGE BETWEEN n PRECEDING AND CURRENT ROW, over day numbers: the day and the n before it.

    PostgreSQL (11 and later) and SQLite (3.28 and later) support offsets in a RANGE frame;
    Django's PostgreSQL backend still refuses them, so the frame is written here.
    """

    def __init__(self, days_before: int):
        super().__init__(start=-days_before, end=0)

    def window_frame_start_end(self, connection, start, end):
        return f"{int(-start)} PRECEDING", "CURRENT ROW"


def target_that_day():
    """The amount a goal aimed at on an entry's day: the step in effect, else the target."""
    step = (
        Step.objects.filter(
            goal=OuterRef("goal"), starts_on__lte=OuterRef("day"), value__isnull=False
        )
        .order_by("-starts_on", "-pk")
        .values("value")[:1]
    )
    return Coalesce(Subquery(step), F("goal__target_value"))


def _met() -> Q:
    """An entry that met its goal that day: a yes, or a daily amount on the right side of the
    step or target in effect. Weekly amounts are judged over the week, not per day."""
    daily = Q(goal__target_kind=TargetKind.AMOUNT, goal__target_period=Period.DAY)
    return (
        Q(done=True)
        | (daily & Q(goal__target_direction=Direction.AT_MOST, amount__lte=F("day_target")))
        | (daily & Q(goal__target_direction=Direction.AT_LEAST, amount__gte=F("day_target")))
    )


# goal_stats' windows, as its query's column prefixes: the last 7 days, recent and earlier.
WINDOWS = ("w", "r", "e")


def _goal_stats_query(ids, *, week_from, recent_from, earlier_from, today) -> QuerySet:
    answered = Q(skipped=False)
    met = answered & _met()
    starts = (Q(day__gte=week_from), Q(day__gte=recent_from), Q(day__lt=recent_from))
    periods = dict(zip(WINDOWS, starts, strict=True))
    aggregates: dict[str, Aggregate] = {"total7": Sum("amount", filter=periods["w"])}
    aggregates["last_day"] = Max("day", filter=answered)
    for key, period in periods.items():
        aggregates[f"{key}_answered"] = Count("pk", filter=period & answered)
        aggregates[f"{key}_met"] = Count("pk", filter=period & met)
        aggregates[f"{key}_yes"] = Count("pk", filter=period & Q(done=True))
        aggregates[f"{key}_average"] = Avg("amount", filter=period)
    return (
        CheckInEntry.objects.filter(goal_id__in=ids, day__gte=earlier_from, day__lte=today)
        .annotate(day_target=target_that_day())
        .values("goal_id")
        .annotate(**aggregates)
        .order_by()
    )


# Building this query costs many times what running it does: it is compiled once per number of
# goals (harmplan/compiled_query.py).
_GOAL_STATS = CompiledQuery(
    _goal_stats_query, days=("week_from", "recent_from", "earlier_from", "today")
)


def goal_stats(goals: Iterable[Goal], today: date) -> dict[int, GoalStats]:
    """Recent numbers for each goal, in one query whatever the number of goals or check-ins."""
    ids = [goal.pk for goal in goals]
    if not ids:
        return {}
    recent_from = today - timedelta(days=RECENT_DAYS - 1)
    rows = _GOAL_STATS.rows(
        ids,
        week_from=today - timedelta(days=6),
        recent_from=recent_from,
        earlier_from=recent_from - timedelta(days=RECENT_DAYS),
        today=today,
    )
    stats = {}
    for row in rows:
        windows = {
            key: Tally(
                answered=row[f"{key}_answered"],
                met=row[f"{key}_met"],
                yes=row[f"{key}_yes"],
                average=_decimal(row[f"{key}_average"]),
            )
            for key in WINDOWS
        }
        stats[row["goal_id"]] = GoalStats(
            last7=windows["w"],
            recent=windows["r"],
            earlier=windows["e"],
            total7=_decimal(row["total7"]),
            last_day=row["last_day"],
        )
    return stats


def window_tallies(goal_ids: QuerySet, today: date) -> dict[int, GoalStats]:
    """The recent and earlier windows only (what `achievement` reads), for many goals at once:
    `goal_ids` is a query of goal ids, so no list of ids travels to the database. Lighter than
    goal_stats (no target per day), for the program report over thousands of goals."""
    recent_from = today - timedelta(days=RECENT_DAYS - 1)
    earlier_from = recent_from - timedelta(days=RECENT_DAYS)
    answered = Q(skipped=False)
    periods = {"r": Q(day__gte=recent_from), "e": Q(day__lt=recent_from)}
    aggregates: dict[str, Aggregate] = {}
    for key, period in periods.items():
        # Counting days (never null) rather than ids keeps this an index-only scan.
        aggregates[f"{key}_answered"] = Count("day", filter=period & answered)
        aggregates[f"{key}_yes"] = Count("day", filter=period & Q(done=True))
        aggregates[f"{key}_average"] = Avg("amount", filter=period)
    rows = tuples(
        CheckInEntry.objects.filter(goal_id__in=goal_ids, day__gte=earlier_from, day__lte=today)
        .values("goal_id")
        .annotate(**aggregates)
        .values_list("goal_id", *aggregates)
        .order_by()
    )
    return {
        goal_id: GoalStats(
            recent=Tally(answered=r_answered, yes=r_yes, average=_decimal(r_average)),
            earlier=Tally(answered=e_answered, yes=e_yes, average=_decimal(e_average)),
        )
        for goal_id, r_answered, r_yes, r_average, e_answered, e_yes, e_average in rows
    }


CENT = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):  # SQLite's averages are floats
        value = Decimal(value)
    return value.quantize(CENT)


# Achievement -------------------------------------------------------------------------------------


def _per_period(goal: GoalLike) -> int:
    return 7 if goal.target_period == Period.WEEK else 1


def level(goal: GoalLike, window: Tally) -> Decimal | None:
    """How it went over a window: average amount in the target's period, or the share of yes."""
    if window.answered == 0:
        return None
    if goal.target_kind != TargetKind.AMOUNT:
        return Decimal(window.yes) / Decimal(window.answered)
    if window.average is None:
        return None
    return window.average * _per_period(goal)


def _lower_is_better(goal: GoalLike) -> bool:
    return goal.target_kind == TargetKind.AMOUNT and goal.target_direction == Direction.AT_MOST


def at_target(goal: GoalLike, value: Decimal | None) -> bool:
    if value is None:
        return False
    if goal.target_kind == TargetKind.PRACTICE:
        return value >= YES_NO_AT_TARGET
    if goal.target_kind == TargetKind.AMOUNT and goal.target_value is not None:
        if goal.target_direction == Direction.AT_LEAST:
            return value >= goal.target_value
        return value <= goal.target_value
    return False


def achievement(goal: GoalLike, stats: GoalStats | None) -> str:
    """The goal's FHIR achievementStatus code, by the rules in this module's docstring."""
    stats = stats or GoalStats()
    if stats.recent.answered < MIN_ANSWERS:
        return Achievement.IN_PROGRESS
    recent = level(goal, stats.recent)
    earlier = level(goal, stats.earlier) if stats.earlier.answered >= MIN_ANSWERS else None
    if at_target(goal, recent):
        return Achievement.SUSTAINING if at_target(goal, earlier) else Achievement.ACHIEVED
    yes_no = goal.target_kind != TargetKind.AMOUNT
    if earlier is None and not yes_no:
        earlier = goal.baseline_value
    if earlier is None or recent is None:
        return Achievement.IN_PROGRESS
    change = earlier - recent if _lower_is_better(goal) else recent - earlier
    if yes_no:
        threshold = YES_NO_THRESHOLD
    else:
        threshold = AMOUNT_THRESHOLD * max(earlier, goal.target_value or Decimal(0))
        threshold = max(threshold, Decimal("0.1"))
    if change >= threshold:
        return Achievement.IMPROVING
    if change <= -threshold:
        return Achievement.WORSENING
    return Achievement.NO_CHANGE


def achievement_label(goal: Goal, code: str) -> str:
    labels = NO_TARGET_LABELS if goal.target_kind == TargetKind.NONE else ACHIEVEMENT_LABELS
    return str(labels[code])


# Words -------------------------------------------------------------------------------------------


def summary(goal: Goal, stats: GoalStats | None, *, you: bool = True) -> str:
    """The last 7 days in one or two plain sentences: small wins, no scorekeeping."""
    stats = stats or GoalStats()
    week = stats.last7
    if week.answered == 0:
        return gettext("No check-ins for this goal in the last 7 days.")
    if goal.target_kind == TargetKind.PRACTICE:
        return gettext("Done on %(yes)s of the last 7 days.") % {"yes": week.yes}
    if goal.target_kind == TargetKind.NONE:
        return gettext("Worked on it on %(yes)s of the last 7 days.") % {"yes": week.yes}
    unit = goal.get_target_unit_display()
    if goal.target_period == Period.WEEK or goal.target_value is None:
        total = stats.total7 or Decimal(0)
        text = ngettext(
            "Last 7 days: %(total)s %(unit)s, from %(days)s day with a check-in.",
            "Last 7 days: %(total)s %(unit)s, from %(days)s days with a check-in.",
            week.answered,
        ) % {"total": format_amount(total), "unit": unit, "days": week.answered}
        at_most = goal.target_direction == Direction.AT_MOST
        if goal.target_value is not None and at_most and total <= goal.target_value:
            text += " " + (
                gettext("That is at or under your target for a week.")
                if you
                else gettext("That is at or under the target for a week.")
            )
        return text
    at_most = goal.target_direction == Direction.AT_MOST
    if at_most:
        text = (
            gettext("%(met)s of the last 7 days at or under your target.")
            if you
            else gettext("%(met)s of the last 7 days at or under the target.")
        )
    else:
        text = (
            gettext("%(met)s of the last 7 days at or over your target.")
            if you
            else gettext("%(met)s of the last 7 days at or over the target.")
        )
    return text % {"met": week.met}


@dataclass
class ProgressLine:
    """What a goal's progress looks like in one line, for the plan page and the overview."""

    goal: Goal
    stats: GoalStats
    state: str
    label: str
    summary: str

    @property
    def last_day(self) -> date | None:
        return self.stats.last_day


def progress_lines(
    goals: Iterable[Goal], today: date, *, you: bool = True
) -> dict[int, ProgressLine]:
    goals = list(goals)
    stats = goal_stats(goals, today)
    lines = {}
    for goal in goals:
        goal_stats_ = stats.get(goal.pk, GoalStats())
        state = achievement(goal, goal_stats_)
        lines[goal.pk] = ProgressLine(
            goal=goal,
            stats=goal_stats_,
            state=state,
            label=achievement_label(goal, state),
            summary=summary(goal, goal_stats_, you=you),
        )
    return lines


# Daily series for the chart ----------------------------------------------------------------------


@dataclass(frozen=True)
class DayPoint:
    day: date
    amount: Decimal | None
    done: bool | None
    skipped: bool
    average: Decimal | None  # the 7-day rolling average per day, amount goals only


def series(goals: Iterable[Goal], first: date, last: date) -> dict[int, list[DayPoint]]:
    """Each goal's days with an entry from `first` to `last`, with the 7-day rolling average (the
    day and the 6 before it), computed by the database in one query for all the goals."""
    ids = [goal.pk for goal in goals]
    found: dict[int, list[DayPoint]] = {pk: [] for pk in ids}
    if not ids:
        return found
    rows = _SERIES.rows(ids, since=first - timedelta(days=6), last=last)
    for row in rows:
        if row["day"] >= first:
            found[row["goal_id"]].append(
                DayPoint(
                    row["day"], row["amount"], row["done"], row["skipped"], _decimal(row["rolling"])
                )
            )
    return found


def _series_query(ids, *, since: date, last: date) -> QuerySet:
    rolling = Window(
        expression=Avg("amount"),
        partition_by=[F("goal_id")],
        order_by=DayNumber("day").asc(),
        frame=DaysUpTo(6),
    )
    return (
        CheckInEntry.objects.filter(goal_id__in=ids, day__gte=since, day__lte=last)
        .annotate(rolling=rolling)
        .order_by("goal_id", "day")
        .values("goal_id", "day", "amount", "done", "skipped", "rolling")
    )


# Like goal_stats' query: compiled once per number of goals.
_SERIES = CompiledQuery(_series_query, days=("since", "last"))


def targets_by_day(goal: Goal, steps: list[Step], first: date, last: date) -> list[tuple]:
    """(day, the amount aimed at that day) for each day, from the steps and the target."""
    if goal.target_kind != TargetKind.AMOUNT:
        return []
    steps = sorted((s for s in steps if s.value is not None), key=lambda s: (s.starts_on, s.pk))
    days = []
    day = first
    while day <= last:
        value = goal.target_value
        for step in steps:
            if step.starts_on <= day:
                value = step.value
        days.append((day, value))
        day += timedelta(days=1)
    return days

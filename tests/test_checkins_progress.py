"""Progress: achievement rules (one example each), numbers from the database, the chart with zero,
one and many points, and pages that make the same number of queries however many check-ins."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from harmplan.accounts.models import AccessEvent
from plans.goals import services
from plans.models import Direction, Goal, Period, Step, TargetKind, Unit
from plans.progress.chart import build_chart, nice_ceiling
from plans.progress.stats import (
    Achievement,
    GoalStats,
    Tally,
    achievement,
    achievement_label,
    goal_stats,
    series,
    summary,
    targets_by_day,
)
from tests.plan_factories import add_checkins, add_plans, make_goal, practice_goal_data
from tests.signin import sign_in

TODAY = date(2026, 3, 20)
# Noon in New York on TODAY: the client's local day is TODAY whatever the day-start hour.
NOON = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english():
    """The wording tests read English, whatever language an earlier test's request left active."""
    with translation.override("en"):
        yield


def amount_goal(**fields) -> Goal:
    return Goal(
        target_kind=TargetKind.AMOUNT,
        target_direction=fields.pop("direction", Direction.AT_MOST),
        target_value=Decimal(fields.pop("target", 10)),
        target_unit=Unit.STANDARD_DRINKS,
        target_period=fields.pop("period", Period.WEEK),
        baseline_value=fields.pop("baseline", None),
        statement="Drink less",
        **fields,
    )


def yes_no_goal(kind=TargetKind.PRACTICE) -> Goal:
    return Goal(target_kind=kind, practice="Carry naloxone", statement="Never use alone")


def stats(recent=None, earlier=None) -> GoalStats:
    return GoalStats(recent=recent or Tally(), earlier=earlier or Tally())


def amounts(answered: int, average: str) -> Tally:
    return Tally(answered=answered, average=Decimal(average))


def yes_of(yes: int, answered: int) -> Tally:
    return Tally(answered=answered, yes=yes, met=yes)


# Achievement rules, one example each -------------------------------------------------------------


def test_too_few_answers_is_in_progress():
    # Three answers in two weeks, all well under the target: still too soon to call.
    goal = amount_goal(target=10)
    assert achievement(goal, stats(amounts(3, "0.5"), amounts(10, "3"))) == Achievement.IN_PROGRESS
    assert achievement(goal, None) == Achievement.IN_PROGRESS


def test_at_the_target_for_the_first_time_is_achieved():
    # At most 2 a day: 1.5 a day lately, 3 a day the two weeks before.
    goal = amount_goal(target=2, period=Period.DAY)
    assert achievement(goal, stats(amounts(10, "1.5"), amounts(10, "3"))) == Achievement.ACHIEVED


def test_at_the_target_two_windows_running_is_sustaining():
    goal = amount_goal(target=2, period=Period.DAY)
    result = achievement(goal, stats(amounts(10, "1.5"), amounts(8, "1.8")))
    assert result == Achievement.SUSTAINING


def test_moving_toward_the_target_is_improving():
    # At most 10 a week: 2.5 a day (17.5 a week) lately, 3.5 a day (24.5 a week) before.
    goal = amount_goal(target=10)
    assert achievement(goal, stats(amounts(12, "2.5"), amounts(12, "3.5"))) == Achievement.IMPROVING


def test_moving_away_from_the_target_is_worsening():
    goal = amount_goal(target=10)
    assert achievement(goal, stats(amounts(12, "3.5"), amounts(12, "2.5"))) == Achievement.WORSENING


def test_a_small_change_is_no_change():
    # 21 a week against 21.7: less than 10% of the earlier level.
    goal = amount_goal(target=10)
    assert achievement(goal, stats(amounts(12, "3.0"), amounts(12, "3.1"))) == Achievement.NO_CHANGE


def test_with_too_few_earlier_answers_the_starting_point_is_compared():
    # Started at 28 a week; now 17.5 a week. The two weeks before had only 2 answers.
    goal = amount_goal(target=10, baseline=28)
    result = achievement(goal, stats(amounts(12, "2.5"), amounts(2, "1")))
    assert result == Achievement.IMPROVING
    # Nothing to compare with at all: in progress.
    assert achievement(amount_goal(target=10), stats(amounts(12, "2.5"))) == Achievement.IN_PROGRESS


def test_at_least_targets_count_upwards():
    # At least 3 times a week: 0.5 a day is 3.5 a week.
    goal = amount_goal(target=3, direction=Direction.AT_LEAST)
    assert achievement(goal, stats(amounts(10, "0.5"))) == Achievement.ACHIEVED
    result = achievement(goal, stats(amounts(10, "0.3"), amounts(10, "0.1")))
    assert result == Achievement.IMPROVING


def test_yes_no_practices():
    goal = yes_no_goal()
    # 12 of 14 answers were a yes: at the target (80% or more).
    assert achievement(goal, stats(yes_of(12, 14))) == Achievement.ACHIEVED
    # From 5 of 10 to 8 of 12: up 17 points.
    assert achievement(goal, stats(yes_of(8, 12), yes_of(5, 10))) == Achievement.IMPROVING
    assert achievement(goal, stats(yes_of(5, 10), yes_of(8, 12))) == Achievement.WORSENING
    assert achievement(goal, stats(yes_of(6, 10))) == Achievement.IN_PROGRESS


def test_goals_without_a_target_are_never_at_one_and_use_their_own_words():
    goal = yes_no_goal(TargetKind.NONE)
    code = achievement(goal, stats(yes_of(14, 14), yes_of(7, 14)))
    assert code == Achievement.IMPROVING
    assert achievement_label(goal, code) == "Doing it more often"
    assert achievement_label(amount_goal(), Achievement.WORSENING) == (
        "Further from the target lately"
    )


def test_summaries_show_small_wins_without_scorekeeping():
    daily = amount_goal(target=2, period=Period.DAY)
    five = GoalStats(last7=Tally(answered=6, met=5))
    assert summary(daily, five) == "5 of the last 7 days at or under your target."
    assert summary(daily, five, you=False) == "5 of the last 7 days at or under the target."
    weekly = amount_goal(target=10)
    text = summary(weekly, GoalStats(last7=Tally(answered=5), total7=Decimal(8)))
    assert text == (
        "Last 7 days: 8 standard drinks, from 5 days with a check-in. "
        "That is at or under your target for a week."
    )
    text = summary(weekly, GoalStats(last7=Tally(answered=1), total7=Decimal(12)), you=False)
    assert text == "Last 7 days: 12 standard drinks, from 1 day with a check-in."
    assert summary(yes_no_goal(), GoalStats(last7=yes_of(4, 6))) == "Done on 4 of the last 7 days."
    assert summary(daily, None) == "No check-ins for this goal in the last 7 days."
    words = " ".join(
        [
            summary(daily, five),
            summary(weekly, None),
            *[
                achievement_label(daily, c)
                for c in (Achievement.IN_PROGRESS, Achievement.WORSENING, Achievement.NO_CHANGE)
            ],
        ]
    ).lower()
    for word in ("streak", "fail", "relapse", "clean"):
        assert word not in words


# Numbers from the database -----------------------------------------------------------------------


@pytest.fixture
def people(db):
    from tests.factories import make_people

    people = make_people()
    add_plans(people)
    return people


def test_stats_count_days_against_the_step_in_effect(people):
    goal = make_goal(
        people.plan_a,
        statement="Fewer drinks a day",
        target_value=Decimal(2),
        target_period=Period.DAY,
        baseline_value=Decimal(6),
    )
    # From the 16th the step is 4 a day; the final target is 2.
    Step.objects.create(goal=goal, starts_on=TODAY - timedelta(days=4), value=Decimal(4))
    add_checkins(
        goal,
        {
            TODAY - timedelta(days=6): 3,  # before the step: target 2, not met
            TODAY - timedelta(days=5): 2,  # met
            TODAY - timedelta(days=4): 4,  # step 4: met
            TODAY - timedelta(days=3): 5,  # not met
            TODAY - timedelta(days=2): None,  # skipped
            TODAY: 0,  # met
            TODAY - timedelta(days=20): 6,  # the earlier two weeks
        },
    )
    found = goal_stats([goal], TODAY)[goal.pk]
    assert found.last7 == Tally(answered=5, met=3, yes=0, average=Decimal("2.80"))
    assert found.recent.answered == 5
    assert found.earlier == Tally(answered=1, met=0, yes=0, average=Decimal("6.00"))
    assert found.total7 == Decimal("14.00")
    assert found.last_day == TODAY
    assert summary(goal, found) == "3 of the last 7 days at or under your target."


def test_the_rolling_average_covers_the_day_and_the_six_before(people):
    goal = people.goal_a
    answers = {TODAY - timedelta(days=n): n % 5 for n in range(40) if n % 3}
    add_checkins(goal, answers)
    first = TODAY - timedelta(days=27)
    points = series([goal], first, TODAY)[goal.pk]
    assert [p.day for p in points] == sorted(d for d in answers if d >= first)
    for point in points:
        window = [v for d, v in answers.items() if point.day - timedelta(days=6) <= d <= point.day]
        expected = Decimal(sum(window)) / len(window)
        assert point.average == expected.quantize(Decimal("0.01"))


# The chart ---------------------------------------------------------------------------------------


def chart_for(goal, answers, steps=(), weeks=4):
    add_checkins(goal, answers)
    first = TODAY - timedelta(days=7 * weeks - 1)
    points = series([goal], first, TODAY)[goal.pk]
    return build_chart(goal, points, targets_by_day(goal, list(steps), first, TODAY), first, TODAY)


def test_chart_with_no_points(people):
    chart = chart_for(people.goal_a, {})
    assert chart.empty and chart.bars == [] and chart.average_path == "" and chart.rows == []
    assert chart.target_path  # the target is still shown
    # A weekly goal: a tick per whole week, on Mondays (21 Feb is a Saturday: that week is out).
    assert [label for _, label in chart.x_ticks] == ["23 Feb", "2 Mar", "9 Mar", "16 Mar"]


def daily_goal(people):
    return make_goal(
        people.plan_a,
        target_period=Period.DAY,
        target_value=Decimal(2),
        baseline_value=Decimal(4),
        statement="Two a day at most",
    )


def test_chart_with_one_point(people):
    chart = chart_for(daily_goal(people), {TODAY: 0})
    assert len(chart.bars) == 1 and chart.bars[0].zero and chart.bars[0].height == 2.0
    assert chart.average_path.count("L") == 1  # a short line, so a single average can be seen
    assert chart.rows[0].noted == "0 standard drinks"


def test_chart_with_many_points_and_steps(people):
    goal = daily_goal(people)  # at most 2 a day
    step = Step(goal=goal, starts_on=TODAY - timedelta(days=10), value=Decimal(3), pk=1)
    answers = {TODAY - timedelta(days=n): 4 - n / 30 for n in range(84)}
    chart = chart_for(goal, answers, steps=[step], weeks=12)
    assert len(chart.bars) == 84 and chart.average_path.count("L") == 83
    assert len(chart.rows) == 84 and chart.rows[0].day == TODAY
    # The line starts at the target (2 a day) and moves to the step (3 a day) on its day.
    assert chart.target_path.count("L") == 3
    assert chart.has_steps
    assert max(bar.height for bar in chart.bars) <= chart.bottom - chart.top
    assert len(chart.x_ticks) == 4  # every three weeks over twelve


def test_weekly_goals_are_charted_as_weekly_totals_against_the_weekly_step(people):
    """Before: daily bars compared with a weekly target's daily share."""
    goal = people.goal_a  # at most 14 a week
    step = Step(goal=goal, starts_on=date(2026, 3, 9), value=Decimal(20), pk=1)
    # Friday 20 March: Monday 16 to today at 3 a day; the week before, two days of 4.
    answers = {TODAY - timedelta(days=n): 3 for n in range(5)}
    answers.update({date(2026, 3, 10): 4, date(2026, 3, 12): 4})
    chart = chart_for(goal, answers, steps=[step])
    assert chart.weekly and chart.answered_days == 7
    assert [(bar.label, bar.current) for bar in chart.bars] == [
        ("Week of 9 March: 8 standard drinks", False),
        ("Week of 16 March: 15 standard drinks (this week, so far)", True),
    ]
    assert [(row.day, row.noted, row.target) for row in chart.rows] == [
        (date(2026, 3, 16), "15 standard drinks so far", "20 a week"),
        (date(2026, 3, 9), "8 standard drinks", "20 a week"),
    ]
    # One step segment per whole week in range (23 Feb to 16 March): 14, 14, 20, 20.
    assert chart.target_path.count("M") == 4 and chart.has_steps
    assert chart.y_label == "standard drinks a week"


def test_yes_no_chart(people):
    goal = services.goal_create(
        plan=people.plan_a, author=people.client_a, data=practice_goal_data()
    )
    chart = chart_for(
        goal, {TODAY: True, TODAY - timedelta(days=1): False, TODAY - timedelta(2): None}
    )
    assert [dot.yes for dot in chart.dots] == [False, True]
    assert [row.noted for row in chart.rows] == ["Yes", "No", "Skipped"]
    assert chart.target_path == ""


def test_nice_ceiling():
    values = (0, 0.4, 1.2, 3, 7, 12, 26, 60, 101)
    assert [nice_ceiling(v) for v in values] == [1, 1, 1.5, 3, 8, 15, 30, 60, 150]


# Pages -------------------------------------------------------------------------------------------


def page_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@time_machine.travel(NOON, tick=False)
def test_progress_pages_make_the_same_queries_for_10_and_1000_checkins(people, client):
    goal = people.goal_a
    practice = services.goal_create(
        plan=people.plan_a, author=people.client_a, data=practice_goal_data()
    )
    add_checkins(goal, {TODAY - timedelta(days=n): n % 4 for n in range(10)})
    add_checkins(practice, {TODAY - timedelta(days=n): n % 2 == 0 for n in range(10)})
    goal_url = reverse("plans:goal_progress", args=[people.plan_a.public_id, goal.public_id])
    urls = [goal_url, goal_url + "?weeks=12", reverse("plans:progress")]
    sign_in(client, people.client_a)
    client.get(reverse("help"))  # the first request after signing in caches the person
    small = [page_queries(client, url)[0] for url in urls]

    goal.checkin_entries.all().delete()
    practice.checkin_entries.all().delete()
    people.client_a.checkins.all().delete()
    add_checkins(goal, {TODAY - timedelta(days=n): n % 4 for n in range(1000)})
    add_checkins(practice, {TODAY - timedelta(days=n): n % 2 == 0 for n in range(1000)})
    big = [page_queries(client, url)[0] for url in urls]
    assert small == big
    print(f"progress page queries (goal, goal 12 weeks, overview): {big}")

    # The counselor sees the same progress; each look is in the access log.
    sign_in(client, people.counselor)
    count, page = page_queries(client, goal_url)
    assert "Progress for client-a" in page
    assert AccessEvent.objects.filter(object_type="progress", actor=people.counselor).exists()


@time_machine.travel(NOON, tick=False)
def test_progress_page_shows_summary_chart_and_table(people, client):
    goal = people.goal_a
    url = reverse("plans:goal_progress", args=[people.plan_a.public_id, goal.public_id])
    sign_in(client, people.client_a)
    page = client.get(url).content.decode()
    assert "No check-ins in these weeks yet" in page and 'data-answered="0"' in page
    add_checkins(goal, {TODAY - timedelta(days=n): 3 for n in range(5)})
    page = client.get(url).content.decode()
    # A weekly goal: one bar for this week's total (16 to 20 March), not five daily bars.
    assert 'data-answered="5"' in page and page.count('class="bar') == 1
    assert "15 standard drinks so far" in page
    assert "Last 7 days: 15 standard drinks, from 5 days with a check-in." in page
    # 3 a day is 21 a week: less than the 28 a week the client started from.
    assert 'data-achievement="improving"' in page and "Moving toward the target" in page
    fragment = client.get(url + "?weeks=12", headers={"HX-Request": "true"})
    assert fragment["Vary"].count("HX-Request") == 1
    assert fragment.content.decode().lstrip().startswith('<div id="progress-chart">')
    assert "the last 12 weeks" in fragment.content.decode()


@time_machine.travel(NOON, tick=False)
def test_the_plan_page_shows_a_progress_line_per_goal(people, client):
    add_checkins(people.goal_a, {TODAY - timedelta(days=n): 1 for n in range(8)})
    sign_in(client, people.counselor)
    page = client.get(people.plan_a.get_absolute_url()).content.decode()
    assert "Last 7 days: 7 standard drinks, from 7 days with a check-in." in page
    assert "That is at or under the target for a week." in page
    assert 'data-achievement="achieved"' in page and "At the target" in page
    assert (
        reverse("plans:goal_progress", args=[people.plan_a.public_id, people.goal_a.public_id])
        in page
    )


def test_the_caseload_shows_the_last_checkin_and_a_quiet_marker(people, client):
    from harmplan.accounts.models import Role
    from tests.factories import assign, make_user

    quiet = make_user("quiet-client", people.org, Role.CLIENT)
    assign(people.counselor, quiet)
    quiet_goal = make_goal(services.plan_for_client(quiet))
    with time_machine.travel(NOON, tick=False):
        add_checkins(people.goal_a, {TODAY - timedelta(days=13): 1})
        add_checkins(quiet_goal, {TODAY - timedelta(days=14): 1})
        sign_in(client, people.counselor)
        page = client.get(reverse("plans:caseload")).content.decode()
    rows = {row.split("</td>")[0]: row for row in page.split("<tr>")[2:]}
    client_a = next(row for key, row in rows.items() if "client-a" in key)
    quiet_row = next(row for key, row in rows.items() if "quiet-client" in key)
    assert "7 Mar 2026" in client_a and "No check-in for 14 days" not in client_a
    assert "6 Mar 2026" in quiet_row and "No check-in for 14 days" in quiet_row
    assert len(rows) == 2  # client B is not on this counselor's caseload

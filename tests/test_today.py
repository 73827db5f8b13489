"""Today, the client's home: this step in plain words, one "Check in" button, a calm "Done for
today" with kind feedback, and the counselor's changes as a difference with "I agree"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from harmplan.accounts.models import Role
from plans.checkins import services as checkins
from plans.goals import services
from plans.models import Period, Plan, Step, Unit
from plans.today import selectors
from plans.today.feedback import feedback
from tests.factories import make_user
from tests.plan_factories import make_goal, practice_goal_data
from tests.test_plans_queries import count_queries

# Wednesday 2 December 2026, 17:00 UTC: noon in New York.
NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)
MONDAY = date(2026, 11, 30)

# Words LANGUAGE.md keeps out of anything a client reads.
BANNED = re.compile(
    r"\b(streaks?|clean|dirty|relapsed?|relapses|slip(ped|s)?|fail(ed|ure|s)?|addicts?|junkie|"
    r"abuse|compliant|must)\b",
    re.IGNORECASE,
)


def weekly_goal(plan: Plan, **overrides):
    goal = make_goal(plan, **overrides)  # at most 14 standard drinks a week, from 28
    Step.objects.create(goal=goal, starts_on=date(2026, 11, 1), value=Decimal(12))
    return goal


def note(client, goal, day: date, amount) -> None:
    entry = (
        checkins.Entry(done=amount)
        if isinstance(amount, bool)
        else checkins.Entry(amount=Decimal(amount))
    )
    checkins.checkin_record(client=client, day=day, entries={goal: entry})


@pytest.fixture
def plan(people):
    return services.plan_for_client(people.client_a)


@time_machine.travel(NOW, tick=False)
def test_home_is_today_with_this_step_in_plain_words(people, plan, client):
    """Before: the client landed on the long plan page; "Check in" was one of six menu links."""
    goal = weekly_goal(plan)
    note(people.client_a, goal, MONDAY, 4)
    client.force_login(people.client_a)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Today</h1>" in page
    assert "Up to 12 standard drinks this week</strong> — 4 standard drinks so far" in page
    assert 'id="check-in"' in page
    assert "Done for today" not in page


@time_machine.travel(NOW, tick=False)
def test_one_standard_drink_is_singular(people, plan, client):
    goal = make_goal(
        plan, target_value=Decimal(1), target_period=Period.DAY, baseline_value=Decimal(3)
    )
    note(people.client_a, goal, TODAY, 1)
    client.force_login(people.client_a)
    page = client.get("/").content.decode()
    assert "Up to 1 standard drink a day</strong> — 1 standard drink today" in page
    assert "1 standard drinks" not in page
    assert goal.target_text == "At most 1 standard drink a day"


@time_machine.travel(NOW, tick=False)
def test_after_checking_in_today_is_done_with_what_was_logged(people, plan, client):
    goal = weekly_goal(plan)
    client.force_login(people.client_a)
    response = client.post(
        reverse("plans:checkin"),
        {"day": TODAY.isoformat(), f"goal-{goal.public_id}": "0", "feeling": "4", "cravings": "3"},
    )
    assert response["Location"] == reverse("home")
    page = client.get("/").content.decode()
    assert "Done for today" in page
    assert "0 standard drinks" in page
    assert "Cravings: <strong>3 / 10</strong>" in page
    assert "1 alcohol-free day this week." in page
    assert "Change today's check-in" in page
    assert 'id="check-in"' not in page


@time_machine.travel(NOW, tick=False)
def test_feedback_counts_weeks_within_the_step_never_a_streak(people, plan):
    goal = weekly_goal(plan)
    for day, amount in [
        (date(2026, 11, 10), 10),
        (date(2026, 11, 17), 11),
        (date(2026, 11, 24), 20),
    ]:
        note(people.client_a, goal, day, amount)
    note(people.client_a, goal, TODAY, 2)
    items = selectors.goals_today(plan, selectors.active_goals(plan), TODAY)
    [line] = feedback(items, TODAY)
    assert line.text == "Within your weekly step in 2 of the last 3 weeks."


@time_machine.travel(NOW, tick=False)
def test_a_harder_day_gets_a_gentle_line_and_the_strategies(people, plan):
    goal = weekly_goal(plan)
    note(people.client_a, goal, TODAY, 15)
    [line] = feedback(selectors.goals_today(plan, selectors.active_goals(plan), TODAY), TODAY)
    assert line.text.startswith("Some days are harder than others.")
    assert line.goal_url == goal.get_absolute_url() + "#strategies"


@time_machine.travel(NOW, tick=False)
def test_money_not_spent_when_the_goal_tracks_money(people, plan):
    goal = make_goal(
        plan,
        target_unit=Unit.MONEY,
        target_value=Decimal(40),
        baseline_value=Decimal(100),
        statement="Spend less on betting",
    )
    note(people.client_a, goal, MONDAY, 25)
    [line] = feedback(selectors.goals_today(plan, selectors.active_goals(plan), TODAY), TODAY)
    assert "About 75 not spent so far this week." in line.text


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("amounts", [[0, 0, 0], [12, 3, 1], [30, 20, 0], [0], [5, 5, 5, 5]])
def test_feedback_words_never_keep_score_or_blame(people, plan, amounts):
    drinks = weekly_goal(plan)
    daily = make_goal(
        plan, target_period=Period.DAY, target_value=Decimal(2), statement="Two a day"
    )
    practice = services.goal_create(plan=plan, author=people.client_a, data=practice_goal_data())
    for back, amount in enumerate(amounts):
        day = TODAY.fromordinal(TODAY.toordinal() - back * 3)
        checkins.checkin_record(
            client=people.client_a,
            day=day,
            entries={
                drinks: checkins.Entry(amount=Decimal(amount)),
                daily: checkins.Entry(amount=Decimal(amount)),
                practice: checkins.Entry(done=amount == 0),
            },
        )
    lines = feedback(selectors.goals_today(plan, selectors.active_goals(plan), TODAY), TODAY)
    assert lines
    for line in lines:
        assert not BANNED.search(line.text), line.text


def test_the_banned_words_check_can_fail():
    assert BANNED.search("You kept your streak")
    assert BANNED.search("3 days clean")
    assert not BANNED.search("2 alcohol-free days this week.")


@time_machine.travel(NOW, tick=False)
def test_counselor_changes_show_as_a_difference_with_i_agree(people, plan, client):
    """Before: "Changed by your counselor — please look" without saying what changed."""
    goal = weekly_goal(plan)
    plan.refresh_from_db()
    services.plan_agree(plan=plan, client=people.client_a, content_version=plan.content_version)
    goal.refresh_from_db()
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"target_value": Decimal(10)},
        author=people.counselor,
    )
    client.force_login(people.client_a)
    page = client.get("/").content.decode()
    assert "Your counselor changed your plan" in page
    assert re.search(r"<del>.*14.*</del>\s*<ins>.*10.*</ins>", page, re.S)
    plan.refresh_from_db()
    response = client.post(
        reverse("plans:plan_agree", args=[plan.public_id]),
        {"content_version": plan.content_version, "back": "today"},
    )
    assert response["Location"] == reverse("home")
    plan.refresh_from_db()
    assert plan.agreement == "agreed"
    assert "Your counselor changed your plan" not in client.get("/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_today_queries_do_not_grow_with_goals_or_check_ins(people, plan, client):
    goal = weekly_goal(plan)
    note(people.client_a, goal, TODAY, 1)
    client.force_login(people.client_a)
    small = count_queries(client, "/")
    big_client = make_user("big-client", people.org, Role.CLIENT)
    big = services.plan_for_client(big_client)
    for n in range(15):
        goal = weekly_goal(big, statement=f"Goal {n}")
        for back in range(20):
            note(big_client, goal, TODAY.fromordinal(TODAY.toordinal() - back), 1)
    client.force_login(big_client)
    assert count_queries(client, "/") == small


@time_machine.travel(NOW, tick=False)
def test_the_plan_page_banner_shows_what_changed(people, plan, client):
    """Before: "Changed by your counselor — please look" did not say what changed."""
    goal = weekly_goal(plan)
    plan.refresh_from_db()
    services.plan_agree(plan=plan, client=people.client_a, content_version=plan.content_version)
    goal.refresh_from_db()
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"target_value": Decimal(10)},
        author=people.counselor,
    )
    client.force_login(people.client_a)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert re.search(r"<del>.*14.*</del>\s*<ins>.*10.*</ins>", page, re.S)
    assert page.count("I agree") == 1  # the plan page keeps its own agree button

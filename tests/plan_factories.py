"""Builders for plans and goals in tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from plans.goals import services
from plans.goals.stepdown import plan_steps
from plans.models import Direction, Goal, Period, Plan, TargetKind, Unit
from strategies.models import Approach, FocusArea
from tests.catalog_factories import make_strategy


def focus(slug: str = "alcohol") -> FocusArea:
    FocusArea.objects.ensure_defaults()
    return FocusArea.objects.get(slug=slug)


def amount_goal_data(**overrides) -> dict:
    return {
        "focus_area": focus("alcohol"),
        "approach": Approach.MANAGED_USE,
        "statement": "Drink less on weeknights",
        "target_kind": TargetKind.AMOUNT,
        "target_direction": Direction.AT_MOST,
        "target_value": Decimal(14),
        "target_unit": Unit.STANDARD_DRINKS,
        "target_period": Period.WEEK,
        "baseline_value": Decimal(28),
        **overrides,
    }


def practice_goal_data(**overrides) -> dict:
    return {
        "focus_area": focus("opioids"),
        "approach": Approach.SAFER_USE,
        "statement": "Never use alone",
        "target_kind": TargetKind.PRACTICE,
        "practice": "Carry naloxone",
        **overrides,
    }


def make_goal(plan: Plan, author=None, *, steps: bool = False, **overrides) -> Goal:
    data = amount_goal_data(**overrides)
    planned = []
    if steps:
        planned = plan_steps(
            baseline=data["baseline_value"],
            target=data["target_value"],
            start=date.today() + timedelta(days=1),
        )
    return services.goal_create(plan=plan, author=author or plan.client, data=data, steps=planned)


def add_plans(people) -> None:
    """Plans for the people of tests.factories.make_people, with one goal, step and strategy."""
    people.plan_a = services.plan_for_client(people.client_a)
    people.plan_b = services.plan_for_client(people.client_b)
    people.other_plan = services.plan_for_client(people.other_client)
    people.strategy = make_strategy(
        "drink-water", approaches=(Approach.MANAGED_USE,), focus_areas=("alcohol",)
    )
    people.goal_a = make_goal(people.plan_a, steps=True)
    people.step_a = people.goal_a.steps.first()
    people.link_a = services.goal_strategy_add(
        goal=people.goal_a,
        expected_version=people.goal_a.version,
        strategy=people.strategy,
        note="",
        author=people.client_a,
    )
    people.goal_a.refresh_from_db()


def add_checkins(goal: Goal, answers: dict) -> None:
    """Check-ins with one entry each for `goal`, written in bulk: {day: amount, True/False or None
    for skipped}. For big data sets; pages and services are tested through checkin_record."""
    from plans.models import CheckIn, CheckInEntry

    client = goal.plan.client
    existing = dict(CheckIn.objects.filter(client=client).values_list("day", "pk"))
    CheckIn.objects.bulk_create(
        [CheckIn(client=client, day=day) for day in answers if day not in existing]
    )
    ids = dict(CheckIn.objects.filter(client=client).values_list("day", "pk"))
    entries = []
    for day, answer in answers.items():
        values = {"skipped": answer is None}
        if isinstance(answer, bool):
            values["done"] = answer
        elif answer is not None:
            values["amount"] = Decimal(str(answer))
        entries.append(CheckInEntry(checkin_id=ids[day], day=day, goal=goal, **values))
    CheckInEntry.objects.bulk_create(entries)

"""Demo plans for the demo clients. Only a client with no goals yet gets them, so reruns are safe
and whatever someone changed while trying the demo stays."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NotRequired, TypedDict

from django.db import transaction

from strategies.models import Approach, FocusArea, Strategy

from .checkins.services import Entry, checkin_record
from .goals import services
from .goals.stepdown import plan_steps
from .models import CheckIn, Direction, Goal, Lifecycle, Period, TargetKind, Unit
from .timezones import client_today, program_today


class PlanSpec(TypedDict):
    about: NotRequired[dict[str, str]]
    goals: list[dict[str, Any]]
    agree: bool


PLANS: dict[str, PlanSpec] = {
    "demo-client": {
        "about": {
            "what_matters": "Being a steady dad for my daughter. Keeping my job at the warehouse.",
            "strengths": "I show up. I stuck with night classes last year.",
            "supports": "My sister Maria. The Tuesday group.",
            "safety_plan": "Naloxone is in the blue backpack, front pocket.\n"
            "If things go wrong I call Maria, then my counselor.",
        },
        "goals": [
            {
                "focus": "alcohol",
                "approach": Approach.MANAGED_USE,
                "statement": "Drink less on weeknights",
                "why": "I want mornings with a clear head.",
                "target_kind": TargetKind.AMOUNT,
                "target_value": Decimal(10),
                "target_unit": Unit.STANDARD_DRINKS,
                "target_period": Period.WEEK,
                "baseline_value": Decimal(24),
                "steps_from_weeks_ago": 6,
                "strategies": ["drinking-diary", "alternate-with-water", "alcohol-free-days"],
            },
            {
                "focus": "opioids",
                "approach": Approach.SAFER_USE,
                "statement": "Never use alone",
                "target_kind": TargetKind.PRACTICE,
                "practice": "Someone is with me, or I call a line",
                "strategies": ["never-use-alone", "naloxone-kit", "fentanyl-test-strips"],
            },
        ],
        "agree": True,
    },
    "demo-client2": {
        "about": {"what_matters": "Getting my own place."},
        "goals": [
            {
                "focus": "stimulants",
                "approach": Approach.SAFER_USE,
                "statement": "Eat and sleep on the days I use",
                "target_kind": TargetKind.PRACTICE,
                "practice": "A real meal and 6 hours sleep",
                "strategies": ["stimulant-rest-food-water"],
            },
            {
                "focus": "nicotine",
                "approach": Approach.ABSTINENCE,
                "statement": "Stop smoking by spring",
                "target_kind": TargetKind.NONE,
                "strategies": ["nicotine-replacement"],
            },
        ],
        "agree": False,
    },
    "demo-client-other": {
        "goals": [
            {
                "focus": "gambling",
                "approach": Approach.MANAGED_USE,
                "statement": "Keep betting to what I can afford",
                "target_kind": TargetKind.AMOUNT,
                "target_value": Decimal(20),
                "target_unit": Unit.MONEY,
                "target_period": Period.WEEK,
                "baseline_value": Decimal(60),
                "strategies": ["gambling-limits", "track-money-spent"],
            },
        ],
        "agree": True,
    },
}


@transaction.atomic
def seed_plans(users: dict) -> None:
    today = program_today()
    for username, spec in PLANS.items():
        client = users[username]
        plan = services.plan_for_client(client)
        if plan.goals.exists():
            continue
        about = spec.get("about")
        if about:
            plan = services.plan_update(
                plan=plan, expected_version=plan.version, data=about, author=client
            )
        for goal_spec in spec["goals"]:
            goal_spec = dict(goal_spec)
            strategies = Strategy.objects.published().filter(slug__in=goal_spec.pop("strategies"))
            weeks_ago = goal_spec.pop("steps_from_weeks_ago", None)
            data = {
                "focus_area": FocusArea.objects.get(slug=goal_spec.pop("focus")),
                "target_direction": Direction.AT_MOST,
                "lifecycle": Lifecycle.ACTIVE,
                "start_on": today - timedelta(weeks=weeks_ago or 2),
                **goal_spec,
            }
            steps = []
            if weeks_ago:
                steps = plan_steps(
                    baseline=data["baseline_value"],
                    target=data["target_value"],
                    start=today - timedelta(weeks=weeks_ago),
                    reduction_percent=Decimal(15),
                    interval_days=14,
                )
            services.goal_create(
                plan=plan,
                author=client,
                data=data,
                strategies=[s for s in strategies if services.strategy_fits(s, data["approach"])],
                steps=steps,
            )
        plan.refresh_from_db()
        if spec["agree"]:
            services.plan_agree(plan=plan, client=client, content_version=plan.content_version)
    seed_checkins(users)


# Check-ins: (first day, last day) as days before today. demo-client2 stopped 16 days ago, so the
# caseload shows the "no check-in for 14 days" marker.
CHECKIN_DAYS = {"demo-client": (42, 1), "demo-client2": (44, 16), "demo-client-other": (35, 1)}


def _demo_entry(goal: Goal, progress: float, day: date, rng: random.Random) -> Entry:
    """An entry that moves from the starting point toward the target as `progress` goes 0 → 1."""
    if goal.target_kind != TargetKind.AMOUNT:
        return Entry(done=rng.random() < 0.45 + 0.45 * progress)
    if goal.target_value is None:
        return Entry()
    share = 7 if goal.target_period == Period.WEEK else 1
    start = (goal.baseline_value or goal.target_value * 2) / share
    level = float(start + (goal.target_value / share - start) * Decimal(progress))
    if day.weekday() in (4, 5):  # Friday and Saturday are harder
        level *= 1.6
    amount = max(0.0, level * rng.uniform(0.7, 1.3))
    if goal.target_unit == Unit.MONEY:
        return Entry(amount=Decimal(round(amount / 5) * 5))
    return Entry(amount=Decimal(round(amount)))


def seed_checkins(users: dict) -> None:
    """Several weeks of check-ins with a visible trend. A client with any check-in is left alone,
    so reruns add nothing and whatever someone entered while trying the demo stays."""
    for username, (first, last) in CHECKIN_DAYS.items():
        client = users[username]
        if CheckIn.objects.for_client(client).exists():
            continue
        plan = services.plan_for_client(client)
        today = client_today(plan)
        goals = list(plan.goals.active())
        rng = random.Random(username)  # the same demo every time
        for days_ago in range(first, last - 1, -1):
            if rng.random() < 0.15:  # some days are missed, as in real life
                continue
            progress = (first - days_ago) / first
            day = today - timedelta(days=days_ago)
            checkin_record(
                client=client,
                day=day,
                entries={goal: _demo_entry(goal, progress, day, rng) for goal in goals},
                feeling=min(5, max(1, round(2 + 2 * progress + rng.uniform(-1, 1)))),
                cravings=min(10, max(0, round(7 - 4 * progress + rng.uniform(-1.5, 1.5)))),
            )

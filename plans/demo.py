"""Demo plans for the demo clients. Only a client with no goals yet gets them, so reruns are safe
and whatever someone changed while trying the demo stays."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from strategies.models import Approach, FocusArea, Strategy

from . import services
from .models import Direction, Lifecycle, Period, TargetKind, Unit
from .stepdown import plan_steps

PLANS = {
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
    today = date.today()
    for username, spec in PLANS.items():
        client = users[username]
        plan = services.plan_for_client(client)
        if plan.goals.exists():
            continue
        if spec.get("about"):
            plan = services.plan_update(
                plan=plan, expected_version=plan.version, data=spec["about"], author=client
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

"""Reads more than one page needs: the plan page, the desk, the printed plan, a shared record."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch

from plans.models import Goal, GoalStrategy, Plan, Step


def current_goals(plan: Plan, today: date) -> list[Goal]:
    """Current goals with their steps and strategies, and this step and the next one on the
    client's `today`, in a fixed number of queries."""
    goals = list(
        plan.goals.current()
        .select_related("focus_area")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("starts_on", "pk")),
            Prefetch(
                "strategy_links",
                queryset=GoalStrategy.objects.select_related("strategy").order_by("added_at"),
            ),
        )
    )
    for goal in goals:
        steps = list(goal.steps.all())
        goal.current_step = next((s for s in reversed(steps) if s.starts_on <= today), None)
        goal.next_step = next((s for s in steps if s.starts_on > today), None)
    return goals

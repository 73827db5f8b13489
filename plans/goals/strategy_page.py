"""The part of a strategy page that plans provide: add the strategy to one of your goals."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from harmplan.compiled_query import CompiledQuery
from plans.models import Goal, GoalStrategy
from strategies.models import Strategy

TEMPLATE = "plans/goals/_add_to_goal.html"


def _client_goals_build(ids: list[int]):
    client_id, strategy_id = ids
    return (
        Goal.objects.current()
        .filter(plan__client_id=client_id)
        .select_related("plan")
        .annotate(
            has_it=Exists(GoalStrategy.objects.filter(goal=OuterRef("pk"), strategy_id=strategy_id))
        )
    )


# Built and compiled once (harmplan/compiled_query.py): building it cost more CPU than
# PostgreSQL takes to answer it.
CLIENT_GOALS = CompiledQuery(_client_goals_build)


def client_goals_for(strategy: Strategy, user) -> tuple[list[Goal], list[Goal]]:
    """A client's current goals this strategy could be added to, and those that have it already."""
    goals = CLIENT_GOALS.objects([user.pk, strategy.pk])
    with_it = [goal for goal in goals if goal.has_it]
    fitting = [goal for goal in goals if not goal.has_it and goal.approach in strategy.approaches]
    return fitting, with_it


def add_to_goal(strategy: Strategy, user) -> tuple[str, dict] | None:
    """Listed in settings.STRATEGY_PAGE_PARTS."""
    if not user.is_client or not strategy.is_recommended:
        return None
    fitting, with_it = client_goals_for(strategy, user)
    return TEMPLATE, {"goals_to_add_to": fitting, "goals_with_it": with_it}

"""The goal cards of a client's plan page, as HTML cached from the plain values they show
(harmplan/fragments.py): rendering them cost more than the queries behind them."""

from __future__ import annotations

from django.utils.safestring import SafeString

from harmplan.fragments import render_cached
from plans.models import Goal, Lifecycle, Plan, Step


def _step(step: Step | None) -> dict | None:
    return None if step is None else {"value": step.value, "starts_on": step.starts_on}


def _card(goal: Goal, *, show_focus_areas: bool) -> dict:
    line = goal.progress_line
    return {
        "url": goal.get_absolute_url(),
        # What plans/progress/_line.html reads of a goal, for its "See progress" link.
        "plan": {"public_id": goal.plan.public_id},
        "public_id": goal.public_id,
        "statement": goal.statement,
        "approach": goal.get_approach_display(),
        "focus_area": goal.focus_area.shown_name if show_focus_areas else "",
        "active": goal.lifecycle == Lifecycle.ACTIVE,
        "lifecycle": goal.get_lifecycle_display(),
        "target_text": goal.target_text,
        "line": line
        and {
            "state": line.state,
            "label": line.label,
            "summary": line.summary,
            "last_day": line.last_day,
        },
        "current_step": _step(goal.current_step),
        "next_step": _step(goal.next_step),
        "unit": goal.get_target_unit_display(),
        "period": goal.get_target_period_display(),
        # What a reader sees of each strategy: their language where the curators wrote it.
        "strategies": (
            [link.strategy.shown_title for link in goal.strategy_links.all()]
            if show_focus_areas
            else []
        ),
    }


def goal_cards_html(plan: Plan, goals: list[Goal], *, is_client: bool) -> SafeString:
    """Goals as loaded by current_goals, with their progress lines (plans/goals/views.py)."""
    show_focus_areas = not is_client or plan.show_focus_areas
    cards = [_card(goal, show_focus_areas=show_focus_areas) for goal in goals]
    return render_cached("plans/goals/_goal_cards.html", {"cards": cards})

"""Goal cards (a client's plan page, the desk), as HTML cached from the plain values they show
(harmplan/fragments.py): rendering them cost more than the queries behind them."""

from __future__ import annotations

from functools import cache

from django.db import models
from django.utils.encoding import force_str
from django.utils.safestring import SafeString

from harmplan.fragments import render_cached
from plans.models import Goal, Lifecycle, Plan, Step


def _step(step: Step | None) -> dict | None:
    return None if step is None else {"value": step.value, "starts_on": step.starts_on}


@cache
def _labels(field_name: str) -> dict:
    """A goal field's choices as {value: label}, made once: `get_FOO_display()` rebuilds them on
    every call, and that was a third of the cost of the desk's cards. The labels stay lazy."""
    field = Goal._meta.get_field(field_name)
    assert isinstance(field, models.Field)  # a column of the goal, not a relation
    return dict(field.flatchoices)


def _display(goal: Goal, field_name: str) -> str:
    """What `goal.get_<field_name>_display()` returns, in the active language."""
    value = getattr(goal, field_name)
    return force_str(_labels(field_name).get(value, value), strings_only=True)


def goal_card(goal: Goal, *, show_focus_areas: bool) -> dict:
    """What a goal card shows (on the plan page and the desk), as plain values."""
    line = goal.progress_line
    return {
        "url": goal.get_absolute_url(),
        # What plans/progress/_line.html reads of a goal, for its "See progress" link.
        "plan": {"public_id": goal.plan.public_id},
        "public_id": goal.public_id,
        "statement": goal.statement,
        "approach": _display(goal, "approach"),
        "focus_area": goal.focus_area.shown_name if show_focus_areas else "",
        "active": goal.lifecycle == Lifecycle.ACTIVE,
        "lifecycle": _display(goal, "lifecycle"),
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
        "unit": _display(goal, "target_unit"),
        "period": _display(goal, "target_period"),
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
    cards = [goal_card(goal, show_focus_areas=show_focus_areas) for goal in goals]
    return render_cached("plans/goals/_goal_cards.html", {"cards": cards})

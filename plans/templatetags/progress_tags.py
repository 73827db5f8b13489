"""Progress lines on the plan page: one query for all goals, then one line per goal."""

from __future__ import annotations

from django import template

from plans.models import Lifecycle
from plans.progress import progress_lines

register = template.Library()


@register.simple_tag(takes_context=True)
def goal_progress_lines(context, plan, goals, today) -> dict:
    """Progress for the plan's active goals, by goal id, up to the client's `today`."""
    request = context.get("request")
    you = request is not None and request.user.pk == plan.client_id
    active = [goal for goal in goals if goal.lifecycle == Lifecycle.ACTIVE]
    return progress_lines(active, today, you=you)


@register.inclusion_tag("plans/progress/_line.html")
def progress_line(lines: dict, goal) -> dict:
    return {"line": lines.get(goal.pk), "goal": goal}

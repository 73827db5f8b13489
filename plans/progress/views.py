"""Progress pages: the client's overview after a check-in, and one goal over 4 or 12 weeks (which
the counselor opens from the in-session view too)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role
from harmplan.compiled_query import CompiledQuery
from harmplan.http import AuthenticatedRequest
from plans import timezones
from plans.access import get_goal_for_user, log_read
from plans.goals import services
from plans.goals.selectors import with_steps
from plans.models import CheckIn, Goal, Step

from .chart import chart_html
from .stats import progress_lines, series, targets_by_day

SPANS = {"4": 4, "12": 12}


def _charts(goals, today, weeks: int, steps_by_goal, lines) -> dict[int, SafeString]:
    """Each goal's chart over the last `weeks` weeks, as HTML (from the cache when drawn before)."""
    first = today - timedelta(days=7 * weeks - 1)
    points = series(goals, first, today)
    return {
        goal.pk: chart_html(
            goal,
            points[goal.pk],
            targets_by_day(goal, steps_by_goal.get(goal.pk, []), first, today),
            first,
            today,
            weeks=weeks,
            summary=lines[goal.pk].summary,
        )
        for goal in goals
    }


def _steps_by_goal(goals: list[Goal]) -> dict[int, list[Step]]:
    return {goal.pk: list(goal.steps.all()) for goal in with_steps(goals)}


def _active_goals_query(ids: list[int]) -> QuerySet[Goal]:
    (plan_id,) = ids
    return Goal.objects.filter(plan_id=plan_id).active().order_by("position", "created_at")


def _last_checkin_query(ids: list[int]) -> QuerySet[CheckIn]:
    (client_id,) = ids
    return CheckIn.objects.for_client(client_id).order_by("-day")[:1]


# The page a client lands on after a check-in: its queries compiled once
# (harmplan/compiled_query.py).
_ACTIVE_GOALS = CompiledQuery(_active_goals_query)
_LAST_CHECKIN = CompiledQuery(_last_checkin_query)


@role_required(Role.CLIENT)
@require_GET
def progress_overview(request: AuthenticatedRequest) -> HttpResponse:
    plan = services.plan_for_client(request.user)
    today = timezones.client_today(plan)
    goals = _ACTIVE_GOALS.objects([plan.pk])
    for goal in goals:
        goal.plan = plan
    lines = progress_lines(goals, today)
    charts = _charts(goals, today, 4, _steps_by_goal(goals), lines)
    last = next(iter(_LAST_CHECKIN.objects([request.user.pk])), None)
    items = [
        {"goal": goal, "line": lines[goal.pk], "chart_html": charts[goal.pk]} for goal in goals
    ]
    return render(
        request,
        "plans/progress/overview.html",
        {"plan": plan, "items": items, "today": today, "last_checkin": last},
    )


@require_GET
def goal_progress(request: AuthenticatedRequest, plan_id, goal_id) -> HttpResponse:
    goal = get_goal_for_user(request.user, plan_id, goal_id)
    plan = goal.plan
    is_client = request.user.pk == plan.client_id
    if not is_client:
        log_read(request, plan, "progress", goal.public_id)
    weeks = SPANS.get(request.GET.get("weeks", ""), 4)
    today = timezones.client_today(plan)
    line = progress_lines([goal], today, you=is_client)[goal.pk]
    lines = {goal.pk: line}
    context = {
        "plan": plan,
        "goal": goal,
        "line": line,
        "chart_html": _charts([goal], today, weeks, _steps_by_goal([goal]), lines)[goal.pk],
        "weeks": weeks,
        "spans": [4, 12],
        "is_client": is_client,
        "today": today,
    }
    template = "plans/progress/goal.html"
    if request.htmx:
        template += "#progress-chart"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response

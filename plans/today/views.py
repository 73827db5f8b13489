"""The Today page: the client's home at "/"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plans.goals import services as goal_services
from plans.goals.forms import AgreeForm
from plans.timezones import client_today

from . import selectors
from .feedback import feedback


def today(request: HttpRequest) -> HttpResponse:
    """Called by the home page for clients (it has no URL of its own)."""
    plan = goal_services.plan_for_client(request.user)
    day = client_today(plan)
    goals = selectors.goals_today(plan, selectors.active_goals(plan), day)
    checkin = selectors.todays_checkin(plan, day)
    context = {
        "plan": plan,
        "today": day,
        "goals": goals,
        "checkin": checkin,
        "entries": list(checkin.entries.all()) if checkin else [],
        "feedback": feedback(goals, day) if checkin else [],
        "changes": selectors.counselor_changes(plan),
        "agree_form": AgreeForm(initial={"content_version": plan.content_version}),
    }
    return render(request, "plans/today/today.html", context)

"""What a printed plan or a shared record shows, gathered once for the PDF and the shared page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Prefetch

from plans import timezones
from plans.models import CheckIn, CheckInEntry, Goal, GoalStrategy, Plan, Step

from .zones import zone_for_client

# A shared record's check-ins: the last three months, enough for a doctor's visit.
CHECKIN_DAYS = 92


def current_goals(plan: Plan, today: date) -> list[Goal]:
    """Current goals with this step and the next one, in the client's own local day."""
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


def recent_checkins(client, today: date) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(client=client, day__gt=today - timedelta(days=CHECKIN_DAYS))
        .order_by("-day")
        .prefetch_related(Prefetch("entries", CheckInEntry.objects.select_related("goal")))
    )


def document_context(
    plan: Plan, *, now: datetime, plan_part: bool = True, checkins_part: bool = False
) -> dict:
    zone = zone_for_client(plan.client)
    today = timezones.client_today(plan, now)  # the check-in day, as on the plan page
    return {
        "plan": plan,
        "today": today,
        "made_at": now.astimezone(zone),
        "zone": zone,
        "goals": current_goals(plan, today) if plan_part else [],
        "plan_part": plan_part,
        "checkins_part": checkins_part,
        "checkins": recent_checkins(plan.client, today) if checkins_part else [],
    }

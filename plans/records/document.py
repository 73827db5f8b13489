"""What a printed plan or a shared record shows, gathered once for the PDF and the shared page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Prefetch

from plans import timezones
from plans.goals.selectors import current_goals
from plans.models import CheckIn, CheckInEntry, Plan
from plans.timezones import zone_for_user

# A shared record's check-ins: the last three months, enough for a doctor's visit.
CHECKIN_DAYS = 92


def recent_checkins(client, today: date) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(client=client, day__gt=today - timedelta(days=CHECKIN_DAYS))
        .order_by("-day")
        .prefetch_related(Prefetch("entries", CheckInEntry.objects.select_related("goal")))
    )


def document_context(
    plan: Plan, *, now: datetime, plan_part: bool = True, checkins_part: bool = False
) -> dict:
    zone = zone_for_user(plan.client)
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

"""Reads more than one page needs: the plan page, the desk, the printed plan, a shared record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from harmplan.compiled_query import CompiledQuery
from plans.models import Goal, GoalStrategy, Plan, Step, TrustedContact
from plans.models.plan import MAX_TRUSTED_CONTACTS


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


@dataclass(frozen=True)
class SafetyCard:
    """What "Get help now" shows a client first: their safety plan and the people they trust."""

    safety_plan: str
    trusted_contacts: list[TrustedContact]


def _safety_card_query(client_ids: list[int]) -> QuerySet:
    return (
        Plan.objects.filter(client_id__in=client_ids)
        .values(
            "safety_plan",
            "trusted_contacts__pk",
            "trusted_contacts__name",
            "trusted_contacts__phone",
        )
        .order_by("trusted_contacts__position", "trusted_contacts__created_at")
    )


# The help page is the one most opened, and building this query cost more than running it:
# compiled once (harmplan/compiled_query.py).
_SAFETY_CARD = CompiledQuery(_safety_card_query, days=())


def safety_card(client) -> SafetyCard | None:
    """The client's safety card in one query (the plan joined to its contacts), or None when
    they have no plan yet. The help page is the one most often opened, often in a hurry."""
    rows = _SAFETY_CARD.rows([client.pk])
    if not rows:
        return None
    contacts = [
        TrustedContact(
            pk=row["trusted_contacts__pk"],
            name=row["trusted_contacts__name"],
            phone=row["trusted_contacts__phone"],
        )
        for row in rows
        if row["trusted_contacts__pk"]
    ]
    return SafetyCard(rows[0]["safety_plan"], contacts[:MAX_TRUSTED_CONTACTS])

"""Reads more than one page needs: the plan page, the desk, the printed plan, a shared record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from harmplan.compiled_query import CompiledQuery, prefetched
from plans.models import (
    AuthorRole,
    Goal,
    GoalStrategy,
    Plan,
    Review,
    Revision,
    Step,
    TrustedContact,
)
from plans.models.plan import MAX_TRUSTED_CONTACTS

from .diff import word_diff

HISTORY_LENGTH = 200


def _current_goals_query(ids: list[int]) -> QuerySet[Goal]:
    (plan_id,) = ids
    return Goal.objects.filter(plan_id=plan_id).current().select_related("focus_area")


def _steps_query(ids: list[int]) -> QuerySet[Step]:
    return Step.objects.filter(goal_id__in=ids).order_by("starts_on", "pk")


def _strategy_links_query(ids: list[int]) -> QuerySet[GoalStrategy]:
    return (
        GoalStrategy.objects.filter(goal_id__in=ids)
        .select_related("strategy")
        .order_by("added_at", "pk")
    )


# The plan page and the desk open these on every visit, and building them cost more than running
# them: compiled once per number of goals (harmplan/compiled_query.py).
_CURRENT_GOALS = CompiledQuery(_current_goals_query)
_STEPS = CompiledQuery(_steps_query)
_STRATEGY_LINKS = CompiledQuery(_strategy_links_query)


def with_steps(goals: list[Goal]) -> list[Goal]:
    """`goal.steps.all()` loaded for all of `goals`, in one compiled query."""
    if goals:
        prefetched(goals, "steps", _STEPS.objects([goal.pk for goal in goals]))
    return goals


def current_goals(plan: Plan, today: date) -> list[Goal]:
    """Current goals with their steps and strategies, and this step and the next one on the
    client's `today`, in a fixed number of queries."""
    goals = _CURRENT_GOALS.objects([plan.pk])
    for goal in goals:
        goal.plan = plan
    if goals:
        with_steps(goals)
        prefetched(goals, "strategy_links", _STRATEGY_LINKS.objects([goal.pk for goal in goals]))
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


class PlanHistory:
    """The latest changes of a plan, for its history page, whose list is cached as HTML.

    A revision never changes once written, so the list shows nothing but the revisions and
    their authors' names: `key` is made from those alone (one light query), and the revisions
    themselves, with their word-by-word differences, are loaded only when the template iterates
    them, that is when the cached list must be rendered again (most views find it cached).
    """

    def __init__(self, plan: Plan):
        self._plan = plan
        self._shown = list(
            plan.revisions.values_list(
                "pk",
                "author_id",
                "author__preferred_name",
                "author__first_name",
                "author__last_name",
                "author__username",
            )[:HISTORY_LENGTH]
        )
        self._revisions: list[Revision] | None = None
        self.key = repr(self._shown)

    def __bool__(self) -> bool:
        return bool(self._shown)

    def __iter__(self) -> Iterator[Revision]:
        if self._revisions is None:
            # Exactly the revisions the key names, even if another was written since.
            self._revisions = list(
                self._plan.revisions.filter(pk__in=[row[0] for row in self._shown])
                .select_related("author")
                .order_by("-at", "-pk")
            )
            for revision in self._revisions:
                for change in revision.changes:
                    change["pieces"] = word_diff(change.get("old", ""), change.get("new", ""))
        return iter(self._revisions)


def _latest_review_query(ids: list[int]) -> QuerySet[Review]:
    (plan_id,) = ids
    return Review.objects.filter(plan_id=plan_id).select_related("counselor")[:1]


def _counselor_changes_query(ids: list[int], *, since: datetime) -> QuerySet[Revision]:
    (plan_id,) = ids
    return Revision.objects.filter(
        plan_id=plan_id, author_role=AuthorRole.COUNSELOR, at__gt=since
    ).select_related("author")[:5]


def _trusted_contacts_query(ids: list[int]) -> QuerySet[TrustedContact]:
    (plan_id,) = ids
    return TrustedContact.objects.filter(plan_id=plan_id)


# Opened with every plan page and desk: compiled once (harmplan/compiled_query.py).
_LATEST_REVIEW = CompiledQuery(_latest_review_query)
_COUNSELOR_CHANGES = CompiledQuery(_counselor_changes_query, times=("since",))
_TRUSTED_CONTACTS = CompiledQuery(_trusted_contacts_query)


def latest_review(plan: Plan) -> Review | None:
    """The plan's latest review, with its counselor."""
    found = _LATEST_REVIEW.objects([plan.pk])
    for review in found:
        review.plan = plan
    return found[0] if found else None


def counselor_changes_since(plan: Plan, since: datetime) -> list[Revision]:
    """The last five changes the care team made to the plan after `since`, with their authors."""
    found = _COUNSELOR_CHANGES.objects([plan.pk], since=since)
    for revision in found:
        revision.plan = plan
    return found


def with_trusted_contacts(plan: Plan) -> Plan:
    """`plan.trusted_contacts.all()` loaded, in one compiled query."""
    prefetched([plan], "trusted_contacts", _TRUSTED_CONTACTS.objects([plan.pk]))
    return plan

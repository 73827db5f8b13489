"""The counselor's desk: the plan in session, on a large screen, in one glance.

Everything for the page comes in a fixed number of queries, whatever the number of goals,
check-ins or changes: one series query for all the charts, one for the changes since the last
review, one for the services given.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from harmplan.accounts.models import person_name
from harmplan.compiled_query import CompiledQuery
from harmplan.fragments import render_cached, render_cached_from
from plans.models import (
    Goal,
    Lifecycle,
    Plan,
    ReferralOutcome,
    Review,
    Revision,
    ServiceGiven,
)
from plans.models.plan import revision_text
from plans.progress.chart import chart_html
from plans.progress.stats import series, targets_by_day

from .cards import goal_card
from .diff import word_diff
from .selectors import latest_review
from .services import AGREED_SUMMARY, REVIEW_SUMMARY

CHART_WEEKS = 4
CHANGES_SHOWN = 30
SERVICES_SHOWN = 12
NOT_CHANGES = [AGREED_SUMMARY, REVIEW_SUMMARY]


# What the desk reads of a change (_change): thirty changes as model instances, each with its
# author, cost more to make (about 2 ms) than the rest of the changes panel.
CHANGE_COLUMNS = (
    "goal_id",
    "at",
    "summary",
    "summary_kind",
    "summary_values",
    "changes",
    "author__preferred_name",
    "author__first_name",
    "author__last_name",
    "author__username",
)


def _changes_query(ids: list[int]) -> QuerySet:
    """The plan's changes, newest first. Agreeing and reviewing are not changes to the plan
    (agreement is shown on its own)."""
    (plan_id,) = ids
    return (
        Revision.objects.filter(plan_id=plan_id)
        .exclude(summary__in=NOT_CHANGES)
        .values(*CHANGE_COLUMNS)[:CHANGES_SHOWN]
    )


def _changes_since_query(ids: list[int], *, since: datetime) -> QuerySet:
    (plan_id,) = ids
    return (
        Revision.objects.filter(plan_id=plan_id, at__gt=since)
        .exclude(summary__in=NOT_CHANGES)
        .values(*CHANGE_COLUMNS)[:CHANGES_SHOWN]
    )


def _json(value):
    """A JSON column as compiled rows return it: its text on PostgreSQL (Django's converter, which
    decodes it, does not run there), already decoded elsewhere."""
    return json.loads(value) if isinstance(value, str) else value


def _change(row: dict) -> dict:
    """What the desk shows of a change, as plain values (plans/goals/_desk_change.html)."""
    return {
        "goal_id": row["goal_id"],
        "author": {
            "display_name": person_name(
                row["author__preferred_name"],
                row["author__first_name"],
                row["author__last_name"],
                row["author__username"],
            )
        },
        "at": row["at"],
        "text": revision_text(row["summary_kind"], _json(row["summary_values"]), row["summary"]),
        "changes": _json(row["changes"]),
    }


def _services_query(ids: list[int]) -> QuerySet[ServiceGiven]:
    (client_id,) = ids
    return (
        ServiceGiven.objects.for_client(client_id)
        .select_related("resource")
        .order_by("-given_on", "-pk")[:SERVICES_SHOWN]
    )


# The desk opens these on every visit, and building them cost more than running them: compiled
# once (harmplan/compiled_query.py).
_CHANGES = CompiledQuery(_changes_query)
_CHANGES_SINCE = CompiledQuery(_changes_since_query, times=("since",))
_SERVICES = CompiledQuery(_services_query)


def _changes_html(changes: list[dict]) -> SafeString:
    """A list of changes, cached as HTML (harmplan/fragments.py): rendering each change with
    its word-by-word difference was much of the desk's cost. Only what the list shows goes in,
    and the key is made from the words before and after: the differences, a function of them,
    are worked out only when the list is rendered."""
    shown = [
        {key: change[key] for key in ("author", "at", "text", "changes")} for change in changes
    ]
    return render_cached_from(
        "plans/goals/_desk_changes.html", {"revisions": shown}, lambda: _with_pieces(shown)
    )


def _with_pieces(shown: list[dict]) -> dict:
    """The context of _desk_changes.html: each change with its word-by-word difference."""
    revisions = [
        {
            **revision,
            "changes": [
                {**change, "pieces": word_diff(change.get("old", ""), change.get("new", ""))}
                for change in revision["changes"]
            ],
        }
        for revision in shown
    ]
    return {"revisions": revisions}


def _goal_card(goal: Goal) -> dict:
    """What the desk shows of a goal, as plain values; its changes and chart as their HTML."""
    return {
        **goal_card(goal, show_focus_areas=True),
        "why": goal.why,
        "changed": bool(goal.changes),
        "changes_html": goal.changes_html,
        "chart_html": goal.chart_html,
    }


def _goal_cards_html(goals: list[Goal]) -> SafeString:
    """The goal cards, cached as HTML (harmplan/fragments.py): rendering them was the larger
    part of the desk's template. Their charts and changes go in as the HTML already made."""
    return render_cached("plans/goals/_desk_goals.html", {"cards": [_goal_card(g) for g in goals]})


def team_checkins_html(team: dict) -> SafeString:
    """The client's last check-ins as their care team may see them (care_team_checkins), cached
    as HTML from what the table shows. Each check-in's keys are the names the template reads."""
    checkins = [
        {
            "day": checkin.day,
            "get_feeling_display": checkin.get_feeling_display(),
            "cravings": checkin.cravings,
            "note": checkin.note,
        }
        for checkin in team["checkins"]
    ]
    context = {"checkins": checkins, "private": team["private"]}
    return render_cached("plans/records/_team_checkins.html", context)


def desk_context(plan: Plan, goals: list[Goal], today: date, zone: ZoneInfo) -> dict:
    """Charts, changes since the last review and services given, for `goals` (already loaded
    with their steps and progress lines). Times are shown in `zone`, as on the whole desk."""
    with timezone.override(zone):
        return _desk_context(plan, goals, today)


def _desk_context(plan: Plan, goals: list[Goal], today: date) -> dict:
    first = today - timedelta(days=7 * CHART_WEEKS - 1)
    active = [goal for goal in goals if goal.lifecycle == Lifecycle.ACTIVE]
    points = series(active, first, today)
    for goal in goals:
        goal.chart_html = SafeString()
        if goal in active:
            targets = targets_by_day(goal, list(goal.steps.all()), first, today)
            summary = goal.progress_line.summary if goal.progress_line else ""
            goal.chart_html = chart_html(
                goal, points[goal.pk], targets, first, today, weeks=CHART_WEEKS, summary=summary
            )

    review: Review | None = latest_review(plan)
    if review:
        rows = _CHANGES_SINCE.rows([plan.pk], since=review.created_at)
    else:
        rows = _CHANGES.rows([plan.pk])
    shown = [_change(row) for row in rows]
    goal_ids = {goal.pk for goal in goals}
    for goal in goals:
        goal.changes = [change for change in shown if change["goal_id"] == goal.pk]
        goal.changes_html = _changes_html(goal.changes)
    plan_changes = [change for change in shown if change["goal_id"] not in goal_ids]

    services_given = _SERVICES.objects([plan.client_id])
    return {
        "latest_review": review,
        "plan_changes": plan_changes,
        "plan_changes_html": _changes_html(plan_changes),
        "changes_count": len(shown),
        "goal_cards_html": _goal_cards_html(goals),
        "services_given": services_given,
        "open_referrals": [
            s for s in services_given if s.resource_id and s.outcome == ReferralOutcome.NOT_YET
        ],
        "chart_weeks": CHART_WEEKS,
    }

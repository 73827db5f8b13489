"""The counselor's desk: the plan in session, on a large screen, in one glance.

Everything for the page comes in a fixed number of queries, whatever the number of goals,
check-ins or changes: one series query for all the charts, one for the changes since the last
review, one for the services given.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.safestring import SafeString

from harmplan.fragments import render_cached
from plans.models import Goal, Lifecycle, Plan, ReferralOutcome, Review, Revision, ServiceGiven
from plans.progress.chart import chart_html
from plans.progress.stats import series, targets_by_day

from .diff import word_diff
from .services import AGREED_SUMMARY, REVIEW_SUMMARY

CHART_WEEKS = 4
CHANGES_SHOWN = 30
SERVICES_SHOWN = 12
NOT_CHANGES = [AGREED_SUMMARY, REVIEW_SUMMARY]


def _changes_html(revisions: list[Revision]) -> SafeString:
    """A list of changes, cached as HTML (harmplan/fragments.py): rendering each change with
    its word-by-word difference was much of the desk's cost. Only what the list shows goes in."""
    shown = [
        {
            "author": {"display_name": revision.author.display_name},
            "at": revision.at,
            "text": revision.text,
            "changes": revision.changes,
        }
        for revision in revisions
    ]
    return render_cached("plans/goals/_desk_changes.html", {"revisions": shown})


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

    latest_review: Review | None = plan.reviews.select_related("counselor").first()
    # Agreeing and reviewing are not changes to the plan (agreement is shown on its own).
    changes = plan.revisions.select_related("author").exclude(summary__in=NOT_CHANGES)
    if latest_review:
        changes = changes.filter(at__gt=latest_review.created_at)
    shown = list(changes[:CHANGES_SHOWN])
    for revision in shown:
        for change in revision.changes:
            change["pieces"] = word_diff(change.get("old", ""), change.get("new", ""))
    goal_ids = {goal.pk for goal in goals}
    for goal in goals:
        goal.changes = [r for r in shown if r.goal_id == goal.pk]
        goal.changes_html = _changes_html(goal.changes)
    plan_changes = [r for r in shown if r.goal_id not in goal_ids]

    services_given = list(
        ServiceGiven.objects.for_client(plan.client_id)
        .select_related("resource")
        .order_by("-given_on", "-pk")[:SERVICES_SHOWN]
    )
    return {
        "latest_review": latest_review,
        "plan_changes": plan_changes,
        "plan_changes_html": _changes_html(plan_changes),
        "changes_count": len(shown),
        "services_given": services_given,
        "open_referrals": [
            s for s in services_given if s.resource_id and s.outcome == ReferralOutcome.NOT_YET
        ],
        "chart_weeks": CHART_WEEKS,
    }

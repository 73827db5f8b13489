"""Which plans a person may open. Anything else is a 404.

A client opens their own plan; a counselor opens the plans of clients on their caseload, and of a
client of their organization they cover for in an emergency (a grant with a reason, for 4 hours).
Org admins manage caseloads but do not read plans.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from harmplan.accounts.access import covering, log_access
from harmplan.accounts.models import AccessEvent, CareAssignment
from harmplan.http import AuthenticatedRequest

from .models import Goal, Plan


def plans_visible_to(user) -> QuerySet[Plan]:
    if user.is_client:
        return Plan.objects.filter(client=user)
    if user.is_counselor:
        on_caseload = CareAssignment.objects.filter(
            counselor_id=user.pk, client_id=OuterRef("client_id")
        )
        return Plan.objects.filter(
            Exists(on_caseload) | covering(user, "client_id"),
            client__membership__organization=user.organization,
            client__is_active=True,
        )
    return Plan.objects.none()


def get_plan_for_user(user, public_id) -> Plan:
    try:
        # The client comes with their organization: the pages read its policies and name.
        plan = plans_visible_to(user).select_related("client__membership__organization")
        return plan.get(public_id=public_id)
    except Plan.DoesNotExist:
        raise Http404 from None


def get_goal_for_user(user, plan_id, goal_id) -> Goal:
    """A goal of a plan `user` may open, with that plan, in one query."""
    try:
        return (
            Goal.objects.filter(plan__in=plans_visible_to(user), plan__public_id=plan_id)
            .select_related("plan__client__membership__organization", "focus_area")
            .get(public_id=goal_id)
        )
    except Goal.DoesNotExist:
        raise Http404 from None


def log_read(request: AuthenticatedRequest, plan: Plan, what: str = "plan", object_id="") -> None:
    log_access(request, plan.client, AccessEvent.Action.VIEW, what, object_id or plan.public_id)


def log_write(
    request: AuthenticatedRequest, plan: Plan, what: str, object_id="", created=False
) -> None:
    action = AccessEvent.Action.CREATE if created else AccessEvent.Action.UPDATE
    log_access(request, plan.client, action, what, object_id or plan.public_id)

"""Which plans a person may open. Anything else is a 404.

A client opens their own plan; a counselor opens the plans of clients on their caseload, and of a
client of their organization they cover for in an emergency (a grant with a reason, for 4 hours).
Org admins manage caseloads but do not read plans.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from harmplan.accounts.access import covering, log_access, stand_in
from harmplan.accounts.models import AccessEvent, CareAssignment, Role
from harmplan.compiled_query import CompiledQuery
from harmplan.http import AuthenticatedRequest

from .models import Goal, Plan


def plans_visible_to(user, now=None) -> QuerySet[Plan]:
    if user.is_client:
        return Plan.objects.filter(client=user)
    if user.is_counselor:
        on_caseload = CareAssignment.objects.filter(
            counselor_id=user.pk, client_id=OuterRef("client_id")
        )
        return Plan.objects.filter(
            Exists(on_caseload) | covering(user, "client_id", now),
            client__membership__organization=user.organization,
            client__is_active=True,
        )
    return Plan.objects.none()


def _ids(user) -> list[int]:
    return [user.pk, user.organization.pk] if user.is_counselor else [user.pk]


# Every plan and goal page opens its plan through these, and building the query (the scope, the
# client, their membership and organization) costs more than PostgreSQL takes to answer it: it is
# compiled once for each role, from plans_visible_to itself, so the rule stays in one place.
_OPENED: tuple[str, ...] = (Role.CLIENT, Role.COUNSELOR)
# A counselor's scope holds while a grant lasts; a client's does not depend on the time.
_WHEN: dict[str, tuple[str, ...]] = {Role.CLIENT: (), Role.COUNSELOR: ("now",)}


def _plan_query(role: str) -> CompiledQuery:
    def build(ids, plan, now=None) -> QuerySet[Plan]:
        scope = plans_visible_to(stand_in(role, ids), now)
        return scope.select_related("client__membership__organization").filter(public_id=plan)

    return CompiledQuery(build, times=_WHEN[role], uuids=("plan",))


def _goal_query(role: str) -> CompiledQuery:
    def build(ids, plan, goal, now=None) -> QuerySet[Goal]:
        scope = plans_visible_to(stand_in(role, ids), now)
        return Goal.objects.filter(
            plan__in=scope, plan__public_id=plan, public_id=goal
        ).select_related("plan__client__membership__organization", "focus_area")

    return CompiledQuery(build, times=_WHEN[role], uuids=("plan", "goal"))


_PLANS: dict[str, CompiledQuery] = {role: _plan_query(role) for role in _OPENED}
_GOALS: dict[str, CompiledQuery] = {role: _goal_query(role) for role in _OPENED}


def _opened(queries: dict[str, CompiledQuery], user, **public_ids):
    """The one object `user` may open with these public ids; anything else is a 404."""
    query = queries.get(user.role)
    if query is None:  # an org admin or staff without a role: no plans (plans_visible_to)
        raise Http404
    values: dict[str, Any] = {"now": timezone.now()} if _WHEN[user.role] else {}
    try:
        values.update({name: UUID(str(value)) for name, value in public_ids.items()})
    except ValueError:
        raise Http404 from None
    found = query.objects(_ids(user), **values)
    if not found:  # public ids are unique: one object or none
        raise Http404
    return found[0]


def get_plan_for_user(user, public_id) -> Plan:
    """A plan `user` may open, with its client's membership and organization (the pages read
    its policies and name)."""
    return _opened(_PLANS, user, plan=public_id)


def get_goal_for_user(user, plan_id, goal_id) -> Goal:
    """A goal of a plan `user` may open, with that plan, in one query."""
    return _opened(_GOALS, user, plan=plan_id, goal=goal_id)


def log_read(request: AuthenticatedRequest, plan: Plan, what: str = "plan", object_id="") -> None:
    log_access(request, plan.client, AccessEvent.Action.VIEW, what, object_id or plan.public_id)


def log_write(
    request: AuthenticatedRequest, plan: Plan, what: str, object_id="", created=False
) -> None:
    action = AccessEvent.Action.CREATE if created else AccessEvent.Action.UPDATE
    log_access(request, plan.client, action, what, object_id or plan.public_id)

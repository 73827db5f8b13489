"""Opening a plan or a goal (plans/access.py) runs a query compiled once for each role: it must
open exactly what plans_visible_to and the ORM open, for every person the rules talk about, and
a 404 for everything else, on PostgreSQL (where the compiled query runs)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harmplan.accounts.models import EmergencyAccess
from plans.access import get_goal_for_user, get_plan_for_user, plans_visible_to
from plans.models import Goal
from tests.factories import make_people, make_user
from tests.plan_factories import add_plans, make_goal
from tests.test_compiled_page_queries import fields


@pytest.fixture
def people(db):
    people = make_people()
    add_plans(people)
    people.goal_b = make_goal(people.plan_b)
    people.other_goal = make_goal(people.other_plan)
    people.inactive = make_user("inactive", people.org, "client")
    people.inactive_plan = add_inactive_plan(people)
    now = timezone.now()
    people.covering = make_user("covering", people.org, "counselor")
    people.expired = make_user("expired", people.org, "counselor")
    for counselor, expires_at in (
        (people.covering, now + timedelta(hours=4)),
        (people.expired, now - timedelta(minutes=1)),
    ):
        EmergencyAccess.objects.create(
            organization=people.org,
            counselor=counselor,
            client=people.client_b,
            reason="Away",
            started_at=now - timedelta(hours=1),
            expires_at=expires_at,
        )
    return people


def add_inactive_plan(people):
    """A client on the counselor's caseload with a plan, whose account was then closed."""
    from plans.goals import services
    from tests.factories import assign

    assign(people.counselor, people.inactive)
    plan = services.plan_for_client(people.inactive)
    type(people.inactive).objects.filter(pk=people.inactive.pk).update(is_active=False)
    return plan


def opened_by_orm(user, plan, goal=None):
    """What the ORM opens (the rule as plans_visible_to writes it), or None for a 404."""
    scope = plans_visible_to(user)
    if goal is None:
        found = scope.select_related("client__membership__organization").filter(pk=plan.pk)
    else:
        found = Goal.objects.filter(plan__in=scope, pk=goal.pk).select_related(
            "plan__client__membership__organization", "focus_area"
        )
    found = list(found)
    return fields(found[0], depth=4) if found else None


def opened(open_it, *args):
    try:
        return fields(open_it(*args), depth=4)
    except Http404:
        return None


def test_every_person_opens_what_the_rule_opens(people):
    readers = [
        people.client_a,
        people.client_b,
        people.other_client,
        people.counselor,
        people.other_counselor,
        people.covering,
        people.expired,
        people.org_admin,
        people.other_admin,
        people.staff,
    ]
    plans = [
        (people.plan_a, people.goal_a),
        (people.plan_b, people.goal_b),
        (people.other_plan, people.other_goal),
        (people.inactive_plan, None),
    ]
    opened_somewhere = 0
    for reader in readers:
        reader = type(reader).objects.get(pk=reader.pk)  # as a request has them
        for plan, goal in plans:
            expected = opened_by_orm(reader, plan)
            assert opened(get_plan_for_user, reader, plan.public_id) == expected, (
                reader.username,
                plan.client.username,
            )
            opened_somewhere += expected is not None
            if goal is not None:
                expected = opened_by_orm(reader, plan, goal)
                got = opened(get_goal_for_user, reader, plan.public_id, goal.public_id)
                assert got == expected, (reader.username, goal.statement)
    # Each client their own plan; the counselor A's; the other counselor theirs; covering B's.
    assert opened_somewhere == 6


def test_a_goal_opens_only_with_its_own_plan(people):
    client = people.client_a
    with pytest.raises(Http404):
        get_goal_for_user(client, people.plan_b.public_id, people.goal_a.public_id)
    with pytest.raises(Http404):  # client B's goal through client A's own plan
        get_goal_for_user(client, people.plan_a.public_id, people.goal_b.public_id)


def test_an_ended_grant_closes_the_plan_again(people, time_machine):
    covering = type(people.covering).objects.get(pk=people.covering.pk)
    assert get_plan_for_user(covering, people.plan_b.public_id) == people.plan_b
    time_machine.move_to(timezone.now() + timedelta(hours=5))
    with pytest.raises(Http404):
        get_plan_for_user(covering, people.plan_b.public_id)


@pytest.mark.parametrize("public_id", ["not-a-uuid", "", None, 12, str(uuid.uuid4())])
def test_anything_but_an_existing_public_id_is_a_404(people, public_id):
    with pytest.raises(Http404):
        get_plan_for_user(people.client_a, public_id)
    with pytest.raises(Http404):
        get_goal_for_user(people.client_a, people.plan_a.public_id, public_id)


def test_the_plan_as_text_opens_too(people):
    """A public id read from a form rather than the address (text, not a UUID)."""
    assert get_plan_for_user(people.client_a, str(people.plan_a.public_id)) == people.plan_a


def test_opening_is_one_query_with_its_client_and_organization(people):
    counselor = type(people.counselor).objects.get(pk=people.counselor.pk)
    counselor.organization  # noqa: B018 (loaded with the person, as on every request)
    with CaptureQueriesContext(connection) as queries:
        plan = get_plan_for_user(counselor, people.plan_a.public_id)
        assert plan.client.organization.name == people.org.name
        goal = get_goal_for_user(counselor, people.plan_a.public_id, people.goal_a.public_id)
        assert goal.plan.client.organization == people.org
        assert goal.focus_area.slug
    assert len(queries) == 2

"""Pages do the same number of queries however much data there is."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmplan.accounts.models import Role
from plans.goals import services
from strategies.models import Approach
from tests.catalog_factories import make_strategy
from tests.factories import assign, make_user
from tests.plan_factories import make_goal
from tests.signin import sign_in


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_goals(plan, count, strategy):
    for n in range(count):
        goal = make_goal(plan, steps=True, statement=f"Goal number {n}")
        services.goal_strategy_add(
            goal=goal, expected_version=goal.version, strategy=strategy, note="", author=plan.client
        )


def test_plan_pages_with_1_and_20_goals(people, client):
    strategy = make_strategy("water", approaches=(Approach.MANAGED_USE,), focus_areas=("alcohol",))
    small = services.plan_for_client(people.client_a)
    add_goals(small, 1, strategy)
    big_client = make_user("big-client", people.org, Role.CLIENT)
    assign(people.counselor, big_client)
    big = services.plan_for_client(big_client)
    add_goals(big, 20, strategy)

    sign_in(client, people.client_a)
    dashboard_small = count_queries(client, small.get_absolute_url())
    sign_in(client, big_client)
    dashboard_big = count_queries(client, big.get_absolute_url())
    assert dashboard_small == dashboard_big

    sign_in(client, people.counselor)
    session_small = count_queries(client, small.get_absolute_url())
    session_big = count_queries(client, big.get_absolute_url())
    assert session_small == session_big
    print(f"plan page queries: client {dashboard_big}, counselor {session_big}")


def test_caseload_with_5_and_500_clients(people, client):
    for n in range(4):
        assign(people.counselor, make_user(f"c{n}", people.org, Role.CLIENT))
    sign_in(client, people.counselor)
    url = reverse("plans:caseload") + "?sort=review"
    small = count_queries(client, url)
    for n in range(4, 499):
        other = make_user(f"c{n}", people.org, Role.CLIENT, preferred_name=f"Person {n}")
        assign(people.counselor, other)
        if n % 2:
            services.plan_for_client(other)
    assert count_queries(client, url) == small
    assert count_queries(client, url + "&q=Person&page=3") == small


def test_the_plan_page_writes_nothing_when_nothing_changed_since_the_last_visit(people, client):
    plan = services.plan_for_client(people.client_a)
    sign_in(client, people.client_a)
    client.get(plan.get_absolute_url())  # the first visit sets the mark
    with CaptureQueriesContext(connection) as queries:
        client.get(plan.get_absolute_url())
    assert not [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]

    plan.refresh_from_db()
    services.plan_update(
        plan=plan,
        expected_version=plan.version,
        data={"what_matters": "My kids"},
        author=people.counselor,
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "What changed since your last visit" in page
    assert (
        "What changed since your last visit"
        not in client.get(plan.get_absolute_url()).content.decode()
    )

"""The org admin's client list: search, counselor and plan filters, last check-in, caseload
actions, pages, and a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmplan.accounts.models import CareAssignment, Role
from plans.goals import services
from tests.factories import assign, make_user
from tests.plan_factories import add_checkins, make_goal
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
URL = reverse("accounts:client_list")


def names(page: str) -> set[str]:
    import re

    return set(re.findall(r'/clients/[0-9a-f-]+/">([^<]+)</a>', page))


def test_search_filters_and_last_checkin(people, client):
    plan = services.plan_for_client(people.client_a)
    goal = make_goal(plan)
    add_checkins(goal, {date(2026, 11, 28): 2})
    plan.refresh_from_db()
    services.plan_agree(plan=plan, client=people.client_a, content_version=plan.content_version)
    make_user("river-stone", people.org, Role.CLIENT, preferred_name="Sam")
    sign_in(client, people.org_admin)

    page = client.get(URL).content.decode()
    assert names(page) == {"client-a", "client-b", "Sam"}
    assert "28 Nov 2026" in page and "Agreed" in page and "counselor" in page
    assert "Invite someone" in page

    assert names(client.get(URL + "?q=river").content.decode()) == {"Sam"}
    assert names(client.get(URL + "?q=Sam").content.decode()) == {"Sam"}
    assert names(client.get(URL + "?state=agreed").content.decode()) == {"client-a"}
    assert names(client.get(URL + "?state=none").content.decode()) == {"client-b", "Sam"}
    counselor = f"?counselor={people.counselor.pk}"
    assert names(client.get(URL + counselor).content.decode()) == {"client-a"}
    assert names(client.get(URL + "?counselor=none").content.decode()) == {"client-b", "Sam"}
    # Nonsense in the address is ignored, not a 500.
    assert client.get(URL + "?state=%00&counselor=abc&page=x").status_code == 200


def test_the_admin_adds_a_client_to_a_caseload_from_the_list(people, client):
    sign_in(client, people.org_admin)
    back = URL + "?q=client-b"
    response = client.post(
        reverse("accounts:assignment_new"),
        {"client": people.client_b.pk, "counselor": people.counselor.pk, "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    assert CareAssignment.objects.filter(
        client=people.client_b, counselor=people.counselor
    ).exists()
    # Only back to the client list: anywhere else goes to the organization page.
    response = client.post(
        reverse("accounts:assignment_new"),
        {
            "client": people.client_b.pk,
            "counselor": people.counselor.pk,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("accounts:org_overview")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_makes_the_same_queries_for_5_and_200_clients(people, client):
    for n in range(3):
        assign(people.counselor, make_user(f"c{n}", people.org, Role.CLIENT))
    sign_in(client, people.org_admin)
    small = count_queries(client, URL)
    for n in range(3, 200):
        other = make_user(f"c{n}", people.org, Role.CLIENT)
        assign(people.counselor, other)
        if n % 3 == 0:
            add_checkins(make_goal(services.plan_for_client(other)), {date(2026, 11, 1): 1})
    assert count_queries(client, URL) == small
    assert count_queries(client, URL + "?page=3&state=not_agreed") == small
    page = client.get(URL).content.decode()
    assert "Page 1 of 9" in page


def test_a_search_with_a_nul_byte_is_told_not_a_server_error(people, client):
    """PostgreSQL cannot store or search a NUL byte: the list says so beside the field."""
    sign_in(client, people.org_admin)
    response = client.get(URL, {"q": "client\x00"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Search with letters, numbers and spaces only" in page
    assert 'aria-invalid="true"' in page
    assert "client-a" in names(page)

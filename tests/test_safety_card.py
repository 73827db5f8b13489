""" "Get help now" shows a client their own safety plan and people they trust, in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmplan.phones import tel_href
from plans.goals import services
from plans.models import Plan
from tests.plan_factories import add_plans
from tests.signin import sign_in


@pytest.fixture
def people(db):
    from tests.factories import make_people

    people = make_people()
    add_plans(people)
    return people


def help_page(client) -> tuple[str, int]:
    client.get(reverse("help"))  # the person and session are cached from here on
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("help")).content.decode()
    return page, len(queries)


def test_a_client_sees_their_own_card_in_order_in_one_query(people, client):
    plan = people.plan_a
    Plan.objects.filter(pk=plan.pk).update(safety_plan="Call my sister first.")
    services.trusted_contacts_save(plan=plan, contacts=[("Sam", "555 0101"), ("Ana", "555 0102")])
    sign_in(client, people.client_a)
    page, queries = help_page(client)
    assert queries == 1
    assert "Call my sister first." in page
    assert page.index("Call Sam") < page.index("Call Ana")
    assert f'href="{tel_href("555 0101")}"' in page

    services.trusted_contacts_save(plan=plan, contacts=[("Lee", "555 0103")])
    page, _ = help_page(client)
    assert "Call Lee" in page and "Call Sam" not in page

    sign_in(client, people.client_b)  # another client: nothing of client A's
    page, queries = help_page(client)
    assert "Call Lee" not in page and "Call my sister first." not in page
    assert "You can add up to three people you trust" in page
    assert queries == 1


def test_a_client_without_a_plan_and_staff_see_no_card(people, client):
    Plan.objects.filter(pk=people.plan_b.pk).delete()
    sign_in(client, people.client_b)
    page, _ = help_page(client)
    assert "My safety plan" not in page
    sign_in(client, people.counselor)
    page, _ = help_page(client)
    assert "My safety plan" not in page

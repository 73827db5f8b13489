"""Reads the probe found unlogged (the caseload, the 409 page), and agreeing twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from harmplan.accounts.models import AccessEvent
from plans.goals import services
from plans.models import Plan, Revision
from tests.factories import make_people
from tests.plan_factories import add_plans
from tests.signin import sign_in
from tests.test_plans_editing import edit_url, goal_form


def test_the_caseload_is_a_read_of_each_client_on_it(people, client):
    sign_in(client, people.counselor)
    response = client.get(reverse("plans:caseload"), REMOTE_ADDR="203.0.113.4")
    assert response.status_code == 200
    events = list(AccessEvent.objects.values_list("actor", "client", "action", "object_type"))
    assert events == [(people.counselor.pk, people.client_a.pk, "view", "plan summary")]
    assert AccessEvent.objects.get().ip_address == "203.0.113.4"

    sign_in(client, people.client_a)
    page = client.get(reverse("accounts:my_access_log")).content.decode()
    assert "Viewed your plan summary" in page


def test_the_conflict_page_is_a_read_of_the_other_change(people, client):
    add_plans(people)
    goal = people.goal_a
    stale = goal_form(goal, statement="My words")
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "Theirs"},
        author=goal.plan.client,
    )
    sign_in(client, people.counselor)
    response = client.post(edit_url(goal), stale)
    assert response.status_code == 409
    event = AccessEvent.objects.get()
    assert (event.actor, event.client, event.action, event.object_type) == (
        people.counselor,
        people.client_a,
        "view",
        "goal",
    )


@pytest.mark.django_db(transaction=True)
def test_eight_agree_taps_at_once_make_one_revision():
    people = make_people()
    plan = services.plan_for_client(people.client_a)
    before = Revision.objects.count()
    barrier = threading.Barrier(8)
    statuses = []

    def agree():
        browser = Client()
        sign_in(browser, people.client_a)
        barrier.wait()
        try:
            response = browser.post(
                reverse("plans:plan_agree", args=[plan.public_id]),
                {"content_version": plan.content_version},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=agree) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [302] * 8
    assert Revision.objects.count() == before + 1
    assert Plan.objects.get(pk=plan.pk).agreed_content_version == plan.content_version


@pytest.mark.parametrize("ip", ["203.0.113.4", "2001:db8::1", None])
def test_reads_of_several_clients_are_one_row_each_as_the_orm_writes_them(people, ip):
    from django.utils import timezone

    from harmplan.accounts.access import record_reads

    before = timezone.now()
    clients = [people.client_a, people.client_b, people.counselor]  # not the reader themselves
    record_reads(actor=people.counselor, clients=clients, object_type="plan summary", ip=ip)
    rows = list(
        AccessEvent.objects.order_by("client_id").values(
            "actor", "client", "action", "object_type", "object_id", "ip_address", "at"
        )
    )
    expected = sorted([people.client_a, people.client_b], key=lambda c: c.pk)
    assert [(r["actor"], r["client"], r["object_id"]) for r in rows] == [
        (people.counselor.pk, c.pk, str(c.public_id)) for c in expected
    ]
    assert {(r["action"], r["object_type"], r["ip_address"]) for r in rows} == {
        ("view", "plan summary", ip)
    }
    assert all(before <= r["at"] <= timezone.now() for r in rows)
    record_reads(actor=people.counselor, clients=[people.counselor], object_type="plan summary")
    assert AccessEvent.objects.count() == 2

"""A check-in kept on the phone while offline is sent later with an id the phone made: the server
records it once, however often it arrives, and an old copy never overwrites a newer answer."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connections
from django.test import Client

from plans.models import CheckIn, CheckInReceipt
from plans.timezones import client_today
from tests.factories import make_people
from tests.plan_factories import add_plans
from tests.signin import sign_in

NOON = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)  # noon in New York
URL = "/checkin/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def people(db):
    people = make_people()
    add_plans(people)
    return people


def sent_from_phone(people, key, drinks="2", day="2026-03-19") -> dict:
    return {"day": day, f"goal-{people.goal_a.public_id}": drinks, "checkin_key": str(key)}


def amount(people, day=date(2026, 3, 19)) -> Decimal:
    return CheckIn.objects.get(client=people.client_a, day=day).entries.get().amount


@time_machine.travel(NOON, tick=False)
def test_the_same_check_in_sent_twice_is_recorded_once(people, client):
    sign_in(client, people.client_a)
    key = uuid.uuid4()
    first = client.post(URL, sent_from_phone(people, key), **JSON)
    assert (first.status_code, first.json()) == (200, {"saved": True})
    again = client.post(URL, sent_from_phone(people, key), **JSON)
    assert (again.status_code, again.json()) == (200, {"saved": True})
    assert CheckIn.objects.filter(client=people.client_a).count() == 1
    assert CheckInReceipt.objects.filter(client=people.client_a, key=key).count() == 1


@time_machine.travel(NOON, tick=False)
def test_an_old_copy_sent_again_does_not_overwrite_a_newer_answer(people, client):
    sign_in(client, people.client_a)
    key = uuid.uuid4()
    client.post(URL, sent_from_phone(people, key, drinks="2"), **JSON)
    # The client corrects the day on the page, then the phone sends its old copy once more.
    client.post(URL, {"day": "2026-03-19", f"goal-{people.goal_a.public_id}": "3"})
    assert amount(people) == Decimal(3)
    client.post(URL, sent_from_phone(people, key, drinks="2"), **JSON)
    assert amount(people) == Decimal(3)


@time_machine.travel(NOON, tick=False)
def test_a_check_in_that_cannot_be_saved_is_explained_and_its_id_stays_unused(people, client):
    sign_in(client, people.client_a)
    key = uuid.uuid4()
    response = client.post(URL, sent_from_phone(people, key, day="2026-03-25"), **JSON)
    assert response.status_code == 400
    assert "That day has not happened yet" in response.json()["errors"][0]
    assert not CheckInReceipt.objects.exists()
    assert not CheckIn.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_ids_belong_to_one_client(people, client):
    key = uuid.uuid4()
    sign_in(client, people.client_a)
    client.post(URL, sent_from_phone(people, key), **JSON)
    sign_in(client, people.client_b)
    response = client.post(URL, {"day": "2026-03-19", "feeling": "4", "checkin_key": key}, **JSON)
    assert response.status_code == 200
    assert CheckIn.objects.get(client=people.client_b).feeling == 4


@pytest.mark.django_db(transaction=True)
def test_two_copies_at_the_same_moment_make_one_check_in():
    people = make_people()
    add_plans(people)
    key = uuid.uuid4()
    # The client's today (their zone), not the machine's: between midnight UTC and the client's
    # midnight the machine's date is a day the client has not reached yet.
    data = sent_from_phone(people, key, day=client_today(people.plan_a).isoformat())
    barrier = threading.Barrier(2)
    results = []

    def send():
        client = Client()
        sign_in(client, people.client_a)
        barrier.wait()
        try:
            results.append(client.post(URL, data, **JSON).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200, 200]
    assert CheckIn.objects.filter(client=people.client_a).count() == 1
    assert CheckInReceipt.objects.filter(key=key).count() == 1

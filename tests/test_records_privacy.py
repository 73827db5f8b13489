"""Inside the program, the client chooses what their care team sees of their check-ins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from plans.models import PrivacyChoice, RecordsPolicy
from tests.plan_factories import add_plans
from tests.records_support import fill_plan
from tests.signin import sign_in

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def filled(people):
    with time_machine.travel(NOW, tick=False):
        add_plans(people)
        fill_plan(people)
    return people


def counselor_page(client, people) -> str:
    sign_in(client, people.counselor)
    with time_machine.travel(NOW, tick=False):
        return client.get(people.plan_a.get_absolute_url()).content.decode()


def choose(client, people, value: str):
    sign_in(client, people.client_a)
    return client.post(reverse("plans:records_privacy"), {"notes_private": value})


def test_counselor_sees_notes_when_the_client_shares_them(client, filled):
    page = counselor_page(client, filled)
    assert "Recent check-ins" in page
    assert "Note from day 1" in page
    assert "Kept private" not in page


def test_counselor_sees_kept_private_when_the_client_chooses(client, filled):
    response = choose(client, filled, "yes")
    assert response.status_code == 302
    assert PrivacyChoice.objects.get(client=filled.client_a).notes_private is True
    page = counselor_page(client, filled)
    assert "Kept private" in page
    assert "Note from day 1" not in page
    # The client still sees and keeps everything.
    sign_in(client, filled.client_a)
    assert "Your notes, how you feel and cravings are kept private" in (
        client.get(reverse("plans:records")).content.decode()
    )


def test_the_organization_chooses_the_default_and_the_client_can_change_it(client, filled):
    RecordsPolicy.objects.create(organization=filled.org, notes_private_by_default=True)
    assert "Kept private" in counselor_page(client, filled)
    choose(client, filled, "no")
    page = counselor_page(client, filled)
    assert "Note from day 1" in page and "Kept private" not in page


def test_no_choice_is_explained_beside_the_field(client, filled):
    response = choose(client, filled, "maybe")
    assert response.status_code == 200
    assert "Choose what your care team can see." in response.content.decode()
    assert not PrivacyChoice.objects.exists()

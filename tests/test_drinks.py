"""The drink picker converts drinks to US standard drinks (NIAAA: 14 g of alcohol)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from plans.checkins.drinks import BY_KEY, standard_drinks
from plans.goals import services
from tests.plan_factories import make_goal

NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("key", ["beer-can", "wine-glass", "shot"])
def test_the_niaaa_examples_are_one_standard_drink_each(key):
    drink = BY_KEY[key]
    assert standard_drinks(size_ml=drink.size_ml, strength=drink.strength) == Decimal("1.0")


def test_a_pint_of_strong_beer_and_a_large_glass_of_wine():
    # 473 ml × 7% × 0.789 g/ml = 26.1 g = 1.9 standard drinks.
    assert standard_drinks(size_ml=Decimal(473), strength=Decimal(7)) == Decimal("1.9")
    # 250 ml × 13% × 0.789 = 25.6 g; three of them = 5.5.
    assert standard_drinks(size_ml=Decimal(250), strength=Decimal(13), count=Decimal(3)) == Decimal(
        "5.5"
    )


@time_machine.travel(NOW, tick=False)
def test_the_picker_fills_in_the_drinks_without_javascript(people, client):
    plan = services.plan_for_client(people.client_a)
    goal = make_goal(plan)
    client.force_login(people.client_a)
    page = client.get(
        reverse("plans:checkin"),
        {
            "drink_goal": goal.public_id,
            "drink": "shot",
            "count": "3",
            "size_ml": "",
            "strength": "",
        },
    ).content.decode()
    assert "That is 3 standard drinks." in page
    assert f'name="goal-{goal.public_id}" value="3"' in page


@time_machine.travel(NOW, tick=False)
def test_bad_picker_input_is_explained_and_kept(people, client):
    plan = services.plan_for_client(people.client_a)
    goal = make_goal(plan)
    client.force_login(people.client_a)
    response = client.get(
        reverse("plans:checkin"),
        {"drink_goal": goal.public_id, "drink": "beer-can", "count": "two", "strength": "5"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a number, like 2" in page and 'value="two"' in page
    assert '<details class="drink-picker" open>' in page

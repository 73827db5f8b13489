"""The five server errors a probe found with bad input: each is now a message beside the field,
with what was typed kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.plan_factories import add_plans
from tests.signin import sign_in


@pytest.fixture
def plans(people):
    add_plans(people)
    return people


def goal_url(p, name: str) -> str:
    return reverse(f"plans:{name}", args=[p.plan_a.public_id, p.goal_a.public_id])


def test_goal_edit_with_no_target_and_no_direction(plans, client):
    sign_in(client, plans.client_a)
    goal = plans.goal_a
    response = client.post(
        goal_url(plans, "goal_edit"),
        {
            "statement": "Drink less on weeknights",
            "target_kind": "none",
            "target_direction": "",
            "lifecycle": goal.lifecycle,
            "version": goal.version,
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.target_kind == "none"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", "Enter a cut of at least 1%"), ("1e308", "Enter a cut of 90% or less")],
)
def test_step_planner_percent_out_of_range(plans, client, typed, message):
    sign_in(client, plans.client_a)
    response = client.post(
        goal_url(plans, "goal_step_planner"),
        {
            "reduction_percent": typed,
            "interval_weeks": "2",
            "first_step_on": "2030-01-01",
            "version": plans.goal_a.version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reduction_percent"] == [message]
    assert f'value="{typed}"' in response.content.decode()


def test_step_planner_first_step_at_the_end_of_time(plans, client):
    sign_in(client, plans.client_a)
    response = client.post(
        goal_url(plans, "goal_step_planner"),
        {
            "reduction_percent": "10",
            "interval_weeks": "2",
            "first_step_on": "9999-12-31",
            "version": plans.goal_a.version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_step_on"] == ["Choose a date in the next 5 years"]
    assert 'value="9999-12-31"' in response.content.decode()


def test_caseload_search_with_a_nul_byte(people, client):
    sign_in(client, people.counselor)
    response = client.get(reverse("plans:caseload"), {"q": "cli\x00ent"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Search with letters, numbers and spaces only" in body
    assert 'value="client"' in body  # what was typed, less the character that cannot be kept


def test_a_goal_question_answered_without_starting_a_goal(plans, client):
    """Found by tests/test_fuzz_forms.py: a draft that "Add a goal" never started."""
    sign_in(client, plans.client_a)
    url = reverse("plans:goal_question", args=[plans.plan_a.public_id, "focus"])
    response = client.post(url, {"focus_area": "1"})
    assert response.status_code in (200, 302)

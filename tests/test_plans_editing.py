"""Co-editing: revisions, agreement, optimistic locking, validation and the access log."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from harmplan.accounts.models import AccessEvent
from plans.goals import services
from plans.models import Plan, Revision
from strategies.models import Approach
from tests.catalog_factories import make_strategy
from tests.factories import make_people
from tests.plan_factories import make_goal
from tests.signin import sign_in


@pytest.fixture
def plan_a(people):
    return services.plan_for_client(people.client_a)


def goal_form(goal, **changes) -> dict:
    data = {
        "statement": goal.statement,
        "why": goal.why,
        "target_kind": goal.target_kind,
        "target_direction": goal.target_direction,
        "target_value": str(goal.target_value),
        "target_unit": goal.target_unit,
        "target_period": goal.target_period,
        "baseline_value": str(goal.baseline_value),
        "practice": goal.practice,
        "start_on": "",
        "target_on": "",
        "lifecycle": goal.lifecycle,
        "version": goal.version,
    }
    data.update(changes)
    return data


def edit_url(goal) -> str:
    return reverse("plans:goal_edit", args=[goal.plan.public_id, goal.public_id])


def test_every_save_records_who_changed_what(people, plan_a, client):
    goal = make_goal(plan_a)
    sign_in(client, people.counselor)
    response = client.post(edit_url(goal), goal_form(goal, target_value="10"))
    assert response.status_code == 302
    revision = Revision.objects.filter(goal=goal).first()
    assert revision.author == people.counselor and revision.author_role == "counselor"
    assert revision.changes == [
        {"field": "target_value", "label": "Target value", "old": "14", "new": "10"}
    ]
    history = client.get(reverse("plans:plan_history", args=[plan_a.public_id]))
    page = history.content.decode()
    assert "<strong>Target value:</strong>" in page
    assert '<del><span class="visually-hidden">removed: </span>14</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>10</ins>' in page


def test_a_save_from_an_old_version_gets_409_and_keeps_the_input(people, plan_a, client):
    goal = make_goal(plan_a)
    services.goal_update(
        goal=goal, expected_version=1, author=people.counselor, data={"target_value": Decimal(12)}
    )
    sign_in(client, people.client_a)
    response = client.post(edit_url(goal), goal_form(goal, version=1, statement="My own words"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this" in body
    assert "My own words" in body  # what they typed is still in the form
    assert "Now: 12" in body  # the other person's change is shown
    assert response.context["form"]["version"].value() == 2
    # Saving again from the conflict page applies this person's whole form, knowingly.
    again = client.post(edit_url(goal), goal_form(goal, version=2, statement="My own words"))
    assert again.status_code == 302
    goal.refresh_from_db()
    assert (goal.statement, goal.target_value, goal.version) == ("My own words", 14, 3)


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_at_once_one_wins_the_other_gets_409():
    people = make_people()
    plan = services.plan_for_client(people.client_a)
    goal = make_goal(plan)
    revisions_before = Revision.objects.count()
    barrier = threading.Barrier(2)
    results = {}

    def save(user, statement):
        browser = Client()
        sign_in(browser, user)
        barrier.wait()
        try:
            results[user.username] = browser.post(
                edit_url(goal), goal_form(goal, statement=statement)
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(people.client_a, "Words of the client")),
        threading.Thread(target=save, args=(people.counselor, "Words of the counselor")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [302, 409]
    loser = next(r for r in results.values() if r.status_code == 409)
    winner_statement = {"client-a": "Words of the client", "counselor": "Words of the counselor"}
    loser_name = next(name for name, r in results.items() if r.status_code == 409)
    assert winner_statement[loser_name] in loser.content.decode()
    goal.refresh_from_db()
    assert goal.statement != winner_statement[loser_name]
    assert goal.version == 2
    assert Revision.objects.count() == revisions_before + 1


def test_agreement_follows_who_changed_the_plan(people, plan_a, client):
    assert plan_a.agreement == "not_agreed"
    goal = make_goal(plan_a)
    plan_a.refresh_from_db()
    services.plan_agree(plan=plan_a, client=people.client_a, content_version=plan_a.content_version)
    plan_a.refresh_from_db()
    assert plan_a.agreement == "agreed"

    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        author=people.counselor,
        data={"target_value": Decimal(10)},
    )
    plan_a.refresh_from_db()
    assert plan_a.agreement == "counselor_changed"
    sign_in(client, people.client_a)
    page = client.get(plan_a.get_absolute_url()).content.decode()
    assert "Changed by your counselor — please look" in page

    # Agreeing to a version that is no longer current is refused.
    with pytest.raises(services.EditConflict):
        services.plan_agree(
            plan=plan_a, client=people.client_a, content_version=plan_a.content_version - 1
        )
    response = client.post(
        reverse("plans:plan_agree", args=[plan_a.public_id]),
        {"content_version": plan_a.content_version},
    )
    assert response.status_code == 302
    plan_a.refresh_from_db()
    assert plan_a.agreement == "agreed"

    # The client's own change asks for their agreement again, but not as "your counselor".
    services.goal_update(
        goal=goal,
        expected_version=goal.version + 1,
        author=people.client_a,
        data={"why": "For my kids"},
    )
    plan_a.refresh_from_db()
    assert plan_a.agreement == "not_agreed"

    # A review is not a change to what was agreed.
    services.plan_agree(plan=plan_a, client=people.client_a, content_version=plan_a.content_version)
    services.review_record(
        plan=plan_a,
        counselor=people.counselor,
        held_on=goal.created_at.date(),
        went_well="Good week.",
        next_review_on=None,
    )
    plan_a.refresh_from_db()
    assert plan_a.agreement == "agreed"


def test_plan_sections_are_version_checked(people, plan_a, client):
    sign_in(client, people.counselor)
    url = reverse("plans:plan_section_edit", args=[plan_a.public_id, "about"])
    ok = client.post(
        url, {"version": 1, "what_matters": "My kids", "strengths": "", "supports": ""}
    )
    assert ok.status_code == 302
    stale = client.post(
        url, {"version": 1, "what_matters": "My dog", "strengths": "", "supports": ""}
    )
    assert stale.status_code == 409
    assert "My dog" in stale.content.decode()
    plan_a.refresh_from_db()
    assert plan_a.what_matters == "My kids"


def test_counselor_reads_and_writes_are_in_the_access_log(people, plan_a, client):
    goal = make_goal(plan_a)
    sign_in(client, people.counselor)
    client.get(plan_a.get_absolute_url())
    client.get(goal.get_absolute_url())
    client.post(edit_url(goal), goal_form(goal, target_value="9"))
    actions = list(
        AccessEvent.objects.filter(client=people.client_a)
        .order_by("at", "pk")
        .values_list("action", "object_type")
    )
    assert actions == [("view", "plan"), ("view", "goal"), ("update", "goal")]
    # The client's own reads are not "someone else" reading.
    sign_in(client, people.client_a)
    client.get(plan_a.get_absolute_url())
    assert AccessEvent.objects.filter(actor=people.client_a).count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"statement": ""}, "statement", "Write your goal in your own words"),
        ({"target_value": "900"}, "target_value", "more than 400 standard drinks a week"),
        ({"target_value": "-1"}, "target_value", "greater than or equal to 0"),
        ({"target_value": "lots"}, "target_value", "Enter the target as a number"),
        ({"start_on": "2026-12-10", "target_on": "2026-12-01"}, "target_on", "on or after"),
        ({"target_kind": "practice", "practice": ""}, "practice", "Write the practice"),
    ],
)
def test_bad_goal_input_is_explained(people, plan_a, client, changes, field, message):
    goal = make_goal(plan_a)
    sign_in(client, people.client_a)
    response = client.post(edit_url(goal), goal_form(goal, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()


def test_a_strategy_that_does_not_fit_the_approach_is_refused(people, plan_a, client):
    goal = make_goal(plan_a)  # managed use
    abstinence_only = make_strategy(
        "alcohol-free-month", approaches=(Approach.ABSTINENCE,), focus_areas=("alcohol",)
    )
    sign_in(client, people.client_a)
    response = client.post(
        reverse("plans:goal_strategy_add", args=[plan_a.public_id, goal.public_id]),
        {"version": goal.version, "strategy": abstinence_only.pk},
        follow=True,
    )
    assert "is not one of the strategies for a managed use goal" in response.content.decode()
    assert not goal.strategy_links.exists()


def test_another_clients_plan_is_a_404(people, client):
    other = services.plan_for_client(people.client_b)
    goal = make_goal(other, author=people.client_b)
    sign_in(client, people.client_a)
    assert client.get(other.get_absolute_url()).status_code == 404
    before = Plan.objects.get(pk=other.pk).content_version
    assert client.post(edit_url(goal), goal_form(goal, statement="x")).status_code == 404
    assert Plan.objects.get(pk=other.pk).content_version == before

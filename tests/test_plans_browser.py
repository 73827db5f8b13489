"""Plan journeys in a real browser: a client builds goals, the counselor edits in session and
records a review, the client sees the change and agrees. axe checks every page visited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.goals import services
from strategies.models import Approach
from tests.accessibility import assert_no_axe_violations
from tests.catalog_factories import make_strategy
from tests.factories import make_people
from tests.plan_factories import make_goal
from tests.test_browser_accounts import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def catalog():
    make_strategy(
        "alternate-with-water",
        title="Alternate with water",
        approaches=(Approach.MANAGED_USE,),
        focus_areas=("alcohol",),
    )
    make_strategy(
        "carry-naloxone",
        title="Carry naloxone",
        approaches=(Approach.SAFER_USE, Approach.MANAGED_USE),
        focus_areas=("opioids",),
    )


def answer(page, *, check=True):
    if check:
        assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()


def build_managed_use_goal(page, *, check=True):
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Alcohol", exact=True).check()
    answer(page, check=check)
    page.get_by_label("Managed use").check()
    answer(page, check=check)
    page.get_by_label("What is your goal, in your own words?").fill("Drink less on weeknights")
    answer(page, check=check)
    page.get_by_label("An amount, like drinks a week or money spent").check()
    answer(page, check=check)
    expect(page.get_by_text("Question 5 of 7")).to_be_visible()
    page.get_by_label("Target amount").fill("14")
    page.get_by_label("Of what?").select_option("standard drinks")
    page.get_by_label("How often?").select_option("week")
    page.get_by_label("Where are you now? (optional)").fill("28")
    answer(page, check=check)
    page.get_by_label("Alternate with water").check()
    answer(page, check=check)
    page.get_by_label("Yes, plan steps for me").check()
    answer(page, check=check)
    expect(page.get_by_label("How much to cut at each step, in percent")).to_have_value("10")
    answer(page, check=check)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("At most 14 standard drinks a week")).to_be_visible()
    expect(page.get_by_text("7 steps, from")).to_be_visible()
    if check:
        assert_no_axe_violations(page)
    page.get_by_role("button", name="Save this goal").click()
    expect(page.get_by_role("heading", name="Drink less on weeknights")).to_be_visible()
    # The steps table sits behind "All steps", each amount with its unit.
    page.get_by_text("All steps (7)").click()
    expect(page.get_by_role("cell", name="14 standard drinks a week", exact=True)).to_be_visible()


def test_client_builds_the_plan_and_agrees_after_the_counselors_change(phone, desk):
    people = make_people()
    catalog()
    sign_in(phone, "client-a")
    # Clients land on Today; the whole plan is one link away.
    expect(phone.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    phone.get_by_role("link", name="Your whole plan").click()
    expect(phone.get_by_role("heading", name="Your plan")).to_be_visible()
    assert_no_axe_violations(phone)

    build_managed_use_goal(phone)
    assert_no_axe_violations(phone)
    phone.get_by_role("link", name="Back to the plan").click()

    # A safer-use goal with a yes/no practice.
    phone.get_by_role("link", name="Add a goal").click()
    phone.get_by_label("Opioids").check()
    answer(phone)
    phone.get_by_label("Safer use").check()
    answer(phone)
    phone.get_by_label("What is your goal, in your own words?").fill("Never use alone")
    answer(phone)
    phone.get_by_label("A yes/no practice, like “test before I use”").check()
    answer(phone)
    phone.get_by_label("What will you do?").fill("Carry naloxone")
    answer(phone)
    phone.get_by_label("Carry naloxone").check()
    answer(phone)
    expect(phone.get_by_text("Carry naloxone").first).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="Save this goal").click()
    expect(phone.get_by_role("heading", name="Never use alone")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_role("link", name="Back to the plan").click()
    expect(phone.get_by_text("Not agreed yet.")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="I agree with this plan").click()
    expect(phone.get_by_text("You agreed with this plan")).to_be_visible()
    assert_no_axe_violations(phone)
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()

    # The counselor opens the plan in session on a larger screen.
    sign_in(desk, "counselor")
    expect(desk.get_by_role("heading", name="Caseload")).to_be_visible()
    expect(desk.get_by_role("cell", name="Agreed")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_role("link", name="client-a").click()
    expect(desk.get_by_role("heading", name="client-a’s plan")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_role("link", name="Drink less on weeknights", exact=True).click()
    assert_no_axe_violations(desk)
    desk.get_by_role("link", name="Change this goal").click()
    assert_no_axe_violations(desk)
    desk.get_by_label("Target amount").fill("10")
    desk.get_by_role("button", name="Save changes").click()
    expect(desk.get_by_text("At most 10 standard drinks a week")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_role("link", name="Back to the plan").click()

    # In-place editing of one part of the plan (htmx), then a review.
    desk.get_by_role("link", name="Change about me").click()
    expect(desk.get_by_label("What matters to me")).to_be_visible()
    assert "/edit/" not in desk.url  # edited in place, on the plan page
    assert_no_axe_violations(desk)
    desk.get_by_label("What matters to me").fill("Being there for my kids")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text("Being there for my kids")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_role("link", name="Record a review").click()
    assert_no_axe_violations(desk)
    desk.get_by_label("What went well").fill("We talked about the weekend plan.")
    desk.get_by_role("button", name="Save the review").click()
    expect(desk.get_by_text("We talked about the weekend plan.")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_role("link", name="History of changes").click()
    expect(desk.locator("del", has_text="14")).to_be_visible()
    expect(desk.locator("ins", has_text="10")).to_be_visible()
    assert_no_axe_violations(desk)

    # The client sees the change and agrees again.
    # Today shows what changed as a difference, with "I agree" beside it.
    sign_in(phone, "client-a")
    changes = phone.get_by_role("region", name="Your counselor changed your plan")
    target = changes.get_by_role("listitem").filter(has_text="Target value")
    expect(target.get_by_role("deletion")).to_have_text("was 14")
    expect(target.get_by_role("insertion")).to_have_text("now 10")
    expect(changes).to_contain_text("Being there for my kids")
    assert_no_axe_violations(phone)
    changes.get_by_role("button", name="I agree").click()
    expect(phone.get_by_text("You agreed with this version of your plan")).to_be_visible()
    expect(phone.get_by_role("region", name="Your counselor changed your plan")).to_have_count(0)
    assert people.client_a.plan.agreement == "agreed"


def test_goal_creation_works_without_javascript(phone_no_js):
    make_people()
    catalog()
    sign_in(phone_no_js, "client-a")
    phone_no_js.get_by_role("link", name="Your whole plan").click()
    build_managed_use_goal(phone_no_js)
    assert_no_axe_violations(phone_no_js)


def test_question_pages_explain_what_is_missing(phone):
    make_people()
    catalog()
    sign_in(phone, "client-a")
    phone.get_by_role("link", name="Your whole plan").click()
    phone.get_by_role("link", name="Add a goal").click()
    phone.get_by_role("button", name="Continue").click()
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Choose what this goal is about")).to_be_visible()
    assert_no_axe_violations(phone)


def test_two_people_editing_one_goal_see_a_conflict_page_that_keeps_their_input(phone, desk):
    people = make_people()
    plan = services.plan_for_client(people.client_a)
    goal = make_goal(plan)
    edit = reverse("plans:goal_edit", args=[plan.public_id, goal.public_id])
    sign_in(phone, "client-a")
    phone.goto(edit)
    sign_in(desk, "counselor")
    desk.goto(edit)

    desk.get_by_label("Target amount").fill("10")
    desk.get_by_role("button", name="Save changes").click()
    expect(desk.get_by_text("Goal saved.")).to_be_visible()

    phone.get_by_label("What is your goal, in your own words?").fill("Only drink at weekends")
    phone.get_by_role("button", name="Save changes").click()
    expect(phone.get_by_role("heading", name="Someone else changed this")).to_be_visible()
    expect(phone.get_by_text("Now: 10")).to_be_visible()
    expect(phone.get_by_label("What is your goal, in your own words?")).to_have_value(
        "Only drink at weekends"
    )
    assert_no_axe_violations(phone)
    phone.get_by_label("Target amount").fill("10")
    phone.get_by_role("button", name="Save my version").click()
    expect(phone.get_by_role("heading", name="Only drink at weekends")).to_be_visible()
    expect(phone.get_by_text("At most 10 standard drinks a week")).to_be_visible()

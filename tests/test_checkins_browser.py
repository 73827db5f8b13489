"""A client checks in on a phone, with and without JavaScript, and sees the chart change; the
counselor sees the same progress in session. axe checks the check-in and progress pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plans.goals import services
from tests.accessibility import assert_no_axe_violations
from tests.factories import make_people
from tests.plan_factories import make_goal, practice_goal_data
from tests.test_browser_accounts import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def client_with_goals():
    people = make_people()
    plan = services.plan_for_client(people.client_a)
    drinks = make_goal(plan)  # at most 14 standard drinks a week
    services.goal_create(plan=plan, author=people.client_a, data=practice_goal_data())
    return people, plan, drinks


def chart(page, statement: str):
    return page.get_by_role("region", name=statement).locator("figure.chart")


def check_in(page, *, drinks: str, check: bool = True):
    if check:
        assert_no_axe_violations(page)
    page.get_by_label("Drink less on weeknights").fill(drinks)
    page.get_by_role("group", name="Never use alone").get_by_label("Yes").check()
    page.get_by_role("group", name="How do you feel? (optional)").get_by_label(
        "Good", exact=True
    ).check()
    page.get_by_role("button", name="Save my check-in").click()


def test_client_checks_in_on_a_phone_and_sees_the_chart_change(phone, desk):
    people, plan, _ = client_with_goals()
    sign_in(phone, "client-a")
    phone.get_by_role("link", name="Check in").click()
    expect(phone.get_by_role("heading", name="Your check-in for today")).to_be_visible()

    check_in(phone, drinks="2")
    expect(phone.get_by_text("Thank you. Your check-in for today is saved.")).to_be_visible()
    # Today's check-in lands on Today's "Done for today"; progress is one link away.
    expect(phone.get_by_role("heading", name="Done for today")).to_be_visible()
    phone.get_by_role("link", name="Your progress").click()
    expect(phone.get_by_role("heading", name="Your progress")).to_be_visible()
    drinks_chart = chart(phone, "Drink less on weeknights")
    expect(drinks_chart).to_have_attribute("data-answered", "1")
    expect(drinks_chart.locator("rect.bar.current")).to_have_count(1)  # this week's total
    expect(chart(phone, "Never use alone").locator("circle.dot.yes")).to_have_count(1)
    assert_no_axe_violations(phone)

    # Yesterday, through the quick link (htmx swaps the form in place).
    phone.get_by_role("link", name="Change today’s check-in").click()
    phone.get_by_role("link", name="Check in for yesterday").click()
    expect(phone.get_by_role("heading", name="Your check-in for")).not_to_have_text(
        "Your check-in for today"
    )
    assert "day=" in phone.url
    check_in(phone, drinks="4")
    expect(drinks_chart).to_have_attribute("data-answered", "2")
    # A weekly goal: one bar per week with answers (today and yesterday may share a week).
    expect(drinks_chart.locator("rect.bar.current")).to_have_count(1)

    # The goal's own page: 4 weeks, then 12 (htmx), and the numbers as a table.
    phone.get_by_role("link", name="See 12 weeks for Drink less on weeknights").click()
    expect(phone.get_by_role("heading", name="Drink less on weeknights")).to_be_visible()
    expect(phone.locator(".progress-summary")).to_contain_text("Last 7 days: 6 standard drinks")
    assert_no_axe_violations(phone)
    phone.get_by_role("link", name="Last 12 weeks").click()
    expect(phone.get_by_role("link", name="Last 12 weeks")).to_have_attribute(
        "aria-current", "true"
    )
    phone.get_by_text("Show the numbers").click()
    # A weekly goal's table has a row per week; this week's total says "so far".
    expect(phone.get_by_role("cell", name="so far")).to_be_visible()
    assert_no_axe_violations(phone)
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()

    # The counselor sees the same progress in session.
    sign_in(desk, "counselor")
    expect(desk.get_by_role("cell", name="Last check-in")).to_have_count(0)
    desk.get_by_role("link", name="client-a").click()
    expect(desk.locator(".progress-line").first).to_contain_text("Last 7 days: 6 standard drinks")
    desk.get_by_role("link", name="See progress for Drink less on weeknights").click()
    expect(desk.get_by_text("Progress for client-a")).to_be_visible()
    expect(desk.locator("figure.chart rect.bar.current")).to_have_count(1)
    assert_no_axe_violations(desk)


def test_checking_in_works_without_javascript(phone_no_js):
    people, plan, drinks = client_with_goals()
    page = phone_no_js
    sign_in(page, "client-a")
    page.get_by_role("link", name="Check in").click()
    check_in(page, drinks="1.5")
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    page.get_by_role("link", name="Your progress").click()
    drinks_chart = chart(page, "Drink less on weeknights")
    expect(drinks_chart).to_have_attribute("data-answered", "1")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Change today’s check-in").click()
    page.get_by_role("link", name="Check in for yesterday").click()
    check_in(page, drinks="3", check=False)
    expect(drinks_chart).to_have_attribute("data-answered", "2")
    # A weekly goal: one bar per week with answers (today and yesterday may share a week).
    expect(drinks_chart.locator("rect.bar.current")).to_have_count(1)

    # A bad amount: the error is explained and nothing typed is lost.
    page.get_by_role("link", name="Change today’s check-in").click()
    page.get_by_label("Drink less on weeknights").fill("lots")
    page.get_by_label("A note for yourself (optional)").fill("A hard week.")
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("A note for yourself (optional)")).to_have_value("A hard week.")
    assert_no_axe_violations(page)

    page.goto(f"/plans/{plan.public_id}/goals/{drinks.public_id}/progress/?weeks=12")
    expect(page.get_by_role("link", name="Last 12 weeks")).to_have_attribute("aria-current", "true")
    assert_no_axe_violations(page)

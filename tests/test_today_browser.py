"""Today → check in → done on a phone, with and without JavaScript, axe clean; the drink
picker's conversion to standard drinks; the phone menu."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from plans.goals import services
from plans.models import Step
from tests.accessibility import assert_no_axe_violations
from tests.factories import make_people
from tests.plan_factories import make_goal, practice_goal_data
from tests.test_browser_accounts import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def client_with_goals():
    people = make_people()
    plan = services.plan_for_client(people.client_a)
    drinks = make_goal(plan)  # at most 14 standard drinks a week
    Step.objects.create(goal=drinks, starts_on=date(2020, 1, 1), value=Decimal(12))
    services.goal_create(plan=plan, author=people.client_a, data=practice_goal_data())
    return people, plan, drinks


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_today_check_in_and_done_for_today(request, js):
    page = request.getfixturevalue("phone" if js else "phone_no_js")
    client_with_goals()
    sign_in(page, "client-a")
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(page.locator(".goal-today").first).to_contain_text(
        "Up to 12 standard drinks this week — 0 standard drinks so far"
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Check in", exact=True).click()
    expect(page.get_by_text("This step: at most 12 standard drinks a week.")).to_be_visible()
    assert_no_axe_violations(page)
    if js:
        more = page.get_by_role("button", name="More").first
        more.click()
        more.click()
        expect(page.get_by_label("Drink less on weeknights")).to_have_value("2")
    else:
        page.get_by_label("Drink less on weeknights").fill("2")
    page.get_by_role("group", name="Never use alone").get_by_text("Yes", exact=True).click()
    page.get_by_role("group", name="How do you feel? (optional)").get_by_text(
        "Good", exact=True
    ).click()
    page.get_by_role("group", name="Cravings, from 0 to 10 (optional)").get_by_text(
        "3", exact=True
    ).click()
    page.get_by_role("button", name="Save my check-in").click()

    done = page.locator("#done")
    expect(done.get_by_role("heading", name="Done for today")).to_be_visible()
    expect(done).to_contain_text("Drink less on weeknights: 2 standard drinks")
    expect(done).to_contain_text("Cravings: 3 / 10")
    expect(page.locator(".goal-today").first).to_contain_text("2 standard drinks so far")
    assert_no_axe_violations(page)
    done.get_by_role("link", name="Change today's check-in").click()
    expect(page.get_by_label("Drink less on weeknights")).to_have_value("2")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_drink_picker_converts_to_standard_drinks(request, js):
    page = request.getfixturevalue("phone" if js else "phone_no_js")
    client_with_goals()
    sign_in(page, "client-a")
    page.get_by_role("link", name="Check in", exact=True).click()
    page.get_by_text("Work it out from what I drank").click()
    expect(page.get_by_text("14 grams of alcohol each (NIAAA)")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("What did you drink?").select_option(label="A glass of wine (5 oz, 148 ml)")
    page.get_by_label("How many?").fill("2")
    # A stronger wine than usual: 148 ml × 14% × 0.789 g/ml = 16.3 g, × 2 = 32.7 g = 2.3 drinks.
    page.get_by_label("Strength, % alcohol (optional)").fill("14")
    page.get_by_role("button", name="Work it out").click()
    expect(page.get_by_text("That is 2.3 standard drinks.")).to_be_visible()
    expect(page.get_by_label("Drink less on weeknights")).to_have_value("2.3")
    assert_no_axe_violations(page)


def test_the_phone_menu_is_one_row_and_opens_in_place(phone, desk):
    client_with_goals()
    sign_in(phone, "client-a")
    nav = phone.get_by_role("navigation", name="Main")
    box = nav.bounding_box()
    assert box["height"] <= 60  # before: three rows, a quarter of the first screen
    main_left = phone.locator("main").bounding_box()["x"]
    summary = phone.locator("details.nav-phone > summary")
    assert abs(summary.bounding_box()["x"] - (main_left + 16)) <= 2  # lines up with the page text
    open_menu(phone)
    expect(phone.get_by_role("link", name="Reminders")).to_be_visible()
    assert_no_axe_violations(phone)

    sign_in(desk, "client-b")
    first_link = desk.locator(".nav-wide a").first
    heading = desk.get_by_role("heading", level=1)
    assert abs(first_link.bounding_box()["x"] - heading.bounding_box()["x"]) <= 2

"""In a real browser: the counselor's desk on a desktop, services given and a review recorded
in session, the client's view of them on a phone (JavaScript on and off), and the program
report and client list for the org admin. axe checks every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils.formats import date_format
from playwright.sync_api import expect

from plans.goals import services
from plans.timezones import client_today
from tests.accessibility import assert_no_axe_violations
from tests.factories import make_people
from tests.plan_factories import add_checkins, make_goal, practice_goal_data
from tests.report_factories import make_resource
from tests.test_browser_accounts import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def program():
    people = make_people()
    plan = services.plan_for_client(people.client_a)
    services.plan_update(
        plan=plan,
        expected_version=plan.version,
        data={"what_matters": "Being there for my kids"},
        author=people.client_a,
    )
    goal = make_goal(plan, steps=True)
    practice = services.goal_create(plan=plan, author=people.client_a, data=practice_goal_data())
    today = client_today(plan)
    add_checkins(goal, {today - timedelta(days=n): n % 4 for n in range(20)})
    add_checkins(practice, {today - timedelta(days=n): n % 3 != 0 for n in range(20)})
    make_resource(people.org, "Harbor Clinic")
    people.plan_a, people.today = plan, today
    return people


def test_the_counselor_works_at_the_desk_and_the_client_sees_it_on_a_phone(desk, phone):
    people = program()
    sign_in(desk, "counselor")
    desk.goto(people.plan_a.get_absolute_url())
    expect(desk.get_by_role("heading", name="client-a’s plan")).to_be_visible()
    expect(desk.locator("#section-about").get_by_text("Being there for my kids")).to_be_visible()
    expect(desk.locator("svg.chart-svg")).to_have_count(2)
    expect(desk.get_by_text("Not agreed yet by client-a.")).to_be_visible()
    # Desktop layout: the side column sits beside the goals, not under them.
    main_box = desk.locator(".desk-main").bounding_box()
    side_box = desk.locator(".desk-side").bounding_box()
    assert side_box["x"] > main_box["x"] + main_box["width"] - 1
    assert_no_axe_violations(desk)

    # A service given in session.
    desk.get_by_role("link", name="Record a service given").click()
    assert_no_axe_violations(desk)
    desk.get_by_label("Naloxone doses").check()
    desk.get_by_role("button", name="Save").click()  # how many: 1 is filled in already
    expect(desk.get_by_text("Saved. Your client sees this on their plan.")).to_be_visible()
    desk.get_by_role("link", name="Record a service given").click()
    desk.get_by_label("Referral", exact=True).check()
    desk.get_by_role("button", name="Save").click()
    summary = desk.locator("[data-error-summary]")
    expect(summary.get_by_role("link", name="Choose the service you referred to")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_label("Referred to (for a referral)").select_option(label="Harbor Clinic")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text("Referral to Harbor Clinic (not yet)")).to_be_visible()
    desk.get_by_role("button", name="Went to Harbor Clinic").click()
    expect(desk.get_by_text("Referral to Harbor Clinic (attended)")).to_be_visible()

    # An empty review is refused; a real one is saved.
    desk.get_by_role("link", name="Record a review").click()
    desk.get_by_role("button", name="Save the review").click()
    summary = desk.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="a review needs at least one of them")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_label("What went well").fill("Two calm weekends")
    desk.get_by_label("Changes we agreed").fill("Water between drinks")
    desk.get_by_role("button", name="Save the review").click()
    expect(desk.get_by_text("Two calm weekends")).to_be_visible()

    # A change after the review is highlighted on the desk, with the words marked.
    desk.get_by_role("link", name="Drink less on weeknights", exact=True).click()
    desk.get_by_role("link", name="Change this goal").click()
    desk.get_by_label("What is your goal, in your own words?").fill("Drink less at weekends")
    desk.get_by_role("button", name="Save changes").click()
    desk.get_by_role("link", name="Back to the plan").click()
    changed = desk.locator(".desk-goal.changed")
    expect(changed.get_by_text("Changed since the last review")).to_be_visible()
    expect(changed.locator("ins", has_text="at weekends")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_role("link", name="History of changes").click()
    expect(desk.locator("del", has_text="on weeknights")).to_be_visible()
    assert_no_axe_violations(desk)

    # The client, on a phone (signing in lands on Today; these are on the plan).
    sign_in(phone, "client-a")
    phone.goto("/plan/")
    day = date_format(people.today, "j F")
    expect(phone.get_by_text(f"Your counselor gave you 1 naloxone dose on {day}.")).to_be_visible()
    expect(
        phone.get_by_text(f"Your counselor referred you to Harbor Clinic on {day}. You went there.")
    ).to_be_visible()
    expect(phone.get_by_text("Two calm weekends")).to_be_visible()
    expect(phone.get_by_text("What we agreed to change")).to_be_visible()
    assert_no_axe_violations(phone)


def test_the_client_sees_services_given_without_javascript(phone_no_js):
    people = program()
    from tests.report_factories import give

    give(people.plan_a, people.counselor, "naloxone", count=2, on=people.today)
    sign_in(phone_no_js, "client-a")
    phone_no_js.goto("/plan/")  # signing in lands on Today
    day = date_format(people.today, "j F")
    expect(
        phone_no_js.get_by_text(f"Your counselor gave you 2 naloxone doses on {day}.")
    ).to_be_visible()
    assert_no_axe_violations(phone_no_js)


def test_the_org_admin_reads_the_report_and_the_client_list(desk):
    program()
    sign_in(desk, "org-admin")
    desk.goto("/program/report/")
    expect(desk.get_by_role("heading", name="Program report")).to_be_visible()
    expect(desk.get_by_role("heading", name="Goals by approach")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_label("Period").select_option(label="Dates I choose")
    desk.get_by_label("From").fill("2026-11-01")
    desk.get_by_label("To").fill("2026-10-01")
    desk.get_by_role("button", name="Show the report").click()
    expect(desk.locator("[data-error-summary]")).to_be_visible()
    assert_no_axe_violations(desk)
    with desk.expect_download() as download:
        desk.goto("/program/report/")
        desk.get_by_role("link", name="Download as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename.startswith("report-")
    desk.goto("/clients/")
    expect(desk.get_by_role("link", name="client-a")).to_be_visible()
    assert_no_axe_violations(desk)
    desk.get_by_label("Counselor for client-b").select_option(label="counselor")
    desk.get_by_role("button", name="Add client-b").click()
    expect(desk.get_by_text("Caseload updated.")).to_be_visible()
    assert_no_axe_violations(desk)

"""A client sets up reminders on a phone, with and without JavaScript, makes a calendar link and
pauses reminders from an email link. axe checks every reminder page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import ReminderSchedule
from plans.reminders import links
from tests.accessibility import NO_JS_PAGES, assert_no_axe_violations
from tests.factories import make_people
from tests.test_browser_accounts import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def set_up_reminders(page):
    open_menu(page)
    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("group", name="How would you like your reminders?").get_by_label(
        "Email"
    ).check()
    days = page.get_by_role("group", name="Which days?")
    for day in ("Saturday", "Sunday"):
        days.get_by_label(day).uncheck()
    page.get_by_label("What time?").fill("18:30")
    page.get_by_label("Your time zone").select_option("Europe/London")
    page.get_by_role("button", name="Save my reminder settings").click()
    expect(page.get_by_text("Your reminder settings are saved.")).to_be_visible()
    expect(page.locator("#next-reminder")).to_contain_text("at 18:30")
    expect(page.locator("[data-preview=email]")).to_contain_text(
        "Time for your check-in. It takes under a minute."
    )
    assert_no_axe_violations(page)


def test_client_sets_reminders_and_gets_a_calendar_link_on_a_phone(phone):
    people = make_people()
    sign_in(phone, "client-a")
    set_up_reminders(phone)
    schedule = ReminderSchedule.objects.get(client=people.client_a)
    assert schedule.weekday_names == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

    # A mistake is explained next to the field and in the summary at the top.
    phone.get_by_label("What time?").fill("")
    phone.get_by_role("button", name="Save my reminder settings").click()
    expect(phone.get_by_role("alert")).to_contain_text("Enter a time, like 09:00")
    assert_no_axe_violations(phone)

    phone.get_by_role("button", name="Get a calendar link").click()
    expect(phone.get_by_role("heading", name="Your calendar link")).to_be_visible()
    assert phone.locator("#feed-url").inner_text().endswith(".ics")
    assert_no_axe_violations(phone)


def test_reminders_work_without_javascript_and_pause_from_an_email(phone_no_js):
    NO_JS_PAGES.add(phone_no_js)
    people = make_people()
    sign_in(phone_no_js, "client-a")
    set_up_reminders(phone_no_js)
    open_menu(phone_no_js)
    phone_no_js.get_by_role("button", name="Sign out").click()

    schedule = ReminderSchedule.objects.get(client=people.client_a)
    # The link from the email, on this test server.
    phone_no_js.goto(reverse("plans:reminder_pause", args=[links.pause_token(schedule)]))
    expect(phone_no_js.get_by_role("heading", name="Pause reminders?")).to_be_visible()
    assert_no_axe_violations(phone_no_js)
    phone_no_js.get_by_role("button", name="Pause reminders").click()
    expect(phone_no_js.get_by_role("heading", name="Reminders paused")).to_be_visible()
    assert_no_axe_violations(phone_no_js)
    schedule.refresh_from_db()
    assert schedule.paused_indefinitely

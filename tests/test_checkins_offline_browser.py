"""A check-in made on a phone with no signal: kept on the phone, said plainly that it is waiting,
sent when the connection is back, recorded once even when it is sent twice, and gone after
signing out. axe checks the waiting page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plans.models import CheckIn, CheckInReceipt
from plans.timezones import client_today
from tests.accessibility import assert_no_axe_violations
from tests.conftest import wait_for
from tests.test_browser_accounts import open_menu, sign_in
from tests.test_checkins_browser import check_in, client_with_goals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PENDING = "() => JSON.parse(localStorage.getItem('pending-checkins') || '[]')"


def waiting_notice(page):
    return page.locator("[data-pending-summary]")


def test_a_check_in_made_offline_is_sent_once_when_back_online(phone):
    people, plan, drinks = client_with_goals()
    sign_in(phone, "client-a")
    phone.get_by_role("link", name="Check in").click()
    expect(phone.get_by_role("heading", name="Your check-in for today")).to_be_visible()

    phone.context.set_offline(True)
    check_in(phone, drinks="2", check=False)
    expect(waiting_notice(phone)).to_have_text(
        "Waiting to send: your check-in is saved on this phone. "
        "It will be sent when you are back online."
    )
    expect(waiting_notice(phone)).to_be_focused()
    assert_no_axe_violations(phone)
    assert CheckIn.objects.count() == 0
    pending = phone.evaluate(PENDING)
    assert len(pending) == 1 and pending[0]["person"] == str(people.client_a.public_id)

    # The phone sends the same check-in twice (a lost answer, two tabs): saved once.
    phone.evaluate(
        "() => { const items = JSON.parse(localStorage.getItem('pending-checkins'));"
        " localStorage.setItem('pending-checkins', JSON.stringify(items.concat(items))); }"
    )
    phone.context.set_offline(False)
    expect(waiting_notice(phone)).to_have_text("Your check-in from this phone has been sent.")
    assert phone.evaluate(PENDING) == []
    checkin = CheckIn.objects.get(client=people.client_a)
    assert checkin.entries.get(goal=drinks).amount == 2
    assert checkin.feeling == 4
    assert CheckInReceipt.objects.filter(client=people.client_a).count() == 1

    # Later pages have nothing waiting.
    phone.goto("/progress/")
    expect(waiting_notice(phone)).to_be_hidden()


def test_a_waiting_check_in_is_sent_from_any_page_and_only_for_its_person(phone):
    people, plan, drinks = client_with_goals()
    sign_in(phone, "client-a")
    phone.goto("/checkin/")
    phone.context.set_offline(True)
    check_in(phone, drinks="1", check=False)
    expect(waiting_notice(phone)).to_be_visible()
    phone.context.set_offline(False)
    expect(waiting_notice(phone)).to_have_text("Your check-in from this phone has been sent.")
    assert CheckIn.objects.filter(client=people.client_a).count() == 1

    # Someone else's waiting check-in on this phone is never sent as this person.
    phone.context.set_offline(True)
    check_in(phone, drinks="5", check=False)
    phone.evaluate(
        "() => { const items = JSON.parse(localStorage.getItem('pending-checkins'));"
        " items[0].person = 'someone-else';"
        " localStorage.setItem('pending-checkins', JSON.stringify(items)); }"
    )
    phone.context.set_offline(False)
    phone.goto("/plan/")
    expect(phone.get_by_role("heading", name="Your plan")).to_be_visible()
    assert CheckIn.objects.get(client=people.client_a).entries.get(goal=drinks).amount == 1
    assert len(phone.evaluate(PENDING)) == 1


def test_signing_out_deletes_a_waiting_check_in(phone):
    people, plan, drinks = client_with_goals()
    sign_in(phone, "client-a")
    phone.goto("/checkin/")
    phone.context.set_offline(True)
    check_in(phone, drinks="2", check=False)
    expect(waiting_notice(phone)).to_be_visible()
    phone.context.set_offline(False)
    # (Back online it is sent at once; keep a second one waiting to see sign-out remove it.)
    expect(waiting_notice(phone)).to_have_text("Your check-in from this phone has been sent.")
    phone.evaluate(
        "() => localStorage.setItem('pending-checkins', JSON.stringify([{key: 'k',"
        " person: document.body.dataset.person, action: '/nowhere/', fields: []}]))"
    )
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("heading", name="You are signed out")).to_be_visible()
    assert phone.evaluate(PENDING) == []
    assert_no_axe_violations(phone)


def test_opening_the_check_in_page_with_no_signal_still_takes_a_check_in(phone):
    people, plan, drinks = client_with_goals()
    sign_in(phone, "client-a")
    phone.goto("/checkin/")  # the phone learns whose it is and how their day is counted
    wait_for(
        lambda: phone.evaluate("() => navigator.serviceWorker.controller !== null")
    )  # no eval: CSP
    phone.context.set_offline(True)
    phone.goto("/checkin/")
    expect(phone.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(phone.get_by_text("Drink less on weeknights")).to_have_count(0)  # goals are not kept
    section = phone.get_by_role("region", name="Check in on this phone")
    section.get_by_role("group", name="How do you feel? (optional)").get_by_label(
        "Very good"
    ).check()
    section.get_by_label("A note for yourself (optional)").fill("Walked by the river.")
    section.get_by_role("button", name="Save on this phone").click()
    expect(waiting_notice(phone)).to_contain_text("Waiting to send")
    assert_no_axe_violations(phone)
    assert CheckIn.objects.count() == 0

    phone.context.set_offline(False)
    phone.goto("/plan/")
    expect(waiting_notice(phone)).to_have_text("Your check-in from this phone has been sent.")
    checkin = CheckIn.objects.get(client=people.client_a)
    assert (checkin.feeling, checkin.note) == (5, "Walked by the river.")
    assert checkin.day == client_today(plan)  # the phone counted the day as the server does

"""A client's records on a phone, with and without JavaScript: download, share with consent,
open the shared link as the recipient, stop sharing, choose privacy, close the account and
change their mind. axe checks every page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import AccountClosure, Disclosure
from tests.accessibility import assert_no_axe_violations
from tests.factories import PASSWORD, make_people
from tests.plan_factories import add_plans
from tests.records_support import fill_plan
from tests.test_browser_accounts import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seeded():
    people = make_people()
    add_plans(people)
    fill_plan(people)
    return people


def share_with_a_link(page) -> str:
    open_menu(page)  # on a phone the menu is a "Menu" disclosure
    page.get_by_role("link", name="My records", exact=True).click()
    expect(page.get_by_role("heading", name="Your records")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Share with someone").click()
    expect(page.get_by_role("heading", name="Share with someone")).to_be_visible()
    assert_no_axe_violations(page)
    # A mistake first: nothing typed is lost, the message is beside the field.
    page.get_by_label("Who do you want to share with?").fill("Dr Ana Ruiz")
    page.get_by_role("button", name="Sign and share").click()
    expect(page.get_by_role("alert")).to_contain_text("Write why you are sharing it.")
    expect(page.get_by_label("Who do you want to share with?")).to_have_value("Dr Ana Ruiz")
    assert_no_axe_violations(page)
    page.get_by_role("group", name="What do you want to share?").get_by_label(
        "My plan and my check-ins"
    ).check()
    page.get_by_role("group", name="How do you want to share it?").get_by_label(
        "A link they can open to read it"
    ).check()
    page.get_by_label("Why are you sharing it?").fill("So my doctor knows my plan")
    page.get_by_label("Until when?").fill("2099-01-01")
    page.get_by_role("button", name="Sign and share").click()
    expect(page.get_by_role("alert")).to_contain_text("within the next five years")
    page.get_by_label("Until when?").fill(_in_a_month())
    page.get_by_label("Type your name to sign").fill("Alex Example")
    page.get_by_label("I have read what this means, and I agree to share.").check()
    page.get_by_role("button", name="Sign and share").click()
    expect(page.get_by_role("heading", name="You can now share with Dr Ana Ruiz")).to_be_visible()
    assert_no_axe_violations(page)
    return page.get_by_label("The link").input_value()


def _in_a_month() -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=30)).isoformat()


def recipient_opens(browser, live_server, link: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        response = page.goto(link.replace("http://testserver", live_server.url))
        return response.status, page
    except Exception:
        context.close()
        raise


def test_client_shares_and_stops_sharing_on_a_phone(phone, browser, live_server):
    people = seeded()
    sign_in(phone, "client-a")
    link = share_with_a_link(phone)
    assert "?key=" in link

    status, recipient = recipient_opens(browser, live_server, link)
    assert status == 200
    expect(recipient.get_by_role("heading", name="Shared record")).to_be_visible()
    expect(recipient.get_by_text("protected by federal confidentiality rules")).to_be_visible()
    expect(recipient.get_by_text("Drink less on weeknights").first).to_be_visible()
    assert_no_axe_violations(recipient)
    assert Disclosure.objects.filter(consent__client=people.client_a).count() == 1

    phone.goto(reverse("plans:sharing"))
    expect(phone.get_by_role("cell", name="Link opened")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="Stop sharing with Dr Ana Ruiz").click()
    expect(phone.get_by_text("Sharing with Dr Ana Ruiz has stopped.")).to_be_visible()
    assert_no_axe_violations(phone)

    response = recipient.reload()
    assert response.status == 404
    expect(recipient.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert_no_axe_violations(recipient)
    recipient.context.close()


def test_download_privacy_and_closing_without_javascript(phone_no_js):
    people = seeded()
    page = phone_no_js
    sign_in(page, "client-a")
    page.goto(reverse("plans:records"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything").click()
    assert download.value.suggested_filename.startswith("records-")

    page.get_by_role("link", name="Change what your care team sees").click()
    assert_no_axe_violations(page)
    page.get_by_label("Only the amounts and yes or no answers. Keep the rest private.").check()
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Your notes, how you feel and cravings are kept private")
    ).to_be_visible()

    page.get_by_role("link", name="Close my account").click()
    expect(page.get_by_role("heading", name="Close your account")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("alert")).to_contain_text("That is not your password")
    assert_no_axe_violations(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_text("Your account will be deleted on")).to_be_visible()
    assert_no_axe_violations(page)
    assert AccountClosure.objects.pending().filter(client=people.client_a).exists()

    page.get_by_role("button", name="Keep my account").click()
    expect(page.get_by_text("Your account stays open. Nothing was deleted.")).to_be_visible()
    assert not AccountClosure.objects.pending().exists()


def test_counselor_prints_the_plan_and_sees_kept_private(desk):
    people = seeded()
    from plans.records import privacy

    privacy.privacy_save(client=people.client_a, notes_private=True)
    sign_in(desk, "counselor")
    desk.goto(people.plan_a.get_absolute_url())
    expect(desk.get_by_role("cell", name="Kept private").first).to_be_visible()
    assert_no_axe_violations(desk)
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Print the plan (PDF)").click()
    assert download.value.suggested_filename.startswith("plan-")

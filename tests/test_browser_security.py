"""In a real browser on a phone: changing the email address (password, then the link), the care
team on "Who saw my records", and an org admin's help page. JavaScript on and off, axe on each."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from harmplan.accounts import services
from harmplan.accounts.models import EmailChange
from tests.accessibility import assert_no_axe_violations
from tests.factories import PASSWORD, make_people
from tests.test_browser_accounts import open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def change_email(page) -> None:
    page.get_by_role("link", name="Your email and phone").click()
    expect(page.get_by_role("heading", name="Your email and phone")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Email address (optional)").fill("river@example.net")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("We sent a link to river@example.net").first).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_client_changes_their_email_address_on_a_phone(phone, phone_no_js, js):
    page = phone if js else phone_no_js
    people = make_people()
    sign_in(page, "client-a")
    # Just signed in: the current password is not asked for again.
    change_email(page)
    people.client_a.refresh_from_db()
    assert people.client_a.email == "a@example.org"

    token = services.email_change_token(EmailChange.objects.get())
    page.goto(f"/account/email/confirm/{token}/")
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Yes, use this address").click()
    expect(page.get_by_role("heading", name="Email address confirmed")).to_be_visible()
    assert_no_axe_violations(page)
    people.client_a.refresh_from_db()
    assert people.client_a.email == "river@example.net"


def test_an_old_session_is_asked_for_the_password(phone_no_js):
    page = phone_no_js
    make_people()
    # Ten minutes ago: past the five a fresh sign-in counts for, inside the 30-minute idle limit.
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        sign_in(page, "client-a")
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    page.goto("/account/contact/")
    page.get_by_label("Email address (optional)").fill("taker@example.net")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter your current password").first).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("We sent a link to taker@example.net").first).to_be_visible()


def test_care_team_and_help_page_services(phone):
    people = make_people()
    services.assignment_create(
        organization=people.org,
        counselor=people.counselor,
        client=people.client_b,
        by=people.org_admin,
    )
    sign_in(phone, "client-b")
    phone.goto("/me/access/")
    expect(phone.get_by_role("heading", name="Your care team")).to_be_visible()
    expect(phone.get_by_text("joined your care team on")).to_be_visible()
    assert_no_axe_violations(phone)
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()

    sign_in(phone, "org-admin")
    phone.goto("/organization/resources/")
    assert_no_axe_violations(phone)
    phone.get_by_role("link", name="Add a service").click()
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator("[data-error-summary]")).to_be_focused()
    assert_no_axe_violations(phone)
    phone.get_by_label("Name").fill("Riverside night line")
    phone.get_by_label("What kind of service is it?").select_option("crisis_line")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_role("heading", name="Riverside night line")).to_be_visible()
    assert_no_axe_violations(phone)

"""Two-step sign-in and the session warning in a real browser on a phone, with and without
JavaScript, checked with axe."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from harmplan.accounts.twofactor import services
from tests.accessibility import assert_no_axe_violations
from tests.factories import PASSWORD, make_people
from tests.signin import app_code, authenticator, sign_in_browser
from tests.test_browser_accounts import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, username: str) -> None:
    page.goto("/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def code_from_key(key_text: str) -> str:
    """What an authenticator app shows after the person typed in the key from the page."""
    return f"{TOTP(b32decode(key_text.replace(' ', ''))).token():06d}"


def test_a_counselor_sets_up_and_uses_two_step_sign_in_on_a_phone(phone, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # waiting after a wrong code is tested without a browser
    make_people()
    password_step(phone, "counselor")
    expect(phone.get_by_role("heading", name="Set up two-step sign-in", level=1)).to_be_visible()
    expect(phone.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_no_axe_violations(phone)
    key = phone.locator("#setup-key").inner_text()
    phone.get_by_label("Enter the 6-digit code from your app").fill(code_from_key(key))
    phone.get_by_role("button", name="Continue").click()

    expect(phone.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(phone.get_by_role("list", name="Your recovery codes").locator("li")).to_have_count(10)
    assert_no_axe_violations(phone)
    phone.get_by_role("link", name="I have saved my codes").click()
    expect(phone.get_by_role("heading", name="Caseload", level=1)).to_be_visible()

    open_menu(phone)

    phone.get_by_role("button", name="Sign out").click()
    password_step(phone, "counselor")
    heading = phone.get_by_role("heading", name="Enter the 6-digit code")
    expect(heading).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_label("Enter the 6-digit code").fill("12345")
    phone.get_by_role("button", name="Continue").click()
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="The code is 6 digits, like 123456")).to_be_visible()
    expect(phone.get_by_label("Enter the 6-digit code")).to_have_value("12345")
    assert_no_axe_violations(phone)
    from harmplan.accounts.models import User

    device = authenticator(User.objects.get(username="counselor"))
    phone.get_by_label("Enter the 6-digit code").fill(app_code(device))
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name="Caseload", level=1)).to_be_visible()


def test_a_recovery_code_and_setting_up_work_without_javascript(phone_no_js):
    people = make_people()
    authenticator(people.org_admin)
    codes = services.recovery_codes_replace(user=people.org_admin, ip=None)
    page = phone_no_js
    password_step(page, "org-admin")
    expect(page.get_by_role("heading", name="Enter the 6-digit code")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="I do not have my phone: use a recovery code").click()
    expect(page.get_by_role("heading", name="Enter one of your recovery codes")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Enter one of your recovery codes").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()

    # A client turns it on from their account page.
    sign_in_browser(page, "client-a")
    page.get_by_role("link", name="Your account").first.click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Set up two-step sign-in", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    key = page.locator("#setup-key").inner_text()
    page.get_by_label("Enter the 6-digit code from your app").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_session_warning_with_javascript_is_a_dialog(phone, settings):
    settings.HARMPLAN_SESSION_IDLE_MINUTES = 2  # so the warning is due as soon as a page opens
    make_people()
    sign_in_browser(phone, "client-a")
    dialog = phone.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("status")).to_contain_text("we will sign you out in 2 minutes")
    expect(phone.locator("[data-session-banner]")).to_have_count(0)
    assert_no_axe_violations(phone)
    with phone.expect_response(lambda r: r.url.endswith("/account/session/stay/")) as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.json() == {"seconds_left": 120}


def test_the_session_warning_without_javascript_is_a_banner_with_a_form(phone_no_js, settings):
    settings.HARMPLAN_SESSION_IDLE_MINUTES = 2
    make_people()
    sign_in_browser(phone_no_js, "client-a")
    banner = phone_no_js.get_by_role("region", name="You will be signed out soon")
    expect(banner).to_be_visible()
    assert_no_axe_violations(phone_no_js)
    banner.get_by_role("button", name="Stay signed in").click()
    expect(phone_no_js.get_by_text("You are still signed in.")).to_be_visible()


def test_covering_for_a_colleague_on_a_phone(phone):
    from tests.plan_factories import add_plans

    people = make_people()
    add_plans(people)
    sign_in_browser(phone, "counselor")
    phone.get_by_role("link", name="Open a client’s plan in an emergency").click()
    expect(phone.get_by_role("heading", name="Open a plan in an emergency")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_label("The client's username").fill("client-b")
    phone.get_by_role("button", name="Open the plan").click()
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Say why you need to open this plan")).to_be_visible()
    expect(phone.get_by_label("The client's username")).to_have_value("client-b")
    assert_no_axe_violations(phone)
    phone.get_by_label("Why do you need to open this plan?").fill(
        "Covering for Pat today; the client asked for help."
    )
    phone.get_by_role("button", name="Open the plan").click()
    expect(phone).to_have_url(re.compile(f"/plans/{people.plan_b.public_id}/$"))
    assert_no_axe_violations(phone)
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()

    sign_in_browser(phone, "org-admin")
    phone.goto("/organization/emergency-access/")
    expect(
        phone.get_by_role("cell", name="Covering for Pat today; the client asked for help.")
    ).to_be_visible()
    assert_no_axe_violations(phone)
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()

    sign_in_browser(phone, "client-b")
    phone.goto("/me/access/")
    expect(phone.get_by_role("heading", name="Opened in an emergency")).to_be_visible()
    assert_no_axe_violations(phone)

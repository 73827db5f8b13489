"""A person in a real browser: invitations, signing in, the help page, staff pages. axe on each."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harmplan.accounts import services
from strategies.models import Resource
from tests.accessibility import assert_no_axe_violations
from tests.factories import PASSWORD, make_people
from tests.signin import sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_menu(page) -> None:
    """On a phone the menu is a closed "Menu" disclosure: open it before using its links."""
    summary = page.locator("details.nav-phone > summary")
    if summary.is_visible() and page.locator("details.nav-phone[open]").count() == 0:
        summary.click()


def sign_in(page, username, password=PASSWORD):
    """Through the sign-in page; staff also enter their authenticator app's code."""
    sign_in_browser(page, username, password)


def test_client_accepts_an_invitation_and_signs_in_on_a_phone(phone):
    people = make_people()
    issued = services.invitation_create(invited_by=people.counselor)

    phone.goto(f"/invite/{issued.token}/")
    expect(phone.get_by_role("heading", name="Set up your account")).to_be_visible()
    assert issued.token not in phone.url
    assert_no_axe_violations(phone)

    # Nothing filled in: an error summary that takes focus and links to each field.
    phone.get_by_role("button", name="Create my account").click()
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Choose a username")).to_be_visible()
    assert phone.title().startswith("Error: ")
    assert_no_axe_violations(phone)
    summary.get_by_role("link", name="Choose a username").click()
    expect(phone.get_by_label("Choose a username")).to_be_focused()

    phone.get_by_label("Choose a username").fill("river-stone")
    phone.get_by_label("What would you like to be called? (optional)").fill("River")
    phone.get_by_label("Choose a password").fill("blue-kettle-morning-7")
    phone.get_by_label("Type the password again").fill("blue-kettle-morning-7")
    phone.get_by_role("button", name="Create my account").click()
    expect(
        phone.get_by_role("heading", name="Today", exact=True)
    ).to_be_visible()  # a client's home
    expect(phone.get_by_text("Welcome. Your account is ready.")).to_be_visible()
    assert_no_axe_violations(phone)

    open_menu(phone)

    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("heading", name="You are signed out")).to_be_visible()
    sign_in(phone, "river-stone", "blue-kettle-morning-7")
    expect(
        phone.get_by_role("heading", name="Today", exact=True)
    ).to_be_visible()  # a client's home

    # The same link cannot be used again.
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()
    phone.goto(f"/invite/{issued.token}/")
    expect(phone.get_by_text("This invitation cannot be used. Check the code")).to_be_visible()
    assert_no_axe_violations(phone)


def test_invitation_code_works_without_javascript(phone_no_js):
    people = make_people()
    issued = services.invitation_create(invited_by=people.counselor)
    phone_no_js.goto("/account/login/")
    phone_no_js.get_by_role("link", name="Set up your account").click()
    phone_no_js.get_by_label("Invitation code").fill(issued.display_code.lower())
    phone_no_js.get_by_role("button", name="Continue").click()
    expect(phone_no_js.get_by_role("heading", name="Set up your account")).to_be_visible()
    assert_no_axe_violations(phone_no_js)


def test_help_page_without_javascript(phone_no_js):
    people = make_people()
    Resource.objects.create(
        organization=people.org,
        name="Riverside crisis line",
        kind=Resource.Kind.CRISIS_LINE,
        phone="555 0100",
    )
    phone_no_js.goto("/account/login/")
    phone_no_js.get_by_role("link", name="Get help now").first.click()
    expect(phone_no_js.get_by_role("heading", name="Get help now", level=1)).to_be_visible()
    expect(phone_no_js.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    expect(phone_no_js.get_by_text("Give naloxone if you have it.")).to_be_visible()
    expect(phone_no_js.get_by_text("recovery position")).to_be_visible()
    assert_no_axe_violations(phone_no_js)

    sign_in(phone_no_js, "client-a")
    phone_no_js.goto("/help/")
    expect(phone_no_js.get_by_role("link", name="555 0100")).to_have_attribute(
        "href", "tel:5550100"
    )
    assert_no_axe_violations(phone_no_js)


def test_staff_and_client_pages_are_accessible(phone):
    people = make_people()
    sign_in(phone, "counselor")
    expect(phone.get_by_role("heading", name="Caseload")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.goto("/clients/")
    expect(phone.get_by_role("heading", name="Clients")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_role("link", name="client-a").first.click()
    expect(phone.get_by_text("recorded in the client's access log")).to_be_visible()
    assert_no_axe_violations(phone)
    open_menu(phone)
    phone.get_by_role("link", name="Invite someone").first.click()
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="Create invitation").click()
    expect(phone.get_by_role("heading", name="Invitation ready")).to_be_visible()
    assert_no_axe_violations(phone)
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()

    sign_in(phone, "org-admin")
    phone.goto("/organization/")
    expect(phone.get_by_role("heading", name=people.org.name)).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="Add to caseload").click()
    expect(phone.locator("[data-error-summary]")).to_be_focused()
    assert_no_axe_violations(phone)
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()

    sign_in(phone, "client-a")
    phone.goto("/me/access/")
    expect(phone.get_by_role("cell", name="Viewed your profile")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.goto("/account/password/")
    assert_no_axe_violations(phone)


def test_lockout_page_is_kind_and_accessible(phone, settings):
    make_people()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(phone, "client-a", "wrong-password")
    assert_no_axe_violations(phone)
    sign_in(phone, "client-a")
    expect(phone.get_by_role("heading", name="Too many tries")).to_be_visible()
    assert_no_axe_violations(phone)

"""The catalog in a real phone-sized browser, with and without JavaScript, checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from strategies import services
from strategies.catalog_files import SEED_FILE, catalog_load, read_catalog
from strategies.models import Resource, Strategy
from tests.accessibility import assert_no_axe_violations
from tests.factories import make_people
from tests.signin import sign_in_browser
from tests.test_browser_accounts import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog_world():
    people = make_people()
    catalog_load(catalog=read_catalog(SEED_FILE))
    Resource.objects.create(
        organization=people.org,
        name="Riverside drop-in",
        kind=Resource.Kind.NALOXONE,
        address="1 River Road",
        hours="Monday to Friday, 10:00 to 18:00",
        phone="555 0100",
    )
    Resource.objects.create(
        organization=people.org,
        name="Riverside crisis line",
        kind=Resource.Kind.CRISIS_LINE,
        phone="555 0199",
    )
    return people


def sign_in(page, username: str) -> None:
    sign_in_browser(page, username)
    open_menu(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def result_titles(page):
    return page.locator("#catalog-results h2")


def test_client_filters_the_catalog_in_place_on_a_phone(phone, catalog_world):
    sign_in(phone, "client-a")
    open_menu(phone)
    phone.get_by_role("link", name="Strategies").click()
    expect(phone.get_by_role("heading", name="Strategies", level=1)).to_be_visible()
    count = phone.locator("#catalog-count")
    expect(count).to_have_text("57 strategies. Page 1 of 3.")
    assert_no_axe_violations(phone)

    # Choosing a filter updates the list in place: no new page load, and the address follows.
    phone.evaluate("window.pageStayed = true")
    phone.get_by_label("What it is about").select_option("gambling")
    expect(phone).to_have_url(re.compile(r"/strategies/\?.*focus=gambling"))
    expect(count).to_contain_text("strategies match your choices.")
    expect(result_titles(phone).filter(has_text="Set limits for gambling")).to_be_visible()
    expect(result_titles(phone).filter(has_text="Carry naloxone")).to_have_count(0)

    # Typing a search narrows it further, still in place.
    phone.get_by_label("Search", exact=True).fill("block")
    expect(phone).to_have_url(re.compile(r"q=block"))
    expect(result_titles(phone)).to_have_text(["Block gambling sites and payments"])
    expect(count).to_have_text("1 strategy matches your choices.")
    assert phone.evaluate("window.pageStayed") is True
    assert_no_axe_violations(phone)

    # The address can be shared: opening it again gives the same list.
    phone.goto(phone.url)
    expect(result_titles(phone)).to_have_text(["Block gambling sites and payments"])
    expect(phone.get_by_label("What it is about")).to_have_value("gambling")

    result_titles(phone).get_by_role("link").click()
    expect(phone.get_by_role("heading", name="Block gambling sites and payments")).to_be_visible()
    assert phone.title() == "Strategy – Check-in"
    assert_no_axe_violations(phone)


def test_client_filters_the_catalog_without_javascript(phone_no_js, catalog_world):
    page = phone_no_js
    sign_in(page, "client-a")
    page.goto("/strategies/")
    page.get_by_label("Approach").select_option("safer-use")
    page.get_by_role("button", name="Show strategies").click()
    expect(page).to_have_url(re.compile(r"approach=safer-use"))
    expect(page.locator("#catalog-count")).to_have_text(
        "45 strategies match your choices. Page 1 of 3."
    )
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"approach=safer-use&page=2"))
    expect(page.locator("#catalog-count")).to_have_text(
        "45 strategies match your choices. Page 2 of 3."
    )
    expect(page.get_by_label("Approach")).to_have_value("safer-use")

    page.get_by_label("Kind of strategy").select_option("overdose-prevention")
    page.get_by_label("Search", exact=True).fill("naloxone")
    page.get_by_role("button", name="Show strategies").click()
    expected = (
        Strategy.objects.published()
        .fitting("safer-use")
        .filter(category="overdose-prevention")
        .search("naloxone")
        .values_list("title", flat=True)
    )
    assert 1 < len(expected) < 20
    expect(result_titles(page)).to_have_text(list(expected))
    page.get_by_role("link", name="Clear the filters").click()
    expect(page.locator("#catalog-count")).to_have_text("57 strategies. Page 1 of 3.")
    assert_no_axe_violations(page)


def test_strategy_and_help_pages_are_accessible(phone, catalog_world):
    services.strategies_retire(strategies=Strategy.objects.filter(slug="switch-to-vaping"))
    sign_in(phone, "client-a")

    phone.goto("/strategies/naloxone-kit/")
    expect(phone.get_by_role("heading", name="Where to get this near you")).to_be_visible()
    expect(phone.get_by_role("heading", name="Riverside drop-in")).to_be_visible()
    expect(phone.get_by_role("link", name="Lifesaving Naloxone")).to_be_visible()
    assert_no_axe_violations(phone)

    phone.goto("/strategies/moud/")
    expect(phone.get_by_text("Your program has not listed a place for this yet.")).to_be_visible()
    assert_no_axe_violations(phone)

    phone.goto("/strategies/switch-to-vaping/")
    expect(phone.get_by_text("No longer recommended.")).to_be_visible()
    assert_no_axe_violations(phone)

    phone.get_by_role("link", name="Get help now").first.click()
    expect(phone.get_by_role("link", name="Call Riverside crisis line")).to_be_visible()
    assert_no_axe_violations(phone)

    # Counselors see the same pages.
    open_menu(phone)
    phone.get_by_role("button", name="Sign out").click()
    sign_in(phone, "counselor")
    open_menu(phone)
    phone.get_by_role("link", name="Strategies").click()
    expect(phone.locator("#catalog-count")).to_have_text("56 strategies. Page 1 of 3.")
    assert_no_axe_violations(phone)

"""A client on a phone someone else may see: the quick exit, a first screen that says nothing
about drugs or alcohol, the organization's own name, call buttons on "Get help now" and tap
targets big enough for a thumb. axe checks each page, with and without JavaScript."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from plans.goals import services
from strategies.models import Resource
from tests.accessibility import assert_no_axe_violations
from tests.conftest import wait_for
from tests.discreet_support import covers_its_middle, keep_traffic_local, too_small_lines
from tests.factories import make_people
from tests.plan_factories import make_goal, practice_goal_data
from tests.test_browser_accounts import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXIT_URL = settings.HARMPLAN["EXIT_URL"]


@pytest.fixture
def local_only(phone, live_server):
    return keep_traffic_local(phone.context, live_server.url)


@pytest.fixture
def local_only_no_js(phone_no_js, live_server):
    return keep_traffic_local(phone_no_js.context, live_server.url)


def client_with_goals():
    people = make_people()
    plan = services.plan_for_client(people.client_a)
    make_goal(plan)  # about alcohol
    services.goal_create(plan=plan, author=people.client_a, data=practice_goal_data())  # opioids
    return people, plan


def exit_button(page):
    return page.get_by_role("button", name="Emergency Exit this page")


def assert_left_for_the_neutral_site(page, left_url: str) -> None:
    expect(page).to_have_url(EXIT_URL)
    expect(page.get_by_role("heading", name="Weather today")).to_be_visible()
    # The page that was left was replaced in the history: Back does not bring it back.
    page.go_back()
    # (Pages before it are still there: no browser lets a page remove those.)
    assert page.url != left_url


def test_exit_this_page_by_one_tap(phone, local_only):
    client_with_goals()
    sign_in(phone, "client-a")
    phone.locator("#check-in").click()  # Today's big button (the menu has the same link)
    expect(phone.get_by_role("heading", name="Your check-in for today")).to_be_visible()
    assert_no_axe_violations(phone)
    left = phone.url
    exit_button(phone).tap()
    assert_left_for_the_neutral_site(phone, left)
    assert local_only == []


def test_exit_this_page_by_pressing_shift_three_times(phone, local_only):
    client_with_goals()
    sign_in(phone, "client-a")
    phone.goto("/help/")
    left = phone.url
    indicator = phone.locator("[data-exit-indicator]")
    phone.keyboard.press("Shift")
    expect(indicator).to_have_text("Shift, press 2 more times to exit.")
    phone.keyboard.press("Shift")
    expect(indicator).to_have_text("Shift, press 1 more time to exit.")
    phone.keyboard.press("Shift")
    assert_left_for_the_neutral_site(phone, left)
    assert local_only == []


def test_shift_with_another_key_is_not_an_exit(phone, local_only):
    client_with_goals()
    sign_in(phone, "client-a")
    phone.goto("/checkin/")
    note = phone.get_by_label("A note for yourself (optional)")
    note.click()
    phone.keyboard.type("ABC")  # typing capitals presses Shift three times, with letters
    expect(note).to_have_value("ABC")
    assert phone.url.endswith("/checkin/")


def test_exit_this_page_is_a_plain_link_without_javascript(phone_no_js, local_only_no_js):
    client_with_goals()
    page = phone_no_js
    page.goto("/help/")
    button = exit_button(page)
    expect(button).to_have_attribute("href", EXIT_URL)
    assert_no_axe_violations(page)
    sign_in(page, "client-a")
    page.goto("/plan/")  # signing in lands on Today
    expect(page.get_by_role("heading", name="Your plan")).to_be_visible()
    assert_no_axe_violations(page)
    exit_button(page).click()
    expect(page).to_have_url(EXIT_URL)
    expect(page.get_by_role("heading", name="Weather today")).to_be_visible()
    assert local_only_no_js == []


def test_exit_this_page_stays_in_reach_and_uncovered_when_scrolling(phone, local_only):
    client_with_goals()
    sign_in(phone, "client-a")
    for path in ("/help/", "/plan/", "/checkin/"):
        phone.goto(path)
        for position in ("0", "document.body.scrollHeight / 2", "document.body.scrollHeight"):
            phone.evaluate(f"window.scrollTo(0, {position})")
            box = exit_button(phone).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 844, (path, position, box)
            assert box["height"] >= 44 and box["width"] >= 44
            assert covers_its_middle(phone, exit_button(phone)), (path, position)
    # Keyboard users: the skip link, when it shows, does not cover it either.
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="Skip to main content")).to_be_focused()
    assert covers_its_middle(phone, exit_button(phone))


def test_get_help_now_has_big_call_buttons(phone, local_only):
    people, plan = client_with_goals()
    Resource.objects.create(
        organization=people.org, name="Crisis line", kind=Resource.Kind.CRISIS_LINE, phone="988"
    )
    phone.goto("/help/")
    calls = phone.locator("a.call-button")
    expect(calls).to_have_count(1)  # signed out: the emergency number only
    sign_in(phone, "client-a")
    phone.goto("/help/")
    expect(phone.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    expect(phone.get_by_role("link", name="Call Crisis line 988")).to_have_attribute(
        "href", "tel:988"
    )
    main_width = phone.locator("main").evaluate(
        "main => main.clientWidth - parseFloat(getComputedStyle(main).paddingLeft)"
        " - parseFloat(getComputedStyle(main).paddingRight)"
    )
    for box in [calls.nth(i).bounding_box() for i in range(calls.count())]:
        assert box["height"] >= 48, box
        assert box["width"] >= main_width - 1, (box, main_width)
    assert_no_axe_violations(phone)


def client_pages(people, plan) -> list[str]:
    """Every page a client opens, with data on each so that every control shows."""
    from datetime import time

    from plans.checkins.services import checkin_record
    from plans.reminders import services as reminder_services
    from plans.timezones import client_today

    goal = plan.goals.order_by("position", "created_at").first()
    step = goal.steps.first()
    link = goal.strategy_links.first()
    checkin_record(client=people.client_a, day=client_today(plan), entries={})
    services.trusted_contacts_save(plan=plan, contacts=[("Sam", "555 0101"), ("Ana", "555 0102")])
    reminder_services.schedule_save(
        client=people.client_a,
        weekdays=0b0011111,
        local_time=time(9),
        timezone_name="UTC",
        channel="email",
    )
    p, g = f"/plans/{plan.public_id}/", f"/plans/{plan.public_id}/goals/{goal.public_id}/"
    return [
        p,
        p + "edit/about/",
        p + "edit/safety/",
        p + "history/",
        *(p + f"goals/new/{q}/" for q in ("focus", "approach", "words", "target", "strategies")),
        g,
        g + "edit/",
        g + "steps/plan/",
        g + "steps/new/",
        g + f"steps/{step.pk}/",
        g + f"strategies/{link.pk}/",
        g + "progress/",
        "/checkin/",
        "/checkin/settings/",
        "/progress/",
        "/reminders/",
        "/me/access/",
        "/strategies/",
        "/strategies/drink-water/",
        "/plan/people-i-trust/",
        "/plan/privacy/",
        "/records/",
        "/records/privacy/",
        "/records/sharing/",
        "/records/sharing/new/",
        "/records/close/",
        "/help/",
        "/account/contact/",
        "/account/password/",
        "/account/password/done/",
        "/no-such-page/",
    ]


PUBLIC_PAGES = [
    "/account/login/",
    "/invite/",
    "/account/password/reset/",
    "/account/password/reset/sent/",
    "/help/",
    "/offline/",
]


def test_tap_targets_on_every_client_page_are_at_least_44_px(phone, local_only):
    from tests.plan_factories import add_plans

    people = make_people()
    add_plans(people)
    small = []

    def measure(path):
        phone.goto(path)
        small.extend(too_small_lines(phone))

    for path in PUBLIC_PAGES:
        measure(path)
    sign_in(phone, "client-a")
    for path in client_pages(people, people.plan_a):
        measure(path)
    assert not small, "\n".join(small)
    assert local_only == []


def visible_words(page) -> str:
    return page.title() + "\n" + page.locator("body").inner_text()


def test_first_screen_is_discreet_and_every_page_has_the_organizations_name(phone, local_only):
    from strategies.models import FocusArea
    from tests.plan_factories import add_plans

    people = make_people()
    add_plans(people)  # a goal about alcohol, with a strategy for it
    services.goal_create(plan=people.plan_a, author=people.client_a, data=practice_goal_data())
    focus_words = list(FocusArea.objects.values_list("name", flat=True))
    assert "Alcohol" in focus_words and "Opioids" in focus_words

    phone.goto("/account/login/")
    assert phone.title() == "Sign in – Check-in"  # signed out: the neutral default
    people.org.display_name = "Greenway"
    people.org.icon = "icons/leaf.svg"
    people.org.save()

    sign_in(phone, "client-a")
    # The first screen after signing in is Today; the plan page is as discreet.
    expect(phone.get_by_role("heading", name="Today", level=1)).to_be_visible()
    first_screen = visible_words(phone)
    assert [word for word in focus_words if word.lower() in first_screen.lower()] == []
    phone.goto("/plan/")
    expect(phone.get_by_role("heading", name="Your plan")).to_be_visible()
    plan_page = visible_words(phone)
    assert [word for word in focus_words if word.lower() in plan_page.lower()] == []
    expect(phone.locator(".brand")).to_have_text("Greenway")
    expect(phone.locator("link[rel=icon]")).to_have_attribute("href", "/static/icons/leaf.svg")
    assert_no_axe_violations(phone)

    manifest = phone.evaluate(
        "() => fetch(document.querySelector('link[rel=manifest]').href,"
        " {credentials: 'include'}).then(r => r.json())"
    )
    assert manifest["name"] == manifest["short_name"] == "Greenway"
    assert manifest["icons"][0]["src"] == "/static/icons/leaf.svg"

    for path in client_pages(people, people.plan_a):
        phone.goto(path)
        assert phone.title().endswith(" – Greenway"), path
        assert "harmplan" not in visible_words(phone).lower(), path
    assert local_only == []


CACHE_CONTENTS = """
async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out.push({cache: name, url: new URL(request.url).pathname, body: await response.text()});
    }
  }
  return out;
}
"""


def test_service_worker_keeps_the_app_shell_and_never_a_signed_in_page(phone, local_only):
    from harmplan.webapp import public_page_urls, shell_urls

    people, plan = client_with_goals()
    plan.safety_plan = "Naloxone is in the kitchen drawer."
    plan.save()
    sign_in(phone, "client-a")
    assert phone.evaluate("navigator.serviceWorker.ready.then(r => r.active.state)") in (
        "activating",
        "activated",
    )
    # A worker controls the pages loaded after it took over: load one more (sign-in now lands
    # on Today, which can load before the worker is active).
    phone.reload()
    wait_for(
        lambda: phone.evaluate("() => navigator.serviceWorker.controller !== null")
    )  # polled from Python: the page's CSP forbids the eval a string predicate would need
    # Signed-in pages, through the service worker now in control.
    for path in ("/plan/", "/checkin/", "/progress/", "/reminders/", "/help/"):
        phone.goto(path)
    expect(phone.get_by_text("Naloxone is in the kitchen drawer.")).to_be_visible()

    cached = phone.evaluate(CACHE_CONTENTS)
    assert {item["url"] for item in cached} == set(shell_urls() + public_page_urls())
    for item in cached:
        for private in ("client-a", "kitchen drawer", "Drink less", "Sign out", "My safety plan"):
            assert private not in item["body"], (item["url"], private)

    # Offline: signed-in pages are not there; the signed-out help page and the offline page are.
    phone.context.set_offline(True)
    phone.goto("/plan/")
    expect(phone.get_by_role("heading", name="You are offline")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.goto("/help/")
    expect(phone.get_by_role("link", name="Call 911")).to_be_visible()
    expect(phone.get_by_text("kitchen drawer")).to_have_count(0)
    phone.context.set_offline(False)
    assert local_only == []


def test_client_keeps_people_they_trust_and_calls_them_from_get_help_now(phone, local_only):
    people, plan = client_with_goals()
    sign_in(phone, "client-a")
    phone.goto("/plan/")  # signing in lands on Today
    phone.get_by_role("link", name="Change people I trust").click()
    expect(phone.get_by_role("heading", name="People I trust")).to_be_visible()
    assert_no_axe_violations(phone)
    phone.get_by_label("Person 1: name").fill("Sam")
    phone.get_by_label("Person 2: name").fill("Ana")
    phone.get_by_label("Person 2: phone number").fill("555 0102")
    phone.get_by_role("button", name="Save").click()
    # A name without a number: said beside the field, and nothing typed is lost.
    expect(phone.get_by_text("Enter a phone number for Sam").first).to_be_visible()
    expect(phone.get_by_label("Person 2: phone number")).to_have_value("555 0102")
    assert_no_axe_violations(phone)
    phone.get_by_label("Person 1: phone number").fill("555 0101")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_role("link", name="Call Sam")).to_have_attribute("href", "tel:5550101")

    phone.get_by_role("link", name="Get help now").first.click()
    calls = phone.locator("a.call-button")
    # The client's own people come first, then the emergency number.
    expect(calls).to_have_text(
        ["Call Sam 555 0101", "Call Ana 555 0102", "Call 911 Emergency: ambulance, police, fire"]
    )
    for box in [calls.nth(i).bounding_box() for i in range(calls.count())]:
        assert box["height"] >= 48, box
    assert_no_axe_violations(phone)
    assert local_only == []


def test_people_i_trust_without_javascript(phone_no_js, local_only_no_js):
    client_with_goals()
    page = phone_no_js
    sign_in(page, "client-a")
    page.goto("/plan/people-i-trust/")
    page.get_by_label("Person 1: name").fill("Sam")
    page.get_by_label("Person 1: phone number").fill("call me")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Person 1: name")).to_have_value("Sam")
    assert_no_axe_violations(page)
    page.get_by_label("Person 1: phone number").fill("+1 555 0101")
    page.get_by_role("button", name="Save").click()
    page.goto("/help/")
    expect(page.get_by_role("link", name="Call Sam")).to_have_attribute("href", "tel:+15550101")
    assert_no_axe_violations(page)


def test_client_chooses_to_see_focus_areas_on_the_plan_page(phone_no_js, local_only_no_js):
    client_with_goals()
    page = phone_no_js
    sign_in(page, "client-a")
    page.goto("/plan/")  # signing in lands on Today
    expect(page.get_by_role("heading", name="Your plan")).to_be_visible()
    expect(page.get_by_text("Alcohol", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Change what this page shows").click()
    assert_no_axe_violations(page)
    page.get_by_label("Show what each goal is about").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Alcohol", exact=True)).to_be_visible()
    expect(page.get_by_text("Opioids", exact=True)).to_be_visible()
    assert_no_axe_violations(page)


def test_tap_targets_on_pages_reached_by_a_form_are_at_least_44_px(phone, local_only):
    """The goal questions in turn, the calendar link, the pause page of a reminder email and the
    offline check-in: pages that only a form or a link from outside opens."""
    from datetime import time

    from plans.reminders import links
    from plans.reminders import services as reminder_services
    from strategies.models import Approach
    from tests.catalog_factories import make_strategy

    people = make_people()
    make_strategy(
        "alternate-with-water",
        title="Alternate with water",
        approaches=(Approach.MANAGED_USE,),
        focus_areas=("alcohol",),
    )
    small = []

    def measure():
        small.extend(too_small_lines(phone))

    sign_in(phone, "client-a")
    phone.goto("/plan/")  # signing in lands on Today
    phone.get_by_role("link", name="Add a goal").click()
    phone.wait_for_load_state()  # measure the question page once its stylesheet is in
    answers = [
        lambda: phone.get_by_label("Alcohol", exact=True).check(),
        lambda: phone.get_by_label("Managed use").check(),
        lambda: phone.get_by_label("What is your goal, in your own words?").fill("Drink less"),
        lambda: phone.get_by_label("An amount, like drinks a week or money spent").check(),
        lambda: (
            phone.get_by_label("Target amount").fill("14"),
            phone.get_by_label("Of what?").select_option("standard drinks"),
            phone.get_by_label("How often?").select_option("week"),
            phone.get_by_label("Where are you now? (optional)").fill("28"),
        ),
        lambda: phone.get_by_label("Alternate with water").check(),
        lambda: phone.get_by_label("Yes, plan steps for me").check(),
        lambda: None,  # the pace: 10 % every two weeks
    ]
    for give_answer in answers:  # each question page, then its answer
        measure()
        give_answer()
        with phone.expect_navigation():
            phone.get_by_role("button", name="Continue").click()
        phone.wait_for_load_state()
    expect(phone.get_by_role("heading", name="Check your answers")).to_be_visible()
    measure()
    phone.get_by_role("button", name="Save this goal").click()
    expect(phone.get_by_role("heading", name="Drink less")).to_be_visible()
    measure()  # the new goal's page

    schedule = reminder_services.schedule_save(
        client=people.client_a,
        weekdays=0b0011111,
        local_time=time(9),
        timezone_name="UTC",
        channel="email",
    )
    phone.goto("/reminders/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Get a calendar link").click()
    measure()
    phone.goto(f"/reminders/pause/{links.pause_token(schedule)}/")
    measure()
    phone.goto("/checkin/")
    wait_for(
        lambda: phone.evaluate("() => navigator.serviceWorker.controller !== null")
    )  # no eval: CSP
    phone.context.set_offline(True)
    phone.goto("/checkin/")
    expect(phone.get_by_role("heading", name="Check in on this phone")).to_be_visible()
    measure()
    phone.context.set_offline(False)
    assert not small, "\n".join(small)
    assert local_only == []


def test_exit_blanks_the_page_the_moment_it_starts(phone, local_only):
    client_with_goals()
    sign_in(phone, "client-a")
    phone.goto("/checkin/")
    # What the page looks like the moment the exit starts, said on the console (the page cannot
    # be asked afterwards: the browser is already leaving it).
    phone.evaluate(
        "() => new MutationObserver(() => {"
        "  if (!document.documentElement.classList.contains('exiting')) return;"
        "  const shown = getComputedStyle(document.body).visibility;"
        "  console.log('exit', shown, '[' + document.title + ']');"
        "}).observe(document.documentElement, {attributes: true})"
    )
    with phone.expect_console_message(lambda message: message.text.startswith("exit")) as message:
        exit_button(phone).tap()
    assert message.value.text == "exit hidden []"  # nothing shown, not even the tab's title
    expect(phone).to_have_url(EXIT_URL)

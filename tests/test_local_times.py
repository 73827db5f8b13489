"""Every time a person reads is in their own zone: a New York and a Kolkata client, and staff in
the program's zone. Before, the reminders page said "at 18:05" (UTC) while the time box said
13:05 for a New York client, and "Who saw my records" was headed "When (UTC)"."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from harmplan.accounts.access import record_access
from harmplan.accounts.models import AccessEvent
from plans.checkins import services as checkins
from plans.goals import services
from plans.models import ReminderSchedule
from plans.reminders import services as reminders
from plans.timezones import zone_choices
from tests.accessibility import assert_no_axe_violations
from tests.factories import make_people
from tests.plan_factories import make_goal
from tests.signin import sign_in
from tests.test_browser_accounts import open_menu
from tests.test_browser_accounts import sign_in as sign_in_page

# Wednesday 2 December 2026, 17:00 UTC: noon in New York, 22:30 in Kolkata.
NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
ZONES = {
    "America/New_York": {"now": "12:00", "reminder": "Wednesday 2 December at 13:05"},
    "Asia/Kolkata": {"now": "22:30", "reminder": "Thursday 3 December at 13:05"},
}


def client_in(people, zone: str):
    plan = services.plan_for_client(people.client_a)
    checkins.checkin_settings_save(plan=plan, time_zone=zone, day_starts_at=4)
    reminders.schedule_save(
        client=people.client_a, weekdays=0b1111111, local_time=time(13, 5), channel="email"
    )
    return plan


@pytest.mark.parametrize("zone", ZONES)
@time_machine.travel(NOW, tick=False)
def test_reminders_history_and_access_log_are_in_the_clients_zone(people, client, zone):
    plan = client_in(people, zone)
    make_goal(plan, author=people.counselor)  # a revision at NOW
    record_access(
        actor=people.counselor,
        client=people.client_a,
        action=AccessEvent.Action.VIEW,
        object_type="plan",
    )
    client.force_login(people.client_a)
    page = client.get(reverse("plans:reminder_settings")).content.decode()
    assert ZONES[zone]["reminder"] in page
    log = client.get(reverse("accounts:my_access_log")).content.decode()
    assert "(UTC)" not in log
    assert f"2 Dec 2026, {ZONES[zone]['now']}" in log or f"3 Dec 2026, {ZONES[zone]['now']}" in log
    history = client.get(reverse("plans:plan_history", args=[plan.public_id])).content.decode()
    assert f", {ZONES[zone]['now']}" in history


@time_machine.travel(NOW, tick=False)
def test_staff_read_times_in_the_programs_zone(people, client):
    plan = client_in(people, "Asia/Kolkata")
    make_goal(plan, author=people.counselor)
    sign_in(client, people.counselor)  # staff pass the second step too
    history = client.get(reverse("plans:plan_history", args=[plan.public_id])).content.decode()
    assert "2 December 2026, 12:00" in history  # the program's zone is New York


@time_machine.travel(NOW, tick=False)
def test_one_zone_for_check_ins_and_reminders(people):
    """Before: the plan had its own time_zone and the reminders their own timezone."""
    plan = client_in(people, "Asia/Kolkata")
    assert ReminderSchedule.objects.get(client=people.client_a).timezone == "Asia/Kolkata"
    checkins.checkin_settings_save(plan=plan, time_zone="Europe/London", day_starts_at=4)
    schedule = ReminderSchedule.objects.get(client=people.client_a)
    assert schedule.timezone == "Europe/London"
    assert schedule.next_due_at == datetime(2026, 12, 3, 13, 5, tzinfo=UTC)


def test_the_zone_chooser_starts_short_and_in_plain_words():
    """Before: hundreds of raw names ("Africa/Abidjan") in one list."""
    short = zone_choices()
    assert len(short) <= 20
    assert short[0] == ("America/New_York", "Eastern time (New York)")  # the program's zone
    assert ("Asia/Kolkata", "India (Kolkata)") in short
    assert all("Abidjan" not in name for name, _ in short)
    assert len(zone_choices(everything=True)) > 300


@time_machine.travel(NOW, tick=False)
def test_a_zone_from_the_long_list_saves_and_stays_chosen(people, client):
    client.force_login(people.client_a)
    page = client.get(reverse("plans:checkin_settings")).content.decode()
    assert "Africa/Abidjan" not in page
    assert "Show every time zone" in page
    assert (
        "Africa/Abidjan"
        in client.get(reverse("plans:checkin_settings") + "?zones=all").content.decode()
    )
    response = client.post(
        reverse("plans:checkin_settings"), {"time_zone": "Africa/Abidjan", "day_starts_at": "4"}
    )
    assert response.status_code == 302
    page = client.get(reverse("plans:checkin_settings")).content.decode()
    assert '<option value="Africa/Abidjan" selected>' in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_local_times_on_a_phone(request, zone, js):
    page = request.getfixturevalue("phone" if js else "phone_no_js")
    with time_machine.travel(NOW, tick=True):
        people = make_people()
        plan = client_in(people, zone)
        make_goal(plan, author=people.counselor)
        record_access(
            actor=people.counselor,
            client=people.client_a,
            action=AccessEvent.Action.VIEW,
            object_type="plan",
        )
        sign_in_page(page, "client-a")
        open_menu(page)
        page.get_by_role("link", name="Reminders").click()
        expect(page.locator("#next-reminder")).to_contain_text(ZONES[zone]["reminder"])
        assert_no_axe_violations(page)
        open_menu(page)
        page.get_by_role("link", name="Who saw my records").click()
        expect(page.get_by_role("columnheader", name="When")).not_to_contain_text("UTC")
        expect(page.get_by_role("cell").first).to_contain_text(ZONES[zone]["now"])
        assert_no_axe_violations(page)
        page.goto(reverse("plans:plan_history", args=[plan.public_id]))
        expect(page.locator("main")).to_contain_text(", " + ZONES[zone]["now"])

"""Which local day a check-in belongs to: midnight, the day-start hour, time zones and the 2026
daylight saving changes in New York (8 March and 1 November)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from plans import timezones
from plans.checkins import services as checkins
from plans.models import CheckIn
from plans.reminders import services as reminder_services
from tests.plan_factories import add_plans, practice_goal_data
from tests.signin import sign_in

NEW_YORK = ZoneInfo("America/New_York")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "zone", "starts_at", "expected"),
    [
        # An ordinary night in New York (EST, UTC-5), day starting at 04:00.
        (utc(2026, 3, 7, 4, 30), "America/New_York", 4, date(2026, 3, 6)),  # 23:30 Fri
        (utc(2026, 3, 7, 5, 0), "America/New_York", 4, date(2026, 3, 6)),  # 00:00 Sat
        (utc(2026, 3, 7, 6, 0), "America/New_York", 4, date(2026, 3, 6)),  # 01:00: Friday night
        (utc(2026, 3, 7, 8, 59), "America/New_York", 4, date(2026, 3, 6)),  # 03:59
        (utc(2026, 3, 7, 9, 0), "America/New_York", 4, date(2026, 3, 7)),  # 04:00
        # Midnight as the start of the day.
        (utc(2026, 3, 7, 4, 59), "America/New_York", 0, date(2026, 3, 6)),  # 23:59
        (utc(2026, 3, 7, 5, 0), "America/New_York", 0, date(2026, 3, 7)),  # 00:00
        # 8 March 2026: at 02:00 EST the clocks jump to 03:00 EDT (UTC-4).
        (utc(2026, 3, 8, 6, 59), "America/New_York", 4, date(2026, 3, 7)),  # 01:59 EST
        (utc(2026, 3, 8, 7, 0), "America/New_York", 4, date(2026, 3, 7)),  # 03:00 EDT
        (utc(2026, 3, 8, 7, 59), "America/New_York", 4, date(2026, 3, 7)),  # 03:59 EDT
        (utc(2026, 3, 8, 8, 0), "America/New_York", 4, date(2026, 3, 8)),  # 04:00 EDT
        (utc(2026, 3, 8, 5, 0), "America/New_York", 0, date(2026, 3, 8)),  # 00:00 EST
        (utc(2026, 3, 9, 3, 59), "America/New_York", 0, date(2026, 3, 8)),  # 23:59 EDT
        (utc(2026, 3, 9, 4, 0), "America/New_York", 0, date(2026, 3, 9)),  # 00:00 EDT
        # 1 November 2026: at 02:00 EDT the clocks go back to 01:00 EST; 01:30 happens twice.
        (utc(2026, 11, 1, 4, 30), "America/New_York", 4, date(2026, 10, 31)),  # 00:30 EDT
        (utc(2026, 11, 1, 5, 30), "America/New_York", 4, date(2026, 10, 31)),  # 01:30 EDT
        (utc(2026, 11, 1, 6, 30), "America/New_York", 4, date(2026, 10, 31)),  # 01:30 EST
        (utc(2026, 11, 1, 8, 59), "America/New_York", 4, date(2026, 10, 31)),  # 03:59 EST
        (utc(2026, 11, 1, 9, 0), "America/New_York", 4, date(2026, 11, 1)),  # 04:00 EST
        (utc(2026, 11, 1, 3, 59), "America/New_York", 0, date(2026, 10, 31)),  # 23:59 EDT
        (utc(2026, 11, 1, 4, 0), "America/New_York", 0, date(2026, 11, 1)),  # 00:00 EDT
        (utc(2026, 11, 2, 4, 59), "America/New_York", 0, date(2026, 11, 1)),  # 23:59 EST
        # One instant, three places: 08:30 UTC on 8 March 2026.
        (utc(2026, 3, 8, 8, 30), "America/Los_Angeles", 4, date(2026, 3, 7)),  # 00:30 PST
        (utc(2026, 3, 8, 8, 30), "Europe/London", 4, date(2026, 3, 8)),  # 08:30 GMT
        (utc(2026, 3, 8, 8, 30), "Asia/Tokyo", 4, date(2026, 3, 8)),  # 17:30 JST
        # A half-hour offset (India, UTC+5:30) and London's own change on 29 March 2026.
        (utc(2025, 12, 31, 22, 29), "Asia/Kolkata", 4, date(2025, 12, 31)),  # 03:59
        (utc(2025, 12, 31, 22, 30), "Asia/Kolkata", 4, date(2026, 1, 1)),  # 04:00
        (utc(2026, 3, 29, 2, 59), "Europe/London", 4, date(2026, 3, 28)),  # 03:59 BST
        (utc(2026, 3, 29, 3, 0), "Europe/London", 4, date(2026, 3, 29)),  # 04:00 BST
        # A later start for someone who works nights.
        (utc(2026, 6, 1, 15, 59), "America/New_York", 12, date(2026, 5, 31)),  # 11:59 EDT
        (utc(2026, 6, 1, 16, 0), "America/New_York", 12, date(2026, 6, 1)),  # noon EDT
    ],
)
def test_local_day(instant, zone, starts_at, expected):
    assert timezones.local_day(instant, ZoneInfo(zone), starts_at) == expected


def test_local_day_needs_an_aware_time_and_a_real_hour():
    with pytest.raises(ValueError):
        timezones.local_day(datetime(2026, 3, 8, 3, 0), NEW_YORK)
    with pytest.raises(ValueError):
        timezones.local_day(utc(2026, 3, 8), NEW_YORK, 24)


@pytest.fixture
def people(db):
    from tests.factories import make_people

    people = make_people()
    add_plans(people)
    return people


def heading(response) -> str:
    return response.content.decode().split("<h1>")[1].split("</h1>")[0]


def test_the_program_default_zone_decides_until_the_client_chooses(people, client, settings):
    settings.HARMPLAN = {**settings.HARMPLAN, "DEFAULT_TIME_ZONE": "America/New_York"}
    sign_in(client, people.client_a)
    # 03:30 EDT on 8 March 2026, right after the clocks jumped: still Saturday's night.
    with time_machine.travel(utc(2026, 3, 8, 7, 30), tick=False):
        page = client.get(reverse("plans:checkin"))
        assert "Saturday 7 March 2026" in page.content.decode()
        assert heading(page) == "Your check-in for today"
        response = client.post(
            reverse("plans:checkin"),
            {"day": "2026-03-07", f"goal-{people.goal_a.public_id}": "3"},
        )
        assert response.status_code == 302
        # The client's day starts at midnight instead: now it is Sunday.
        response = client.post(
            reverse("plans:checkin_settings"),
            {"time_zone": "America/New_York", "day_starts_at": "0"},
        )
        assert response.status_code == 302
        assert "Sunday 8 March 2026" in client.get(reverse("plans:checkin")).content.decode()
    assert list(CheckIn.objects.values_list("day", flat=True)) == [date(2026, 3, 7)]


def test_the_zone_of_the_clients_reminders_is_used_when_they_chose_none(people):
    reminder_services.schedule_save(
        client=people.client_a,
        weekdays=0b1111111,
        local_time=datetime(2026, 1, 1, 9).time(),
        timezone_name="Asia/Tokyo",
        channel="none",
    )
    people.plan_a.refresh_from_db()
    assert timezones.zone_name_for(people.plan_a) == "Asia/Tokyo"
    # 23:30 UTC on 7 March is 08:30 on 8 March in Tokyo, and still the 7th in New York.
    assert timezones.client_today(people.plan_a, utc(2026, 3, 7, 23, 30)) == date(2026, 3, 8)
    checkins.checkin_settings_save(
        plan=people.plan_a, time_zone="America/New_York", day_starts_at=4
    )
    assert timezones.client_today(people.plan_a, utc(2026, 3, 7, 23, 30)) == date(2026, 3, 7)


def test_a_day_that_has_not_started_yet_is_refused(people, client):
    """03:59 EST on 1 November 2026: after both 01:30s, before the client's day starts."""
    sign_in(client, people.client_a)
    goal = people.goal_a
    with time_machine.travel(utc(2026, 11, 1, 8, 59), tick=False):
        response = client.post(
            reverse("plans:checkin"), {"day": "2026-11-01", f"goal-{goal.public_id}": "2"}
        )
        assert response.status_code == 200
        assert "That day has not happened yet" in response.content.decode()
        assert not CheckIn.objects.exists()
        page = client.get(reverse("plans:checkin"), {"day": "2026-11-01"})
        assert "That day has not happened yet" in page.content.decode()
        assert "Saturday 31 October 2026" in page.content.decode()
        with pytest.raises(checkins.CheckInError, match="not happened yet"):
            checkins.checkin_record(client=people.client_a, day=date(2026, 11, 1), entries={})
        response = client.post(
            reverse("plans:checkin"), {"day": "2026-10-31", f"goal-{goal.public_id}": "2"}
        )
        assert response.status_code == 302
    with time_machine.travel(utc(2026, 11, 1, 9, 0), tick=False):
        checkins.checkin_record(client=people.client_a, day=date(2026, 11, 1), entries={})
    assert sorted(CheckIn.objects.values_list("day", flat=True)) == [
        date(2026, 10, 31),
        date(2026, 11, 1),
    ]


def test_practice_goals_and_past_days(people, client):
    from plans.goals import services

    practice = services.goal_create(
        plan=people.plan_a, author=people.client_a, data=practice_goal_data()
    )
    sign_in(client, people.client_a)
    with time_machine.travel(utc(2026, 3, 10, 16), tick=False):
        page = client.get(reverse("plans:checkin"), {"day": "2026-03-02"})
        assert heading(page) == "Your check-in for Monday 2 March"
        response = client.post(
            reverse("plans:checkin"), {"day": "2026-03-02", f"goal-{practice.public_id}": "yes"}
        )
        assert response.status_code == 302
    entry = CheckIn.objects.get(day=date(2026, 3, 2)).entries.get(goal=practice)
    assert entry.done is True

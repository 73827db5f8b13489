"""The private calendar feed: the client's reminder times as one recurring event.

Neutral everywhere: the calendar name, event title and description say only "Check-in". The
event repeats weekly on the chosen days at the chosen local time (RRULE) in the client's time zone
(TZID with a VTIMEZONE), so calendar apps follow daylight saving time by themselves.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
from django.utils import timezone, translation
from django.utils.translation import gettext

from harmplan.accounts.language import language_for
from plans.models import ReminderSchedule

from . import links, messages
from .schedule import ICAL_DAYS

PRODID = "-//Check-in//Calendar//EN"


def _first_day(schedule: ReminderSchedule, today: date) -> date:
    # Anchor the series on the day the settings last changed, so it stays the same between
    # fetches; a pause moves the start past it.
    start = min(schedule.updated_at.astimezone(schedule.zone).date(), today)
    if schedule.paused_until and schedule.paused_until > start:
        start = schedule.paused_until
    while not schedule.weekdays & (1 << start.weekday()):
        start += timedelta(days=1)
    return start


def feed(schedule: ReminderSchedule, *, now: datetime | None = None) -> bytes:
    """The feed in the client's language (calendar apps fetch it without a session)."""
    with translation.override(language_for(schedule.client)):
        return _feed(schedule, now=now or timezone.now())


def _feed(schedule: ReminderSchedule, *, now: datetime) -> bytes:
    # Translators: the calendar name and event title of reminders; says nothing else.
    title = gettext("Check-in")
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", schedule.timezone)
    calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    if schedule.weekday_list and not schedule.paused_indefinitely:
        zone = schedule.zone
        first = _first_day(schedule, now.astimezone(zone).date())
        event = icalendar.Event()
        event.add("uid", f"{schedule.public_id}@check-in")
        event.add("dtstamp", now)
        event.add("summary", title)
        event.add("description", f"{messages.DEFAULT_TEXT}\n{links.checkin_url()}")
        event.add("url", links.checkin_url())
        event.add("dtstart", datetime.combine(first, schedule.local_time, tzinfo=zone))
        event.add("duration", timedelta(minutes=5))
        event.add("transp", "TRANSPARENT")  # a reminder does not make the client look busy
        event.add("class", "PRIVATE")
        event.add(
            "rrule",
            {"freq": "weekly", "byday": [ICAL_DAYS[day] for day in schedule.weekday_list]},
        )
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
        calendar.add_missing_timezones(
            first_date=first - timedelta(days=1), last_date=first + timedelta(days=365 * 5)
        )
    return calendar.to_ical()

"""Daylight saving time drills: beat ticks every minute through each change, on PostgreSQL, and a
real worker sends what was dispatched. Every reminder fires exactly once at its local time; a time
the clocks skip fires when they land; a time that happens twice fires the first time only.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.models import ReminderDelivery, ReminderSchedule
from plans.reminders import dispatch
from plans.reminders.schedule import EVERY_DAY, next_occurrence, occurrences
from tests.reminders_support import make_due_schedules, read_mail, wait_until_all_sent

LOCAL_TIMES = [
    time(0, 30),
    time(1, 0),
    time(1, 30),
    time(2, 0),
    time(2, 30),
    time(3, 0),
    time(9, 0),
]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# On the day the clocks change: the UTC instant each local time must fire at.
DRILLS = {
    # 02:00 EST → 03:00 EDT. 02:00 and 02:30 do not exist: they fire at 03:00 EDT (07:00 UTC).
    ("America/New_York", date(2026, 3, 8)): {
        time(0, 30): utc(2026, 3, 8, 5, 30),
        time(1, 0): utc(2026, 3, 8, 6, 0),
        time(1, 30): utc(2026, 3, 8, 6, 30),
        time(2, 0): utc(2026, 3, 8, 7, 0),
        time(2, 30): utc(2026, 3, 8, 7, 0),
        time(3, 0): utc(2026, 3, 8, 7, 0),
        time(9, 0): utc(2026, 3, 8, 13, 0),
    },
    # 02:00 EDT → 01:00 EST. 01:00 and 01:30 happen twice: they fire the first time (EDT).
    ("America/New_York", date(2026, 11, 1)): {
        time(0, 30): utc(2026, 11, 1, 4, 30),
        time(1, 0): utc(2026, 11, 1, 5, 0),
        time(1, 30): utc(2026, 11, 1, 5, 30),
        time(2, 0): utc(2026, 11, 1, 7, 0),
        time(2, 30): utc(2026, 11, 1, 7, 30),
        time(3, 0): utc(2026, 11, 1, 8, 0),
        time(9, 0): utc(2026, 11, 1, 14, 0),
    },
    # 01:00 GMT → 02:00 BST. 01:00 and 01:30 do not exist: they fire at 02:00 BST (01:00 UTC).
    ("Europe/London", date(2026, 3, 29)): {
        time(0, 30): utc(2026, 3, 29, 0, 30),
        time(1, 0): utc(2026, 3, 29, 1, 0),
        time(1, 30): utc(2026, 3, 29, 1, 0),
        time(2, 0): utc(2026, 3, 29, 1, 0),
        time(2, 30): utc(2026, 3, 29, 1, 30),
        time(3, 0): utc(2026, 3, 29, 2, 0),
        time(9, 0): utc(2026, 3, 29, 8, 0),
    },
    # 02:00 BST → 01:00 GMT. 01:00 and 01:30 happen twice: they fire the first time (BST).
    ("Europe/London", date(2026, 10, 25)): {
        time(0, 30): utc(2026, 10, 24, 23, 30),
        time(1, 0): utc(2026, 10, 25, 0, 0),
        time(1, 30): utc(2026, 10, 25, 0, 30),
        time(2, 0): utc(2026, 10, 25, 2, 0),
        time(2, 30): utc(2026, 10, 25, 2, 30),
        time(3, 0): utc(2026, 10, 25, 3, 0),
        time(9, 0): utc(2026, 10, 25, 9, 0),
    },
}


@pytest.mark.parametrize(("zone_name", "day"), list(DRILLS), ids=lambda v: str(v))
def test_dst_drill_every_reminder_once_at_its_local_time(start_worker, zone_name, day):
    zone = ZoneInfo(zone_name)
    # From midday the day before to midday the day after, local time.
    start = datetime.combine(day - timedelta(days=1), time(12), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(12), tzinfo=zone).astimezone(UTC)
    schedules = {}
    for local_time in LOCAL_TIMES:
        [schedule] = make_due_schedules(1, due=start, zone=zone_name, local_time=local_time)
        schedule.next_due_at = schedule.next_fire_after(start)
        schedule.save()
        schedules[schedule.pk] = local_time

    fired_at_tick = []
    with time_machine.travel(start, tick=False) as clock:
        tick = start
        while tick <= end:
            clock.move_to(tick)
            for delivery_id in dispatch.reminders_dispatch().queued:
                fired_at_tick.append((delivery_id, tick))
            tick += timedelta(minutes=1)

    deliveries = {d.pk: d for d in ReminderDelivery.objects.all()}
    # Each fired on the very beat tick of its slot, never late.
    assert all(deliveries[pk].slot == tick for pk, tick in fired_at_tick)
    by_schedule = {pk: sorted(d.slot for d in deliveries.values() if d.schedule_id == pk)
                   for pk in schedules}  # fmt: skip
    for schedule_id, local_time in schedules.items():
        # The days either side have no change: plain wall-clock times, within the drill's window.
        plain_days = [
            datetime.combine(other, local_time, tzinfo=zone).astimezone(UTC)
            for other in (day - timedelta(days=1), day + timedelta(days=1))
        ]
        expected = sorted(
            [DRILLS[(zone_name, day)][local_time]] + [i for i in plain_days if start <= i <= end]
        )
        assert by_schedule[schedule_id] == expected, local_time

    # And a real worker sends each one once.
    start_worker()
    wait_until_all_sent(len(deliveries))
    recipients = Counter(message["To"] for message in read_mail(start_worker.mail))
    emails = dict(ReminderSchedule.objects.values_list("pk", "client__email"))
    assert recipients == {emails[pk]: len(slots) for pk, slots in by_schedule.items()}


# Properties of the schedule math, for many zones, times and days ---------------------------------

ZONES = [
    "America/New_York",
    "Europe/London",
    "Europe/Dublin",  # "negative" daylight saving time in the tz database
    "Australia/Lord_Howe",  # a 30-minute change
    "America/St_Johns",  # a half-hour offset
    "America/Santiago",  # changes at midnight
    "Asia/Kolkata",  # no changes
    "Pacific/Chatham",
]


@settings(max_examples=150, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    local_time=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    weekdays=st.integers(min_value=1, max_value=EVERY_DAY),
    after=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2037, 1, 1)).map(
        lambda d: d.replace(tzinfo=UTC)
    ),
)
def test_occurrences_are_once_a_chosen_day_at_the_local_time(
    zone_name, local_time, weekdays, after
):
    zone = ZoneInfo(zone_name)
    instants = occurrences(weekdays=weekdays, local_time=local_time, zone=zone, after=after)
    first_ten = [next(instants) for _ in range(10)]
    assert first_ten[0] == next_occurrence(
        weekdays=weekdays, local_time=local_time, zone=zone, after=after
    )
    assert all(a < b for a, b in zip(first_ten, first_ten[1:], strict=False))
    assert first_ten[0] > after
    days = [instant.astimezone(zone).date() for instant in first_ten]
    assert len(set(days)) == len(days)  # at most once a local day
    for instant, local_day in zip(first_ten, days, strict=True):
        assert weekdays & (1 << local_day.weekday())
        wall = instant.astimezone(zone)
        naive = datetime.combine(local_day, local_time)
        exists = (
            naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
            == naive
        )
        if exists:
            # The first of two, if the time happens twice.
            assert wall.time() == local_time
            assert instant == naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
        else:
            # Skipped by the clocks: at the first moment after the jump.
            assert wall.replace(tzinfo=None) > naive
            before = (instant - timedelta(seconds=1)).astimezone(zone)
            assert before.replace(tzinfo=None) < naive
    # No chosen day is passed over between the first and last of them.
    chosen = [
        days[0] + timedelta(days=n)
        for n in range((days[-1] - days[0]).days + 1)
        if weekdays & (1 << (days[0] + timedelta(days=n)).weekday())
    ]
    assert chosen == days


def test_pause_and_nothing_chosen():
    zone = ZoneInfo("Europe/London")
    after = utc(2026, 11, 24, 12)
    assert next_occurrence(weekdays=0, local_time=time(9), zone=zone, after=after) is None
    assert next_occurrence(
        weekdays=EVERY_DAY, local_time=time(9), zone=zone, after=after, not_before=date(2026, 12, 1)
    ) == utc(2026, 12, 1, 9)

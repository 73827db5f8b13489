"""When reminders fire: weekdays and a local wall-clock time in an IANA time zone, as UTC instants.

Daylight saving time, decided once here and relied on everywhere else:

- A local time that does not exist that day (the clocks jump over it) fires at the first valid
  moment after the jump: 02:30 on 8 March 2026 in New York fires at 03:00 EDT.
- A local time that happens twice (the clocks go back) fires once, at the first of the two:
  01:30 on 1 November 2026 in New York fires at 01:30 EDT, not again at 01:30 EST.
- Every other day, the reminder fires at its local time, whatever the UTC offset is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.dates import WEEKDAYS

# Python's date.weekday(): Monday is 0. Bit n of a weekday mask is set when day n is chosen.
# The names are Django's own translated ones (lazy: they follow the language in use).
WEEKDAY_NAMES = [WEEKDAYS[day] for day in range(7)]
ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
EVERY_DAY = 0b1111111


def weekdays_to_mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        if not 0 <= int(day) <= 6:
            raise ValueError(f"Not a weekday number: {day}")
        mask |= 1 << int(day)
    return mask


def mask_to_weekdays(mask: int) -> list[int]:
    return [day for day in range(7) if mask & (1 << day)]


def _gap_end(naive: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the clocks, jumping forward, skip over `naive`."""
    # In a gap, fold=1 reads the wall time with the offset after the jump (an instant before the
    # jump) and fold=0 with the offset before it (an instant after). The jump lies in between.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    after_offset = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def fire_at(day: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant a reminder set for `local_time` fires on local date `day`."""
    naive = datetime.combine(day, local_time.replace(tzinfo=None))
    first = naive.replace(tzinfo=zone, fold=0)  # fold=0: the first of two, when it happens twice
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return _gap_end(naive, zone)
    return first.astimezone(UTC)


def occurrences(
    *,
    weekdays: int,
    local_time: time,
    zone: ZoneInfo,
    after: datetime,
    not_before: date | None = None,
) -> Iterator[datetime]:
    """Every firing instant strictly after `after` (aware), in order, as UTC datetimes.

    `not_before` is a local date: nothing fires on an earlier day (a pause).
    """
    if not weekdays & EVERY_DAY:
        return
    # Start a day early: a local day can begin before or after `after`'s UTC date.
    day = after.astimezone(zone).date() - timedelta(days=1)
    if not_before and not_before > day:
        day = not_before
    previous = after
    while True:
        if weekdays & (1 << day.weekday()):
            instant = fire_at(day, local_time, zone)
            # A gap can push two days' times together only in theory; keep the order strict.
            if instant > previous:
                previous = instant
                yield instant
        if day.year >= 9999:
            return
        day += timedelta(days=1)


def next_occurrence(
    *,
    weekdays: int,
    local_time: time,
    zone: ZoneInfo,
    after: datetime,
    not_before: date | None = None,
) -> datetime | None:
    """The first firing instant strictly after `after`, or None when nothing is chosen."""
    return next(
        occurrences(
            weekdays=weekdays,
            local_time=local_time,
            zone=zone,
            after=after,
            not_before=not_before,
        ),
        None,
    )

"""The one place for time zones, local days and "today".

Check-ins, plans, reminders and the counselors' digest all ask this module what day it is for
someone, so that the same rule holds everywhere:

- A client's zone is their own choice (kept on the plan), else the zone of their reminders, else
  the program's zone (HARMPLAN["DEFAULT_TIME_ZONE"]).
- A check-in belongs to the client's *local day*: the date on the clock where they are, except
  that the hours before "my day starts at" (04:00 unless they change it) still count for the day
  before. A drink at 1 a.m. on Saturday counts for Friday evening.
- The rule compares wall-clock hours, so daylight saving changes need no special case: on the
  day the clocks jump forward (New York, 8 March 2026) 03:30 still belongs to the day before and
  04:00 starts the new day; on the day they go back (1 November 2026) both 01:30s belong to the
  day before.
- The program's day (staff pages and digests that span many clients) is the calendar date in
  the program's zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.apps import apps
from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from plans.models import Plan


@cache
def timezone_names() -> tuple[str, ...]:
    # Legacy aliases ("US/Eastern", "EST5EDT") are left out of the choices but still accepted.
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
    )


# The short list a person chooses from first: the program's zone, then zones many clients live in.
# Every other zone is one step away ("My time zone is not in the list"), so a page does not carry
# 400 options nobody reads.
COMMON_ZONE_NAMES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "America/Halifax",
    "America/St_Johns",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Africa/Johannesburg",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)


def common_zone_names(*keep: str) -> list[str]:
    """The short list: `keep` (a person's current zone) and the program's zone first."""
    names = [*keep, default_zone_name(), *COMMON_ZONE_NAMES]
    return list(dict.fromkeys(name for name in names if name))


def get_zone(name: str) -> ZoneInfo:
    """The zone called `name`; ValueError (not a 500) for a name that is not a zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"Unknown time zone: {name!r}") from error


def default_zone_name() -> str:
    return settings.HARMPLAN["DEFAULT_TIME_ZONE"]


def program_zone() -> ZoneInfo:
    return get_zone(default_zone_name())


def local_day(instant: datetime, zone: ZoneInfo, day_starts_at: int = 4) -> date:
    """The local day `instant` counts for, in `zone`, when the day starts at `day_starts_at` h."""
    if instant.tzinfo is None:
        raise ValueError("local_day needs an aware datetime")
    if not 0 <= day_starts_at <= 23:
        raise ValueError(f"Not an hour of the day: {day_starts_at}")
    local = instant.astimezone(zone)
    day = local.date()
    if local.hour < day_starts_at:
        day -= timedelta(days=1)
    return day


def zone_name_for(plan: Plan) -> str:
    """The client's own choice, else the time zone of their reminders, else the program's."""
    if plan.time_zone:
        return plan.time_zone
    # Looked up through the app registry: the models import this module, not the other way.
    reminder_zone = (
        apps.get_model("plans", "ReminderSchedule")
        .objects.filter(client_id=plan.client_id)
        .values_list("timezone", flat=True)
        .first()
    )
    return reminder_zone or default_zone_name()


def zone_for(plan: Plan) -> ZoneInfo:
    try:
        return get_zone(zone_name_for(plan))
    except ValueError:
        return program_zone()


def client_today(plan: Plan, now: datetime | None = None) -> date:
    """Today, for this client: their local day right now."""
    return local_day(now or timezone.now(), zone_for(plan), plan.day_starts_at)


def program_today(now: datetime | None = None) -> date:
    """Today in the program's zone: the calendar date, for pages and emails about many clients."""
    return (now or timezone.now()).astimezone(program_zone()).date()


def viewer_zone(user, plan: Plan) -> ZoneInfo:
    """The zone to show `plan`'s times in to `user`: the client's own, else the program's (staff
    have no zone of their own)."""
    return zone_for(plan) if user.pk == plan.client_id else program_zone()

"""The one place for time zones, local days and "today".

Check-ins, plans, reminders and the counselors' digest all ask this module what day it is for
someone, so that the same rule holds everywhere:

- A client has one zone preference, kept on the plan (`Plan.time_zone`), used by check-ins,
  reminders and every time shown to them; empty means the program's zone
  (HARMPLAN["DEFAULT_TIME_ZONE"]). Staff read times in the program's zone.
- Choosers offer the program's zone and a short list of common zones by plain name first
  (`COMMON_ZONES`); every other IANA zone is one step further (`zone_choices(everything=True)`).
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
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from harmplan.accounts.models import User
    from plans.models import Plan

# Zones most people here pick, by the name people say. Kept short on purpose: a phone shows
# this list first; every other zone is behind "Show every time zone".
COMMON_ZONES: tuple[tuple[str, StrOrPromise], ...] = (
    ("America/New_York", _("Eastern time (New York)")),
    ("America/Chicago", _("Central time (Chicago)")),
    ("America/Denver", _("Mountain time (Denver)")),
    ("America/Phoenix", _("Arizona (Phoenix)")),
    ("America/Los_Angeles", _("Pacific time (Los Angeles)")),
    ("America/Anchorage", _("Alaska (Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii (Honolulu)")),
    ("America/Puerto_Rico", _("Atlantic time (Puerto Rico)")),
    ("America/Halifax", _("Atlantic time (Halifax)")),
    ("America/Mexico_City", _("Mexico (Mexico City)")),
    ("Europe/London", _("UK and Ireland (London)")),
    ("Europe/Paris", _("Central Europe (Paris, Berlin, Madrid)")),
    ("Asia/Kolkata", _("India (Kolkata)")),
    ("Australia/Sydney", _("Eastern Australia (Sydney)")),
)


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


def zone_label(name: str) -> str:
    """A zone in plain words: "Eastern time (New York)", else its IANA name made readable."""
    return str(dict(COMMON_ZONES).get(name) or name.replace("_", " ").replace("/", " – "))


def zone_choices(*, current: str = "", everything: bool = False) -> list[tuple[str, str]]:
    """The program's zone first, then common zones (and the person's current one); with
    `everything`, every zone after them."""
    program = default_zone_name()
    first = [program, *(name for name, _label in COMMON_ZONES if name != program)]
    if current and current not in first:
        first.append(current)
    choices = [(name, zone_label(name)) for name in first]  # forms say the first is the program's
    if everything:
        choices += [(name, zone_label(name)) for name in timezone_names() if name not in first]
    return choices


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
    """The client's one zone preference, else the program's."""
    return plan.time_zone or default_zone_name()


def zone_for(plan: Plan) -> ZoneInfo:
    try:
        return get_zone(zone_name_for(plan))
    except ValueError:
        return program_zone()


def zone_or_program(name: str | None) -> ZoneInfo:
    """The zone called `name`, or the program's when it is empty or not a zone."""
    if name:
        try:
            return get_zone(name)
        except ValueError:
            pass
    return program_zone()


def zone_for_user(user: User) -> ZoneInfo:
    """The zone a person reads times in: a client's own, else the program's (staff)."""
    if user.is_authenticated and user.is_client:
        if hasattr(user, "plan_zone"):  # loaded with the signed-in person: no query
            return zone_or_program(user.plan_zone)
        # Through the app registry: the models import this module, not the other way.
        name = (
            apps.get_model("plans", "Plan")
            .objects.filter(client_id=user.pk)
            .values_list("time_zone", flat=True)
            .first()
        )
        return zone_or_program(name)
    return program_zone()


def week_start(day: date) -> date:
    """The Monday a local day's week starts on: weeks run Monday to Sunday everywhere."""
    return day - timedelta(days=day.weekday())


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


def local_date(zone: ZoneInfo, now: datetime | None = None) -> date:
    """The date on the clock in `zone` right now. Not the check-in day: at 02:00 that is still
    yesterday, but a consent signed then, or a file saved then, is dated today."""
    return (now or timezone.now()).astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after `day` ends in `zone` (the midnight that follows it)."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)


def local_iso(instant: datetime | None, zone: ZoneInfo) -> str | None:
    """An instant as ISO 8601 with the person's own offset, never UTC (exports)."""
    if instant is None:
        return None
    return instant.astimezone(zone).isoformat(timespec="seconds")

"""The client's time zone and local times for records (export, PDF, consent pages).

Follows the rule of the check-ins (the client's own choice, else their reminders' zone, else the
program's), so an exported check-in day and time agree with what the client saw.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from plans.models import Plan, ReminderSchedule


def zone_for_client(client) -> ZoneInfo:
    plan_zone = Plan.objects.filter(client=client).values_list("time_zone", flat=True).first()
    name = (
        plan_zone
        or ReminderSchedule.objects.filter(client=client).values_list("timezone", flat=True).first()
        or settings.HARMPLAN["DEFAULT_TIME_ZONE"]
    )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.HARMPLAN["DEFAULT_TIME_ZONE"])


def program_zone() -> ZoneInfo:
    return ZoneInfo(settings.HARMPLAN["DEFAULT_TIME_ZONE"])


def local_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after `day` ends where the client is (midnight that follows it)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def local_iso(instant: datetime | None, zone: ZoneInfo) -> str | None:
    """An instant as ISO 8601 with the client's own offset, never UTC."""
    if instant is None:
        return None
    return instant.astimezone(zone).isoformat(timespec="seconds")

"""Local times for records (export, PDF, consents), on top of plans.timezones.

The client's zone is the one plans.timezones decides. Records also need the date on the
client's clock (a signature's date, a file's name), which is not the check-in day: at 02:00 the
check-in day is still yesterday, but a consent signed then is dated today.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from plans import timezones
from plans.models import Plan


def zone_for_client(client) -> ZoneInfo:
    plan = Plan.objects.filter(client=client).first() or Plan(client=client)
    return timezones.zone_for(plan)


def local_date(zone: ZoneInfo, now: datetime | None = None) -> date:
    """The date on the clock in `zone` right now."""
    return (now or timezone.now()).astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after `day` ends in `zone` (the midnight that follows it)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def local_iso(instant: datetime | None, zone: ZoneInfo) -> str | None:
    """An instant as ISO 8601 with the client's own offset, never UTC."""
    if instant is None:
        return None
    return instant.astimezone(zone).isoformat(timespec="seconds")

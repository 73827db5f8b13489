"""The demo reminder: demo-client gets an email reminder a minute from now, every day.

Run by seed_demo (and so by `manage.py start`): each run moves the reminder to the next minute,
so whoever tries the demo sees a reminder arrive in var/mail/ within a minute or two.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from harmplan.accounts.models import User
from plans.models import Channel
from plans.timezones import default_zone_name, get_zone

from . import services
from .schedule import EVERY_DAY

DEMO_CLIENT = "demo-client"
DEMO_EMAIL = "alex@example.org"


def seed_reminders(users: dict[str, User]) -> None:
    client = users.get(DEMO_CLIENT)
    if client is None:
        return
    if not client.email:
        # Demo data only: a real address change goes through its confirmation link.
        client.email = DEMO_EMAIL
        client.save(update_fields=["email"])
    zone_name = default_zone_name()
    now = timezone.now()
    next_minute = (now.astimezone(get_zone(zone_name)) + timedelta(minutes=1)).replace(
        second=0, microsecond=0
    )
    services.schedule_save(
        client=client,
        weekdays=EVERY_DAY,
        local_time=next_minute.time(),
        timezone_name=zone_name,
        channel=Channel.EMAIL,
        now=now,
    )

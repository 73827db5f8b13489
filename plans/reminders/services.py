"""Writes to a client's reminder schedule. Each function is one transaction."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from harmplan.accounts import person_cache
from harmplan.accounts.models import User
from harmplan.compiled_query import CompiledQuery
from plans.models import PAUSED_INDEFINITELY, Channel, Plan, ReminderSchedule
from plans.timezones import default_zone_name, get_zone

from . import links
from .schedule import EVERY_DAY


def _preferred_zone(client: User) -> str:
    name = Plan.objects.filter(client=client).values_list("time_zone", flat=True).first()
    return name or default_zone_name()


@transaction.atomic
def client_zone_save(*, client: User, time_zone: str, now: datetime | None = None) -> None:
    """The client's one time-zone preference (on the plan), for check-ins and reminders alike.

    The schedule keeps a copy only so dispatch can do its maths row by row without a join;
    this is the one function that writes either, so they never disagree.
    """
    get_zone(time_zone)  # refuses an unknown zone
    Plan.objects.get_or_create(client=client)
    Plan.objects.filter(client=client).update(time_zone=time_zone)
    person_cache.forget(client.pk)  # the zone comes with the signed-in person
    client.plan_zone = time_zone  # type: ignore[attr-defined]  # and this request's copy of them reads the new one
    schedule = ReminderSchedule.objects.select_for_update().filter(client=client).first()
    if schedule is not None and schedule.timezone != time_zone:
        schedule.timezone = time_zone
        schedule.next_due_at = schedule.next_fire_after(now or timezone.now())
        schedule.save(update_fields=["timezone", "next_due_at", "updated_at"])


# Read on every visit to the settings page: built and compiled once (harmplan/compiled_query.py).
_SCHEDULE = CompiledQuery(
    lambda ids: ReminderSchedule.objects.filter(client_id=ids[0]).order_by("pk")[:1]  # first()
)


def schedule_for(client: User) -> ReminderSchedule:
    """The client's schedule, or an unsaved one with the defaults for the settings form."""
    found = _SCHEDULE.objects([client.pk])
    schedule = found[0] if found else None
    if schedule is not None:
        # The client is already loaded, with their membership: the preview reads their
        # organization's name and their language without loading them again.
        schedule.client = client
    else:
        schedule = ReminderSchedule(
            client=client,
            timezone=_preferred_zone(client),
            weekdays=EVERY_DAY,
            local_time=time(9, 0),
            channel=Channel.EMAIL if client.email else Channel.NONE,
        )
    return schedule


def _locked(client: User) -> ReminderSchedule:
    ReminderSchedule.objects.get_or_create(
        client=client,
        defaults={"timezone": _preferred_zone(client), "channel": Channel.NONE},
    )
    return ReminderSchedule.objects.select_for_update().get(client=client)


@transaction.atomic
def schedule_save(
    *,
    client: User,
    weekdays: int,
    local_time: time,
    channel: str,
    timezone_name: str | None = None,
    paused_until: date | None = None,
    now: datetime | None = None,
) -> ReminderSchedule:
    """Save the client's choices and work out when the next reminder is due.

    `timezone_name`, when given, is the client's one zone preference (see client_zone_save);
    without it the schedule follows the zone they already chose. Reminders go to the account's
    (confirmed) email and phone, which only the account page changes
    (harmplan.accounts.services.contact_change).
    """
    if timezone_name is not None:
        client_zone_save(client=client, time_zone=timezone_name, now=now)
    else:
        timezone_name = _preferred_zone(client)
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel: {channel!r}")
    if channel == Channel.EMAIL and not client.email:
        raise ValueError("Email reminders need an email address.")
    if channel == Channel.SMS and not client.phone:
        raise ValueError("Text message reminders need a mobile number.")
    schedule = _locked(client)
    schedule.weekdays = weekdays
    schedule.local_time = local_time.replace(second=0, microsecond=0, tzinfo=None)
    schedule.timezone = timezone_name
    schedule.channel = channel
    schedule.paused_until = paused_until
    schedule.next_due_at = schedule.next_fire_after(now or timezone.now())
    schedule.save()
    return schedule


@transaction.atomic
def schedule_pause(
    *,
    schedule: ReminderSchedule,
    until: date | None = PAUSED_INDEFINITELY,
    now: datetime | None = None,
) -> ReminderSchedule:
    """Stop reminders until a local date (by default, until the client turns them back on).

    `until=None` turns them back on.
    """
    schedule = ReminderSchedule.objects.select_for_update().get(pk=schedule.pk)
    schedule.paused_until = until
    schedule.next_due_at = schedule.next_fire_after(now or timezone.now())
    schedule.save(update_fields=["paused_until", "next_due_at", "updated_at"])
    return schedule


@transaction.atomic
def feed_token_create(*, client: User) -> str:
    """A new secret calendar link for the client. Any older link stops working."""
    schedule = _locked(client)
    token, token_hash = links.new_feed_token()
    schedule.feed_token_hash = token_hash
    schedule.feed_created_at = timezone.now()
    schedule.save(update_fields=["feed_token_hash", "feed_created_at"])
    return token


@transaction.atomic
def feed_token_remove(*, client: User) -> None:
    ReminderSchedule.objects.filter(client=client).update(
        feed_token_hash=None, feed_created_at=None
    )

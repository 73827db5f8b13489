"""Recording check-ins: one per client and local day (see plans/timezones.py), safe to repeat."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils.translation import gettext

from plans.models import CheckIn, CheckInEntry, CheckInReceipt, Goal, Period, Plan, TargetKind, Unit
from plans.models.plan import AMOUNT_LIMITS, format_amount
from plans.reminders.services import client_zone_save
from plans.timezones import client_today

# How far back a day can be filled in. Older days are refused: almost always a typing mistake.
OLDEST_DAYS_BACK = 366


class CheckInError(ValueError):
    """A check-in that cannot be saved. The message says why, in plain words."""


# Entries -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What the client said for one goal: an amount, yes/no, or nothing (skipped)."""

    amount: Decimal | None = None
    done: bool | None = None

    @property
    def skipped(self) -> bool:
        return self.amount is None and self.done is None


def asks_yes_no(goal: Goal) -> bool:
    """Practices and goals without a target are yes/no; so are amounts counted in days."""
    if goal.target_kind != TargetKind.AMOUNT:
        return True
    return goal.target_unit == Unit.USING_DAYS


def daily_limit(goal: Goal) -> Decimal:
    """The most anyone could sensibly note for one day, in the goal's unit."""
    unit = goal.target_unit or Unit.TIMES
    return AMOUNT_LIMITS.get((unit, Period.DAY), Decimal(100))


def _entry_row(goal: Goal, entry: Entry) -> dict:
    if entry.skipped:
        return {"amount": None, "done": None, "skipped": True}
    if entry.amount is not None and entry.done is not None:
        raise CheckInError(gettext("An entry is an amount or a yes or no, not both."))
    days = goal.target_kind == TargetKind.AMOUNT and goal.target_unit == Unit.USING_DAYS
    if days and entry.done is not None:
        # "Did you use today?" is kept as 1 or 0 days, so week totals add up.
        return {"amount": Decimal(int(entry.done)), "done": None, "skipped": False}
    if goal.target_kind == TargetKind.AMOUNT:
        if entry.amount is None:
            raise CheckInError(gettext("Enter a number for “%(goal)s”.") % {"goal": goal.statement})
        limit = daily_limit(goal)
        if entry.amount < 0 or entry.amount > limit:
            raise CheckInError(
                gettext("For “%(goal)s”, enter a number from 0 to %(limit)s.")
                % {"goal": goal.statement, "limit": format_amount(limit)}
            )
        return {"amount": entry.amount.quantize(Decimal("0.1")), "done": None, "skipped": False}
    if entry.done is None:
        raise CheckInError(gettext("Answer yes or no for “%(goal)s”.") % {"goal": goal.statement})
    return {"amount": None, "done": bool(entry.done), "skipped": False}


def check_day(day: date, today: date) -> None:
    if day > today:
        raise CheckInError(
            gettext("That day has not happened yet. You can check in for today or a day before it.")
        )
    if day < today - timedelta(days=OLDEST_DAYS_BACK):
        raise CheckInError(gettext("That day is more than a year ago. Choose a more recent day."))


@transaction.atomic
def checkin_record(
    *,
    client,
    day: date,
    entries: Mapping[Goal, Entry],
    feeling: int | None = None,
    cravings: int | None = None,
    note: str = "",
    now: datetime | None = None,
    key: uuid.UUID | None = None,
) -> tuple[CheckIn, bool]:
    """Save the client's check-in for `day`: a new one, or changes to the one already there.

    Safe to repeat: the same submission twice (a double click, a resubmitted form, two requests
    at once) leaves one check-in with the same content. The unique (client, day) constraint
    decides who creates it; the row lock orders the writes that follow.

    `key` is an id the phone made for this submission (a check-in kept offline and sent later).
    The first request with it is recorded; a repeat changes nothing, so an old copy sent again
    never overwrites what the client changed since. The unique (client, key) receipt decides.
    """
    if key is not None:
        receipt, fresh = CheckInReceipt.objects.get_or_create(client=client, key=key)
        if not fresh:
            # A receipt is saved with its check-in in one transaction, so it always has one.
            return cast(CheckIn, receipt.checkin), False
    plan = Plan.objects.get(client=client)
    check_day(day, client_today(plan, now))
    if feeling is not None and not 1 <= feeling <= 5:
        raise CheckInError(gettext("Choose how you feel from 1 to 5."))
    if cravings is not None and not 0 <= cravings <= 10:
        raise CheckInError(gettext("Choose cravings from 0 to 10."))
    rows = []
    for goal, entry in entries.items():
        if goal.plan_id != plan.pk:
            raise Goal.DoesNotExist("That goal is not in this client's plan.")
        rows.append((goal, _entry_row(goal, entry)))

    checkin, created = CheckIn.objects.select_for_update().get_or_create(client=client, day=day)
    checkin.feeling, checkin.cravings, checkin.note = feeling, cravings, note.strip()
    checkin.save(update_fields=["feeling", "cravings", "note", "updated_at"])
    if rows:
        CheckInEntry.objects.bulk_create(
            [
                CheckInEntry(checkin=checkin, day=checkin.day, goal=goal, **values)
                for goal, values in rows
            ],
            update_conflicts=True,
            unique_fields=["checkin", "goal"],
            update_fields=["amount", "done", "skipped"],
        )
    if key is not None:
        CheckInReceipt.objects.filter(pk=receipt.pk).update(checkin=checkin)
    return checkin, created


@transaction.atomic
def checkin_settings_save(*, plan: Plan, time_zone: str, day_starts_at: int) -> Plan:
    """The client's time zone and the hour their day starts. Not part of the plan's content, so
    it does not change the plan's version or its agreement."""
    if not 0 <= day_starts_at <= 12:
        raise ValueError(f"The day can start from midnight to noon, not at {day_starts_at}")
    with transaction.atomic():
        # The one zone preference: reminders follow it too.
        client_zone_save(client=plan.client, time_zone=time_zone)
        Plan.objects.filter(pk=plan.pk).update(day_starts_at=day_starts_at)
    plan.time_zone, plan.day_starts_at = time_zone, day_starts_at
    return plan

"""The dispatcher and the sweeper: the only code that turns schedules into queued sends.

Dispatcher (every minute, from beat): in batches, each one transaction, claim due schedules with
SELECT … FOR UPDATE SKIP LOCKED, write one ReminderDelivery per (schedule, slot), move each
schedule's next_due_at on with zoneinfo, and only after COMMIT put one send task per delivery on
the queue. Two dispatchers running at once (a double beat, two workers) claim disjoint schedules;
the unique constraint on (schedule, slot) is the last line against a duplicate.

Sweeper (every minute): a delivery whose task was lost (Redis restarted or was down at commit, a
worker killed with the message in hand) sits in queued or sending. After a few minutes the
sweeper puts it back on the queue. Sending is idempotent on the row's status, so an extra task
for a row that is fine does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import current_app
from django.db import connection, transaction
from django.utils import timezone

from harmplan import emails
from plans.models import Channel, DeliveryStatus, ReminderDelivery, ReminderSchedule

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Deliveries per send task. Fewer, larger messages keep Celery's own cost per reminder small (in
# a burst, 50 a task cost the worker a fifth more time than 200); smaller ones spread a minute's
# reminders over every worker process sooner. Each delivery is claimed and marked on its own, and
# a slow chunk hands its rest back (plans/reminders/sending.py).
SEND_CHUNK = 100
# A slot this late (beat or the database was down for hours) is recorded as missed, not sent:
# a morning reminder in the evening helps nobody. Slots after it are still sent.
MISSED_AFTER = timedelta(hours=6)
# Longer than a send task's hard time limit (plans/reminders/tasks.py), so a slow send is never
# taken for a dead one.
SENDING_STUCK_AFTER = timedelta(minutes=5)
QUEUED_STUCK_AFTER = timedelta(minutes=3)
SWEEP_LIMIT = 2000
# Fail fast when the broker is down: the rows are committed and the sweeper queues them later.
PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}


@dataclass
class DispatchResult:
    schedule_ids: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)

    def extend(self, other: DispatchResult) -> None:
        self.schedule_ids += other.schedule_ids
        self.queued += other.queued
        self.missed += other.missed


def enqueue_sends(delivery_ids: Iterable[int]) -> int:
    """Put send tasks for these deliveries on the queue, SEND_CHUNK ids a task. Returns how many.

    Called after COMMIT. When the broker is unreachable it stops at the first failure and logs:
    the rows stay queued in PostgreSQL and the sweeper queues them when the broker is back.
    """
    delivery_ids = list(delivery_ids)
    done = 0
    # By name: the tasks module imports this one, so this one does not import it.
    send_deliveries = current_app.signature("plans.tasks.send_deliveries")
    try:
        with current_app.producer_or_acquire() as producer:
            for start in range(0, len(delivery_ids), SEND_CHUNK):
                chunk = delivery_ids[start : start + SEND_CHUNK]
                send_deliveries.apply_async(
                    (chunk,), producer=producer, retry_policy=PUBLISH_RETRY_POLICY
                )
                done += len(chunk)
    except Exception as error:  # kombu raises several kinds; none may undo the commit
        log.warning(
            "Could not queue %d reminder send(s) (%s); the sweeper will queue them again.",
            len(delivery_ids) - done,
            type(error).__name__,
        )
    return done


def _schedule_enqueue(delivery_ids: list[int]) -> None:
    if delivery_ids:
        transaction.on_commit(partial(enqueue_sends, delivery_ids), robust=True)


def dispatch_batch(*, now: datetime, limit: int = BATCH_SIZE) -> DispatchResult:
    """Claim up to `limit` due schedules and queue their deliveries, in one transaction.

    Three statements a batch, whatever its size: claim the rows (FOR UPDATE SKIP LOCKED), insert
    every delivery at once (ON CONFLICT DO NOTHING: a slot that already has one, say a schedule
    set back to a time already sent, gets no second), and move every schedule on at once. The
    next time is worked out in Python (zoneinfo, DST-correct) between the first and the others.
    """
    result = DispatchResult()
    with transaction.atomic():
        schedules = list(
            ReminderSchedule.objects.due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .only(*SCHEDULE_FIELDS)[:limit]
        )
        if not schedules:
            return result
        rows = []
        moves = []
        for schedule in schedules:
            slot = schedule.next_due_at
            missed = slot < now - MISSED_AFTER
            if schedule.channel != Channel.NONE and not schedule.is_paused(slot):
                rows.append((schedule.pk, slot, schedule.channel, missed))
            moves.append(
                (
                    schedule.pk,
                    schedule.next_fire_after(max(slot, now - MISSED_AFTER) if missed else slot),
                )
            )
        inserted = _insert_deliveries(rows, now)
        _move_schedules(moves)
        result.schedule_ids = [schedule.pk for schedule in schedules]
        result.queued = sorted(pk for pk, status in inserted if status == DeliveryStatus.QUEUED)
        result.missed = sorted(pk for pk, status in inserted if status == DeliveryStatus.FAILED)
        _schedule_enqueue(result.queued)
    return result


# What the dispatcher reads of a schedule: enough for the schedule maths, nothing else.
SCHEDULE_FIELDS = ("next_due_at", "channel", "weekdays", "local_time", "timezone", "paused_until")


def _insert_deliveries(rows: list[tuple], now: datetime) -> list[tuple[int, str]]:
    """One INSERT for the batch; returns (id, status) of the rows it made."""
    if not rows:
        return []
    table = ReminderDelivery._meta.db_table
    columns = (
        "schedule_id, slot, channel, status, last_error, attempts, next_attempt_at, "
        "enqueued_at, provider_ref, created_at, updated_at"
    )
    values = [
        (
            schedule_id,
            connection.ops.adapt_datetimefield_value(slot),
            str(channel),
            str(DeliveryStatus.FAILED if missed else DeliveryStatus.QUEUED),
            "Missed: more than 6 hours late" if missed else "",
        )
        for schedule_id, slot, channel, missed in rows
    ]
    at = connection.ops.adapt_datetimefield_value(now)
    if connection.vendor == "postgresql":
        # Five arrays rather than 5 × 1,000 parameters: the statement stays short to parse.
        source = (
            "SELECT *, 0, %s, %s, '', %s, %s FROM unnest("
            "%s::bigint[], %s::timestamptz[], %s::text[], %s::text[], %s::text[])"
        )
        params = [at, at, at, at, *(list(column) for column in zip(*values, strict=True))]
    else:
        source = "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, 0, %s, %s, '', %s, %s)"] * len(rows))
        params = [value for row in values for value in (*row, at, at, at, at)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {source} "
            "ON CONFLICT (schedule_id, slot) DO NOTHING RETURNING id, status",
            params,
        )
        return cursor.fetchall()


def _move_schedules(moves: list[tuple[int, datetime | None]]) -> None:
    """One UPDATE for the batch: each schedule's new next_due_at, joined by id."""
    table = ReminderSchedule._meta.db_table
    ids = [pk for pk, _ in moves]
    times = [connection.ops.adapt_datetimefield_value(at) for _, at in moves]
    if connection.vendor == "postgresql":
        source = "unnest(%s::bigint[], %s::timestamptz[]) AS v(column1, column2)"
        params: list[Any] = [ids, times]
    else:
        source = "(VALUES " + ", ".join(["(%s, %s)"] * len(moves)) + ") AS v"
        params = [value for row in zip(ids, times, strict=True) for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_due_at = v.column2 FROM {source} "
            f"WHERE {table}.id = v.column1",
            params,
        )


def reminders_dispatch(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> DispatchResult:
    """Dispatch every due schedule, batch by batch, until none is due.

    Without `now`, each batch looks at the clock again, so schedules that fall due during a long
    run are picked up in the same run.
    """
    total = DispatchResult()
    while True:
        batch = dispatch_batch(now=now or timezone.now(), limit=batch_size)
        total.extend(batch)
        if len(batch.schedule_ids) < batch_size:
            return total


def deliveries_sweep(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> list[int]:
    """Queue again the deliveries whose send task was lost. Returns their ids."""
    now = now or timezone.now()
    max_attempts = emails.max_attempts()
    with transaction.atomic():
        # A row in "sending" this long belongs to a worker that died. See the note in
        # plans/reminders/sending.py: if it died after the provider accepted, this sends again.
        stuck_sending = list(
            ReminderDelivery.objects.filter(
                status=DeliveryStatus.SENDING, sending_at__lt=now - SENDING_STUCK_AFTER
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", "attempts")[:limit]
        )
        given_up = [pk for pk, attempts in stuck_sending if attempts >= max_attempts]
        retry = [pk for pk, attempts in stuck_sending if attempts < max_attempts]
        ReminderDelivery.objects.filter(pk__in=given_up).update(
            status=DeliveryStatus.FAILED,
            last_error="Stopped while sending too many times; not tried again",
            updated_at=now,
        )
        ReminderDelivery.objects.filter(pk__in=retry).update(
            status=DeliveryStatus.QUEUED,
            enqueued_at=now,
            last_error="Stopped while sending; trying again",
            updated_at=now,
        )
        cutoff = now - QUEUED_STUCK_AFTER
        stuck_queued = list(
            ReminderDelivery.objects.filter(
                status=DeliveryStatus.QUEUED, enqueued_at__lt=cutoff, next_attempt_at__lt=cutoff
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        ReminderDelivery.objects.filter(pk__in=stuck_queued).update(enqueued_at=now)
        requeued = retry + stuck_queued
        if given_up or requeued:
            log.info(
                "Sweeper: %d delivery(ies) queued again, %d given up", len(requeued), len(given_up)
            )
        _schedule_enqueue(requeued)
    return requeued

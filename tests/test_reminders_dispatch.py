"""The dispatcher: claims due schedules by row state, one delivery per slot, sends after commit."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from plans.models import DeliveryStatus, ReminderDelivery, ReminderSchedule
from plans.reminders import dispatch
from plans.reminders.tasks import dispatch_due
from tests.reminders_support import (
    duplicates,
    make_due_schedules,
    queue_length,
    queued_delivery_ids,
    read_mail,
    wait_until_all_sent,
)


class Rollback(Exception):
    pass


def test_two_dispatchers_at_once_claim_disjoint_schedules(transactional_db, reminder_queue):
    now = timezone.now()
    schedules = make_due_schedules(300, due=now - timedelta(seconds=1))
    a_claimed, b_finished = threading.Event(), threading.Event()
    results, errors = {}, []

    def dispatcher_a():
        try:
            with transaction.atomic():
                results["a"] = dispatch.dispatch_batch(now=now, limit=100)
                a_claimed.set()
                # Hold the row locks until B is done: B must step around them, not wait.
                results["b_finished_while_a_held_locks"] = b_finished.wait(timeout=30)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    def dispatcher_b():
        try:
            a_claimed.wait(timeout=30)
            results["b"] = dispatch.reminders_dispatch(now=now, batch_size=40)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            b_finished.set()
            connection.close()

    threads = [threading.Thread(target=dispatcher_a), threading.Thread(target=dispatcher_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert results["b_finished_while_a_held_locks"]
    claimed_a, claimed_b = set(results["a"].schedule_ids), set(results["b"].schedule_ids)
    assert len(claimed_a) == 100 and len(claimed_b) == 200
    assert claimed_a.isdisjoint(claimed_b)
    assert claimed_a | claimed_b == {schedule.pk for schedule in schedules}
    slots = list(ReminderDelivery.objects.values_list("schedule_id", "slot"))
    assert len(slots) == 300 and duplicates(slots) == {}
    # Both queued their sends only after their own commit: each delivery once.
    queued = queued_delivery_ids(reminder_queue)
    assert sorted(queued) == sorted(ReminderDelivery.objects.values_list("pk", flat=True))
    assert not ReminderSchedule.objects.due(now).exists()


def test_a_rolled_back_transaction_enqueues_nothing(transactional_db, reminder_queue):
    """No worker reads this queue, so every message sent is still there to count."""
    now = timezone.now()
    make_due_schedules(25, due=now - timedelta(seconds=1))
    with pytest.raises(Rollback), transaction.atomic():
        assert len(dispatch.reminders_dispatch(now=now).queued) == 25
        raise Rollback
    assert queue_length(reminder_queue) == 0
    assert ReminderDelivery.objects.count() == 0
    assert ReminderSchedule.objects.due(now).count() == 25  # nothing moved on either

    queued = dispatch.reminders_dispatch(now=now).queued
    assert sorted(queued_delivery_ids(reminder_queue)) == sorted(queued) and len(queued) == 25


def test_10000_due_at_once_are_all_delivered_none_twice(start_worker):
    due = timezone.now() - timedelta(seconds=1)
    schedules = make_due_schedules(10_000, due=due)
    start_worker("a")
    start_worker("b")
    # A double beat: two dispatchers at once, in two worker processes.
    dispatch_due.delay()
    dispatch_due.delay()
    wait_until_all_sent(10_000, timeout=400)

    recipients = [message["To"] for message in read_mail(start_worker.mail)]
    assert len(recipients) == 10_000
    assert duplicates(recipients) == {}
    assert set(recipients) == {schedule.client.email for schedule in schedules}
    assert ReminderDelivery.objects.filter(attempts=1).count() == 10_000
    # Every schedule moved on to tomorrow.
    tomorrow = due.replace(second=0, microsecond=0) + timedelta(days=1)
    assert set(ReminderSchedule.objects.values_list("next_due_at", flat=True)) == {tomorrow}


def test_a_slot_already_delivered_is_not_delivered_again(transactional_db, reminder_queue):
    now = timezone.now()
    [schedule] = make_due_schedules(1, due=now - timedelta(minutes=1))
    dispatch.reminders_dispatch(now=now)
    # Someone sets the schedule back to the slot that was sent already.
    ReminderSchedule.objects.filter(pk=schedule.pk).update(next_due_at=now - timedelta(minutes=1))
    assert dispatch.reminders_dispatch(now=now).queued == []
    assert ReminderDelivery.objects.count() == 1
    schedule.refresh_from_db()
    assert schedule.next_due_at > now
    # And the database refuses a second row for the slot whatever the code does.
    delivery = ReminderDelivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDelivery.objects.create(
            schedule=schedule,
            slot=delivery.slot,
            channel=delivery.channel,
            next_attempt_at=now,
            enqueued_at=now,
        )


def test_a_slot_hours_late_is_recorded_as_missed_not_sent(transactional_db, reminder_queue):
    """After a long outage, a morning reminder is not sent in the evening."""
    now = timezone.now()
    [schedule] = make_due_schedules(1, due=now - timedelta(hours=8))
    result = dispatch.reminders_dispatch(now=now)
    assert result.queued == []
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "Missed: more than 6 hours late"
    schedule.refresh_from_db()
    assert schedule.next_due_at == delivery.slot.replace(second=0, microsecond=0) + timedelta(
        days=1
    )
    assert queue_length(reminder_queue) == 0

"""Crashes and outages: kill -9 of a worker, Redis restarted or down. Nothing lost, nothing twice,
except the one window no system can close (see plans/reminders/sending.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from plans.models import Channel, DeliveryStatus, ReminderDelivery
from plans.reminders import dispatch
from tests.conftest import wait_for
from tests.reminders_support import (
    duplicates,
    make_due_schedules,
    queue_length,
    read_mail,
    redis_server,
    status_counts,
    wait_until_all_sent,
)


def sweep_later(minutes: int) -> list[int]:
    """Run the sweeper as beat would, `minutes` from now."""
    return dispatch.deliveries_sweep(now=timezone.now() + timedelta(minutes=minutes))


def test_kill_9_mid_send_then_a_new_worker_nothing_lost_nothing_twice(start_worker, gateway):
    schedules = make_due_schedules(200, due=timezone.now(), channel=Channel.SMS)
    doomed = start_worker("doomed", **gateway.worker_env)
    dispatch.reminders_dispatch()
    wait_for(lambda: len(gateway.accepted) >= 20)
    # From now on the gateway keeps each request waiting: both pool processes get stuck in the
    # middle of a send, and are killed there.
    gateway.default = "hold"
    gateway.wait_held(2)
    in_flight = set(
        ReminderDelivery.objects.filter(status=DeliveryStatus.SENDING).values_list("pk", flat=True)
    )
    assert len(in_flight) == 2
    doomed.kill()
    gateway.release()  # the two held requests are dropped unanswered: those texts never went out
    gateway.default = "accept"

    start_worker("rescuer", **gateway.worker_env)
    # The dead worker's messages are not acknowledged; the sweeper does not wait for Redis's
    # visibility timeout, and finds the two rows left in "sending".
    assert in_flight <= set(sweep_later(minutes=6))
    wait_until_all_sent(200)

    numbers = gateway.accepted_numbers()
    assert duplicates(numbers) == {}
    assert sorted(numbers) == sorted(schedule.client.phone for schedule in schedules)


def test_the_only_duplicate_is_the_send_the_provider_took_just_before_the_kill(
    start_worker, gateway
):
    """Provider accepted, worker killed before its single UPDATE to "sent": sent twice."""
    schedules = make_due_schedules(40, due=timezone.now(), channel=Channel.SMS)
    gateway.script.extend(["accept"] * 5 + ["accept-hold"])
    doomed = start_worker("doomed", concurrency=1, **gateway.worker_env)
    dispatch.reminders_dispatch()
    gateway.wait_held(1)
    [in_window] = ReminderDelivery.objects.filter(status=DeliveryStatus.SENDING)
    doomed.kill()
    gateway.release()

    start_worker("rescuer", **gateway.worker_env)
    assert in_window.pk in sweep_later(minutes=6)
    wait_until_all_sent(40)

    numbers = gateway.accepted_numbers()
    assert duplicates(numbers) == {in_window.schedule.client.phone: 2}
    assert set(numbers) == {schedule.client.phone for schedule in schedules}


def test_redis_restarted_mid_run_workers_resume_and_nothing_is_lost(start_worker, reminder_queue):
    schedules = make_due_schedules(1000, due=timezone.now())
    start_worker()
    dispatch.reminders_dispatch()
    wait_for(lambda: status_counts()[DeliveryStatus.SENT] >= 100)
    server = redis_server()
    server.stop()  # without saving: every message on the queue is gone
    server.start()
    assert queue_length(reminder_queue) == 0
    assert status_counts()[DeliveryStatus.QUEUED] > 0
    # The rows still say "queued"; a few minutes on, the sweeper queues them again.
    sweep_later(minutes=4)
    wait_until_all_sent(1000, timeout=120)

    recipients = [message["To"] for message in read_mail(start_worker.mail)]
    assert duplicates(recipients) == {}
    assert sorted(recipients) == sorted(schedule.client.email for schedule in schedules)


def test_redis_down_at_commit_the_sweeper_sends_it_when_redis_is_back(start_worker, reminder_queue):
    schedules = make_due_schedules(3, due=timezone.now())
    start_worker()
    server = redis_server()
    server.stop()
    try:
        # The dispatcher commits its rows and cannot queue the sends; it does not fail.
        result = dispatch.reminders_dispatch()
        assert len(result.queued) == 3
        assert status_counts() == {DeliveryStatus.QUEUED: 3}
    finally:
        server.start()
    assert queue_length(reminder_queue) == 0
    assert sweep_later(minutes=1) == []  # not yet: a send may simply be waiting its turn
    assert sorted(sweep_later(minutes=4)) == sorted(result.queued)
    wait_until_all_sent(3)

    recipients = [message["To"] for message in read_mail(start_worker.mail)]
    assert sorted(recipients) == sorted(schedule.client.email for schedule in schedules)


def test_a_row_stuck_in_sending_too_often_is_given_up(transactional_db, reminder_queue):
    [schedule] = make_due_schedules(1, due=timezone.now())
    [delivery_id] = dispatch.reminders_dispatch().queued
    ReminderDelivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENDING,
        sending_at=timezone.now(),
        attempts=settings.HARMPLAN["SEND_MAX_ATTEMPTS"],
    )
    assert sweep_later(minutes=6) == []
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "Stopped while sending too many times; not tried again"

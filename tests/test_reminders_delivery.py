"""Reminders sent by real Celery worker processes: email, SMS, retries, failures, discretion."""

from __future__ import annotations

import socket
from datetime import timedelta

import icalendar
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from harmplan import emails
from harmplan.devtools.services import free_port
from plans.models import Channel, DeliveryStatus, ReminderDelivery
from plans.reminders import calendar, dispatch, links, messages, sending, services
from plans.reminders.tasks import send_deliveries, send_delivery
from tests.conftest import wait_for
from tests.factories import make_user
from tests.reminders_support import (
    assert_discreet,
    make_due_schedules,
    queued_delivery_ids,
    read_mail,
    read_sms_files,
    status_counts,
    text_of,
    wait_until_all_sent,
)
from tests.signin import sign_in


def delivery_for(schedule) -> ReminderDelivery:
    return ReminderDelivery.objects.get(schedule=schedule)


def test_email_reminder_sent_once_by_a_worker_and_says_nothing_sensitive(start_worker):
    worker = start_worker(concurrency=1)
    [schedule] = make_due_schedules(1, due=timezone.now() - timedelta(seconds=1))
    result = dispatch.reminders_dispatch()
    assert len(result.queued) == 1
    wait_until_all_sent(1)

    [message] = read_mail(start_worker.mail)
    delivery = delivery_for(schedule)
    assert delivery.attempts == 1 and delivery.provider_ref == message["Message-ID"]
    assert message["To"] == schedule.client.email
    assert message["From"].addresses[0].display_name == "Check-in"  # organization sender
    assert message["Subject"] == "Time for your check-in"
    plain, html = text_of(message)
    assert plain.startswith("Time for your check-in. It takes under a minute.\n")
    assert links.checkin_url() in plain and links.checkin_url() in html
    # One-click pause, in the headers and in the body.
    pause_url = message["List-Unsubscribe"].strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert pause_url in plain
    assert_discreet(message.as_string())

    # The same task again, from a duplicate message or a sweeper, sends nothing.
    assert sending.delivery_send(delivery_id=delivery.pk).outcome is sending.Outcome.SKIPPED
    send_delivery.delay(delivery.pk)
    [later] = make_due_schedules(1, due=timezone.now() - timedelta(seconds=1))
    dispatch.reminders_dispatch()
    wait_until_all_sent(2)  # one worker process, first in first out: the repeat ran before
    assert sorted(m["To"] for m in read_mail(start_worker.mail)) == sorted(
        [schedule.client.email, later.client.email]
    )
    assert worker.process.poll() is None


def test_sms_reminder_through_the_file_backend_is_discreet(start_worker):
    start_worker()
    [schedule] = make_due_schedules(1, due=timezone.now(), channel=Channel.SMS)
    dispatch.reminders_dispatch()
    wait_until_all_sent(1)
    [sms] = read_sms_files(start_worker.sms)
    assert sms["to"] == schedule.client.phone
    assert sms["body"] == (
        f"Check-in: Time for your check-in. It takes under a minute. {links.checkin_url()}"
    )
    assert_discreet(sms["body"])


@pytest.mark.django_db
def test_everything_that_leaves_the_app_is_discreet(people):
    schedule = services.schedule_save(
        client=people.client_a,
        weekdays=0b1111111,
        local_time=timezone.now().time(),
        timezone_name="Europe/London",
        channel=Channel.EMAIL,
    )
    email = messages.reminder_email(schedule, delivery_id=7)
    assert_discreet(email.message().as_string())
    assert_discreet(messages.reminder_sms(schedule))
    assert_discreet(calendar.feed(schedule).decode())
    # Links and the feed address too (they show on lock screens and in calendar settings).
    token = services.feed_token_create(client=people.client_a)
    assert_discreet(links.feed_url(token) + links.pause_url(schedule) + links.settings_url())


def test_sms_gateway_429_is_retried_and_then_sent(start_worker, gateway):
    gateway.script.extend([429, 429])
    start_worker(**gateway.worker_env)
    [schedule] = make_due_schedules(1, due=timezone.now(), channel=Channel.SMS)
    dispatch.reminders_dispatch()
    wait_until_all_sent(1)
    delivery = delivery_for(schedule)
    assert delivery.attempts == 3
    assert delivery.provider_ref.startswith("SM")
    assert gateway.accepted_numbers() == [schedule.client.phone]
    assert len(gateway.received) == 3
    message = gateway.accepted[0]
    assert message["From"] == "+15550001111"
    assert message["Body"].startswith("Check-in: Time for your check-in.")


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (503, "SMS gateway said 503; it may have sent the message"),
        (500, "SMS gateway said 500; it may have sent the message"),
        (400, "SMS gateway refused the message (400)"),
    ],
)
def test_sms_gateway_error_is_not_blindly_retried(start_worker, gateway, status, reason):
    """A 5xx may mean the text went out: sending again could text the person twice."""
    gateway.default = status
    start_worker(**gateway.worker_env)
    [schedule] = make_due_schedules(1, due=timezone.now(), channel=Channel.SMS)
    dispatch.reminders_dispatch()
    delivery = wait_for(
        lambda: ReminderDelivery.objects.filter(schedule=schedule, status="failed").first()
    )
    assert delivery.attempts == 1
    assert len(gateway.received) == 1
    assert delivery.last_error == reason
    assert schedule.client.phone not in delivery.last_error


def test_unreachable_email_server_retries_with_backoff_then_fails_visibly(start_worker, client):
    admin_client = client
    sign_in(admin_client, make_user("delivery-admin", is_staff=True, is_superuser=True))
    closed_port = free_port()
    start_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(closed_port),
        EMAIL_USE_TLS="false",
        REMINDER_MAX_ATTEMPTS="3",
        REMINDER_RETRY_BASE_SECONDS="0.2",
    )
    with socket.socket() as probe:  # nothing listens there
        assert probe.connect_ex(("127.0.0.1", closed_port)) != 0
    [schedule] = make_due_schedules(1, due=timezone.now())
    dispatch.reminders_dispatch()
    delivery = wait_for(
        lambda: ReminderDelivery.objects.filter(schedule=schedule, status="failed").first()
    )
    assert delivery.attempts == 3
    assert delivery.last_error == (
        "Could not reach the email server (ConnectionRefusedError) (gave up after 3 attempts)"
    )
    page = admin_client.get(
        reverse("admin:plans_reminderdelivery_changelist"), {"status__exact": "failed"}
    ).content.decode()
    assert "Could not reach the email server" in page
    assert schedule.client.email not in delivery.last_error


@pytest.mark.services  # the cap is checked against the Redis broker's visibility timeout
def test_backoff_grows_with_jitter_up_to_a_cap():
    base = settings.HARMPLAN["SEND_RETRY_BASE_SECONDS"]
    cap = settings.HARMPLAN["SEND_RETRY_MAX_SECONDS"]
    for attempts in range(1, 12):
        ceiling = min(cap, base * 2 ** (attempts - 1))
        waits = {emails.backoff_seconds(attempts) for _ in range(200)}
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(waits) > 100  # jittered, so workers that failed together spread out
    assert cap < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_client_who_turned_reminders_off_after_dispatch_gets_nothing(start_worker):
    [schedule] = make_due_schedules(1, due=timezone.now())
    dispatch.reminders_dispatch()  # queued before any worker runs
    services.schedule_pause(schedule=schedule)
    start_worker()
    delivery = wait_for(
        lambda: ReminderDelivery.objects.filter(schedule=schedule, status="failed").first()
    )
    assert "paused or turned off" in delivery.last_error
    assert read_mail(start_worker.mail) == []


def test_inactive_account_is_not_reminded(start_worker):
    start_worker()
    [schedule] = make_due_schedules(1, due=timezone.now())
    get_user_model().objects.filter(pk=schedule.client_id).update(is_active=False)
    dispatch.reminders_dispatch()
    wait_for(lambda: status_counts()[DeliveryStatus.FAILED] == 1)
    assert read_mail(start_worker.mail) == []
    icalendar.Calendar.from_ical(calendar.feed(schedule))  # the feed still parses


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS])
def test_a_chunk_is_loaded_in_one_query_whatever_its_size(
    transactional_db, reminder_queue, settings, django_assert_num_queries, channel
):
    """Sending reads only the columns it loads (sending.SEND_FIELDS): no query per reminder.
    The one statement each reminder costs runs on its own cursor, which this does not count."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "plans.reminders.sms.NullBackend"
    make_due_schedules(7, due=timezone.now(), channel=channel)
    ids = dispatch.reminders_dispatch().queued
    with django_assert_num_queries(1):
        results = sending.deliveries_send(delivery_ids=ids)
    assert {result.outcome for result in results.values()} == {sending.Outcome.SENT}
    assert status_counts() == {DeliveryStatus.SENT: 7}


def test_a_chunk_out_of_time_sends_no_more_and_queues_the_rest_again(
    transactional_db, reminder_queue, settings, monkeypatch
):
    """A slow provider: the chunk stops before the task's time limit could cut a send off."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(sending, "CHUNK_SECONDS", 0)
    make_due_schedules(5, due=timezone.now())
    ids = sorted(dispatch.reminders_dispatch().queued)
    queued_before = len(queued_delivery_ids(reminder_queue))

    send_deliveries(ids)  # as a worker runs it: at least one is sent, whatever the time

    assert status_counts() == {DeliveryStatus.SENT: 1, DeliveryStatus.QUEUED: 4}
    assert ReminderDelivery.objects.get(status=DeliveryStatus.SENT).pk == ids[0]
    assert queued_delivery_ids(reminder_queue)[queued_before:] == ids[1:]


def _send_step_prepared() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%provider_ref = CASE%"],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.parametrize("threshold, prepared", [(2, True), (None, False)])
def test_the_send_step_is_prepared_unless_prepared_statements_are_off(
    db, monkeypatch, threshold, prepared
):
    """Prepared on its first use, for speed; not where DATABASE_PREPARED_STATEMENTS=false has
    turned prepared statements off (a pooler that cannot keep them would fail)."""
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", threshold)
    steps = sending.Steps()
    steps(sent=None, claim=None, now=timezone.now())
    assert _send_step_prepared() is prepared
    steps.close()

"""Sending one delivery: claim the row, hand the message to the channel, mark the row sent.

Every step is decided by the row's status in PostgreSQL, never by the broker, so a task that runs
twice, late or after a crash does no harm:

    queued --claim (one conditional UPDATE)--> sending --provider accepted--> sent
       ^                                          |
       +---- not sent, try again (backoff) -------+----> failed (rejected, unknown outcome,
                                                          or out of attempts)
"""

from __future__ import annotations

import logging
import smtplib
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

import psycopg
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from harmplan import emails
from plans.models import Channel, DeliveryStatus, ReminderDelivery

from . import messages, sms

log = logging.getLogger(__name__)

# Two machines' clocks may differ a little; a task may start this much before its backoff ends.
CLOCK_TOLERANCE = timedelta(seconds=5)
# A chunk starts no new send after this long, well inside the send task's soft time limit
# (plans/reminders/tasks.py): when the provider is slow, the rest go back on the queue rather
# than the time limit cutting a send off in the middle (which would count as failed).
CHUNK_SECONDS = 90


class Outcome(Enum):
    SKIPPED = "skipped"  # not ours to send: sent already, being sent, gone, or not due yet
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    LATER = "later"  # not started: the chunk ran out of time (CHUNK_SECONDS); queue it again


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    retry_in: float = 0  # seconds to wait before the next try, for Outcome.RETRY
    provider_ref: str = ""


class NotSent(Exception):
    """Certainly not sent; another attempt may work."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Rejected(Exception):
    """Not sent, and another attempt will not help."""


class OutcomeUnknown(Exception):
    """Perhaps sent. Another attempt could reach the person twice, so there is none."""


class Outbox:
    """What the reminders of one send chunk share: the text, rendered once per organization,
    and one connection to the email server, opened for the first email and closed at the end."""

    def __init__(self) -> None:
        self.shared = messages.SharedText()
        self._connection: BaseEmailBackend | None = None

    def connection(self):
        if self._connection is None:
            connection = get_connection()
            connection.open()  # opened here, send_messages() leaves it open for the next one
            self._connection = connection
        return self._connection

    def close(self) -> None:
        """Also after an error, so that the next email starts on a fresh connection."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):
                connection.close()


def _send_email(delivery: ReminderDelivery, outbox: Outbox) -> str:
    schedule = delivery.schedule
    if not schedule.client.email:
        raise Rejected("No email address on the account")
    message = messages.reminder_email(schedule, delivery_id=delivery.pk, shared=outbox.shared)
    try:
        message.connection = outbox.connection()
        message.send()
    except smtplib.SMTPRecipientsRefused:
        raise Rejected("The email server refused the address") from None
    except smtplib.SMTPResponseException as error:
        outbox.close()  # the next email starts on a fresh connection
        if 400 <= error.smtp_code < 500:
            raise NotSent(f"The email server said {error.smtp_code}; trying again") from None
        raise Rejected(f"The email server said {error.smtp_code}") from None
    except (smtplib.SMTPException, OSError) as error:
        outbox.close()
        # Email that was not accepted is safe to send again; if the server did accept it just
        # before the connection broke, the repeat has the same Message-ID and mailboxes drop it.
        raise NotSent(f"Could not reach the email server ({type(error).__name__})") from None
    return message.extra_headers["Message-ID"]


def _send_sms(delivery: ReminderDelivery) -> str:
    schedule = delivery.schedule
    if not sms.sms_enabled():
        raise Rejected("Text messages are not set up")
    if not schedule.client.phone:
        raise Rejected("No mobile number on the account")
    try:
        return sms.get_backend().send(
            to=schedule.client.phone, body=messages.reminder_sms(schedule)
        )
    except sms.SmsNotSent as error:
        raise NotSent(str(error), retry_after=error.retry_after) from None
    except sms.SmsRejected as error:
        raise Rejected(str(error)) from None
    except sms.SmsOutcomeUnknown as error:
        raise OutcomeUnknown(str(error)) from None


def _hand_over(delivery: ReminderDelivery, outbox: Outbox) -> str:
    client = delivery.schedule.client
    if not client.is_active:
        raise Rejected("The account is not active")
    try:
        if delivery.channel == Channel.EMAIL:
            return _send_email(delivery, outbox)
        if delivery.channel == Channel.SMS:
            return _send_sms(delivery)
    except SoftTimeLimitExceeded:
        raise OutcomeUnknown("Sending took too long") from None
    raise Rejected("No way to send this reminder")


# The one statement each reminder costs, written out (the ORM's own cost per UPDATE is several
# times PostgreSQL's): it marks the reminder just handed over as sent and claims the next one
# (queued → sending, if it is still queued and its backoff is over). Either id may be -1.
TABLE = ReminderDelivery._meta.db_table
STEP_SQL = f"""
UPDATE {TABLE} SET
    status = CASE WHEN id = %(sent)s THEN 'sent' ELSE 'sending' END,
    sent_at = CASE WHEN id = %(sent)s THEN %(now)s ELSE sent_at END,
    provider_ref = CASE WHEN id = %(sent)s THEN %(ref)s ELSE provider_ref END,
    last_error = CASE WHEN id = %(sent)s THEN '' ELSE last_error END,
    attempts = CASE WHEN id = %(sent)s THEN attempts ELSE attempts + 1 END,
    sending_at = CASE WHEN id = %(sent)s THEN sending_at ELSE %(now)s END,
    updated_at = %(now)s
WHERE (id = %(sent)s AND status <> 'sent')
   OR (id = %(claim)s AND status = 'queued' AND next_attempt_at <= %(latest)s)
RETURNING id
"""


class Steps:
    """The one statement each reminder costs (STEP_SQL), on one cursor for a whole chunk.

    On PostgreSQL the cursor is psycopg's own, on Django's connection, so that the statement is
    prepared on its first use: PostgreSQL would otherwise parse and plan it again for the first
    reminders of each connection, and that costs more than running it. Not where prepared
    statements are turned off (DATABASE_PREPARED_STATEMENTS, for a pooler that cannot keep them).
    Errors are still Django's (wrap_database_errors), as from any other query.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        options = connection.settings_dict["OPTIONS"]
        self._prepared = (
            connection.vendor == "postgresql" and options.get("prepare_threshold") is not None
        )
        self._cursor: Any = (
            psycopg.Cursor(connection.connection) if self._prepared else connection.cursor()
        )

    def __call__(self, *, sent: tuple[int, str] | None, claim: int | None, now: datetime) -> bool:
        """Mark `sent` (id, provider reference) as sent and claim `claim`, in one autocommitted
        UPDATE. Returns whether `claim` is now ours to send."""
        sent_id, ref = sent or (-1, "")
        at: Any = now
        latest: Any = now + CLOCK_TOLERANCE
        if not self._prepared:
            at = connection.ops.adapt_datetimefield_value(now)
            latest = connection.ops.adapt_datetimefield_value(now + CLOCK_TOLERANCE)
        params = {
            "sent": sent_id,
            "ref": ref[:100],
            "claim": -1 if claim is None else claim,
            "now": at,
            "latest": latest,
        }
        with connection.wrap_database_errors:
            if self._prepared:
                self._cursor.execute(STEP_SQL, params, prepare=True)
            else:
                self._cursor.execute(STEP_SQL, params)
            rows = self._cursor.fetchall()
        return claim is not None and any(pk == claim for (pk,) in rows)

    def close(self) -> None:
        with suppress(Exception):
            self._cursor.close()


def _fail(delivery: ReminderDelivery, reason: str) -> SendResult:
    ReminderDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.FAILED, last_error=reason[:200], updated_at=timezone.now()
    )
    log.warning("Reminder delivery %s not sent: %s", delivery.pk, reason)
    return SendResult(Outcome.FAILED)


def _retry_or_fail(delivery: ReminderDelivery, error: NotSent) -> SendResult:
    if delivery.attempts >= emails.max_attempts():
        return _fail(delivery, f"{error} (gave up after {delivery.attempts} attempts)")
    wait = (
        error.retry_after
        if error.retry_after is not None
        else emails.backoff_seconds(delivery.attempts)
    )
    wait = min(wait, settings.HARMPLAN["SEND_RETRY_MAX_SECONDS"])
    now = timezone.now()
    ReminderDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.QUEUED,
        next_attempt_at=now + timedelta(seconds=wait),
        enqueued_at=now,
        last_error=str(error)[:200],
        updated_at=now,
    )
    return SendResult(Outcome.RETRY, retry_in=wait)


def _send_claimed(delivery: ReminderDelivery, now: datetime, outbox: Outbox) -> SendResult:
    schedule = delivery.schedule
    if schedule.channel == Channel.NONE or schedule.is_paused(now):
        return _fail(delivery, "Reminders were paused or turned off before this one was sent")
    try:
        provider_ref = _hand_over(delivery, outbox)
    except NotSent as error:
        return _retry_or_fail(delivery, error)
    except (Rejected, OutcomeUnknown) as error:
        return _fail(delivery, str(error))
    return SendResult(Outcome.SENT, provider_ref=provider_ref)


# What sending reads of a delivery and the rows joined to it, and nothing else: loading every
# column of five tables cost more than the rest of a send. A field read but not listed here costs
# a query for each reminder (tests/test_reminders_delivery.py counts them).
SEND_FIELDS = (
    "status",
    "channel",
    "attempts",
    "schedule__channel",
    "schedule__paused_until",
    "schedule__timezone",
    "schedule__public_id",
    "schedule__client__email",
    "schedule__client__phone",
    "schedule__client__is_active",
    "schedule__client__language",
    "schedule__client__membership__organization__display_name",
    "schedule__client__membership__organization__icon",
    "schedule__client__membership__organization__exit_url",
)


def deliveries_send(*, delivery_ids: list[int]) -> dict[int, SendResult]:
    """Send each delivery that is still waiting, one after another; safe to call again any time.

    One query loads them all; then each is claimed on its own just before it is sent, so at most
    one row per worker process is ever in "sending", and a crash leaves the rest "queued". The
    chunk shares one rendering of the text and one connection to the email server.
    """
    results = dict.fromkeys(delivery_ids, SendResult(Outcome.SKIPPED))
    # By id alone: with `status = 'queued'` too, PostgreSQL may walk the whole index of open
    # deliveries (100,000 in a burst) for each chunk. The claim below checks the status.
    deliveries = (
        ReminderDelivery.objects.select_related("schedule__client__membership__organization")
        .only(*SEND_FIELDS)
        .filter(pk__in=delivery_ids)
    )
    outbox = Outbox()
    step = Steps()
    handed_over: tuple[int, str] | None = None
    stop_at = time.monotonic() + CHUNK_SECONDS
    started = False
    try:
        for delivery in sorted(deliveries, key=lambda d: d.pk):
            if delivery.status != DeliveryStatus.QUEUED:
                continue
            if started and time.monotonic() > stop_at:
                results[delivery.pk] = SendResult(Outcome.LATER)
                continue
            started = True
            now = timezone.now()
            claimed = step(sent=handed_over, claim=delivery.pk, now=now)
            handed_over = None
            if claimed:
                delivery.attempts += 1
                delivery.status = DeliveryStatus.SENDING
                result = _send_claimed(delivery, now, outbox)
                results[delivery.pk] = result
                # THE ONE WINDOW NO SYSTEM CAN CLOSE. The provider has accepted the message;
                # until the next step() commits, the row still says "sending". If this process
                # dies here (kill -9, power loss, database gone), the sweeper later finds the
                # row stuck in "sending" and sends it again, so the person gets it twice.
                # Nothing runs between the provider's answer and that single autocommitted
                # UPDATE (no logging, no rendering, no other query: the same statement claims
                # the next reminder), which keeps the window as narrow as one round trip to
                # PostgreSQL. Email repeats carry the same Message-ID.
                if result.outcome is Outcome.SENT:
                    handed_over = (delivery.pk, result.provider_ref)
    finally:
        if handed_over:
            step(sent=handed_over, claim=None, now=timezone.now())
        step.close()
        outbox.close()
    return results


def delivery_send(*, delivery_id: int) -> SendResult:
    """Send one delivery if it is still waiting to be sent; safe to call any number of times."""
    return deliveries_send(delivery_ids=[delivery_id])[delivery_id]

"""Celery tasks for reminders. Thin: each takes ids, calls one service and returns.

Settings that matter here (harmplan/settings.py): acks_late, reject_on_worker_lost and a prefetch
multiplier of 1 for every task, so a message is taken off the queue only after its task has run,
and a worker that dies hands its messages back. Whatever the broker does, the delivery row's
status decides whether anything is sent.
"""

from __future__ import annotations

from celery import shared_task

from harmplan import emails
from plans.reminders import digests, dispatch, sending

# Hard limits, below the sweeper's SENDING_STUCK_AFTER (5 minutes), so a slow send is never taken
# for a dead one. One send takes at most EMAIL_TIMEOUT or SMS_TWILIO_TIMEOUT seconds.
SEND_SOFT_TIME_LIMIT = 240
SEND_TIME_LIMIT = 270
# Names stay as they were before the reminder code moved here, so queued messages, beat
# schedules and worker routing written for them keep working.
NAMES = "plans.tasks."


@shared_task(name=NAMES + "dispatch_due", ignore_result=True)
def dispatch_due() -> int:
    """Claim every due schedule and queue its sends (beat runs this every minute)."""
    return len(dispatch.reminders_dispatch().queued)


@shared_task(name=NAMES + "sweep_stuck", ignore_result=True)
def sweep_stuck() -> int:
    """Queue again the deliveries whose send task was lost (beat runs this every minute)."""
    return len(dispatch.deliveries_sweep())


@shared_task(
    name=NAMES + "send_deliveries",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    time_limit=SEND_TIME_LIMIT,
)
def send_deliveries(delivery_ids: list[int]) -> None:
    """Send a batch of reminders queued together by the dispatcher or the sweeper.

    A delivery that should be tried again later goes back on the queue on its own, as
    send_delivery with a countdown; those the batch had no time for go back as one batch.
    """
    later = []
    for delivery_id, result in sending.deliveries_send(delivery_ids=delivery_ids).items():
        if result.outcome is sending.Outcome.RETRY:
            send_delivery.apply_async((delivery_id,), countdown=result.retry_in)
        elif result.outcome is sending.Outcome.LATER:
            later.append(delivery_id)
    if later:
        send_deliveries.delay(later)


@shared_task(
    name=NAMES + "send_delivery",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    time_limit=SEND_TIME_LIMIT,
)
def send_delivery(self, delivery_id: int) -> str:
    """Send one reminder. Backoff and the number of attempts are kept on the row, not by Celery."""
    result = sending.delivery_send(delivery_id=delivery_id)
    if result.outcome is sending.Outcome.RETRY:
        raise self.retry(countdown=result.retry_in, max_retries=None)
    return result.outcome.value


@shared_task(name=NAMES + "review_digests", ignore_result=True)
def review_digests() -> int:
    """Counselors' daily "plan reviews due" email (beat runs this every hour)."""
    digests.review_digests_requeue()
    return len(digests.review_digests_dispatch())


@shared_task(
    name=NAMES + "send_review_digest",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_review_digest(self, digest_id: int) -> None:
    if not digests.review_digest_send(digest_id=digest_id):
        attempt = self.request.retries + 1
        raise self.retry(
            countdown=emails.backoff_seconds(attempt), max_retries=emails.max_attempts() - 1
        )

"""Celery tasks for reminders. Thin: each takes ids, calls one service and returns.

Settings that matter here (harmplan/settings.py): acks_late, reject_on_worker_lost and a prefetch
multiplier of 1 for every task, so a message is taken off the queue only after its task has run,
and a worker that dies hands its messages back.
"""

from __future__ import annotations

from celery import shared_task

from plans.reminders import dispatch, sending


@shared_task(ignore_result=True)
def dispatch_due() -> int:
    """Claim every due schedule and queue its send (beat runs this every minute)."""
    return len(dispatch.reminders_dispatch().queued)


@shared_task(ignore_result=True)
def sweep_stuck() -> int:
    """Queue again the deliveries whose send task was lost (beat runs this every minute)."""
    return len(dispatch.deliveries_sweep())


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Below the sweeper's SENDING_STUCK_AFTER (5 minutes): a slow send is never taken for a
    # dead one.
    soft_time_limit=60,
    time_limit=90,
)
def send_delivery(self, delivery_id: int) -> str:
    """Send one reminder. Retries with backoff are decided by the row, not by Celery's counter."""
    result = sending.delivery_send(delivery_id=delivery_id)
    if result.outcome is sending.Outcome.RETRY:
        raise self.retry(countdown=result.retry_in, max_retries=None)
    return result.outcome.value

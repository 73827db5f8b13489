"""Account emails sent by the worker after the request has finished."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail

from harmplan import emails


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_email(self, subject: str, body: str, to: list[str], from_email: str | None = None) -> None:
    try:
        send_mail(subject, body, from_email, to)
    except OSError as error:  # smtplib's errors are OSErrors: the server could not be reached
        attempt = self.request.retries + 1
        raise self.retry(
            exc=error,
            countdown=emails.backoff_seconds(attempt),
            max_retries=emails.max_attempts() - 1,
        ) from None

"""Account emails. Thin tasks: they take ids, never links or message text, and retry by the one
policy in harmplan/emails.py."""

from __future__ import annotations

from celery import shared_task

from harmplan import emails

from . import mail
from .models import EmailChange, User


def _send(task, message) -> None:
    try:
        message.send()
    except OSError as error:  # smtplib's errors are OSErrors: the server could not be reached
        attempt = task.request.retries + 1
        raise task.retry(
            exc=error,
            countdown=emails.backoff_seconds(attempt),
            max_retries=emails.max_attempts() - 1,
        ) from None


@shared_task(
    name="harmplan.accounts.tasks.send_password_reset",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_password_reset(self, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user:
        _send(self, mail.password_reset(user))


@shared_task(
    name="harmplan.accounts.tasks.send_email_change_confirmation",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_email_change_confirmation(self, change_id: int) -> None:
    change = EmailChange.objects.filter(pk=change_id, confirmed_at__isnull=True).first()
    if change and change.new_email:
        _send(self, mail.email_change_confirmation(change))


@shared_task(
    name="harmplan.accounts.tasks.send_email_change_notice",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_email_change_notice(self, change_id: int) -> None:
    change = EmailChange.objects.filter(pk=change_id).exclude(old_email="").first()
    if change:
        _send(self, mail.email_change_notice(change))

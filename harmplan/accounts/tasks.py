"""Account emails. Thin tasks: they take ids, never links or message text."""

from __future__ import annotations

from celery import shared_task

from . import mail
from .models import EmailChange, User

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "retry_jitter": True, "max_retries": 8}


@shared_task(**RETRY)
def send_password_reset(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user:
        mail.password_reset(user).send()


@shared_task(**RETRY)
def send_email_change_confirmation(change_id: int) -> None:
    change = EmailChange.objects.filter(pk=change_id, confirmed_at__isnull=True).first()
    if change and change.new_email:
        mail.email_change_confirmation(change).send()


@shared_task(**RETRY)
def send_email_change_notice(change_id: int) -> None:
    change = EmailChange.objects.filter(pk=change_id).exclude(old_email="").first()
    if change:
        mail.email_change_notice(change).send()

"""Account emails. Thin tasks: they take ids, never links or message text."""

from __future__ import annotations

from celery import shared_task

from . import mail
from .models import User


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def send_password_reset(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user:
        mail.password_reset(user).send()

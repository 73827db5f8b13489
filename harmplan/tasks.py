from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def send_email(subject: str, body: str, to: list[str], from_email: str | None = None) -> None:
    send_mail(subject, body, from_email, to)

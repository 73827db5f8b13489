"""Periodic work for records (beat, harmplan/settings.py). Thin: each calls one service."""

from __future__ import annotations

from celery import shared_task

from . import closing, sharing


@shared_task(name="plans.records.tasks.expire_consents", ignore_result=True)
def expire_consents() -> int:
    """Stop consents whose end date has passed, and their links."""
    return sharing.consents_expire()


@shared_task(name="plans.records.tasks.delete_closed_accounts", ignore_result=True)
def delete_closed_accounts() -> int:
    """Delete the accounts whose grace period is over."""
    return len(closing.accounts_delete_due())

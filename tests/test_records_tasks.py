"""The periodic records work runs in a real Celery worker, from the beat schedule's own names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from harmplan.celery import app as celery_app
from plans.models import AccountClosure, Consent, Plan
from plans.records import closing
from tests.conftest import wait_for
from tests.factories import make_people
from tests.plan_factories import add_plans
from tests.records_support import make_consent

BEAT = {
    "records-expire-consents": "plans.records.tasks.expire_consents",
    "records-delete-closed-accounts": "plans.records.tasks.delete_closed_accounts",
}


def test_beat_runs_the_records_tasks():
    celery_app.loader.import_default_modules()  # what a worker does when it starts
    for entry, task in BEAT.items():
        assert settings.CELERY_BEAT_SCHEDULE[entry]["task"] == task
        assert task in celery_app.tasks


@pytest.mark.django_db(transaction=True)
def test_worker_expires_consents_and_deletes_closed_accounts(celery_worker):
    people = make_people()
    add_plans(people)
    consent = make_consent(people.client_a).consent
    make_consent(people.client_b)  # still running
    closure = closing.closing_request(client=people.client_b)
    past = timezone.now() - timedelta(minutes=1)
    Consent.objects.filter(pk=consent.pk).update(expires_at=past)
    AccountClosure.objects.filter(pk=closure.pk).update(delete_after=past)

    for task in BEAT.values():
        celery_app.send_task(task)

    consent = wait_for(
        lambda: Consent.objects.filter(pk=consent.pk, expired_at__isnull=False).first()
    )
    assert consent.token_hash is None
    wait_for(
        lambda: AccountClosure.objects.filter(pk=closure.pk, completed_at__isnull=False).exists()
    )
    assert not Plan.objects.filter(client=people.client_b).exists()
    assert Plan.objects.filter(client=people.client_a).exists()

"""Closing an account: the page, the password, the grace period, cancelling, and the deletion,
checked table by table on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from axes.models import AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse

from harmplan.accounts.access import log_access
from harmplan.accounts.models import AccessEvent, CareAssignment, Invitation, Membership
from harmplan.accounts.services import invitation_create
from plans.models import (
    AccountClosure,
    CheckIn,
    CheckInEntry,
    Consent,
    Disclosure,
    Goal,
    GoalStrategy,
    Method,
    Plan,
    PrivacyChoice,
    RecordsPolicy,
    ReminderDelivery,
    ReminderSchedule,
    Review,
    Revision,
    ServiceGiven,
    Step,
)
from plans.records import closing, privacy, sharing
from plans.reminders import services as reminder_services
from tests.factories import PASSWORD
from tests.plan_factories import add_plans
from tests.records_support import fill_plan, make_consent
from tests.signin import sign_in

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
User = get_user_model()

# What stays after deletion, and nothing else (closing.KEPT says why, on the page).
KEPT = {User, Membership, AccessEvent, Consent, Disclosure, AccountClosure}


@pytest.fixture
def filled(people, rf):
    with time_machine.travel(NOW, tick=False):
        add_plans(people)
        fill_plan(people)
        for person in (people.client_a, people.client_b):
            person.email = f"{person.username}@example.org"
            person.save(update_fields=["email"])
            schedule = reminder_services.schedule_save(
                client=person,
                weekdays=0b1111111,
                local_time=time(9),
                timezone_name="America/New_York",
                channel="email",
            )
            ReminderDelivery.objects.create(
                schedule=schedule,
                slot=NOW,
                channel="email",
                status="sent",
                next_attempt_at=NOW,
                enqueued_at=NOW,
            )
        people.feed_key = reminder_services.feed_token_create(client=people.client_a)
        people.link_key = make_consent(people.client_a).token
        sharing.shared_open(token=people.link_key)
        sharing.consent_pdf(consent=make_consent(people.client_a, method=Method.PDF).consent)
        privacy.privacy_save(client=people.client_a, notes_private=True)
        AccessLog.objects.create(username=people.client_a.username, ip_address="127.0.0.1")
        issued = invitation_create(invited_by=people.counselor)
        Invitation.objects.filter(pk=issued.invitation.pk).update(used_by=people.client_a)
        people.queued = ReminderDelivery.objects.create(
            schedule=ReminderSchedule.objects.get(client=people.client_a),
            slot=NOW + timedelta(minutes=1),
            channel="email",
            next_attempt_at=NOW,
            enqueued_at=NOW,
        )
        request = rf.get("/")
        request.user = people.counselor
        log_access(request, people.client_a, AccessEvent.Action.VIEW, "plan")
    return people


def close(client, people, password=PASSWORD):
    with time_machine.travel(NOW, tick=False):
        sign_in(client, people.client_a)
        return client.post(reverse("plans:account_close"), {"password": password})


def test_page_says_what_is_deleted_and_kept_and_offers_the_download(client, filled):
    sign_in(client, filled.client_a)
    page = client.get(reverse("plans:account_close")).content.decode()
    for line in closing.DELETED:
        assert str(line) in page
    for line, why in closing.KEPT:
        assert str(line) in page and str(why) in page
    assert reverse("plans:records_export") in page
    assert "deleted 14 days after you ask" in page


def test_wrong_password_changes_nothing(client, filled):
    response = close(client, filled, password="not-my-password")
    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    assert not AccountClosure.objects.exists()


def test_asking_stops_reminders_calendar_and_links_at_once(client, filled):
    response = close(client, filled)
    assert response.status_code == 302
    closure = AccountClosure.objects.get()
    assert closure.delete_after == NOW + timedelta(days=14)
    schedule = ReminderSchedule.objects.get(client=filled.client_a)
    assert schedule.next_due_at is None
    filled.queued.refresh_from_db()
    assert filled.queued.status == "failed"  # the one already in the outbox is not sent
    assert client.get(reverse("plans:calendar_feed", args=[filled.feed_key])).status_code == 404
    client.logout()
    response = client.get(reverse("plans:shared_view"), {"key": filled.link_key})
    assert response.status_code == 404
    assert not Consent.objects.active().filter(client=filled.client_a).exists()
    # Client B's reminders go on.
    assert ReminderSchedule.objects.get(client=filled.client_b).next_due_at is not None
    # The counselor sees it in session; the date is in the program's zone.
    with time_machine.travel(NOW, tick=False):
        sign_in(client, filled.counselor)
        page = client.get(filled.plan_a.get_absolute_url()).content.decode()
    assert "Closing on 15 December 2026." in page
    with time_machine.travel(NOW, tick=False):
        caseload = client.get(reverse("plans:caseload")).content.decode()
    assert caseload.count("Closing on 15 Dec 2026") == 1  # client A only


def test_one_click_cancels_and_reminders_come_back(client, filled):
    before = ReminderSchedule.objects.get(client=filled.client_a).next_due_at
    close(client, filled)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        sign_in(client, filled.client_a)
        response = client.post(reverse("plans:account_close_cancel"))
    assert response.status_code == 302
    closure = AccountClosure.objects.get()
    assert closure.cancelled_at is not None
    assert ReminderSchedule.objects.get(client=filled.client_a).next_due_at == before
    assert closing.accounts_delete_due(now=NOW + timedelta(days=30)) == []
    assert Plan.objects.filter(client=filled.client_a).exists()


def test_the_grace_period_is_the_organizations(client, filled):
    RecordsPolicy.objects.create(organization=filled.org, closing_grace_days=3)
    close(client, filled)
    assert AccountClosure.objects.get().delete_after == NOW + timedelta(days=3)


def rows_pointing_at(user) -> dict[type[models.Model], int]:
    """For every model in the project, the rows with a foreign key to `user`."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            to_user = field.many_to_one or field.one_to_one
            if to_user and field.concrete and field.related_model is User:
                count = model._default_manager.filter(**{field.name: user}).count()
                if count:
                    found[model] = found.get(model, 0) + count
    return found


CONTENT = {
    Plan: "client",
    Goal: "plan__client",
    Step: "goal__plan__client",
    GoalStrategy: "goal__plan__client",
    Revision: "plan__client",
    Review: "plan__client",
    CheckIn: "client",
    CheckInEntry: "checkin__client",
    ReminderSchedule: "client",
    ReminderDelivery: "schedule__client",
    PrivacyChoice: "client",
    ServiceGiven: "client",
    CareAssignment: "client",
}


def test_deletion_leaves_no_content_and_keeps_what_the_law_asks(client, filled):
    client_a = filled.client_a
    client_b = filled.client_b
    before_b = {
        model: model.objects.filter(**{path: client_b}).count() for model, path in CONTENT.items()
    }
    for model, path in CONTENT.items():
        assert model.objects.filter(**{path: client_a}).exists(), model  # the seed has them all
    access_rows = AccessEvent.objects.filter(client=client_a).count()
    close(client, filled)
    # Not before the grace period is over.
    assert closing.accounts_delete_due(now=NOW + timedelta(days=13)) == []
    assert Plan.objects.filter(client=client_a).exists()
    done = closing.accounts_delete_due(now=NOW + timedelta(days=14))
    assert len(done) == 1

    for model, path in CONTENT.items():
        assert not model.objects.filter(**{path: client_a}).exists(), model
        assert model.objects.filter(**{path: client_b}).count() == before_b[model], model
    leftover = rows_pointing_at(client_a)
    assert set(leftover) <= KEPT, f"rows left in {set(leftover) - KEPT}"
    assert not AccessLog.objects.filter(username="client-a").exists()

    client_a.refresh_from_db()
    assert client_a.username.startswith("closed-")
    assert (client_a.email, client_a.phone, client_a.preferred_name) == ("", "", "")
    assert not client_a.is_active and not client_a.has_usable_password()
    client.logout()
    client.post(reverse("login"), {"username": "client-a", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    # Kept: the access log (plus the deletion itself), the consents and the accounting.
    assert AccessEvent.objects.filter(client=client_a).count() == access_rows + 1
    deletion = AccessEvent.objects.filter(client=client_a).latest("at")
    assert (deletion.action, deletion.object_type) == (AccessEvent.Action.DELETE, "account")
    assert Consent.objects.filter(client=client_a).count() == 2
    assert Disclosure.objects.filter(consent__client=client_a).count() == 2
    closure = AccountClosure.objects.get()
    assert closure.completed_at == NOW + timedelta(days=14)
    assert closure.summary["kept"] == {
        "access log": access_rows + 1,
        "consents": 2,
        "disclosures": 2,
    }
    assert closure.summary["deleted"]["check-ins"] == 3
    # Running again does nothing.
    assert closing.accounts_delete_due(now=NOW + timedelta(days=20)) == []

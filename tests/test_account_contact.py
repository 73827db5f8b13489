"""Changing email or phone needs the current password (or a sign-in a moment ago); a new email
address is used only after its confirmation link is opened, and the old one is told."""

from __future__ import annotations

import base64
import json
import os
import re
from datetime import timedelta

import pytest
import redis
import time_machine
from django.urls import reverse
from django.utils import timezone

from harmplan.accounts import services, throttle
from harmplan.accounts.models import User
from tests.conftest import wait_for
from tests.factories import PASSWORD, make_people

CONTACT = reverse("accounts:contact")


def signed_in_long_ago(client, user):
    # A session left open on a shared phone: the sign-in was ten minutes ago (past the five
    # minutes a fresh sign-in counts for, inside the 30 minutes a session stays open idle).
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        client.force_login(user)


def sign_in(client, username="client-a"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_session_alone_cannot_change_the_email_address(people, client):
    """The probe: a moment on a shared phone became a permanent takeover."""
    signed_in_long_ago(client, people.client_a)
    response = client.post(CONTACT, {"email": "taker@example.net", "phone": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["current_password"] == ["Enter your current password"]
    assert 'value="taker@example.net"' in response.content.decode()
    wrong = client.post(CONTACT, {"email": "taker@example.net", "current_password": "guess"})
    assert wrong.context["form"].errors["current_password"] == ["That is not your current password"]
    people.client_a.refresh_from_db()
    assert people.client_a.email == "a@example.org"


def test_guessing_the_current_password_is_limited(people, client):
    signed_in_long_ago(client, people.client_a)
    for n in range(throttle.REAUTHENTICATION.tries):
        client.post(CONTACT, {"phone": "555 123 4567", "current_password": f"guess-{n}"})
    response = client.post(CONTACT, {"phone": "555 123 4567", "current_password": PASSWORD})
    assert "Too many tries" in response.context["form"].errors["current_password"][0]
    people.client_a.refresh_from_db()
    assert people.client_a.phone == ""


def test_a_sign_in_within_five_minutes_is_enough(people, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client)
        response = client.get(CONTACT)
        assert "current_password" not in response.context["form"].fields
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        assert client.post(CONTACT, {"email": "a@example.org", "phone": "555 123 4567"})[
            "Location"
        ] == (CONTACT)
    people.client_a.refresh_from_db()
    assert people.client_a.phone == "555 123 4567"
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        response = client.post(CONTACT, {"email": "a@example.org", "phone": "555 000 0000"})
        assert "current_password" in response.context["form"].errors


def queued_bodies(queue: str) -> list[str]:
    raw = redis.Redis.from_url(os.environ["REDIS_URL"]).lrange(queue, 0, -1)
    return [raw_message.decode() for raw_message in raw]


def test_email_change_queues_ids_not_links(
    people, client, reminder_queue, django_capture_on_commit_callbacks
):
    signed_in_long_ago(client, people.client_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONTACT, {"email": "new@example.net", "current_password": PASSWORD})
    messages = [json.loads(body) for body in queued_bodies(reminder_queue)]
    tasks = sorted(message["headers"]["task"] for message in messages)
    assert tasks == [
        "harmplan.accounts.tasks.send_email_change_confirmation",
        "harmplan.accounts.tasks.send_email_change_notice",
    ]
    for message in messages:
        body = base64.b64decode(message["body"]).decode()
        assert "confirm" not in body and "@" not in body
        assert json.loads(body)[0] == [people.client_a.email_changes.get().pk]


def mail_to(mail_dir, address: str) -> str:
    def find() -> str:
        for path in mail_dir.glob("*.log"):
            text = path.read_text()
            if f"To: {address}" in text and text.rstrip().endswith("-" * 79):
                return text
        return ""

    return wait_for(find, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_new_address_is_used_only_after_its_link_is_opened(celery_worker, mail_dir, client):
    people = make_people()
    for old in mail_dir.glob("*"):
        old.unlink()
    signed_in_long_ago(client, people.client_a)
    response = client.post(
        CONTACT, {"email": "new@example.net", "phone": "", "current_password": PASSWORD}
    )
    assert response["Location"] == CONTACT
    assert "We sent a link to" in client.get(CONTACT).content.decode()
    people.client_a.refresh_from_db()
    assert people.client_a.email == "a@example.org"  # resets and reminders still go here

    notice = mail_to(mail_dir, "a@example.org")
    assert "new@example.net" not in notice
    assert "change the email address" in notice
    confirmation = mail_to(mail_dir, "new@example.net")
    link = re.search(r"https?://[^/\s]+(/account/email/confirm/\S+/)", confirmation).group(1)

    # A password reset for the new address sends nothing yet.
    client.logout()
    assert services.email_change_find(link.split("/")[-2]).new_email == "new@example.net"
    assert not User.objects.filter(email="new@example.net").exists()

    page = client.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    people.client_a.refresh_from_db()
    assert people.client_a.email == "a@example.org"
    assert "Email address confirmed" in client.post(link).content.decode()
    people.client_a.refresh_from_db()
    assert people.client_a.email == "new@example.net"
    assert client.post(link).status_code == 410  # once only


def test_an_older_link_stops_working_when_another_address_is_asked_for(people, client):
    signed_in_long_ago(client, people.client_a)
    client.post(CONTACT, {"email": "first@example.net", "current_password": PASSWORD})
    first = services.email_change_token(people.client_a.email_changes.get())
    client.post(CONTACT, {"email": "second@example.net", "current_password": PASSWORD})
    url = reverse("accounts:email_confirm", args=[first])
    assert client.post(url).status_code == 410
    people.client_a.refresh_from_db()
    assert people.client_a.email == "a@example.org"


def test_confirmation_links_expire(people, client):
    signed_in_long_ago(client, people.client_a)
    client.post(CONTACT, {"email": "new@example.net", "current_password": PASSWORD})
    token = services.email_change_token(people.client_a.email_changes.get())
    with time_machine.travel(timezone.now() + timedelta(days=services.EMAIL_CHANGE_DAYS, hours=1)):
        assert client.post(reverse("accounts:email_confirm", args=[token])).status_code == 410

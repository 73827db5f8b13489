"""Password reset email goes out through a real Celery worker and Redis."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import wait_for
from tests.factories import make_people


@pytest.mark.django_db(transaction=True)
def test_reset_email_is_sent_by_the_worker(celery_worker, mail_dir, client):
    people = make_people()
    people.org.display_name = "Greenway"
    people.org.save()
    for old in mail_dir.glob("*"):
        old.unlink()
    response = client.post(reverse("password_reset"), {"email": "a@example.org"})
    assert response.status_code == 302

    def sent_message() -> str:
        # The file backend creates the file before it writes the message: wait for the end of it.
        texts = [path.read_text() for path in mail_dir.glob("*.log")]
        return next((text for text in texts if text.rstrip().endswith("-" * 79)), "")

    message = wait_for(sent_message, timeout=30)
    assert "To: a@example.org" in message
    # From the organization's own name, never the product's: others may see the inbox.
    assert "From: Greenway <" in message
    assert "harmplan" not in message.lower()
    link = re.search(r"https?://[^/\s]+(/account/password/reset/\S+)", message).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "green-river-lantern-5", "new_password2": "green-river-lantern-5"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    response = client.post(
        reverse("login"), {"username": "client-a", "password": "green-river-lantern-5"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.django_db(transaction=True)
def test_no_email_for_accounts_without_one(celery_worker, mail_dir, client):
    make_people()
    for old in mail_dir.glob("*"):
        old.unlink()
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    # Same answer either way, so the page does not reveal who has an account.
    assert response["Location"] == reverse("password_reset_done")
    assert list(mail_dir.glob("*")) == []

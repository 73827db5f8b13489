"""Changing two-step sign-in needs the person, not just a session left open: without a sign-in
in the last five minutes, the current password is asked first (issue 16, hole 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.signin import authenticator, sign_in

pytestmark = pytest.mark.django_db
CONFIRM = reverse("accounts:confirm_password")
LATER = timedelta(minutes=10)  # past the five minutes, well inside the 30-minute idle limit


@pytest.fixture
def enrolled_client(people, client):
    authenticator(people.client_a)
    sign_in(client, people.client_a)
    return client


def test_turning_it_off_later_asks_for_the_password_first(people, enrolled_client):
    client = enrolled_client
    with time_machine.travel(datetime.now(UTC) + LATER):
        response = client.post(reverse("twofactor:turn_off"))
        assert response.status_code == 302 and response["Location"].startswith(CONFIRM)
        assert TOTPDevice.objects.filter(user=people.client_a).exists()

        page = client.get(response["Location"])
        assert page.status_code == 200 and "Confirm it is you" in page.content.decode()
        wrong = client.post(CONFIRM, {"current_password": "not it", "next": "/account/"})
        assert wrong.status_code == 200
        assert "That is not your current password" in wrong.content.decode()

        right = client.post(CONFIRM, {"current_password": PASSWORD, "next": "/account/"})
        assert right["Location"] == reverse("accounts:account")
        client.post(reverse("twofactor:turn_off"))
    assert not TOTPDevice.objects.filter(user=people.client_a).exists()


@pytest.mark.parametrize("name", ["twofactor:recovery_codes_new", "twofactor:turn_off"])
def test_changes_right_after_signing_in_need_no_password(people, enrolled_client, name):
    response = enrolled_client.post(reverse(name))
    assert not response["Location"].startswith(CONFIRM)


def test_replacing_the_app_later_asks_for_the_password_and_comes_back(people, enrolled_client):
    client = enrolled_client
    with time_machine.travel(datetime.now(UTC) + LATER):
        response = client.get(reverse("twofactor:setup"))
        assert response["Location"].startswith(CONFIRM)
        back = client.post(
            CONFIRM, {"current_password": PASSWORD, "next": reverse("twofactor:setup")}
        )
        assert back["Location"] == reverse("twofactor:setup")
        assert client.get(reverse("twofactor:setup")).status_code == 200


def test_new_recovery_codes_later_ask_for_the_password(people, client):
    sign_in(client, people.counselor)  # staff: enrolled and verified
    with time_machine.travel(datetime.now(UTC) + LATER):
        response = client.post(reverse("twofactor:recovery_codes_new"))
        assert response["Location"].startswith(CONFIRM)


def test_guessing_the_password_is_stopped(people, enrolled_client):
    client = enrolled_client
    for _ in range(5):
        client.post(CONFIRM, {"current_password": "guess", "next": "/account/"})
    page = client.post(CONFIRM, {"current_password": PASSWORD, "next": "/account/"})
    assert page.status_code == 200
    assert "Too many tries" in page.content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "0", "//evil.example/x"])
def test_it_sends_people_back_only_to_this_site(people, enrolled_client, target):
    response = enrolled_client.post(CONFIRM, {"current_password": PASSWORD, "next": target})
    assert response["Location"] == reverse("accounts:account")

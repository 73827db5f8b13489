from __future__ import annotations

from django.urls import reverse

from tests.factories import PASSWORD
from tests.signin import sign_in


def attempt(client, username, password, ip="198.51.100.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_and_logout(people, client):
    response = attempt(client, "client-a", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home"), follow=True).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_wrong_password_gets_a_clear_message(people, client):
    response = attempt(client, "client-a", "wrong")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_repeated_failures_lock_that_account_on_that_address_only(people, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "client-a", "wrong")
    locked = attempt(client, "client-a", PASSWORD)
    assert locked.status_code == 429
    assert "Too many tries" in locked.content.decode()
    # Someone else on the same clinic network still gets in.
    assert attempt(client, "client-b", PASSWORD).status_code == 302
    client.logout()
    # And the same person from another network is not locked out by an attacker elsewhere.
    assert attempt(client, "client-a", PASSWORD, ip="192.0.2.44").status_code == 302


def test_signed_in_pages_are_never_cached(people, client):
    sign_in(client, people.client_a)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'hx-history="false"' in response.content.decode()


def test_password_change_follows_the_validators(people, client):
    sign_in(client, people.client_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors

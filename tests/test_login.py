from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from harmplan.accounts.access import client_ip
from harmplan.accounts.models import AccessEvent
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


PROXY = "10.0.0.2"  # the TLS proxy in front of the app: every request arrives from it


def through_proxy(client, username, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def one_proxy(settings):
    settings.HARMPLAN = {**settings.HARMPLAN, "PROXY_COUNT": 1}


def test_behind_the_proxy_one_persons_bad_passwords_do_not_lock_out_another(
    people, client, settings, one_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy(client, "counselor", "wrong", "203.0.113.10")
    assert through_proxy(client, "counselor", PASSWORD, "203.0.113.10").status_code == 429
    # The counselor at the clinic, behind the same proxy, still gets in.
    assert through_proxy(client, "counselor", PASSWORD, "198.51.100.20").status_code == 302


def test_a_made_up_forwarded_for_entry_is_not_trusted(people, client, settings, one_proxy):
    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    for n in range(settings.AXES_FAILURE_LIMIT):
        through_proxy(client, "counselor", "wrong", f"192.0.2.{n}, 203.0.113.10")
    assert through_proxy(client, "counselor", PASSWORD, "203.0.113.10").status_code == 429


def test_without_a_proxy_forwarded_for_is_ignored(people, client):
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"


def test_two_proxies_trust_two_hops(settings):
    settings.HARMPLAN = {**settings.HARMPLAN, "PROXY_COUNT": 2}
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.10, 10.0.0.1"
    )
    assert client_ip(request) == "203.0.113.10"


def test_access_log_records_the_real_address(people, client, one_proxy):
    sign_in(client, people.counselor)
    client.get(
        reverse("accounts:client_detail", args=[people.client_a.public_id]),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert AccessEvent.objects.get(client=people.client_a).ip_address == "198.51.100.20"


def test_every_response_says_which_browser_features_are_off(people, client):
    for response in (client.get(reverse("login")), client.get(reverse("healthz"))):
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy


def test_a_very_long_username_is_explained_not_a_server_error(people, client):
    typed = "x" * 100_000
    response = attempt(client, typed, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["Usernames are at most 150 characters"]
    assert f'value="{typed}"' in response.content.decode()

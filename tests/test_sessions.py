"""Sessions end on the server: 30 minutes idle (or less, as an organization chooses for its
clients), 12 hours at most; a warning comes 2 minutes before; people can end all their sessions,
and a new password ends every other one. The same with database, cache and cookie sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from harmplan.accounts.models import SecurityEvent
from tests.factories import PASSWORD
from tests.signin import sign_in

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
ENGINES = [
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.signed_cookies",
]


@pytest.fixture(params=ENGINES, ids=lambda engine: engine.rsplit(".", 1)[1])
def engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_30_minutes_without_activity_signs_staff_out(people, client, engine):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, people.counselor)
        caseload = reverse("plans:caseload")
        for _ in range(4):  # busy for two hours: never signed out
            clock.shift(timedelta(minutes=29))
            assert client.get(caseload).status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get(caseload)
        assert signed_out(response)
        page = client.get(response["Location"]).content.decode()
        assert "we signed you out because nothing happened for 30 minutes" in page
        assert "Sign in" in page
        # Signed out for real: the old session does not come back.
        assert signed_out(client.get(caseload))


def test_an_organization_can_sign_its_clients_out_sooner(people, client):
    sign_in(client, people.org_admin)
    page = client.get(reverse("accounts:org_overview")).content.decode()
    assert "Sign clients out after how many minutes without activity?" in page
    url = reverse("accounts:org_client_idle")
    refused = client.post(url, {"client_idle_minutes": "1e308"})
    assert refused.status_code == 400
    assert "like 15" in refused.content.decode() and 'value="1e308"' in refused.content.decode()
    assert "at most 30" in client.post(url, {"client_idle_minutes": "45"}).content.decode()
    assert client.post(url, {"client_idle_minutes": "10"}).status_code == 302
    people.org.refresh_from_db()
    assert people.org.client_idle_minutes == 10
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, people.client_a)
        assert client.get(reverse("plans:checkin")).status_code == 200
        clock.shift(timedelta(minutes=9))
        assert client.get(reverse("plans:checkin")).status_code == 200
        clock.shift(timedelta(minutes=10))
        assert signed_out(client.get(reverse("plans:checkin")))
        # Staff of that organization keep the program's 30 minutes.
        sign_in(client, people.counselor)
        clock.shift(timedelta(minutes=20))
        assert client.get(reverse("plans:caseload")).status_code == 200


def test_12_hours_after_sign_in_everyone_signs_in_again(people, client, engine):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, people.counselor)
        for _ in range(35):  # active every 20 minutes, for 11 h 40 min
            clock.shift(timedelta(minutes=20))
            assert client.get(reverse("plans:caseload")).status_code == 200
        clock.shift(timedelta(minutes=20))
        response = client.get(reverse("plans:caseload"))
        assert signed_out(response)
        assert "12 hours after they sign in" in client.get(response["Location"]).content.decode()


def test_an_expired_session_still_opens_the_help_page(people, client):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, people.client_a)
        assert client.get(reverse("plans:checkin")).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("help"))
        assert response.status_code == 200
        assert "Sign out" not in response.content.decode()


def test_a_warning_comes_2_minutes_before_and_staying_signed_in_works_without_javascript(
    people, client
):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, people.client_a)
        page = client.get(reverse("plans:checkin")).content.decode()
        # The banner shows itself after 28 minutes (CSS), the script uses the seconds left.
        assert 'class="session-warning after-28"' in page
        assert 'data-seconds-left="1800"' in page
        assert "Stay signed in" in page

        # Asking how long is left is not activity.
        clock.shift(timedelta(minutes=20))
        assert client.get(reverse("accounts:session_status")).json() == {"seconds_left": 600}
        clock.shift(timedelta(minutes=8, seconds=30))
        status = client.get(reverse("accounts:session_status"), headers={"accept": "json"})
        assert status.json() == {"seconds_left": 90}

        # The plain form post: back to the same page, with the full time again.
        response = client.post(
            reverse("accounts:session_keepalive"), {"next": reverse("plans:checkin")}
        )
        assert response["Location"] == reverse("plans:checkin")
        assert "You are still signed in." in client.get(response["Location"]).content.decode()
        json = client.post(
            reverse("accounts:session_keepalive"), headers={"accept": "application/json"}
        )
        assert json.json() == {"seconds_left": 1800}
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("plans:checkin")).status_code == 200


def test_stay_signed_in_goes_back_only_to_this_site(people, client):
    sign_in(client, people.client_a)
    response = client.post(
        reverse("accounts:session_keepalive"), {"next": "https://evil.example/phish"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", ["0", "checkin", "", "javascript:alert(1)", "//evil.example/"])
def test_stay_signed_in_with_a_strange_next_goes_home_not_to_an_error(people, client, target):
    # Found by the form fuzz test: a bare word was taken for a URL name (a 500).
    sign_in(client, people.client_a)
    response = client.post(reverse("accounts:session_keepalive"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_out_everywhere_ends_every_session(people, engine):
    phone, laptop, other_person = Client(), Client(), Client()
    sign_in(phone, people.counselor)
    sign_in(laptop, people.counselor)
    sign_in(other_person, people.client_a)
    assert "Sign out everywhere" in laptop.get(reverse("accounts:account")).content.decode()

    response = laptop.post(reverse("accounts:sign_out_everywhere"))
    assert signed_out(response)
    assert (
        "signed out on every phone and computer"
        in laptop.get(response["Location"]).content.decode()
    )
    assert signed_out(phone.get(reverse("plans:caseload")))
    assert signed_out(laptop.get(reverse("plans:caseload")))
    assert other_person.get(reverse("plans:checkin")).status_code == 200
    assert SecurityEvent.objects.filter(
        subject=people.counselor, kind=SecurityEvent.Kind.SIGNED_OUT_EVERYWHERE
    ).exists()
    # Signing in again works as before.
    sign_in(phone, people.counselor)
    assert phone.get(reverse("plans:caseload")).status_code == 200


def test_changing_the_password_ends_every_other_session(people, engine):
    here, elsewhere = Client(), Client()
    sign_in(here, people.client_a)
    sign_in(elsewhere, people.client_a)
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase-73",
            "new_password2": "a-brand-new-passphrase-73",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("plans:checkin")).status_code == 200
    assert signed_out(elsewhere.get(reverse("plans:checkin")))


def test_resetting_the_password_ends_every_session(people, engine):
    signed_in, resetting = Client(), Client()
    sign_in(signed_in, people.client_a)
    uid = urlsafe_base64_encode(force_bytes(people.client_a.pk))
    token = default_token_generator.make_token(people.client_a)
    form = resetting.get(reverse("password_reset_confirm", args=[uid, token]))
    assert form.status_code == 302
    done = resetting.post(
        form["Location"],
        {
            "new_password1": "a-brand-new-passphrase-73",
            "new_password2": "a-brand-new-passphrase-73",
        },
    )
    assert done.status_code == 302
    assert signed_out(signed_in.get(reverse("plans:checkin")))

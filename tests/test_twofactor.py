"""Two-step sign-in: staff must set it up and use it; codes work once; wrong codes wait longer;
recovery codes are shown once and kept only as hashes; an org admin can reset it."""

from __future__ import annotations

import re
from base64 import b32decode
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from harmplan.accounts.models import RecoveryCode, SecurityEvent, hash_secret
from harmplan.accounts.twofactor import services
from tests.factories import PASSWORD
from tests.signin import app_code, authenticator, sign_in
from tests.test_authorization import CASES
from tests.test_authorization import people as people  # noqa: F401 - the fixture with plans

NOW = datetime(2026, 3, 10, 15, 0, 7, tzinfo=UTC)
VERIFY = reverse("twofactor:verify")
SETUP = reverse("twofactor:setup")


def password_sign_in(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def enter(client, code: str, url: str = VERIFY, next_url: str = ""):
    return client.post(url, {"code": code, "next": next_url})


def code_at(key_hex: str, when: datetime, steps_ahead: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex), drift=steps_ahead)
    totp.time = when.timestamp()
    return f"{totp.token():06d}"


def test_staff_enter_a_code_after_the_password_and_the_session_key_changes(people, client):
    device = authenticator(people.counselor)
    client.get(reverse("login"))
    anonymous_key = client.session.session_key
    password_sign_in(client, "counselor")
    password_key = client.session.session_key
    assert password_key != anonymous_key  # a new key at sign-in

    response = client.get(reverse("plans:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    page = client.get(response["Location"]).content.decode()
    assert "Enter the 6-digit code" in page

    wrong = enter(client, "000000" if app_code(device) != "000000" else "111111")
    assert "That code did not work" in wrong.content.decode()
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=2)):
        done = enter(client, app_code(device), next_url=reverse("plans:caseload"))
        assert done.status_code == 302 and done["Location"] == reverse("plans:caseload")
        assert client.session.session_key not in (anonymous_key, password_key)  # new key again
        assert client.get(reverse("plans:caseload")).status_code == 200


def test_a_code_is_not_6_digits_is_explained_and_kept(people, client):
    authenticator(people.counselor)
    password_sign_in(client, "counselor")
    response = enter(client, "12ab")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The code is 6 digits" in page
    assert 'value="12ab"' in page


def test_staff_without_an_app_set_it_up_first_and_see_recovery_codes_once(people, client):
    password_sign_in(client, "org-admin")
    response = client.get(reverse("accounts:org_overview"))
    assert response["Location"].startswith(SETUP)

    page = client.get(SETUP).content.decode()
    assert '<svg role="img" aria-label="QR code' in page
    device = TOTPDevice.objects.get(user=people.org_admin, confirmed=False)
    key_text = services.key_for_people(device)
    assert key_text in page
    # What a person types into their app is enough to make the right codes.
    key = b32decode(key_text.replace(" ", ""))
    assert key == device.bin_key
    assert client.get(SETUP).content.decode().count(key_text) == 1  # same key on reload

    done = enter(client, app_code(device), url=SETUP, next_url=reverse("accounts:org_overview"))
    assert done["Location"].startswith(reverse("twofactor:recovery_codes"))
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", codes_page)
    assert len(codes) == 10
    # Shown once: the page does not show them again.
    again = client.get(done["Location"])
    assert again.status_code == 302 and again["Location"] == reverse("accounts:account")
    # Stored as hashes only.
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert stored == {hash_secret(c.replace("-", "")) for c in codes}
    assert not any(c.replace("-", "") in h for c in codes for h in stored)
    device.refresh_from_db()
    assert device.confirmed
    assert SecurityEvent.objects.filter(
        subject=people.org_admin, kind=SecurityEvent.Kind.TWOFACTOR_ON
    ).exists()
    assert client.get(reverse("accounts:org_overview")).status_code == 200


def test_a_wrong_first_code_keeps_the_same_key_and_says_what_to_do(people, client):
    password_sign_in(client, "counselor")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=people.counselor)
    wrong = "000000" if app_code(device) != "000000" else "111111"
    page = enter(client, wrong, url=SETUP).content.decode()
    assert "Check the time on your phone" in page
    assert services.key_for_people(device) in page
    assert not TOTPDevice.objects.filter(user=people.counselor, confirmed=True).exists()


def test_before_the_second_step_staff_reach_only_the_two_step_pages_logout_and_help(people, client):
    authenticator(people.counselor)
    password_sign_in(client, "counselor")
    open_names = {"help", "healthz", "login", "logout"}
    for case in CASES:
        if case.method != "get" or case.name in open_names or case.name.startswith("twofactor:"):
            continue
        if case.name in {"plans:reminder_pause", "plans:calendar_feed"}:
            continue  # public by design: the secret in the link is the key, not a session
        if case.name.startswith(("password_reset", "accounts:invitation")):
            continue  # pages for people who are signed out
        if case.name in {"accounts:session_status", "accounts:session_keepalive"}:
            continue  # open by design: the time left and "stay signed in"
        if case.name == "accounts:confirm_password":
            continue  # open by design: a change to the second step may ask for it first
        response = client.get(reverse(case.name, args=case.args(people)))
        assert response.status_code == 302, case.id
        assert response["Location"].startswith(VERIFY), case.id
    assert client.get(reverse("admin:index"))["Location"].startswith(VERIFY)
    assert client.get(reverse("help")).status_code == 200
    assert client.post(reverse("logout")).status_code == 200


def test_replacing_the_app_needs_the_second_step_first(people, client):
    authenticator(people.counselor)
    password_sign_in(client, "counselor")
    response = client.get(SETUP)
    assert response["Location"].startswith(VERIFY)
    assert client.post(reverse("twofactor:recovery_codes_new"))["Location"].startswith(VERIFY)


@time_machine.travel(NOW, tick=False)
def test_a_code_works_once(people, client):
    device = authenticator(people.counselor)
    code = code_at(device.key, NOW)
    password_sign_in(client, "counselor")
    assert enter(client, code).status_code == 302
    client.post(reverse("logout"))

    password_sign_in(client, "counselor")
    replay = enter(client, code)
    assert replay.status_code == 200
    assert "Each code works once" in replay.content.decode()
    assert client.get(reverse("plans:caseload"))["Location"].startswith(VERIFY)


def test_wrong_codes_make_the_next_try_wait_longer(people, client):
    device = authenticator(people.counselor)
    with time_machine.travel(NOW, tick=False) as clock:
        password_sign_in(client, "counselor")
        right = code_at(device.key, NOW)
        wrong = "000000" if right != "000000" else "111111"
        for _ in range(3):
            enter(client, wrong)
            clock.shift(timedelta(seconds=5))  # past the 1, 2, 4 second waits
        enter(client, wrong)  # the fourth: now 8 seconds
        right = code_at(device.key, datetime.now(UTC))
        refused = enter(client, right).content.decode()
        assert "Too many wrong codes. Wait 8 seconds" in refused
        assert client.get(reverse("plans:caseload"))["Location"].startswith(VERIFY)
        clock.shift(timedelta(seconds=9))
        right = code_at(device.key, datetime.now(UTC))
        assert enter(client, right).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_signs_in_once(people, client):
    authenticator(people.counselor)
    codes = services.recovery_codes_replace(user=people.counselor, ip=None)
    password_sign_in(client, "counselor")
    page = client.get(VERIFY).content.decode()
    assert "use a recovery code" in page
    recovery = reverse("twofactor:recovery")
    assert client.get(recovery).status_code == 200
    # Typed in lower case without the dash still works.
    done = enter(client, codes[0].replace("-", "").lower(), url=recovery)
    assert done.status_code == 302
    assert client.get(reverse("plans:caseload")).status_code == 200
    assert services.recovery_codes_left(people.counselor) == 9
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RECOVERY_CODE_USED).count() == 1
    client.post(reverse("logout"))

    password_sign_in(client, "counselor")
    again = enter(client, codes[0], url=recovery)
    assert again.status_code == 200
    assert "That recovery code did not work" in again.content.decode()
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=2)):
        assert enter(client, codes[1], url=recovery).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(people, client):
    old = services.recovery_codes_replace(user=people.counselor, ip=None)
    sign_in(client, people.counselor)
    response = client.post(reverse("twofactor:recovery_codes_new"))
    page = client.get(response["Location"]).content.decode()
    assert "Save your recovery codes" in page
    assert old[0] not in page
    device = services.recovery_device_for(people.counselor)
    assert not device.verify_token(old[0])


def test_a_client_may_turn_two_step_sign_in_on_and_off(people, client):
    sign_in(client, people.client_a)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Turn on two-step sign-in" in page
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=people.client_a)
    assert enter(client, app_code(device), url=SETUP).status_code == 302
    client.post(reverse("logout"))

    # Now the client is asked for a code too.
    password_sign_in(client, "client-a")
    assert client.get(reverse("plans:checkin"))["Location"].startswith(VERIFY)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=31)):
        enter(client, app_code(device))
        assert client.get(reverse("plans:checkin")).status_code == 200
        assert (
            "Turn off two-step sign-in" in client.get(reverse("accounts:account")).content.decode()
        )
        client.post(reverse("twofactor:turn_off"))
    assert not TOTPDevice.objects.filter(user=people.client_a).exists()
    client.post(reverse("logout"))
    password_sign_in(client, "client-a")
    assert client.get(reverse("plans:checkin")).status_code == 200


def test_staff_cannot_turn_it_off(people, client):
    sign_in(client, people.counselor)
    assert "Turn off" not in client.get(reverse("accounts:account")).content.decode()
    client.post(reverse("twofactor:turn_off"))
    assert TOTPDevice.objects.filter(user=people.counselor, confirmed=True).exists()


def test_an_org_admin_resets_a_counselors_second_step(people, client):
    counselor_browser = type(client)()
    sign_in(counselor_browser, people.counselor)
    assert counselor_browser.get(reverse("plans:caseload")).status_code == 200

    sign_in(client, people.org_admin)
    page = client.get(reverse("accounts:org_overview")).content.decode()
    assert "Reset" in page
    response = client.post(reverse("accounts:twofactor_reset", args=[people.counselor.public_id]))
    assert response.status_code == 302
    assert "is reset for" in client.get(response["Location"]).content.decode()

    assert not TOTPDevice.objects.filter(user=people.counselor).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWOFACTOR_RESET)
    assert (event.actor, event.subject) == (people.org_admin, people.counselor)
    # Their sessions end; at the next sign-in they set up a new app.
    assert counselor_browser.get(reverse("plans:caseload"))["Location"].startswith(reverse("login"))
    password_sign_in(counselor_browser, "counselor")
    assert counselor_browser.get(reverse("plans:caseload"))["Location"].startswith(SETUP)


def test_optional_for_staff_outside_production(people, client, settings):
    settings.HARMPLAN_STAFF_2FA = "optional"
    password_sign_in(client, "counselor")
    assert client.get(reverse("plans:caseload")).status_code == 200


@pytest.mark.parametrize("value", ["optional", "sometimes"])
def test_production_refuses_anything_but_required(value):
    from tests.test_settings import PRODUCTION_ENV, manage

    result = manage("check", **PRODUCTION_ENV, HARMPLAN_STAFF_2FA=value)
    assert result.returncode != 0
    assert "HARMPLAN_STAFF_2FA" in result.stderr


def test_security_events_cannot_be_rewritten_even_with_raw_sql(people):
    from django.db import connection, transaction

    event = SecurityEvent.objects.create(
        actor=people.org_admin, subject=people.counselor, kind=SecurityEvent.Kind.TWOFACTOR_RESET
    )
    for sql in (
        "UPDATE accounts_securityevent SET kind = 'twofactor_on' WHERE id = %s",
        "DELETE FROM accounts_securityevent WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).update(kind="twofactor_on")

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from harmplan.accounts import services, throttle
from harmplan.accounts.models import CareAssignment, Invitation, Role, User
from harmplan.accounts.views import SESSION_INVITATION
from tests.signin import sign_in

NEW_CLIENT = {
    "username": "river-stone",
    "preferred_name": "River",
    "password1": "blue-kettle-morning-7",
    "password2": "blue-kettle-morning-7",
    "email": "",
    "phone": "",
}


def test_counselor_invites_a_client_with_link_and_code(people, client):
    sign_in(client, people.counselor)
    response = client.post(reverse("accounts:invite_new"))
    assert response.status_code == 200
    issued = response.context["issued"]
    assert issued.display_code in response.content.decode()
    invitation = Invitation.objects.get()
    # Only hashes are stored.
    assert issued.token not in (invitation.token_hash, invitation.code_hash)
    assert invitation.counselor == people.counselor


def test_link_accepts_once_and_logs_the_client_in(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    response = client.get(reverse("accounts:invitation_link", args=[issued.token]))
    # The secret leaves the address bar straight away.
    assert response["Location"] == reverse("accounts:invitation_accept")
    response = client.post(reverse("accounts:invitation_accept"), NEW_CLIENT)
    assert response.status_code == 302
    user = User.objects.get(username="river-stone")
    assert user.is_client and user.organization == people.org
    assert CareAssignment.objects.filter(counselor=people.counselor, client=user).exists()
    assert client.get(reverse("home"), follow=True).context["user"] == user

    client.logout()
    response = client.get(reverse("accounts:invitation_link", args=[issued.token]))
    assert response.status_code == 410
    assert str(services.INVITATION_UNUSABLE) in response.content.decode()


def test_short_code_ignores_case_spaces_and_dashes(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    typed = f" {issued.code[:4].lower()} - {issued.code[4:].lower()} "
    response = client.post(reverse("accounts:invitation_code"), {"code": typed})
    assert response["Location"] == reverse("accounts:invitation_accept")
    assert client.post(reverse("accounts:invitation_accept"), NEW_CLIENT).status_code == 302


def test_expired_invitation_says_so(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(reverse("accounts:invitation_link", args=[issued.token]))
        assert response.status_code == 410
        assert str(services.INVITATION_UNUSABLE) in response.content.decode()
        response = client.post(reverse("accounts:invitation_code"), {"code": issued.code})
        assert str(services.INVITATION_UNUSABLE) in response.content.decode()


def test_invitation_that_expires_while_the_form_is_open(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    expires = issued.invitation.expires_at
    with time_machine.travel(expires - timedelta(minutes=5)):
        client.get(reverse("accounts:invitation_link", args=[issued.token]))
    with time_machine.travel(expires + timedelta(minutes=5)):
        response = client.post(reverse("accounts:invitation_accept"), NEW_CLIENT)
    assert response.status_code == 410
    assert not User.objects.filter(username="river-stone").exists()


def test_unknown_code_gets_a_clear_message(people, client):
    response = client.post(reverse("accounts:invitation_code"), {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 200
    assert str(services.INVITATION_UNUSABLE) in response.content.decode()


def test_bad_input_is_explained_and_kept(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    client.get(reverse("accounts:invitation_link", args=[issued.token]))
    data = {
        **NEW_CLIENT,
        "username": "counselor",
        "password2": "something-else",
        "email": "not-an-email",
        "phone": "call me",
    }
    response = client.post(reverse("accounts:invitation_accept"), data)
    form = response.context["form"]
    assert set(form.errors) == {"username", "password2", "email", "phone"}
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_username"' in body
    assert 'value="River"' in body  # what they typed is still there
    assert "<title>Error: " in body


def test_weak_password_is_refused(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    client.get(reverse("accounts:invitation_link", args=[issued.token]))
    data = {**NEW_CLIENT, "password1": "12345678", "password2": "12345678"}
    response = client.post(reverse("accounts:invitation_accept"), data)
    assert "password1" in response.context["form"].errors


def test_org_admin_can_invite_a_counselor_but_a_counselor_cannot(people, client):
    sign_in(client, people.org_admin)
    client.post(reverse("accounts:invite_new"), {"role": Role.COUNSELOR})
    assert Invitation.objects.get().role == Role.COUNSELOR
    sign_in(client, people.counselor)
    client.post(reverse("accounts:invite_new"), {"role": Role.COUNSELOR})
    assert Invitation.objects.latest("created_at").role == Role.CLIENT


def code_error(response) -> str:
    return " ".join(response.context["form"].errors.get("code", []))


def test_unknown_used_and_expired_codes_get_the_same_answer(people, client):
    used = services.invitation_create(invited_by=people.counselor)
    client.get(reverse("accounts:invitation_link", args=[used.token]))
    client.post(reverse("accounts:invitation_accept"), NEW_CLIENT)
    client.logout()
    expired = services.invitation_create(invited_by=people.counselor)
    answers = set()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        for code in ("ZZZZ-ZZZZ", used.code, expired.code):
            response = client.post(reverse("accounts:invitation_code"), {"code": code})
            answers.add((response.status_code, code_error(response)))
    assert answers == {(200, str(services.INVITATION_UNUSABLE))}


def test_guessing_codes_from_one_address_is_stopped(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    url = reverse("accounts:invitation_code")
    statuses = [
        client.post(url, {"code": f"ZZZZ-ZZ{n:02d}"}, REMOTE_ADDR="203.0.113.9").status_code
        for n in range(throttle.INVITATION_ADDRESS.tries)
    ]
    assert statuses == [200] * throttle.INVITATION_ADDRESS.tries
    # Even the right code is not looked up now, and what was typed stays in the box.
    response = client.post(url, {"code": issued.code}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "Too many tries" in code_error(response)
    assert f'value="{issued.code}"' in response.content.decode()
    assert SESSION_INVITATION not in client.session
    # Someone else on another network is not held up.
    other = client.post(url, {"code": issued.code}, REMOTE_ADDR="198.51.100.3")
    assert other["Location"] == reverse("accounts:invitation_accept")


def test_one_code_tried_from_many_addresses_is_stopped(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    url = reverse("accounts:invitation_code")
    for n in range(throttle.INVITATION_CODE.tries):
        client.post(url, {"code": "ABCD-EFGH"}, REMOTE_ADDR=f"192.0.2.{n}")
    response = client.post(url, {"code": "abcd efgh"}, REMOTE_ADDR="192.0.2.200")
    assert response.status_code == 429
    # Other codes still work.
    ok = client.post(url, {"code": issued.code}, REMOTE_ADDR="192.0.2.201")
    assert ok["Location"] == reverse("accounts:invitation_accept")


def test_invitation_links_are_throttled_by_address(people, client):
    for n in range(throttle.INVITATION_ADDRESS.tries):
        client.get(reverse("accounts:invitation_link", args=[f"guess-{n}"]))
    response = client.get(reverse("accounts:invitation_link", args=["guess-last"]))
    assert response.status_code == 429


def test_a_staff_username_is_not_confirmed_and_names_cannot_be_tried_without_limit(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    client.get(reverse("accounts:invitation_link", args=[issued.token]))
    url = reverse("accounts:invitation_accept")
    staff = client.post(url, {**NEW_CLIENT, "username": "org-admin"})
    client_name = client.post(url, {**NEW_CLIENT, "username": "client-b"})
    errors = [r.context["form"].errors["username"] for r in (staff, client_name)]
    assert errors[0] == errors[1] == ["That username is not available. Try another one."]
    for n in range(throttle.USERNAME_ADDRESS.tries - 2):
        client.post(url, {**NEW_CLIENT, "username": f"guess-{n}", "password2": "x"})
    response = client.post(url, {**NEW_CLIENT, "username": "counselor"})
    assert response.status_code == 429
    assert "Too many tries" in response.context["form"].errors["username"][0]
    assert 'value="counselor"' in response.content.decode()


def test_invitation_pages_are_not_stored_by_the_browser(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    pages = [
        client.get(reverse("accounts:invitation_code")),
        client.get(reverse("accounts:invitation_link", args=[issued.token])),
        client.get(reverse("accounts:invitation_accept")),
    ]
    for response in pages:
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]

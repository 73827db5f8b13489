"""Covering for a colleague: a counselor opens the plan of a client who is not on their caseload
only after giving a reason; it lasts 4 hours, is logged, and the client and the admin see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client
from django.urls import reverse

from harmplan.accounts.models import AccessEvent, EmergencyAccess
from tests.signin import sign_in
from tests.test_authorization import people as people  # noqa: F401 - the fixture with plans

START = datetime(2026, 7, 14, 13, 30, tzinfo=UTC)
REASON = "Covering for Pat while they are on leave; the client called for help today."


def ask(client, username: str, reason: str):
    return client.post(
        reverse("accounts:emergency_access_new"), {"username": username, "reason": reason}
    )


def test_emergency_access_end_to_end(people, client):
    plan_b = reverse("plans:plan", args=[people.plan_b.public_id])
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, people.counselor)
        assert client.get(plan_b).status_code == 404  # not on the caseload
        caseload = client.get(reverse("plans:caseload")).content.decode()
        assert reverse("accounts:emergency_access_new") in caseload

        # No reason: refused, with a message beside the field; what was typed stays.
        refused = ask(client, "client-b", "")
        assert refused.status_code == 200
        assert "Say why you need to open this plan" in refused.content.decode()
        assert 'value="client-b"' in refused.content.decode()
        too_short = ask(client, "client-b", "help")
        assert "Say in a few more words" in too_short.content.decode()
        assert not EmergencyAccess.objects.exists()
        assert client.get(plan_b).status_code == 404

        # With a reason: straight to the plan.
        response = ask(client, "CLIENT-B", REASON)
        assert response.status_code == 302
        response = client.get(response["Location"])
        assert response.status_code == 302 and response["Location"] == plan_b
        assert client.get(plan_b).status_code == 200
        grant = EmergencyAccess.objects.get()
        assert (grant.counselor, grant.client, grant.reason) == (
            people.counselor,
            people.client_b,
            REASON,
        )
        assert grant.expires_at == START + timedelta(hours=4)
        logged = AccessEvent.objects.filter(actor=people.counselor, client=people.client_b)
        assert logged.filter(object_type="records in an emergency").count() == 1
        assert logged.filter(object_type="plan", action=AccessEvent.Action.VIEW).exists()

        # The client sees who, and why.
        client_b = Client()
        sign_in(client_b, people.client_b)
        page = client_b.get(reverse("accounts:my_access_log")).content.decode()
        assert "Opened in an emergency" in page
        assert REASON in page
        assert "Viewed your records in an emergency" in page

        # The org admin reviews it.
        admin = Client()
        sign_in(admin, people.org_admin)
        listing = admin.get(reverse("accounts:emergency_access_list")).content.decode()
        assert REASON in listing and people.counselor.display_name in listing
        assert "14 Jul 2026, 09:30 EDT" in listing  # the program's time zone, not UTC
        other_admin = Client()
        sign_in(other_admin, people.other_admin)
        assert (
            REASON
            not in other_admin.get(reverse("accounts:emergency_access_list")).content.decode()
        )

        # Four hours later it has ended.
        clock.shift(timedelta(hours=3, minutes=59))
        sign_in(client, people.counselor)
        assert client.get(plan_b).status_code == 200
        clock.shift(timedelta(minutes=1))
        assert client.get(plan_b).status_code == 404


def test_only_clients_of_the_counselors_own_organization(people, client):
    sign_in(client, people.other_counselor)
    response = ask(client, "client-b", REASON)
    assert response.status_code == 200
    assert "There is no client with that username in your program" in response.content.decode()
    response = ask(client, "counselor", REASON)  # staff are not clients
    assert "There is no client with that username" in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    plan_b = reverse("plans:plan", args=[people.plan_b.public_id])
    assert client.get(plan_b).status_code == 404


def test_a_grant_covers_only_the_counselor_who_asked(people, client):
    sign_in(client, people.counselor)
    ask(client, "client-b", REASON)
    colleague = Client()
    sign_in(colleague, people.other_counselor)
    assert colleague.get(reverse("plans:plan", args=[people.plan_b.public_id])).status_code == 404

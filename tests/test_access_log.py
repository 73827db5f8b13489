from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from harmplan.accounts.models import AccessEvent
from tests.signin import sign_in


def test_counselor_opening_a_client_is_logged(people, client):
    sign_in(client, people.counselor)
    client.get(
        reverse("accounts:client_detail", args=[people.client_a.public_id]),
        REMOTE_ADDR="203.0.113.9",
    )
    event = AccessEvent.objects.get()
    assert (event.actor, event.client, event.action) == (
        people.counselor,
        people.client_a,
        AccessEvent.Action.VIEW,
    )
    assert event.object_type == "profile"
    assert event.ip_address == "203.0.113.9"


def test_refused_requests_leave_no_event(people, client):
    sign_in(client, people.other_counselor)
    response = client.get(reverse("accounts:client_detail", args=[people.client_a.public_id]))
    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_org_admin_caseload_changes_are_logged(people, client):
    sign_in(client, people.org_admin)
    client.post(
        reverse("accounts:assignment_new"),
        {"counselor": people.counselor.pk, "client": people.client_b.pk},
    )
    client.post(reverse("accounts:assignment_remove", args=[people.assignment.pk]))
    events = list(AccessEvent.objects.order_by("at").values_list("client__username", "action"))
    assert events == [("client-b", "create"), ("client-a", "delete")]


def test_client_sees_who_opened_their_records(people, client):
    AccessEvent.objects.create(
        actor=people.counselor, client=people.client_a, action="view", object_type="plan"
    )
    AccessEvent.objects.create(
        actor=people.counselor, client=people.client_b, action="view", object_type="plan"
    )
    sign_in(client, people.client_a)
    response = client.get(reverse("accounts:my_access_log"))
    assert response.status_code == 200
    assert list(response.context["page"]) == [AccessEvent.objects.get(client=people.client_a)]
    assert "Viewed your plan" in response.content.decode()


def test_log_refuses_changes_through_the_orm(people):
    event = AccessEvent.objects.create(
        actor=people.counselor, client=people.client_a, action="view", object_type="plan"
    )
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.filter(pk=event.pk).update(action="update")
    with pytest.raises(PermissionError):
        AccessEvent.objects.all().delete()


@pytest.mark.parametrize(
    "sql",
    ["UPDATE accounts_accessevent SET action = 'update'", "DELETE FROM accounts_accessevent"],
)
def test_log_refuses_changes_in_postgresql(people, sql):
    AccessEvent.objects.create(
        actor=people.counselor, client=people.client_a, action="view", object_type="plan"
    )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AccessEvent.objects.filter(action="view").count() == 1

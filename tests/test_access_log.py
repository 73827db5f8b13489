from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from harmplan.accounts import services
from harmplan.accounts.language import user_language_set
from harmplan.accounts.models import AccessEvent, CareAssignment, Role, User
from tests.factories import make_user
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
    event = AccessEvent.objects.get(client=people.client_a)
    assert [row[:3] for row in response.context["page"]] == [(event.at, "view", "plan")]
    assert "Viewed your plan" in response.content.decode()


def test_the_log_rows_read_as_columns_are_what_the_events_show(people, client):
    """The page reads each row's columns, not its models (harmplan/accounts/views.py): the rows
    must say what the events and their actors say, names, roles and sentences alike."""
    staff = User.objects.create_user("no-membership", first_name="Ada", last_name="Byron")
    User.objects.filter(pk=people.counselor.pk).update(preferred_name="Robin <R&B>")
    User.objects.filter(pk=people.org_admin.pk).update(first_name="Sam", last_name="")
    for actor, action, object_type in [
        (people.counselor, "view", "plan"),
        (people.org_admin, "update", "goal steps"),
        (staff, "export", "plan PDF"),
        (people.counselor, "view", "something new"),
        (people.org_admin, "unknown", "goal"),
        (people.counselor, "delete", "care team"),
    ]:
        AccessEvent.objects.create(
            actor=actor, client=people.client_a, action=action, object_type=object_type
        )
    sign_in(client, people.client_a)
    for language in ("en", "es"):
        user_language_set(user=people.client_a, language=language)
        page = client.get(reverse("accounts:my_access_log"))
        assert page.headers["Content-Language"] == language
        with translation.override(language):
            rows = [
                {
                    "at": event.at,
                    "actor": event.actor.display_name,
                    "role": membership.get_role_display()
                    if (membership := event.actor.membership_or_none)
                    else None,
                    "description": event.description,
                }
                for event in AccessEvent.objects.filter(client=people.client_a)
            ]
            with timezone.override(page.context["zone"]):
                expected = render_to_string("accounts/_access_rows.html", {"events": rows})
        assert expected.count("<tr>") == 6 and expected in page.content.decode()
    assert "Robin &lt;R&amp;B&gt; (consejero" in expected and "Ada Byron</td>" in expected


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


def test_admin_giving_themselves_a_counselor_account_is_visible_to_the_client(people, client):
    """The probe: an org admin invites a counselor account for themselves and assigns it."""
    sign_in(client, people.org_admin)
    response = client.post(
        reverse("accounts:invite_new"), {"role": "counselor"}, REMOTE_ADDR="203.0.113.5"
    )
    issued = response.context["issued"]
    invitation = AccessEvent.objects.get(object_type="staff invitation")
    assert (invitation.actor, invitation.client, invitation.action) == (
        people.org_admin,
        None,
        AccessEvent.Action.CREATE,
    )
    assert invitation.ip_address == "203.0.113.5"

    client.logout()
    client.get(reverse("accounts:invitation_link", args=[issued.token]))
    client.post(
        reverse("accounts:invitation_accept"),
        {
            "username": "second-hat",
            "preferred_name": "Sam",
            "password1": "blue-kettle-morning-7",
            "password2": "blue-kettle-morning-7",
        },
    )
    sam = User.objects.get(username="second-hat")
    assert AccessEvent.objects.filter(actor=sam, object_type="staff account").exists()

    sign_in(client, people.org_admin)
    client.post(
        reverse("accounts:assignment_new"), {"counselor": sam.pk, "client": people.client_b.pk}
    )
    joined = AccessEvent.objects.get(client=people.client_b)
    assert (joined.actor, joined.action, joined.object_type, joined.object_id) == (
        people.org_admin,
        AccessEvent.Action.CREATE,
        "care team",
        str(sam.public_id),
    )

    sign_in(client, people.client_b)
    page = client.get(reverse("accounts:my_access_log"))
    care_team = [(member["name"], member["added_by"]) for member in page.context["care_team"]]
    assert care_team == [(sam.display_name, people.org_admin.display_name)]
    text = " ".join(page.content.decode().split())
    assert "<strong>Sam</strong> joined your care team on" in text
    assert "added by org-admin (organization admin)" in text


def test_counselor_added_by_an_invitation_is_on_the_care_team_list(people, client):
    issued = services.invitation_create(invited_by=people.counselor)
    client.get(reverse("accounts:invitation_link", args=[issued.token]))
    client.post(
        reverse("accounts:invitation_accept"),
        {
            "username": "new-client",
            "password1": "blue-kettle-morning-7",
            "password2": "blue-kettle-morning-7",
        },
    )
    new_client = User.objects.get(username="new-client")
    assignment = CareAssignment.objects.get(client=new_client)
    assert assignment.added_by == people.counselor
    assert AccessEvent.objects.filter(client=new_client, object_type="care team").count() == 1


def test_the_care_team_and_emergencies_say_who_and_by_whom_from_columns(people, client):
    """The page names people from four columns each, not from whole person rows."""
    from harmplan.accounts.models import EmergencyAccess

    staff = User.objects.create_user("staff-no-role", first_name="Ada", last_name="Byron")
    second = make_user("second-counselor", people.org, Role.COUNSELOR, preferred_name="Robin")
    CareAssignment.objects.filter(pk=people.assignment.pk).update(added_by=people.org_admin)
    CareAssignment.objects.create(
        organization=people.org, counselor=second, client=people.client_a, added_by=staff
    )
    now = timezone.now()
    EmergencyAccess.objects.create(
        organization=people.org,
        counselor=second,
        client=people.client_a,
        reason="Away <today> & tomorrow",
        started_at=now,
        expires_at=now + timedelta(hours=4),
    )
    sign_in(client, people.client_a)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:my_access_log")).content.decode()
    assert "<strong>counselor</strong> joined your care team on" in page
    assert "added by org-admin (organization admin)." in page
    assert "<strong>Robin</strong> joined your care team on" in page
    assert "added by Ada Byron (staff)." in page
    assert ": Robin (counselor) — “Away &lt;today&gt; &amp; tomorrow”" in page
    for table in ("accounts_careassignment", "accounts_emergencyaccess"):
        reads = [query["sql"] for query in queries if f'FROM "{table}"' in query["sql"]]
        assert len(reads) == 1 and '"password"' not in reads[0], table


def test_the_log_is_counted_without_joining_people(people, client):
    for _ in range(3):
        AccessEvent.objects.create(
            actor=people.counselor, client=people.client_a, action="view", object_type="plan"
        )
    sign_in(client, people.client_a)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:my_access_log"))
    assert page.context["page"].paginator.count == 3
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"]]
    assert len(counts) == 1 and "JOIN" not in counts[0]


def test_the_compiled_page_reads_what_the_orm_reads(people):
    """harmplan/accounts/my_access.py compiles the page's queries once: every page of a long
    log, an empty one, the care team and more emergencies than the page lists read the same
    rows as the ORM would."""
    from harmplan.accounts import my_access
    from harmplan.accounts.models import EmergencyAccess

    client = people.client_a
    events = AccessEvent.objects.filter(client=client).values_list(*my_access.ACCESS_ROW_COLUMNS)
    empty = my_access.log_page(people.client_b, "1")
    assert empty.paginator.count == 0 and list(empty) == []
    now = timezone.now()
    AccessEvent.objects.bulk_create(
        AccessEvent(
            at=now - timedelta(minutes=n),
            actor=people.counselor if n % 3 else people.org_admin,
            client=client,
            action="view" if n % 2 else "update",
            object_type="plan",
        )
        for n in range(120)
    )
    for number, rows in [("1", slice(0, 50)), ("2", slice(50, 100)), ("3", slice(100, 120))]:
        page = my_access.log_page(client, number)
        assert page.paginator.count == 120
        assert list(page) == list(events[rows])
    assert list(my_access.log_page(client, "99")) == list(events[100:120])  # past the end: last
    assert list(my_access.log_page(client, "x")) == list(events[:50])

    EmergencyAccess.objects.bulk_create(
        EmergencyAccess(
            organization=people.org,
            counselor=people.counselor,
            client=client,
            reason=f"Reason {n}",
            started_at=now - timedelta(hours=n),
            expires_at=now - timedelta(hours=n - 4),
        )
        for n in range(25)
    )
    emergencies = my_access.emergencies(client)
    assert len(emergencies) == 20
    assert emergencies == list(
        EmergencyAccess.objects.filter(client=client).values_list(
            *my_access.person("counselor"), "started_at", "reason"
        )[:20]
    )
    team = my_access.care_team(client)
    assert team and team == list(
        CareAssignment.objects.filter(client=client)
        .order_by("created_at")
        .values_list(
            *my_access.person("counselor"),
            "created_at",
            "added_by",
            *my_access.person("added_by"),
            "added_by__membership__role",
        )
    )

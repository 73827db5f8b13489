"""The signed-in person comes from the cache, and every change to them, their membership, their
organization or their zone shows on the very next request (harmplan/accounts/person_cache.py)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmplan.accounts import services as account_services
from harmplan.accounts.language import user_language_set
from harmplan.accounts.models import Membership, Role
from harmplan.accounts.sessions.limits import sign_out_everywhere
from plans.goals import services as plan_services
from plans.reminders.services import client_zone_save
from tests.signin import sign_in


def user_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]


def test_a_signed_in_page_loads_the_person_once_then_from_the_cache(people, client):
    sign_in(client, people.client_a)
    client.get(reverse("help"))
    assert user_queries(client, reverse("help")) == []


def test_two_people_never_get_each_others_cached_person(people, client):
    sign_in(client, people.client_a)
    assert client.get(reverse("help")).context["user"].pk == people.client_a.pk
    other = client.__class__()
    sign_in(other, people.client_b)
    assert other.get(reverse("help")).context["user"].pk == people.client_b.pk
    assert client.get(reverse("help")).context["user"].pk == people.client_a.pk


def test_a_new_name_shows_on_the_next_page(people, client):
    sign_in(client, people.client_a)
    client.get(reverse("help"))
    people.client_a.preferred_name = "Sam"
    people.client_a.save()
    assert client.get(reverse("help")).context["user"].preferred_name == "Sam"


def test_sign_out_everywhere_ends_a_session_that_was_cached(people, client):
    sign_in(client, people.client_a)
    other_device = client.__class__()
    sign_in(other_device, people.client_a)
    assert other_device.get(reverse("plans:checkin")).status_code == 200
    sign_out_everywhere(user=people.client_a, ip=None)
    assert other_device.get(reverse("plans:checkin")).status_code == 302


def test_a_new_password_ends_other_sessions_at_once(people, client):
    sign_in(client, people.client_a)
    assert client.get(reverse("plans:checkin")).status_code == 200
    people.client_a.set_password("another-long-password-99")
    people.client_a.save()
    assert client.get(reverse("plans:checkin")).status_code == 302


def test_a_deactivated_person_is_signed_out_at_once(people, client):
    sign_in(client, people.client_a)
    assert client.get(reverse("plans:checkin")).status_code == 200
    people.client_a.is_active = False
    people.client_a.save()
    assert client.get(reverse("plans:checkin")).status_code == 302


def test_a_changed_role_shows_on_the_next_page(people, client):
    sign_in(client, people.client_a)
    assert client.get(reverse("plans:checkin")).status_code == 200
    membership = Membership.objects.get(user=people.client_a)
    membership.role = Role.ORG_ADMIN
    membership.save()
    # Staff must set up a second step first: the new role is seen at once.
    response = client.get(reverse("plans:checkin"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor:setup"))


def test_the_language_and_zone_show_on_the_next_page(people, client):
    sign_in(client, people.client_a)
    plan_services.plan_for_client(people.client_a)
    client.get(reverse("help"))
    user_language_set(user=people.client_a, language="es")
    client_zone_save(client=people.client_a, time_zone="Asia/Kathmandu")
    page = client.get(reverse("help"))
    assert page.context["user"].language == "es"
    assert page.context["user"].plan_zone == "Asia/Kathmandu"
    assert '<html lang="es">' in page.content.decode()


def test_the_organizations_new_name_shows_on_the_next_page(people, client):
    sign_in(client, people.client_a)
    client.get(reverse("help"))
    people.org.display_name = "Riverside Check-in"
    people.org.save()
    assert "Riverside Check-in" in client.get(reverse("help")).content.decode()


def test_an_organization_changed_by_a_queryset_update_is_seen_too(people, client):
    sign_in(client, people.client_a)
    client.get(reverse("help"))
    account_services.organization_client_idle_save(admin=people.org_admin, minutes=10)
    person = client.get(reverse("help")).context["user"]
    assert person.organization.client_idle_minutes == 10

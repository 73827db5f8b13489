"""Local resources (the help page) are edited by their organization's admins only."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from harmplan.demo import ensure_curators_group
from strategies.models import Resource
from tests.factories import make_user
from tests.signin import sign_in

CRISIS_LINE = {"name": "Riverside night line", "kind": "crisis_line", "phone": "555 010 2020"}


def test_a_curator_cannot_add_a_resource_for_any_organization(people, client):
    """The probe: a Demo Program curator added a crisis line to Other Program's help page."""
    curator = make_user("curator-2", people.org, "counselor", is_staff=True)
    curator.groups.add(ensure_curators_group())
    sign_in(client, curator)
    assert client.get("/admin/strategies/resource/add/").status_code == 404
    response = client.post(
        "/admin/strategies/resource/add/", {**CRISIS_LINE, "organization": people.other_org.pk}
    )
    assert response.status_code == 404
    assert not Resource.objects.exists()
    assert not curator.has_perm("strategies.add_resource")


def test_migration_takes_resource_permissions_away_from_existing_groups(db):
    group = Group.objects.create(name="Catalog curators")
    group.permissions.set(Permission.objects.filter(content_type__app_label="strategies"))
    migration = importlib.import_module("strategies.migrations.0005_resources_for_org_admins_only")
    migration.forwards(apps, None)
    kept = set(group.permissions.values_list("codename", flat=True))
    assert "change_strategy" in kept
    assert not {name for name in kept if name.endswith("_resource")}


def test_org_admin_adds_a_service_to_their_own_help_page_only(people, client):
    sign_in(client, people.org_admin)
    response = client.post(reverse("accounts:resource_new"), CRISIS_LINE)
    assert response["Location"] == reverse("accounts:resource_list")
    resource = Resource.objects.get()
    assert resource.organization == people.org

    sign_in(client, people.client_a)
    assert "Riverside night line" in client.get(reverse("help")).content.decode()
    sign_in(client, people.other_client)
    assert "Riverside night line" not in client.get(reverse("help")).content.decode()

    sign_in(client, people.other_admin)
    edit = reverse("accounts:resource_edit", args=[resource.pk])
    assert client.post(edit, {**CRISIS_LINE, "name": "Taken over"}).status_code == 404
    remove = reverse("accounts:resource_remove", args=[resource.pk])
    assert client.post(remove).status_code == 404
    resource.refresh_from_db()
    assert resource.name == "Riverside night line"


def test_org_admin_changes_and_removes_a_service(people, client):
    resource = Resource.objects.create(organization=people.org, **CRISIS_LINE)
    sign_in(client, people.org_admin)
    edit = reverse("accounts:resource_edit", args=[resource.pk])
    client.post(edit, {**CRISIS_LINE, "hours": "Every night, 18:00 to 08:00"})
    resource.refresh_from_db()
    assert resource.hours == "Every night, 18:00 to 08:00"
    client.post(reverse("accounts:resource_remove", args=[resource.pk]))
    assert not Resource.objects.exists()


def test_bad_input_is_explained_beside_the_field_and_kept(people, client):
    sign_in(client, people.org_admin)
    response = client.post(
        reverse("accounts:resource_new"),
        {"name": "", "kind": "crisis_line", "url": "not a web address", "phone": "555 1"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "url"}
    body = response.content.decode()
    assert "Enter the name of the service" in body
    assert 'value="not a web address"' in body
    assert "<title>Error: " in body


def test_the_cached_help_page_shows_an_edited_or_removed_service_at_once(people, client):
    """The help page's services come from the cache: an admin's change shows on the next view,
    and one organization never sees another's list."""
    from strategies.services import resource_remove, resource_save

    resource = resource_save(editor=people.org_admin, data=CRISIS_LINE)
    sign_in(client, people.client_a)
    assert "Riverside night line" in client.get(reverse("help")).content.decode()
    other = client.__class__()
    sign_in(other, people.other_client)
    assert "Riverside night line" not in other.get(reverse("help")).content.decode()

    resource_save(editor=people.org_admin, data={"name": "River line"}, resource=resource)
    page = client.get(reverse("help")).content.decode()
    assert "River line" in page and "Riverside night line" not in page
    resource_save(editor=people.org_admin, data={"name": "Second line", "kind": "naloxone"})
    assert "Second line" in client.get(reverse("help")).content.decode()
    resource_remove(editor=people.org_admin, resource=resource)
    assert "River line" not in client.get(reverse("help")).content.decode()
    assert "Second line" not in other.get(reverse("help")).content.decode()

"""The organization's own name, icon and exit site; the manifest and the service worker; the
organization admin's page for what clients see."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from harmplan.accounts.models import Organization
from tests.factories import make_people
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def test_signed_out_pages_and_the_manifest_use_the_neutral_default(client):
    response = client.get(reverse("manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Check-in"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["icons"][0]["src"] == "/static/icons/check.svg"
    page = client.get(reverse("login")).content.decode()
    assert "<title>Sign in – Check-in</title>" in page
    assert "HarmPlan" not in page


def test_a_new_organization_is_neutral():
    organization = Organization.objects.create(name="Riverside Harm Reduction Services")
    assert organization.display_name == "Check-in"
    assert organization.exit_url.startswith("https://")


def test_signed_in_people_see_their_organizations_name_and_icon(client):
    people = make_people()
    people.org.display_name = "Greenway"
    people.org.icon = "icons/sun.svg"
    people.org.save()
    sign_in(client, people.client_a)
    manifest = json.loads(client.get(reverse("manifest")).content)
    assert manifest["name"] == "Greenway"
    assert manifest["icons"][0]["src"] == "/static/icons/sun.svg"
    page = client.get(reverse("plans:checkin")).content.decode()
    assert "– Greenway</title>" in page
    assert 'href="https://www.bbc.co.uk/weather"' in page  # the quick exit


def test_service_worker_is_served_for_the_whole_site_and_always_checked(client):
    response = client.get(reverse("service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/static/css/harmplan.css"' in body
    assert 'credentials: "omit"' in body  # what it keeps is what a signed-out visitor gets


def test_org_admin_changes_what_clients_see(client):
    people = make_people()
    sign_in(client, people.org_admin)
    url = reverse("accounts:org_appearance")
    bad = {"display_name": "HarmPlan", "icon": "icons/leaf.svg", "exit_url": "http://news.example"}
    response = client.post(url, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "does not say what the app is for" in page
    assert "Enter a full https:// address" in page
    assert 'value="http://news.example"' in page  # what was typed is kept
    good = {**bad, "display_name": "Greenway", "exit_url": "https://news.example/"}
    assert client.post(url, good)["Location"] == reverse("accounts:org_overview")
    people.org.refresh_from_db()
    assert (people.org.display_name, people.org.icon, people.org.exit_url) == (
        "Greenway",
        "icons/leaf.svg",
        "https://news.example/",
    )
    # An address typed without its scheme is a secure one.
    client.post(url, {**good, "exit_url": "weather.example/today"})
    people.org.refresh_from_db()
    assert people.org.exit_url == "https://weather.example/today"
    # Another organization's clients still see their own.
    people.other_org.refresh_from_db()
    assert people.other_org.display_name == "Check-in"


def test_exit_this_page_is_on_client_and_public_pages_and_on_help_for_everyone(client):
    people = make_people()
    exit_link = "data-exit-button"
    assert exit_link in client.get(reverse("login")).content.decode()
    sign_in(client, people.client_a)
    assert exit_link in client.get(reverse("plans:checkin")).content.decode()
    sign_in(client, people.counselor)
    assert exit_link in client.get(reverse("help")).content.decode()
    assert exit_link not in client.get(reverse("plans:caseload")).content.decode()

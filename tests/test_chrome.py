"""The page chrome (harmplan/chrome.py): cached, yet the page it gives is the page rendered whole;
its CSRF token works and is never in the cache; a change shows at once; nobody gets another's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.test import Client, override_settings
from django.urls import reverse

from harmplan.accounts.language import user_language_set
from harmplan.accounts.models import Membership, Role
from harmplan.accounts.services import organization_appearance_save
from harmplan.chrome import LIVE, PUBLIC_ID
from harmplan.fragments import CSRF_PLACEHOLDER
from tests.caches import clear_caches
from tests.signin import sign_in

NOON = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
# What chrome.html has as values, written as base.html had it before the chrome was cached.
TAGS = {
    "{{ static.css }}": "{% static 'css/harmplan.css' %}",
    "{{ static.js }}": "{% static 'js/harmplan.js' %}",
    "{{ static.exit_js }}": "{% static 'js/exit-this-page.js' %}",
    "{{ static.offline_js }}": "{% static 'js/offline.js' %}",
    "{{ htmx_script }}": "{% htmx_script %}",
}
TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")([^"]+)')


def whole_base() -> str:
    """base.html in one piece: chrome.html with base.html's live parts at its marks, rendered by
    Django from the request's own context (the User, the Branding, the session timer, the token)."""
    live = re.split(r"\{\{ chrome\.\w+ \}\}", (TEMPLATES / "base.html").read_text())
    cached = LIVE.split((TEMPLATES / "includes" / "chrome.html").read_text())
    assert len(live) == 5 and live[4] == "" and len(cached) == 4
    source = "".join(part for pair in zip(live, cached, strict=False) for part in pair)
    for value, tag in TAGS.items():
        assert value in source
        source = source.replace(value, tag)
    return "{% load static django_htmx %}" + source


def rendered_whole():
    engine = django_settings.TEMPLATES[0]
    loaders = [
        ("django.template.loaders.locmem.Loader", {"base.html": whole_base()}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    options = {**engine["OPTIONS"], "loaders": loaders}
    return override_settings(TEMPLATES=[{**engine, "APP_DIRS": False, "OPTIONS": options}])


def without_tokens(html: str) -> str:
    return TOKENS.sub(r"\1", html)


def assert_the_same_page(load) -> str:
    """`load()` answers a page: with the chrome read from the cache (after a miss) and rendered
    whole, byte for byte the same but for the CSRF token's mask (new on every request)."""
    clear_caches()
    cached = [load().content.decode() for _ in range(2)]  # a miss, then a hit
    with rendered_whole():
        whole = load().content.decode()
    assert "<!--live" not in whole and str(CSRF_PLACEHOLDER) not in cached[1]
    assert without_tokens(cached[0]) == without_tokens(whole)
    assert without_tokens(cached[1]) == without_tokens(whole)
    return whole


@time_machine.travel(NOON, tick=False)
def test_the_cached_chrome_gives_the_page_rendered_whole(people, client):
    # Signed out: the help page, a 404, the sign-in page with a form's errors in its title.
    for url in (reverse("help"), "/nope/", reverse("login") + "?next=/checkin/"):
        assert_the_same_page(lambda url=url: client.get(url))
    failed = {"username": "client-a", "password": "not the password"}
    page = assert_the_same_page(lambda: client.post(reverse("login"), failed))
    assert "<title>Error: " in page
    client.cookies["django_language"] = "es"
    assert '<html lang="es">' in assert_the_same_page(lambda: client.get(reverse("help")))

    # A client (the session warning counts down, the pending check-ins notice) and a counselor.
    sign_in(client, people.client_a)
    for url in (reverse("home"), reverse("plans:checkin"), reverse("help")):
        page = assert_the_same_page(lambda url=url: client.get(url))
        assert "data-seconds-left=" in page and "data-pending-summary" in page
    assert_the_same_page(lambda: client.get("/nope/"))  # no view: no session warning
    user_language_set(user=people.client_a, language="es")
    assert "Menú" in assert_the_same_page(lambda: client.get(reverse("home")))

    # A message after "Stay signed in", shown on the next page.
    def kept_signed_in():
        client.post(reverse("accounts:session_keepalive"), {"next": reverse("plans:checkin")})
        return client.get(reverse("plans:checkin"))

    assert "Sigues con la sesión abierta." in assert_the_same_page(kept_signed_in)

    # Signed out from the menu: a page with its own <body> attribute (block body_data).
    def signed_out():
        sign_in(client, people.client_a)
        return client.post(reverse("logout"))

    assert 'data-stepper-more="Más" data-signed-out>' in assert_the_same_page(signed_out)

    del client.cookies["django_language"]  # in English
    sign_in(client, people.counselor)
    for url in (reverse("plans:caseload") + "?sort=review", reverse("accounts:account")):
        assert "Caseload" in assert_the_same_page(lambda url=url: client.get(url))


def raw_cache_values() -> list[bytes]:
    redis = cache._cache.get_client()  # type: ignore[attr-defined]
    return [redis.get(key) or b"" for key in redis.scan_iter()]


def fragment_keys() -> set[bytes]:
    return set(cache._cache.get_client().scan_iter(match="*fragment:*"))  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_chromes_token_passes_the_real_csrf_check_and_is_never_cached(people):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, people.client_a)
    for _ in range(2):  # rendered, then read from the cache
        page = browser.get(reverse("plans:checkin")).content.decode()
        tokens = {token for _, token in TOKENS.findall(page)}
        assert len(tokens) == 1, tokens  # one token in the page, the chrome's and the form's
        token = tokens.pop()
        values = raw_cache_values()
        assert any(str(CSRF_PLACEHOLDER).encode() in value for value in values)
        secret = browser.cookies[django_settings.CSRF_COOKIE_NAME].value
        assert not any(token.encode() in value or secret.encode() in value for value in values)

    switch = {"language": "es", "next": reverse("help")}
    refused = browser.post(reverse("language_switch"), {**switch, "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403  # the check is real
    response = browser.post(reverse("language_switch"), switch, HTTP_X_CSRFTOKEN=token)  # htmx
    assert response.status_code == 302
    signed_out = browser.post(reverse("logout"), {"csrfmiddlewaretoken": token})  # the menu's
    assert signed_out.status_code == 200 and "data-person" not in signed_out.content.decode()


@time_machine.travel(NOON, tick=False)
def test_the_session_warnings_seconds_are_of_each_request(people, client):
    sign_in(client, people.client_a)
    seconds = []
    for moved in (10, 25):  # the same warning minute, so the same cached chrome
        with time_machine.travel(NOON + timedelta(seconds=moved), tick=False):
            page = client.get(reverse("help")).content.decode()
            seconds.append(int(re.search(r'data-seconds-left="(\d+)"', page).group(1)))
    assert seconds[0] - seconds[1] == 15


@pytest.mark.django_db
def test_a_change_shows_at_once(people, client):
    sign_in(client, people.counselor)
    page = client.get(reverse("help")).content.decode()
    assert "Caseload" in page and "Organization" not in page
    # A new role, a new menu.
    membership = Membership.objects.get(user=people.counselor)
    membership.role = Role.ORG_ADMIN
    membership.save()
    page = client.get(reverse("help")).content.decode()
    assert ">Organization</a>" in page and ">Clients</a>" in page
    # The menu marks the page it is on.
    page = client.get(reverse("accounts:org_overview")).content.decode()
    assert '<a href="/organization/" aria-current="page">Organization</a>' in page

    # The program's name, icon and quick exit.
    sign_in(client, people.client_a)
    assert "Sunrise" not in client.get(reverse("help")).content.decode()
    organization_appearance_save(
        organization=people.org,
        display_name="Sunrise",
        icon="icons/leaf.svg",
        exit_url="https://example.org/weather",
    )
    page = client.get(reverse("help")).content.decode()
    assert "Sunrise is run by your program." in page and "> Sunrise</a>" in page
    assert 'src="/static/icons/leaf.svg"' in page and 'href="https://example.org/weather"' in page

    # The language, and the page's address in the forms that come back to it.
    user_language_set(user=people.client_a, language="es")
    page = client.get(reverse("help") + "?from=menu").content.decode()
    assert "Saltar al contenido principal" in page and "Skip to main content" not in page
    assert page.count('name="next" value="/help/?from=menu"') == 3  # language, warning, dialog
    fragments = fragment_keys()
    page = client.get(reverse("help") + "?from=<b>&to=1").content.decode()
    assert 'name="next" value="/help/?from=%3Cb%3E&amp;to=1"' in page and "from=menu" not in page
    assert fragment_keys() == fragments  # a new address, the same chrome


@time_machine.travel(NOON, tick=False)
def test_two_people_never_get_each_others_chrome(people):
    pages: dict = {}
    for person in (people.client_a, people.client_b, people.client_a):  # the same menu, page
        browser = Client()
        sign_in(browser, person)
        pages.setdefault(person, []).append(browser.get(reverse("home")).content.decode())
    a, b = people.client_a.public_id, people.client_b.public_id
    for page in pages[people.client_a]:
        assert f'data-person="{a}"' in page and str(b) not in page
    (page,) = pages[people.client_b]
    assert f'data-person="{b}"' in page and str(a) not in page
    # Their chrome is one copy (the same program, menu and language), with neither id in it.
    redis = cache._cache.get_client()  # type: ignore[attr-defined]
    kept = [redis.get(key) for key in fragment_keys()]
    assert sum(str(PUBLIC_ID).encode() in value for value in kept) == 1
    assert not any(str(a).encode() in value or str(b).encode() in value for value in kept)


@pytest.mark.django_db
def test_pages_render_the_same_when_the_cache_is_unreachable(client, caplog):
    up = client.get(reverse("help")).content.decode()
    down = {
        **django_settings.CACHES["default"],
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    recent = django_settings.CACHES["recent_fragments"]
    with override_settings(CACHES={"default": down, "recent_fragments": recent}):
        caches["recent_fragments"].clear()  # as a worker that has not read it yet
        response = client.get(reverse("help"))
    assert response.status_code == 200 and "fragment cache unreachable" in caplog.text
    assert without_tokens(response.content.decode()) == without_tokens(up)
    assert TOKENS.search(response.content.decode()).group(2) != str(CSRF_PLACEHOLDER)

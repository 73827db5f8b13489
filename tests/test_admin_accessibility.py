"""The Django admin pages that catalog curators use pass axe (WCAG 2.2 AA tags) in a browser."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from harmplan.demo import ensure_curators_group
from strategies.catalog_files import SEED_FILE, catalog_load, read_catalog
from strategies.models import FocusArea, Strategy
from tests.accessibility import assert_no_axe_violations
from tests.factories import make_user
from tests.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def curator_page(browser, live_server):
    catalog_load(catalog=read_catalog(SEED_FILE))
    curator = make_user("catalog-curator", is_staff=True)
    curator.groups.add(ensure_curators_group())
    client = Client()
    sign_in(client, curator)  # with the second step, as staff must
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    yield page, live_server.url
    context.close()


def curator_urls() -> list[str]:
    strategy = Strategy.objects.published().first()
    focus = FocusArea.objects.first()
    return [
        reverse("admin:index"),
        reverse("admin:strategies_strategy_changelist"),
        reverse("admin:strategies_strategy_changelist") + "?status__exact=published",
        reverse("admin:strategies_strategy_add"),
        reverse("admin:strategies_strategy_change", args=[strategy.pk]),
        reverse("admin:strategies_strategy_history", args=[strategy.pk]),
        reverse("admin:strategies_focusarea_changelist"),
        reverse("admin:strategies_focusarea_add"),
        reverse("admin:strategies_focusarea_change", args=[focus.pk]),
    ]


def test_every_admin_page_a_curator_uses_passes_axe(curator_page):
    page, base = curator_page
    failures = []
    for url in curator_urls():
        page.goto(base + url)
        assert page.url == base + url, url  # not sent to sign in or to the second step
        assert page.title(), url
        try:
            assert_no_axe_violations(page)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)

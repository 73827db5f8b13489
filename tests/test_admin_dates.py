"""The admin a curator uses shows times in the program's zone, in the format of the curator's
language (Django's formats for English and Spanish), on the changelist and the change page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from harmplan.demo import ensure_curators_group
from plans.timezones import default_zone_name
from strategies.models import Strategy
from tests.catalog_factories import make_strategy
from tests.factories import make_user
from tests.signin import sign_in

# 18:05 UTC on Wednesday 2 December 2026 is 13:05 in New York (the program's zone in the tests).
CHANGED = datetime(2026, 12, 2, 18, 5, tzinfo=UTC)


@pytest.fixture
def curator(db):
    assert default_zone_name() == "America/New_York"
    strategy = make_strategy("carry-naloxone")
    Strategy.objects.filter(pk=strategy.pk).update(updated_at=CHANGED)
    user = make_user("catalog-curator", is_staff=True)
    user.groups.add(ensure_curators_group())
    return user, strategy


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "Dec. 2, 2026, 1:05 p.m."), ("es", "2 de diciembre de 2026 a las 13:05")],
)
def test_curators_read_the_programs_local_time_in_their_language(curator, client, language, shown):
    user, strategy = curator
    user.language = language
    user.save()
    sign_in(client, user)
    listing = client.get(reverse("admin:strategies_strategy_changelist")).content.decode()
    assert shown in listing
    change = client.get(reverse("admin:strategies_strategy_change", args=[strategy.pk]))
    assert shown in change.content.decode()
    assert "18:05" not in listing and "6:05" not in listing

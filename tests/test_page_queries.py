"""Every page a client or counselor uses makes the same number of queries for a small record and
a large one (1 goal and 20; a few check-ins and 12 weeks; a short history and a long one), and
signing in costs no query per request once the person is cached. See also
tests/test_plans_queries.py."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harmplan.accounts.models import AccessEvent, Role
from plans.goals import services
from plans.models import Channel, DeliveryStatus, ReminderDelivery, ReminderSchedule
from strategies.models import Approach
from tests.catalog_factories import make_strategy
from tests.factories import assign, make_user
from tests.plan_factories import add_checkins, make_goal
from tests.signin import sign_in


def queries_for(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries]


def make_record(people, name: str, *, goals: int, days: int, events: int, strategy):
    """A client on the counselor's caseload with `goals` goals, `days` days of check-ins, as
    many reminders sent and `events` access-log entries."""
    person = make_user(name, people.org, Role.CLIENT, email=f"{name}@example.org")
    assign(people.counselor, person)
    plan = services.plan_for_client(person)
    made = []
    for n in range(goals):
        goal = make_goal(plan, steps=True, statement=f"Goal number {n}")
        services.goal_strategy_add(
            goal=goal, expected_version=goal.version, strategy=strategy, note="", author=person
        )
        made.append(goal)
    today = date.today()
    for goal in made:
        add_checkins(goal, {today - timedelta(days=d): d % 4 for d in range(1, days + 1)})
    schedule = ReminderSchedule.objects.create(
        client=person, timezone="America/New_York", channel=Channel.EMAIL
    )
    now = timezone.now()
    ReminderDelivery.objects.bulk_create(
        ReminderDelivery(
            schedule=schedule,
            slot=now - timedelta(days=d),
            channel=Channel.EMAIL,
            status=DeliveryStatus.SENT,
            next_attempt_at=now,
            enqueued_at=now,
            sent_at=now,
        )
        for d in range(1, days + 1)
    )
    AccessEvent.objects.bulk_create(
        AccessEvent(actor=people.counselor, client=person, action="view", object_type="plan")
        for _ in range(events)
    )
    goal = made[0]
    return SimpleNamespace(
        person=person,
        urls={
            "plan": plan.get_absolute_url(),
            "goal": reverse("plans:goal", args=[plan.public_id, goal.public_id]),
            "goal progress": reverse("plans:goal_progress", args=[plan.public_id, goal.public_id]),
            "progress overview": reverse("plans:progress"),
            "check-in": reverse("plans:checkin"),
            "check-in settings": reverse("plans:checkin_settings"),
            "reminders": reverse("plans:reminder_settings"),
            "catalog": reverse("strategies:catalog"),
            "strategy": reverse("strategies:detail", args=[strategy.slug]),
            "who saw my records": reverse("accounts:my_access_log"),
            "history": reverse("plans:plan_history", args=[plan.public_id]),
        },
    )


@pytest.fixture
def records(people):
    strategy = make_strategy("water", approaches=(Approach.MANAGED_USE,), focus_areas=("alcohol",))
    return SimpleNamespace(
        small=make_record(people, "small-client", goals=1, days=3, events=2, strategy=strategy),
        big=make_record(people, "big-client", goals=20, days=84, events=300, strategy=strategy),
    )


CLIENT_PAGES = [
    "plan",
    "goal",
    "goal progress",
    "progress overview",
    "check-in",
    "check-in settings",
    "reminders",
    "catalog",
    "strategy",
    "who saw my records",
    "history",
]
COUNSELOR_PAGES = ["plan", "goal", "goal progress", "history"]


@pytest.mark.parametrize("page", CLIENT_PAGES)
def test_client_pages_cost_the_same_for_1_and_20_goals(records, client, page):
    sign_in(client, records.small.person)
    small = queries_for(client, records.small.urls[page])
    sign_in(client, records.big.person)
    big = queries_for(client, records.big.urls[page])
    assert len(small) == len(big), "\n".join(big)


@pytest.mark.parametrize("page", COUNSELOR_PAGES)
def test_counselor_pages_cost_the_same_for_1_and_20_goals(records, people, client, page):
    sign_in(client, people.counselor)
    small = queries_for(client, records.small.urls[page])
    big = queries_for(client, records.big.urls[page])
    assert len(small) == len(big), "\n".join(big)


def test_signing_in_costs_no_query_a_request(records, client):
    """The session comes from the cache, and so does the person with their membership and
    organization (loaded in one query the first time); everything else on the help page is its
    own content (resources, people I trust)."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    sign_in(client, records.small.person)
    client.logout()
    sign_in(client, records.small.person)
    first = queries_for(client, reverse("help"))
    person = [sql for sql in first if 'FROM "accounts_user"' in sql]
    assert len(person) == 1, "\n".join(first)
    assert "accounts_membership" in person[0] and "accounts_organization" in person[0]
    signed_in = queries_for(client, reverse("help"))
    assert not any('FROM "accounts_user"' in sql for sql in signed_in), "\n".join(signed_in)
    assert not any("accounts_membership" in sql for sql in signed_in)
    assert not any("django_session" in sql for sql in signed_in)


def test_the_time_zone_question_offers_a_short_list_first(records, client):
    sign_in(client, records.small.person)
    short = client.get(reverse("plans:checkin_settings")).content.decode()
    every = client.get(reverse("plans:checkin_settings") + "?zones=all").content.decode()
    assert short.count("<option") < 40 < 300 < every.count("<option")
    assert 'value="America/New_York" selected' in short
    assert "Show every time zone" in short


def test_a_zone_from_the_long_list_is_saved_and_then_offered_first(records, client):
    sign_in(client, records.small.person)
    url = reverse("plans:checkin_settings")
    response = client.post(url, {"time_zone": "Asia/Kathmandu", "day_starts_at": "4"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'value="Asia/Kathmandu" selected' in page
    assert page.count("<option") < 40


def test_templates_are_compiled_once_per_process():
    """Django's cached loader is on (django-template-partials wraps it around the default
    loaders): no page reads or compiles a template file per request, in production as elsewhere."""
    from django.template import engines

    [partials] = engines["django"].engine.template_loaders
    [loader] = partials.loaders
    assert loader.__module__ == "django.template.loaders.cached"


def sent_sql(client, url: str) -> list[str]:
    """The statements a page sends, as PostgreSQL receives them (%s numbered $1, $2, …)."""
    sent: list[str] = []

    def keep(execute, sql, params, many, context):
        numbers = itertools.count(1)
        sent.append(re.sub("%s", lambda _: f"${next(numbers)}", sql).replace("%%", "%"))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert client.get(url).status_code == 200, url
    return sent


@pytest.mark.parametrize("page", CLIENT_PAGES)
def test_postgresql_plans_a_pages_queries_once_per_connection(records, client, page):
    """A page sends the same statements on every visit: bound by PostgreSQL and prepared from
    the third time on a connection, they are no longer parsed and planned on every request
    (DATABASES OPTIONS server_side_binding and prepare_threshold)."""
    sign_in(client, records.big.person)
    url = records.big.urls[page]
    for _ in range(3):
        client.get(url)
    sent = sent_sql(client, url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = {statement for (statement,) in cursor.fetchall()}
    assert sent and [sql for sql in sent if sql not in prepared] == []

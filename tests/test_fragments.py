"""Cached fragments (harmplan/fragments.py): the same HTML as rendering, never stale, never
another person's, in the reader's language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache, caches
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from harmplan.accounts.language import user_language_set
from harmplan.accounts.models import AccessEvent
from harmplan.fragments import (
    CSRF_PLACEHOLDER,
    RECENT_MAX_CHARS,
    RECENT_TIMEOUT,
    fragment_key,
    render_cached,
    render_cached_from,
)
from plans.checkins import services as checkins
from plans.goals import services
from plans.progress.chart import Chart, Row
from plans.progress.stats import DayPoint
from tests.caches import clear_caches
from tests.plan_factories import add_plans, make_goal
from tests.signin import sign_in

TODAY = date(2026, 3, 20)
NOON = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
CHART = "plans/progress/_chart.html"


def chart_context(**changes) -> dict:
    chart = Chart(kind="amount", first=TODAY - timedelta(days=27), last=TODAY)
    chart.rows = [Row(day=TODAY, noted="3", average="3", target="2")]
    context = {
        "chart": chart,
        "chart_id": "chart-1",
        "statement": "Drink less",
        "weeks": 4,
        "summary": "Some words.",
    }
    return {**context, **changes}


def test_a_cached_fragment_is_what_rendering_gives(db):
    clear_caches()
    context = chart_context()
    html = render_cached(CHART, context)
    assert html == render_to_string(CHART, context)
    assert cache.get(fragment_key(CHART, context)) == html
    assert render_cached(CHART, context) == html  # from the cache now


def test_a_worker_serves_a_fragment_it_used_lately_without_asking_redis(db):
    """Each request read every fragment from Redis, the page chrome among them: one round trip
    and one unpickling each time. A worker now keeps what it used last, for five minutes."""
    clear_caches()
    context = chart_context()
    html = render_cached(CHART, context)
    with mock.patch.object(cache, "get", side_effect=AssertionError("asked Redis")):
        assert render_cached(CHART, context) == html
    assert cache.get(fragment_key(CHART, context)) == html  # every worker can still share it
    with time_machine.travel(timezone.now() + timedelta(seconds=RECENT_TIMEOUT + 1)):
        with mock.patch.object(cache, "get", return_value=None) as shared:
            assert render_cached(CHART, context) == html
        assert shared.called  # the worker's copy is gone after five minutes


def test_a_large_fragment_is_kept_in_redis_only(db):
    clear_caches()
    context = chart_context(statement="x" * RECENT_MAX_CHARS)
    html = render_cached(CHART, context)
    assert len(html) > RECENT_MAX_CHARS
    assert caches["recent_fragments"].get(fragment_key(CHART, context)) is None
    assert cache.get(fragment_key(CHART, context)) == html


def test_a_fragment_made_from_its_inputs_is_made_only_when_they_are_new(db):
    clear_caches()
    made = []

    def make(points):
        def context():
            made.append(points)
            return chart_context(summary=f"{points} points")

        return context

    first = render_cached_from(CHART, {"points": [1, 2]}, make([1, 2]))
    assert render_cached_from(CHART, {"points": [1, 2]}, make([1, 2])) == first
    assert made == [[1, 2]]  # the second came from the cache
    assert first == render_to_string(CHART, chart_context(summary="[1, 2] points"))
    render_cached_from(CHART, {"points": [1, 3]}, make([1, 3]))
    assert made == [[1, 2], [1, 3]]


def test_a_chart_is_drawn_from_its_goals_plain_values_only(people):
    """A chart is keyed by what it is drawn from: drawing it from a ChartGoal (never the model)
    means a field it read and the key lacked would fail here, not show a stale chart."""
    from plans.progress.chart import ChartGoal, build_chart

    for period, kind in [("day", "amount"), ("week", "amount"), ("", "practice")]:
        goal = make_goal(people.plan_a, target_value=Decimal(2), target_period=period)
        goal.target_kind = kind
        points = [DayPoint(TODAY, Decimal(3), None, False, Decimal(3))]
        drawn = build_chart(ChartGoal.of(goal), points, [(TODAY, Decimal(2))], TODAY, TODAY)
        assert drawn == build_chart(goal, points, [(TODAY, Decimal(2))], TODAY, TODAY)


def test_the_key_follows_every_value_language_zone_and_escaping():
    base = fragment_key(CHART, chart_context())
    changed = chart_context()
    changed["chart"].rows[0] = Row(day=TODAY, noted="4", average="3", target="2")
    assert fragment_key(CHART, changed) != base
    assert fragment_key(CHART, chart_context(statement="Drink less.")) != base
    assert fragment_key(CHART, chart_context(summary=mark_safe("Some words."))) != base
    with translation.override("es"):
        assert fragment_key(CHART, chart_context()) != base
    with timezone.override("Asia/Tokyo"):
        assert fragment_key(CHART, chart_context()) != base
    assert fragment_key(CHART, chart_context()) == base


def test_a_list_of_plain_values_keys_each_value_and_its_type():
    """Lists of days and numbers are digested by their repr in one step: every value and every
    type still counts, and text never goes that way (a safe and a plain string print alike)."""
    from datetime import timedelta
    from decimal import Decimal

    def key(values):
        return fragment_key(CHART, {**chart_context(), "values": values})

    plain = [1, Decimal("2.5"), TODAY, None, True, 0.5]
    variants = [
        [1, Decimal("2.5"), TODAY, None, True, 0.5],
        [True, Decimal("2.5"), TODAY, None, True, 0.5],  # True == 1, but not the same value
        [1.0, Decimal("2.5"), TODAY, None, True, 0.5],
        [1, Decimal("2.50"), TODAY, None, True, 0.5],
        [1, Decimal("2.5"), TODAY + timedelta(days=1), None, True, 0.5],
        [1, Decimal("2.5"), TODAY, 0, True, 0.5],
        (1, Decimal("2.5"), TODAY, None, True, 0.5),
        [1, Decimal("2.5"), TODAY, None, True],
    ]
    keys = [key(v) for v in variants]
    assert keys[0] == key(plain) and len(set(keys)) == len(variants)
    assert key(["a"]) != key([mark_safe("a")])
    with pytest.raises(TypeError):
        key([1, object()])
    # A dataclass of plain values (a chart's day) likewise, field by field.
    from plans.progress.stats import DayPoint

    day = DayPoint(TODAY, Decimal(2), None, False, Decimal("1.5"))
    others = [
        DayPoint(TODAY, Decimal(2), None, False, Decimal("1.50")),
        DayPoint(TODAY, Decimal(2), False, False, Decimal("1.5")),
        DayPoint(TODAY, Decimal(2), None, 0, Decimal("1.5")),
        DayPoint(TODAY - timedelta(days=1), Decimal(2), None, False, Decimal("1.5")),
    ]
    keys = {key([point]) for point in others}
    assert key([DayPoint(TODAY, Decimal(2), None, False, Decimal("1.5"))]) == key([day])
    assert key([day]) not in keys and len(keys) == len(others)
    assert key([Row(TODAY, "1", "", "")]) != key([Row(TODAY, mark_safe("1"), "", "")])


def test_models_and_other_objects_are_refused(db):
    from harmplan.accounts.models import User

    with pytest.raises(TypeError):
        fragment_key(CHART, chart_context(statement=User(username="someone")))
    with pytest.raises(TypeError):
        fragment_key(CHART, chart_context(summary=object()))


@pytest.fixture
def people(db):
    from tests.factories import make_people

    people = make_people()
    add_plans(people)
    return people


def chart_of(page: str, goal) -> str:
    title = page.index(f'id="chart-{goal.public_id.hex}-title"')
    start = page.rindex('<figure class="chart"', 0, title)
    return page[start : page.index("</details>", title)]


@time_machine.travel(NOON, tick=False)
def test_pages_show_a_new_check_in_and_a_new_statement_at_once(people, client):
    clear_caches()
    goal = make_goal(people.plan_a, target_value=Decimal(2), target_period="day")
    desk = people.plan_a.get_absolute_url()
    sign_in(client, people.counselor)
    assert 'data-answered="0"' in chart_of(client.get(desk).content.decode(), goal)

    checkins.checkin_record(
        client=people.client_a, day=TODAY, entries={goal: checkins.Entry(amount=Decimal(3))}
    )
    assert 'data-answered="1"' in chart_of(client.get(desk).content.decode(), goal)

    goal.refresh_from_db()
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "At most two a day"},
        author=people.counselor,
    )
    page = client.get(desk).content.decode()
    assert "At most two a day: the last 4 weeks" in page
    # Every one of the counselor's looks is in the client's access log, cached chart or not.
    assert AccessEvent.objects.filter(actor=people.counselor, object_type="plan").count() == 3

    # The client reads HarmPlan in Spanish: the same chart, in their language.
    sign_in(client, people.client_a)
    assert "Show the numbers" in chart_of(client.get("/progress/").content.decode(), goal)
    user_language_set(user=people.client_a, language="es")
    spanish = chart_of(client.get("/progress/").content.decode(), goal)
    assert "Mostrar los números" in spanish and "At most two a day" in spanish


@time_machine.travel(NOON, tick=False)
def test_two_clients_with_the_same_goal_see_their_own_charts(people, client):
    clear_caches()
    goal_a = make_goal(people.plan_a, target_value=Decimal(2), target_period="day")
    goal_b = make_goal(people.plan_b, target_value=Decimal(2), target_period="day")
    checkins.checkin_record(
        client=people.client_a, day=TODAY, entries={goal_a: checkins.Entry(amount=Decimal(3))}
    )
    sign_in(client, people.client_a)
    page_a = client.get("/progress/").content.decode()
    sign_in(client, people.client_b)
    page_b = client.get("/progress/").content.decode()
    assert goal_a.public_id.hex in page_a and goal_a.public_id.hex not in page_b
    assert goal_b.public_id.hex in page_b
    assert 'data-answered="1"' in page_a and 'data-answered="1"' not in page_b


def without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)


@time_machine.travel(NOON, tick=False)
def test_cached_pages_are_what_rendering_them_whole_gives(people, client, settings):
    """The desk (charts, changes with their differences, in the program's zone) and the progress
    pages, cached and not: the same HTML."""
    settings.HARMPLAN = {**settings.HARMPLAN, "DEFAULT_TIME_ZONE": "Asia/Tokyo"}
    goal = make_goal(people.plan_a, target_value=Decimal(2), target_period="day")
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "At most two drinks a day"},
        author=people.counselor,
    )
    checkins.checkin_record(
        client=people.client_a, day=TODAY, entries={goal: checkins.Entry(amount=Decimal(3))}
    )
    progress = reverse("plans:goal_progress", args=[people.plan_a.public_id, goal.public_id])
    pages = {
        people.counselor: [people.plan_a.get_absolute_url(), progress],
        people.client_a: [reverse("plans:progress"), progress],
    }
    for person, urls in pages.items():
        sign_in(client, person)
        for url in urls:
            clear_caches()
            cached = [client.get(url).content.decode() for _ in range(2)]  # a miss, then a hit
            recent = caches["recent_fragments"]
            with (
                mock.patch.object(cache, "get", return_value=None),
                mock.patch.object(recent, "get", return_value=None),
            ):  # rendered afresh
                whole = client.get(url).content.decode()
            assert "At most two drinks a day" in whole
            assert without_tokens(cached[0]) == without_tokens(whole), url
            assert without_tokens(cached[1]) == without_tokens(whole), url

    # The desk shows the change at 16:00 UTC in the program's zone, as the rest of the desk.
    sign_in(client, people.counselor)
    desk = client.get(people.plan_a.get_absolute_url()).content.decode()
    assert "21 Mar, 01:00</time>" in desk and "20 Mar, 16:00</time>" not in desk


def test_the_catalog_shows_an_edited_strategy_at_once_in_each_language(people, client):
    from strategies.models import Strategy

    clear_caches()
    sign_in(client, people.client_a)
    catalog = reverse("strategies:catalog")
    assert "Water between drinks" not in client.get(catalog).content.decode()
    Strategy.objects.filter(pk=people.strategy.pk).update(
        title="Water between drinks", title_es="Agua entre copas", summary="One glass each."
    )
    page = client.get(catalog).content.decode()
    assert "Water between drinks" in page and "One glass each." in page
    user_language_set(user=people.client_a, language="es")
    page = client.get(catalog).content.decode()
    assert "Agua entre copas" in page and "Water between drinks" not in page


@time_machine.travel(NOON, tick=False)
def test_the_access_log_shows_each_new_look_and_name_at_once(people, client):
    from harmplan.accounts.models import User

    clear_caches()
    sign_in(client, people.client_a)
    log = reverse("accounts:my_access_log")
    assert "Viewed your plan" not in client.get(log).content.decode()
    AccessEvent.objects.create(
        actor=people.counselor, client=people.client_a, action="view", object_type="plan"
    )
    AccessEvent.objects.create(
        actor=people.other_counselor, client=people.client_b, action="view", object_type="goal"
    )
    page = client.get(log).content.decode()
    assert page.count("Viewed your plan") == 1 and "other-counselor" not in page
    User.objects.filter(pk=people.counselor.pk).update(preferred_name="Robin")
    page = client.get(log).content.decode()
    assert "Robin (counselor)" in page


@time_machine.travel(NOON, tick=False)
def test_the_caseload_shows_a_new_check_in_and_agreement_at_once(people, client):
    clear_caches()
    sign_in(client, people.counselor)
    caseload = reverse("plans:caseload")
    assert "None yet" in client.get(caseload).content.decode()
    checkins.checkin_record(
        client=people.client_a,
        day=TODAY,
        entries={people.goal_a: checkins.Entry(amount=Decimal(1))},
    )
    page = client.get(caseload).content.decode()
    assert "20 Mar 2026" in page and "None yet" not in page
    # Every look at the caseload is a read of each client's records, cached rows or not.
    reads = AccessEvent.objects.filter(actor=people.counselor, object_type="plan summary")
    assert reads.count() == 2


def test_templates_that_depend_on_the_moment_or_the_session_are_refused(tmp_path, settings):
    (tmp_path / "now.html").write_text('{% now "Y" %}')
    (tmp_path / "form.html").write_text('{% include "now.html" %}')
    (tmp_path / "token.html").write_text("{% csrf_token %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    for name in ("now.html", "form.html", "token.html"):
        with pytest.raises(TypeError):
            fragment_key(name, {})


@time_machine.travel(NOON, tick=False)
def test_the_plan_pages_goal_cards_show_each_change_at_once(people, client):
    from plans.models import Plan

    clear_caches()
    goal = make_goal(people.plan_a, target_value=Decimal(2), target_period="day")
    twin = make_goal(people.plan_b, target_value=Decimal(2), target_period="day")
    sign_in(client, people.client_a)
    url = people.plan_a.get_absolute_url()
    first = client.get(url).content.decode()
    assert goal.get_absolute_url() in first

    checkins.checkin_record(
        client=people.client_a, day=TODAY, entries={goal: checkins.Entry(amount=Decimal(3))}
    )
    after_checkin = client.get(url).content.decode()
    assert after_checkin != first and "Last answer: 20 March." in after_checkin

    goal.refresh_from_db()
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "Two at most, any day"},
        author=people.client_a,
    )
    assert "Two at most, any day" in client.get(url).content.decode()
    Plan.objects.filter(pk=people.plan_a.pk).update(show_focus_areas=True)
    assert "tag grey" in client.get(url).content.decode()

    # The same goal in another plan: that client's own links, never these.
    sign_in(client, people.client_b)
    other = client.get(people.plan_b.get_absolute_url()).content.decode()
    assert twin.get_absolute_url() in other and goal.get_absolute_url() not in other


def test_a_fragment_keeps_a_placeholder_where_the_csrf_token_goes(db, tmp_path, settings):
    """The token is the request's: the cache holds CSRF_PLACEHOLDER, each reader gets their own."""
    (tmp_path / "form.html").write_text(
        '<form>{% csrf_token %}</form><body hx-headers=\'{"X-CSRFToken": "{{ csrf_token }}"}\'>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    clear_caches()
    first = render_cached("form.html", {}, csrf_token="tokenOfTheFirst")
    assert first == render_to_string("form.html", {"csrf_token": "tokenOfTheFirst"})
    assert first.count("tokenOfTheFirst") == 2
    kept = cache.get(fragment_key("form.html", {}, csrf_token=True))
    assert kept.count(CSRF_PLACEHOLDER) == 2 and "tokenOfTheFirst" not in kept
    second = render_cached("form.html", {}, csrf_token="tokenOfTheSecond")  # from the cache
    assert second == first.replace("tokenOfTheFirst", "tokenOfTheSecond")


def test_a_token_is_never_part_of_a_fragments_context(tmp_path, settings):
    (tmp_path / "variable.html").write_text('<p data-token="{{ csrf_token }}"></p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(TypeError):  # it would render without the token the page needs
        fragment_key("variable.html", {})
    with pytest.raises(TypeError):
        fragment_key(CHART, chart_context(csrf_token="aToken"), csrf_token=True)


def test_the_key_follows_the_compiled_translations(tmp_path, settings):
    """A release with new wording (the same templates, a new catalog) never serves the old."""
    base = fragment_key(CHART, chart_context())
    catalog = tmp_path / "es" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "django.mo").write_bytes(b"new wording")
    settings.LOCALE_PATHS = [tmp_path]
    assert fragment_key(CHART, chart_context()) != base


@time_machine.travel(NOON, tick=False)
def test_the_check_in_fields_cached_are_what_the_page_renders_and_show_each_change(people, client):
    """The check-in's fields are cached under what they show (form_facts): cached or rendered
    in the page as before, the same HTML, empty, prefilled, with the drink picker, another day
    and in Spanish; and a new answer, goal or step shows at once."""
    from plans.checkins.views import _fields_html
    from tests.plan_factories import practice_goal_data

    practice = make_goal(people.plan_a, **practice_goal_data())
    drinks = people.goal_a  # counted in standard drinks: the drink picker sits beside it
    sign_in(client, people.client_a)
    checkin = reverse("plans:checkin")
    yesterday = {"day": (TODAY - timedelta(days=1)).isoformat()}

    def both(params: dict) -> str:
        clear_caches()
        cached = [client.get(checkin, params).content.decode() for _ in range(2)]
        with mock.patch("plans.checkins.views._fields_html", return_value=None):
            in_the_page = client.get(checkin, params).content.decode()
        assert without_tokens(cached[0]) == without_tokens(in_the_page), params
        assert without_tokens(cached[1]) == without_tokens(in_the_page), params
        return in_the_page

    empty = both({})
    assert f'name="goal-{drinks.public_id}"' in empty and "drink-picker" in empty
    checkins.checkin_record(
        client=people.client_a,
        day=TODAY,
        entries={drinks: checkins.Entry(amount=Decimal(3)), practice: checkins.Entry(done=True)},
        feeling=4,
        note="A calm day",
    )
    prefilled = both({})
    amount = f'name="goal-{drinks.public_id}" value='
    assert f'{amount}"3"' in prefilled and "A calm day" in prefilled
    both(yesterday)
    user_language_set(user=people.client_a, language="es")
    assert "Saltar por hoy" in both({})
    user_language_set(user=people.client_a, language="en")

    # A changed answer and a changed goal: the next look shows them, cache or not.
    assert f'{amount}"3"' in client.get(checkin).content.decode()  # now in the cache
    checkins.checkin_record(
        client=people.client_a, day=TODAY, entries={drinks: checkins.Entry(amount=Decimal(1))}
    )
    page = client.get(checkin).content.decode()
    assert f'{amount}"1"' in page and f'{amount}"3"' not in page
    practice.refresh_from_db()
    services.goal_update(
        goal=practice,
        expected_version=practice.version,
        data={"statement": "Keep naloxone close"},
        author=people.client_a,
    )
    assert "Keep naloxone close" in client.get(checkin).content.decode()
    assert _fields_html  # the function the page uses, patched out above


def test_a_form_whose_widget_holds_a_queryset_cannot_be_keyed(db):
    from django import forms

    from harmplan.field_html import form_facts
    from strategies.models import Strategy

    class Choosing(forms.Form):
        strategies = forms.ModelMultipleChoiceField(queryset=Strategy.objects.all())

    with pytest.raises(TypeError, match="Not a plain value"):
        fragment_key(CHART, {"form": form_facts(Choosing())})

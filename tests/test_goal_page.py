"""The goal page fits in about three phone screens, with this step, progress and its chart
link, and at most three suggestions that fit; the target question asks one thing at a time."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect

from plans.goals import services
from plans.goals.forms import VersionedForm
from plans.models import Goal, Step
from strategies.models import Approach
from tests.accessibility import assert_no_axe_violations
from tests.caches import clear_caches
from tests.catalog_factories import make_strategy
from tests.factories import make_people
from tests.plan_factories import focus, make_goal
from tests.test_browser_accounts import sign_in

PHONE_SCREEN = 844


def catalog_of_30():
    """Before: 30 "strategies that fit" cards under a drinking goal."""
    for n in range(27):
        make_strategy(
            f"general-{n}",
            title=f"General idea {n:02}",
            approaches=(Approach.MANAGED_USE,),
            focus_areas=("alcohol", "opioids", "stimulants", "cannabis"),
        )
    for n in range(3):
        make_strategy(
            f"drinks-{n}",
            title=f"Drinking idea {n}",
            approaches=(Approach.MANAGED_USE,),
            focus_areas=("alcohol",),
        )
    make_strategy("abstinence", approaches=(Approach.ABSTINENCE,), focus_areas=("alcohol",))


def goal_with_steps(people):
    plan = services.plan_for_client(people.client_a)
    goal = make_goal(plan)
    Step.objects.create(goal=goal, starts_on=date(2020, 1, 1), value=Decimal(20))
    Step.objects.create(goal=goal, starts_on=date(2099, 1, 1), value=Decimal(14))
    return goal


def test_three_suggestions_that_fit_then_see_more(people, client):
    catalog_of_30()
    goal = goal_with_steps(people)
    client.force_login(people.client_a)
    page = client.get(goal.get_absolute_url()).content.decode()
    assert page.count("to this goal</button>") == 3
    # The ones made for this focus area come first.
    assert all(f"Drinking idea {n}" in page for n in range(3))
    assert "General idea" not in page
    assert "See more strategies that fit" in page
    assert "This step</dt><dd>At most 20 standard drinks a week" in page
    assert reverse("plans:goal_progress", args=[goal.plan.public_id, goal.public_id]) in page
    everything = client.get(goal.get_absolute_url() + "?suggestions=all").content.decode()
    assert everything.count("to this goal</button>") == 30
    assert "abstinence" not in everything.lower().split("strategies that fit")[1]


def test_the_steps_are_read_once_with_a_step_in_effect(people, client):
    goal = goal_with_steps(people)  # the step from 2020 is in effect
    client.force_login(people.client_a)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(goal.get_absolute_url()).content.decode()
    assert "This step</dt><dd>At most 20 standard drinks a week" in page
    steps = [query["sql"] for query in queries if query["sql"].startswith('SELECT "plans_step"')]
    assert len(steps) == 1, steps
    # Suggestions read only what they show.
    reads = [query["sql"] for query in queries if 'FROM "strategies_strategy"' in query["sql"]]
    assert len(reads) == 1 and '"how_to"' not in reads[0]


VERSIONED_FORM_RENDER = VersionedForm.render


def test_each_step_row_says_its_aim_and_day_and_carries_the_version(people, client):
    """The unit, the period and the version form are worked out once for all the rows."""
    catalog_of_30()
    goal = goal_with_steps(people)
    goal.baseline_value = Decimal(30)
    goal.save()
    client.force_login(people.client_a)
    calls = {"unit": 0, "form": 0}

    def unit_display(goal):
        calls["unit"] += 1
        return goal._get_FIELD_display(Goal._meta.get_field("target_unit"))

    def render_form(form, *args, **kwargs):
        calls["form"] += 1
        return VERSIONED_FORM_RENDER(form, *args, **kwargs)

    with (
        mock.patch.object(Goal, "get_target_unit_display", unit_display),
        mock.patch.object(VersionedForm, "render", render_form),
        mock.patch.object(VersionedForm, "__str__", render_form),
        mock.patch.object(VersionedForm, "__html__", render_form),
    ):
        page = client.get(goal.get_absolute_url()).content.decode()
    assert calls == {"unit": 1, "form": 1}
    version = f'<input type="hidden" name="version" value="{goal.version}" id="id_version">'
    assert page.count(version) == 3 + 2  # each suggestion, each step's "Remove"
    assert "<td>20 standard drinks a week</td>" in page
    assert "<td>14 standard drinks a week</td>" in page
    assert "<dd>30 standard drinks a week</dd>" in page
    label = '<span class="visually-hidden"> the step from 1 January</span>'  # 2020 and 2099
    assert page.count(f"Change{label}</a>") == 2 and page.count(f"Remove{label}</button>") == 2


def test_the_target_question_asks_the_kind_first_then_only_what_it_needs(people, client):
    plan = services.plan_for_client(people.client_a)
    client.force_login(people.client_a)
    client.get(reverse("plans:goal_new", args=[plan.public_id]))
    url = lambda q: reverse("plans:goal_question", args=[plan.public_id, q])  # noqa: E731
    client.post(url("focus"), {"focus_area": focus("cannabis").pk})
    client.post(url("approach"), {"approach": Approach.MANAGED_USE})
    page = client.get(url("words")).content.decode()
    assert "Question 3 of 7" in page
    client.post(url("words"), {"statement": "Smoke less on workdays"})
    page = client.get(url("target")).content.decode()
    assert "Do you want to track an amount, a yes/no practice, or nothing?" in page
    assert "Target amount" not in page and "Only for an amount" not in page
    response = client.post(url("target"), {"target_kind": "amount"})
    assert response["Location"] == url("amount")
    page = client.get(url("amount")).content.decode()
    assert "Question 5 of 7" in page
    assert 'value="sessions"' in page and 'value="grams"' in page
    assert 'value="standard drinks"' not in page  # before: cannabis offered only drinks, days…
    assert "What will you do?" not in page
    # Bad input: explained beside the field, what was typed is kept.
    page = client.post(
        url("amount"), {"target_value": "lots", "target_unit": "sessions"}
    ).content.decode()
    assert "Enter the target as a number" in page and 'value="lots"' in page
    # A practice instead: the amount page is no longer part of the goal.
    client.post(url("target"), {"target_kind": "practice"})
    assert client.get(url("amount"))["Location"] == url("practice")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_goal_page_is_about_three_phone_screens(request, js):
    page = request.getfixturevalue("phone" if js else "phone_no_js")
    people = make_people()
    catalog_of_30()
    goal = goal_with_steps(people)
    for strategy in ("drinks-0", "general-0"):
        from strategies.models import Strategy

        services.goal_strategy_add(
            goal=goal,
            expected_version=goal.version,
            strategy=Strategy.objects.get(slug=strategy),
            note="",
            author=people.client_a,
        )
        goal.refresh_from_db()
    sign_in(page, "client-a")
    page.goto(goal.get_absolute_url())
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 3.2 * PHONE_SCREEN, height
    assert_no_axe_violations(page)
    page.get_by_role("link", name="See the chart").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Drink less on weeknights")
    page.go_back()
    page.get_by_role("link", name="See more strategies that fit").click()
    expect(page.locator("#suggestions + ul > li")).to_have_count(28)


def test_the_compiled_suggestions_are_what_the_orm_finds(people):
    """For each approach, with none, one and several of the goal's strategies left out, in full
    and the first four: the compiled query's strategies are those of its queryset, and those of
    the focus area's slug (as the page asked before it was compiled)."""
    from plans.goals.goal_views import SUGGESTIONS, _suggestions
    from strategies.models import Strategy
    from tests.test_compiled_page_queries import fields

    catalog_of_30()
    for approach in Approach:
        make_strategy(f"also-{approach}", approaches=(approach,), focus_areas=("alcohol",))
    goal = goal_with_steps(people)
    fitting = list(Strategy.objects.filter(slug__startswith="drinks-").order_by("pk"))
    for linked in ([], fitting[:1], fitting):
        for strategy in linked:
            if not goal.strategy_links.filter(strategy=strategy).exists():
                goal.refresh_from_db()
                services.goal_strategy_add(
                    goal=goal,
                    expected_version=goal.version,
                    strategy=strategy,
                    note="",
                    author=people.client_a,
                )
        links = list(goal.strategy_links.all())
        assert len(links) == len(linked)
        for approach in Approach:
            goal.approach = approach
            for limit in (4, None):
                found = _suggestions(goal, links, limit)
                query = SUGGESTIONS[(approach, limit)]
                ids = [goal.focus_area_id, *(link.strategy_id for link in links)]
                expected = list(query._build(ids))
                assert [fields(s) for s in found] == [fields(s) for s in expected]
                by_slug = list(
                    Strategy.objects.published()
                    .fitting(approach)
                    .in_focus_area(goal.focus_area.slug)
                    .exclude(pk__in=[s.pk for s in linked])
                    .order_by("title")
                )
                assert {s.pk for s in found} <= {s.pk for s in by_slug}
                assert len(found) == min(len(by_slug), limit or len(by_slug))
                assert [s.focus_count for s in found] == sorted(s.focus_count for s in found)
    assert "Drinking idea 0" not in [s.title for s in found]


def test_the_strategies_and_steps_come_from_the_cache_and_show_each_change_at_once(people, client):
    """The goal page's strategies, suggestions and steps are cached HTML (harmplan/fragments.py):
    a second view renders none, and a changed step, a new version, a strategy added or its note
    shows at once, with the reader's own CSRF token."""
    from django.template import loader

    from plans.models import GoalStrategy

    clear_caches()
    catalog_of_30()
    goal = goal_with_steps(people)
    client.force_login(people.client_a)
    url = goal.get_absolute_url()
    rendered = []
    real = loader.render_to_string

    def render_to_string(name, *args, **kwargs):
        rendered.append(name)
        return real(name, *args, **kwargs)

    fragment = "plans/goals/_goal_strategies_and_steps.html"
    with mock.patch("harmplan.fragments.render_to_string", render_to_string):
        first = client.get(url).content.decode()
        assert fragment in rendered
        rendered.clear()
        again = client.get(url).content.decode()
    assert fragment not in rendered
    tokens = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    assert tokens.sub("", again) == tokens.sub("", first)
    # Each form has a token of the reader's own secret, written in after the read.
    assert "<csrf-token>" not in again
    forms = re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', again)
    assert len(forms) >= 3 + 2
    assert {_unmask_cipher_token(t) for t in forms} == {client.cookies["csrftoken"].value}

    step = goal.steps.get(starts_on=date(2099, 1, 1))
    services.step_save(
        goal=goal,
        expected_version=goal.version,
        author=people.client_a,
        step=step,
        data={"starts_on": step.starts_on, "value": Decimal(12), "note": "Half a glass less"},
    )
    goal.refresh_from_db()
    page = client.get(url).content.decode()
    assert '<td>12 standard drinks a week<br><span class="hint">Half a glass less</span>' in page
    assert f'name="version" value="{goal.version}"' in page
    assert f'name="version" value="{goal.version - 1}"' not in page

    drinking = GoalStrategy._meta.get_field("strategy").related_model.objects.get(slug="drinks-0")
    services.goal_strategy_add(
        goal=goal,
        expected_version=goal.version,
        strategy=drinking,
        note="",
        author=people.client_a,
    )
    page = client.get(url).content.decode()
    assert f'value="{drinking.pk}"' not in page and "Drinking idea 0</a></h3>" in page
    goal.refresh_from_db()
    services.goal_strategy_note(
        goal=goal,
        expected_version=goal.version,
        link=goal.strategy_links.get(strategy=drinking),
        note="Works on Fridays",
        author=people.client_a,
    )
    page = client.get(url).content.decode()
    assert "<strong>Note:</strong> Works on Fridays" in page

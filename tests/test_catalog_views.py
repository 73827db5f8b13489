"""Browsing the catalog: filters, search, htmx updates, paging, strategy pages, query counts."""

from __future__ import annotations

import pytest
from django import forms
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from harmplan.accounts.language import user_language_set
from plans.goals.services import plan_for_client
from strategies import services
from strategies.catalog_files import SEED_FILE, catalog_load, read_catalog
from strategies.forms import CatalogFilterForm
from strategies.models import Approach, Category, FocusArea, Resource, Source, Strategy
from tests.catalog_factories import make_strategy
from tests.plan_factories import make_goal
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

CATALOG = reverse("strategies:catalog")


@pytest.fixture
def seeded(db):
    catalog_load(catalog=read_catalog(SEED_FILE))


def titles(response) -> list[str]:
    return [strategy.title for strategy in response.context["page"].object_list]


def test_catalog_lists_published_strategies_a_page_at_a_time(client, people, seeded):
    make_strategy("a-draft", title="A draft", status=Strategy.Status.DRAFT)
    make_strategy("a-retired", title="A retired one", status=Strategy.Status.RETIRED)
    sign_in(client, people.client_a)
    response = client.get(CATALOG)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 57
    assert len(page.object_list) == 20
    content = response.content.decode()
    assert "57 strategies. Page 1 of 3." in content
    assert "A draft" not in content and "A retired one" not in content
    assert '<a href="/strategies/" aria-current="page">Strategies</a>' in content

    last = client.get(CATALOG, {"page": 3})
    assert len(last.context["page"].object_list) == 17


def test_filters_and_search_narrow_the_list(client, people, seeded):
    sign_in(client, people.counselor)
    alcohol = titles(client.get(CATALOG, {"focus": "alcohol", "approach": "abstinence"}))
    assert "Have alcohol-free days" in alcohol
    assert "Carry naloxone" not in alcohol
    for title in alcohol:
        strategy = Strategy.objects.get(title=title)
        assert strategy.for_abstinence
        assert strategy.focus_areas.filter(slug="alcohol").exists()

    sexual_health = titles(client.get(CATALOG, {"category": "sexual-health"}))
    assert sexual_health == [
        "Ask about PrEP to prevent HIV",
        "Carry condoms and lube",
        "Get regular STI and HIV tests",
        "Plan ahead for sex and using",
    ]
    diary = titles(client.get(CATALOG, {"q": "DIARY"}))
    assert "Keep a drinking diary" in diary
    for title in diary:
        strategy = Strategy.objects.get(title=title)
        assert "diary" in f"{strategy.title} {strategy.summary} {strategy.how_to}".lower()
    assert titles(client.get(CATALOG, {"q": "fentanyl strips", "category": "safer-use"})) == [
        "Check your drugs with fentanyl test strips"
    ]

    nothing = client.get(CATALOG, {"q": "zzzz"})
    assert "No strategies match your choices." in nothing.content.decode()


def test_pages_keep_the_filters_in_the_address(client, people, seeded):
    sign_in(client, people.client_a)
    response = client.get(CATALOG, {"approach": "safer-use", "q": "", "focus": ""})
    content = response.content.decode()
    assert 'href="?approach=safer-use&amp;page=2"' in content
    assert "Clear the filters" in content
    second = client.get(CATALOG, {"approach": "safer-use", "page": 2})
    assert second.context["form"]["approach"].value() == "safer-use"


def test_a_value_from_an_old_link_is_ignored_not_an_error(client, people, seeded):
    sign_in(client, people.client_a)
    response = client.get(CATALOG, {"focus": "no-such-area", "category": "sexual-health"})
    assert response.status_code == 200
    assert len(titles(response)) == 4
    assert not response.context["form"].errors
    assert "There is a problem" not in response.content.decode()


def test_htmx_gets_only_the_results_and_the_count(client, people, seeded):
    sign_in(client, people.client_a)
    response = client.get(CATALOG, {"focus": "gambling"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<html" not in content and "<form" not in content
    assert "Set limits for gambling" in content
    assert '<span id="catalog-count" hx-swap-oob="innerHTML">' in content
    assert "strategies match your choices." in content

    # Back button with nothing cached: htmx asks for the whole page again.
    restore = client.get(
        CATALOG,
        {"focus": "gambling"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


def test_plain_page_has_a_get_form_that_works_without_javascript(client, people, seeded):
    sign_in(client, people.client_a)
    content = client.get(CATALOG).content.decode()
    assert f'<form method="get" action="{CATALOG}"' in content
    assert 'hx-get="/strategies/"' in content
    assert '<button type="submit" class="button">Show strategies</button>' in content
    assert "HX-Request" in client.get(CATALOG)["Vary"]


def test_strategy_page_shows_steps_sources_and_local_services(client, people, seeded):
    Resource.objects.create(
        organization=people.org,
        name="Riverside drop-in",
        kind=Resource.Kind.NALOXONE,
        address="1 River Road",
        hours="Mon to Fri",
    )
    Resource.objects.create(
        organization=people.org, name="Riverside housing desk", kind=Resource.Kind.HOUSING
    )
    Resource.objects.create(
        organization=people.other_org, name="Hillside naloxone", kind=Resource.Kind.NALOXONE
    )
    sign_in(client, people.client_a)
    response = client.get(reverse("strategies:detail", args=["naloxone-kit"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Strategy – Check-in</title>" in content  # nothing telling in tabs or history
    assert "<h1>Carry naloxone</h1>" in content
    assert "Keep one kit in your bag and one at home where others can find it." in content
    assert '<a href="https://www.cdc.gov/stop-overdose/caring/naloxone.html">' in content
    assert "Where to get this near you" in content
    assert "Riverside drop-in" in content
    assert "Riverside housing desk" not in content  # a different kind of service
    assert "Hillside naloxone" not in content  # another organization's

    # The other organization's client sees their own service instead.
    sign_in(client, people.other_client)
    content = client.get(reverse("strategies:detail", args=["naloxone-kit"])).content.decode()
    assert "Hillside naloxone" in content and "Riverside drop-in" not in content

    # A strategy no service offers has no such section.
    diary = client.get(reverse("strategies:detail", args=["drinking-diary"])).content.decode()
    assert "Where to get this near you" not in diary


def test_place_for_a_service_the_program_has_not_listed(client, people, seeded):
    sign_in(client, people.counselor)
    content = client.get(reverse("strategies:detail", args=["moud"])).content.decode()
    assert "Your program has not listed a place for this yet." in content


def test_retired_strategy_says_it_is_no_longer_recommended(client, people, seeded):
    strategy = Strategy.objects.get(slug="switch-to-vaping")
    services.strategies_retire(strategies=[strategy])
    sign_in(client, people.counselor)
    content = client.get(strategy.get_absolute_url()).content.decode()
    assert "No longer recommended." in content
    assert strategy.title not in titles(client.get(CATALOG, {"focus": "nicotine"}))


def make_catalog(size: int) -> None:
    """`size` published strategies, each with focus areas and a source, written in bulk."""
    areas = list(FocusArea.objects.all())
    strategies = Strategy.objects.bulk_create(
        Strategy(
            slug=f"strategy-{index}",
            title=f"Strategy {index:03}",
            summary="A short summary.",
            category=Category.SAFER_USE,
            status=Strategy.Status.PUBLISHED,
            for_safer_use=True,
            for_managed_use=index % 2 == 0,
        )
        for index in range(size)
    )
    links = Strategy.focus_areas.through
    links.objects.bulk_create(
        links(strategy=strategy, focusarea=areas[(index + offset) % len(areas)])
        for index, strategy in enumerate(strategies)
        for offset in range(3)
    )
    Source.objects.bulk_create(
        Source(strategy=strategy, title="Page", publisher="CDC", url="https://www.cdc.gov/")
        for strategy in strategies
    )


def count_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CATALOG, params.pop("query", {}), **params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {},
        {"query": {"focus": "alcohol", "approach": "safer-use", "q": "strategy", "page": "2"}},
        {"headers": {"HX-Request": "true"}, "query": {"approach": "managed-use"}},
    ],
    ids=["plain", "filtered", "htmx"],
)
def test_catalog_query_count_does_not_grow_with_the_catalog(client, people, request_kwargs):
    sign_in(client, people.client_a)
    client.get(reverse("help"))  # the first request after signing in caches the person
    make_catalog(40)
    small = count_queries(client, **dict(request_kwargs))
    make_catalog_extra = 360
    Strategy.objects.all().delete()
    make_catalog(40 + make_catalog_extra)
    assert Strategy.objects.count() == 400
    large = count_queries(client, **dict(request_kwargs))
    assert small == large
    # The person and the session come from the cache; focus areas for the filter; count; page;
    # focus areas of the page (and the chosen focus area when filtering).
    assert large <= 5


def test_client_adds_a_strategy_to_a_goal_from_its_page(client, people, seeded):
    plan = plan_for_client(people.client_a)
    drinking = make_goal(plan, statement="Drink less on weeknights")  # managed use, alcohol
    make_goal(
        plan,
        statement="No alcohol in January",
        approach=Approach.ABSTINENCE,
        target_kind="practice",
        practice="No drinks",
        target_value=None,
        target_unit="",
        target_period="",
        baseline_value=None,
    )
    strategy = Strategy.objects.get(slug="alternate-with-water")  # not for abstinence goals
    assert strategy.approaches == [Approach.MANAGED_USE, Approach.SAFER_USE]
    sign_in(client, people.client_a)
    page = client.get(strategy.get_absolute_url())
    assert [goal.statement for goal in page.context["goals_to_add_to"]] == [
        "Drink less on weeknights"
    ]
    content = page.content.decode()
    action = reverse("plans:goal_strategy_add", args=[plan.public_id, drinking.public_id])
    assert f'<form method="post" action="{action}">' in content

    response = client.post(action, {"version": drinking.version, "strategy": strategy.pk})
    assert response.status_code == 302
    assert drinking.strategy_links.get().strategy == strategy

    again = client.get(strategy.get_absolute_url())
    assert again.context["goals_to_add_to"] == []
    assert "It is part of your goal" in again.content.decode()

    # Counselors add strategies from a client's goal, not from here.
    sign_in(client, people.counselor)
    assert "Add it to a goal" not in client.get(strategy.get_absolute_url()).content.decode()


def test_a_client_without_a_fitting_goal_is_pointed_to_their_plan(client, people, seeded):
    sign_in(client, people.client_b)
    content = client.get(reverse("strategies:detail", args=["naloxone-kit"])).content.decode()
    assert "None of your goals fits this strategy yet." in content
    assert f'href="{reverse("plans:my_plan")}"' in content


def cards_from_the_strategies(response) -> str:
    """The cards as rendered from whole strategies (before the catalog read only columns)."""
    ids = [row.pk for row in response.context["page"].object_list]
    strategies = Strategy.objects.filter(pk__in=ids).by_title()
    cards = [
        {
            "url": strategy.get_absolute_url(),
            "title": strategy.shown_title,
            "summary": strategy.shown_summary,
            "category": strategy.get_category_display(),
            "approaches": strategy.get_approaches_display(),
            "areas": [area.shown_name for area in strategy.focus_areas.all()],
        }
        for strategy in strategies
    ]
    return render_to_string("strategies/_cards.html", {"cards": cards})


def test_the_cards_say_what_the_strategies_say(client, people, seeded):
    Strategy.objects.filter(slug="naloxone-kit").update(
        title_es="Lleva naloxona", summary_es="Salva <vidas> & más."
    )
    Strategy.objects.filter(title__startswith="H").update(for_safer_use=True, for_abstinence=True)
    sign_in(client, people.client_a)
    for language in ("en", "es"):
        user_language_set(user=people.client_a, language=language)
        for params in ({}, {"page": 2}, {"focus": "alcohol"}, {"q": "naloxone"}):
            response = client.get(CATALOG, params)
            with translation.override(language):
                expected = cards_from_the_strategies(response)
            assert expected.count('<li class="card">') == len(response.context["page"])
            assert expected in response.content.decode(), (language, params)
    assert "Lleva naloxona" in expected and "Salva &lt;vidas&gt; &amp; más." in expected


class FiltersAsBefore(CatalogFilterForm):
    """The filters with whole focus areas (a ModelChoiceField), as they were."""

    focus = forms.ModelChoiceField(
        label=gettext_lazy("What it is about"),
        queryset=FocusArea.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("Anything"),
    )

    def __init__(self, *args, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)


def test_the_filters_read_focus_areas_in_one_query_and_look_as_before(seeded):
    # (A value that is not a focus area is dropped by the view before the form is shown.)
    FocusArea.objects.filter(slug="alcohol").update(name="Alcohol & <drinks>")
    for data in ({}, {"focus": "alcohol", "q": "sleep"}, {"focus": "opioids"}):
        with CaptureQueriesContext(connection) as queries:
            form = CatalogFilterForm(data)
            form.is_valid()
            html = str(form)
        assert len(queries) == 1
        before = FiltersAsBefore(data)
        before.is_valid()
        assert html == str(before)
        assert form.is_filtered == before.is_filtered
    assert "Alcohol &amp; &lt;drinks&gt;</option>" in html


def test_the_unfiltered_catalog_reads_what_the_orm_reads(client, people, seeded):
    """strategies/views.py compiles the unfiltered catalog's count and first page once, and
    strategies/models.py the focus areas: every page reads the same rows as the ORM would."""
    make_strategy("a-draft", title="A draft", status=Strategy.Status.DRAFT)
    sign_in(client, people.client_a)
    published = Strategy.objects.published().for_listing()
    for number, rows in [(1, slice(0, 20)), (2, slice(20, 40)), (3, slice(40, 60)), (9, None)]:
        page = client.get(CATALOG, {"page": number}).context["page"]
        assert page.paginator.count == published.count() == 57
        expected = list(published[rows or slice(40, 60)])  # past the end: the last page
        assert list(page.object_list) == expected
        assert [row.title for row in page.object_list] == [row.title for row in expected]
    form = client.get(CATALOG).context["form"]
    assert form.fields["focus"].choices[1:] == list(FocusArea.objects.values_list("slug", "name"))
    strategy_ids = list(published.values_list("pk", flat=True)[:20])
    from strategies.models import focus_area_names

    assert focus_area_names(strategy_ids) == {
        strategy.pk: [area.name for area in strategy.focus_areas.all()]
        for strategy in Strategy.objects.filter(pk__in=strategy_ids)
        if strategy.focus_areas.exists()
    }

"""The catalog in Spanish: in the seed file, loaded and shared like the English, shown to Spanish
readers (English where the Spanish is missing), and the admin says what is still missing."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.urls import reverse

from strategies.catalog_files import (
    SEED_FILE,
    CatalogError,
    catalog_export,
    catalog_load,
    check_catalog,
    read_catalog,
)
from strategies.models import FocusArea, Strategy
from tests.factories import make_people
from tests.language_rules import STIGMA_ES
from tests.signin import sign_in


def seed() -> dict:
    return json.loads(SEED_FILE.read_text())


def test_every_published_strategy_in_the_seed_has_its_spanish_title_summary_and_steps():
    for entry in seed()["strategies"]:
        spanish = entry["es"]
        assert spanish["title"] and spanish["summary"], entry["slug"]
        assert len(spanish["how_to"]) == len(entry["how_to"]), entry["slug"]


def test_the_spanish_catalog_uses_no_stigmatizing_words():
    for entry in seed()["strategies"]:
        spanish = entry["es"]
        text = " ".join([spanish["title"], spanish["summary"], *spanish["how_to"]])
        assert not STIGMA_ES.search(text), (entry["slug"], STIGMA_ES.search(text).group())


def test_spanish_parts_are_checked_like_the_english():
    data = {"version": 1, "strategies": [{**seed()["strategies"][0]}]}
    data["strategies"][0]["es"] = {"title": "x" * 121, "resumen": "?", "how_to": ["", "ok"]}
    areas = {"alcohol", "opioids", "stimulants"}
    with pytest.raises(CatalogError) as problem:
        check_catalog(data, known_focus_areas=areas)
    errors = problem.value.errors
    assert any("strategies[0].es.title: must be at most 120 characters" in e for e in errors)
    assert any("strategies[0].es" in e and "resumen" in e for e in errors)
    assert any("strategies[0].es.how_to[0]: must be text that is not empty" in e for e in errors)
    data["strategies"][0]["es"] = "hola"
    with pytest.raises(CatalogError):
        check_catalog(data, known_focus_areas=areas)


@pytest.mark.django_db
def test_loading_gives_spanish_and_a_catalog_loaded_before_it_had_spanish_is_updated():
    english_only = seed()
    for entry in english_only["strategies"]:
        entry.pop("es")
    catalog_load(catalog=check_catalog(english_only))
    assert not Strategy.objects.exclude(title_es="").exists()
    report = catalog_load(catalog=read_catalog(SEED_FILE))
    assert report.left_alone == [] and len(report.updated) == 57
    naloxone = Strategy.objects.get(slug="naloxone-kit")
    assert naloxone.title_es == "Lleva naloxona"
    assert naloxone.steps_es[0].startswith("Consigue naloxona")
    again = catalog_load(catalog=read_catalog(SEED_FILE))
    assert len(again.unchanged) == 57
    assert FocusArea.objects.get(slug="opioids").name_es == "Opioides"


@pytest.mark.django_db
def test_export_keeps_the_spanish():
    catalog_load(catalog=read_catalog(SEED_FILE))
    exported = catalog_export()
    naloxone = next(e for e in exported["strategies"] if e["slug"] == "naloxone-kit")
    assert naloxone["es"]["title"] == "Lleva naloxona"
    assert {"slug": "opioids", "name": "Opioids", "name_es": "Opioides"} in exported["focus_areas"]
    by_slug = {entry["slug"]: entry for entry in read_catalog(SEED_FILE).entries}
    for entry in check_catalog(exported).entries:
        assert entry == by_slug[entry["slug"]]


@pytest.mark.django_db
def test_spanish_readers_see_spanish_and_english_where_it_is_missing(client):
    people = make_people()
    catalog_load(catalog=read_catalog(SEED_FILE))
    Strategy.objects.filter(slug="condoms").update(title_es="", summary_es="", how_to_es="")
    sign_in(client, people.client_a)
    client.post(reverse("language_switch"), {"language": "es", "next": "/"})
    naloxone = client.get(reverse("strategies:detail", args=["naloxone-kit"])).content.decode()
    assert "<h1>Lleva naloxona</h1>" in naloxone
    assert "Consigue naloxona en una farmacia" in naloxone
    condoms = client.get(reverse("strategies:detail", args=["condoms"])).content.decode()
    assert "<h1>Carry condoms and lube</h1>" in condoms
    catalog = client.get(reverse("strategies:catalog"), {"q": "naloxona"}).content.decode()
    assert "Lleva naloxona" in catalog

    client.post(reverse("language_switch"), {"language": "en", "next": "/"})
    english = client.get(reverse("strategies:detail", args=["naloxone-kit"])).content.decode()
    assert "<h1>Carry naloxone</h1>" in english


@pytest.mark.django_db
def test_the_admin_shows_which_strategies_miss_spanish(client):
    from harmplan.demo import ensure_curators_group
    from tests.factories import make_user

    catalog_load(catalog=read_catalog(SEED_FILE))
    Strategy.objects.filter(slug="condoms").update(summary_es="")
    curator = make_user("catalog-curator", is_staff=True)
    curator.groups.add(ensure_curators_group())
    sign_in(client, curator)
    url = reverse("admin:strategies_strategy_changelist")
    page = client.get(url, {"spanish": "missing"})
    assert page.status_code == 200
    assert [s.slug for s in page.context["cl"].result_list] == ["condoms"]
    assert "Missing: summary" in page.content.decode()
    written = client.get(url, {"spanish": "written"})
    assert written.context["cl"].result_count == 56


@pytest.mark.django_db
def test_focus_areas_are_named_in_the_readers_language_on_cards_filter_and_page(client):
    """The catalog's cards ("About: …"), its "What it is about" filter and a strategy's page name
    each focus area in Spanish for a Spanish reader, in English where no Spanish name is written."""
    people = make_people()
    catalog_load(catalog=read_catalog(SEED_FILE))
    FocusArea.objects.filter(slug="gambling").update(name_es="")
    sign_in(client, people.client_a)
    client.post(reverse("language_switch"), {"language": "es", "next": "/"})
    catalog = client.get(reverse("strategies:catalog"), {"focus": "opioids"}).content.decode()
    assert '<option value="opioids" selected>Opioides</option>' in catalog
    assert '<option value="gambling">Gambling</option>' in catalog
    assert "Sobre: Opioides" in catalog
    assert "Opioids" not in catalog
    # The filters' "any" choices too.
    assert "Cualquier enfoque" in catalog and "De cualquier tipo" in catalog
    assert "Any approach" not in catalog and "Any kind" not in catalog
    naloxone = client.get(reverse("strategies:detail", args=["naloxone-kit"])).content.decode()
    assert "Opioides" in naloxone and "Opioids" not in naloxone

    client.post(reverse("language_switch"), {"language": "en", "next": "/"})
    catalog = client.get(reverse("strategies:catalog"), {"focus": "opioids"}).content.decode()
    assert '<option value="opioids" selected>Opioids</option>' in catalog
    assert "About: Opioids" in catalog and "Opioides" not in catalog
    naloxone = client.get(reverse("strategies:detail", args=["naloxone-kit"])).content.decode()
    assert "Opioids" in naloxone and "Opioides" not in naloxone


def _shown_titles(response) -> list[str]:
    return [row.title_es or row.title for row in response.context["page"].object_list]


def _in_order(titles: list[str]) -> bool:
    """In the database's order: by code point (the C collation) or by letters, ignoring case
    and accents (a language's collation)."""

    def letters(title: str) -> str:
        decomposed = unicodedata.normalize("NFD", title)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

    return titles == sorted(titles) or titles == sorted(titles, key=letters)


@pytest.mark.django_db
def test_spanish_readers_get_the_catalog_in_the_order_of_its_spanish_titles_and_can_search_them(
    client,
):
    """The cards were in the order of the English titles, and a search looked at English only:
    a Spanish reader saw no order and found nothing by the words on the cards."""
    people = make_people()
    catalog_load(catalog=read_catalog(SEED_FILE))
    Strategy.objects.filter(slug="condoms").update(title_es="", summary_es="", how_to_es="")
    sign_in(client, people.client_a)
    client.post(reverse("language_switch"), {"language": "es", "next": "/"})
    catalog = reverse("strategies:catalog")
    first = _shown_titles(client.get(catalog))
    later = _shown_titles(client.get(catalog, {"page": 2}))
    shown = first + later
    assert len(first) == 20 and later
    assert _in_order(shown)
    assert "Carry condoms and lube" in shown  # no Spanish yet: sorted by its English title
    found = _shown_titles(client.get(catalog, {"q": "naloxona"}))
    assert "Lleva naloxona" in found

    client.post(reverse("language_switch"), {"language": "en", "next": "/"})
    english = [row.title for row in client.get(catalog).context["page"].object_list]
    assert _in_order(english)


@pytest.mark.django_db
def test_suggested_strategies_are_in_the_order_of_the_titles_the_reader_sees():
    from django.utils import translation

    from plans.goals.forms import StrategiesForm

    catalog_load(catalog=read_catalog(SEED_FILE))
    alcohol = FocusArea.objects.get(slug="alcohol")
    for language in ("es", "en"):
        with translation.override(language):
            form = StrategiesForm(focus_area=alcohol, approach="managed-use")
            shown = [strategy.shown_title for strategy in form.fields["strategies"].queryset]
            assert len(shown) > 2
            assert _in_order(shown), language

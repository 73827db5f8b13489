"""The finder of English on Spanish pages (tests/language_rules.py): quiet on real Spanish, loud on
English sentences and short buttons."""

from __future__ import annotations

import json

from strategies.catalog_files import SEED_FILE
from tests.language_rules import STIGMA_EN, STIGMA_ES, english_in, visible_text

SPANISH_PAGE = """<!doctype html><html lang="es"><head><title>Tu plan · Registro</title>
<style>.the { color: red }</style><script>const your = "is the plan";</script></head><body>
<a href="/help/">Obtén ayuda ahora</a> <button type="submit">Guardar cambios</button>
<input type="submit" value="Registrarme"><img src="x.svg" alt="Tu progreso a la semana">
<p>No has escrito un plan todavía. Me has dado tu meta y a ti te toca el primer paso.</p>
<p>Sí o no. Hay 3 pasos. Cada día a las 9:00. Llama al 911 si alguien no respira.</p>
</body></html>"""


def test_a_page_all_in_spanish_has_no_english():
    assert english_in(visible_text(SPANISH_PAGE)) == []


def test_the_spanish_catalog_has_no_english_by_this_measure():
    for entry in json.loads(SEED_FILE.read_text())["strategies"]:
        spanish = entry["es"]
        assert english_in([spanish["title"], spanish["summary"], *spanish["how_to"]]) == [], entry[
            "slug"
        ]


def test_english_sentences_and_short_buttons_are_found_where_a_person_sees_them():
    page = """<html><head><title>Your plan</title></head><body>
    <button type="submit">Save changes</button><a href="/logout/">Sign out</a>
    <input type="submit" value="Check in"><input placeholder="Write it in your words">
    <a aria-label="Get help now" href="/help/">?</a><img alt="Your progress this week">
    <p>Guardar cambios</p></body></html>"""
    found = english_in(visible_text(page))
    assert found == [
        "Your plan",
        "Save changes",
        "Sign out",
        "Check in",
        "Write it in your",
        "Get help now",
        "Your progress this week",
    ]


def test_english_in_the_catalog_is_found():
    english = [json.loads(SEED_FILE.read_text())["strategies"][0]["summary"]]
    assert english_in(english)


def test_words_that_label_people_are_found_in_both_languages():
    assert STIGMA_EN.search("3 days clean") and STIGMA_EN.search("after a relapse")
    assert not STIGMA_EN.search("A hard week is part of it. Start again when you like.")
    assert STIGMA_ES.search("después de una recaída") and STIGMA_ES.search("está limpio")
    assert not STIGMA_ES.search("Limpia tu piel antes. Volver a consumir es parte del camino.")

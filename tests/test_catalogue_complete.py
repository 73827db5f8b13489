"""The test command fails on a Spanish catalogue that is not complete: a fuzzy entry, an
untranslated one or a format error (harmplan.devtools.translations.catalogue_problems)."""

from __future__ import annotations

from pathlib import Path

from harmplan.devtools.translations import catalogue_problems, catalogues
from harmplan.management.commands.test import check_translations

HEADER = """msgid ""
msgstr ""
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"

"""

COMPLETE = """msgid "Save changes"
msgstr "Guardar cambios"

#, python-format
msgid "Hello, %(name)s"
msgstr "Hola, %(name)s"
"""


def write(tmp_path: Path, entries: str) -> Path:
    po_file = tmp_path / "django.po"
    po_file.write_text(HEADER + entries, encoding="utf-8")
    return po_file


def test_a_complete_catalogue_has_no_problems(tmp_path):
    assert catalogue_problems(write(tmp_path, COMPLETE)) == []


def test_a_fuzzy_entry_is_a_problem(tmp_path):
    fuzzy = COMPLETE + '\n#, fuzzy\nmsgid "Sign out"\nmsgstr "Guardar cambios"\n'
    [problem] = catalogue_problems(write(tmp_path, fuzzy))
    assert "1 fuzzy" in problem


def test_an_untranslated_entry_is_a_problem(tmp_path):
    untranslated = COMPLETE + '\nmsgid "Sign out"\nmsgstr ""\n'
    [problem] = catalogue_problems(write(tmp_path, untranslated))
    assert "1 untranslated" in problem


def test_a_placeholder_that_does_not_match_is_a_problem(tmp_path):
    broken = COMPLETE + '\n#, python-format\nmsgid "Bye, %(name)s"\nmsgstr "Adiós, %(nombre)s"\n'
    problems = catalogue_problems(write(tmp_path, broken))
    assert problems and "msgfmt --check found errors" in problems[0]


def test_the_command_checks_every_catalogue_and_says_what_is_wrong(tmp_path, monkeypatch):
    assert Path("locale/es/LC_MESSAGES/django.po").resolve() in [p.resolve() for p in catalogues()]
    untranslated = write(tmp_path, COMPLETE + '\nmsgid "Sign out"\nmsgstr ""\n')
    monkeypatch.setattr("harmplan.management.commands.test.catalogues", lambda: [untranslated])
    said: list[str] = []
    assert check_translations(said.append) == 1
    assert said == [f"Translations: {untranslated}: 1 untranslated entries"]
    monkeypatch.setattr(
        "harmplan.management.commands.test.catalogues", lambda: [write(tmp_path, COMPLETE)]
    )
    assert check_translations(said.append) == 0

"""Every page, for every kind of person, in Spanish: no English sentence left on it, and no word
LANGUAGE.md rules out, in either language.

The pages are those of tests/test_authorization.py (its table names every URL of the project), with
the same people and records; each person reads in Spanish (their saved language, or the language
cookie when signed out). Text that is the fixture's own data (usernames, names of the programs,
the catalog's strategies, which show in English where their Spanish is not written) is taken out
before looking for English.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from harmplan.accounts.models import Organization, User
from plans.models import Consent, Goal
from strategies.models import Resource, Strategy
from tests.language_rules import STIGMA_EN, STIGMA_ES, english_in, visible_text
from tests.signin import sign_in
from tests.test_authorization import CASES, ROLES, Case, make_everyone

# Pages a person reads; a CSV, PDF, JSON or calendar file is checked where it is made.
HTML = "text/html"


@pytest.fixture
def people(db):
    people = make_everyone()
    User.objects.update(language="es")
    # The client's own words, in Spanish, as a Spanish-speaking client would write them.
    Goal.objects.update(statement="Beber menos entre semana")
    return people


def fixture_data() -> list[str]:
    """Free text that comes from the records, not from HarmPlan: longest first, so a title is
    taken out before a word of it."""
    texts: set[str] = set(User.objects.values_list("username", flat=True))
    texts |= set(Organization.objects.values_list("name", flat=True))
    texts |= set(Organization.objects.values_list("display_name", flat=True))
    texts |= set(Resource.objects.values_list("name", flat=True))
    texts |= set(Goal.objects.values_list("statement", flat=True))
    texts |= set(Goal.objects.values_list("practice", flat=True))
    for consent in Consent.objects.all():
        texts |= {consent.recipient, consent.purpose, consent.signature, consent.expires_event}
    for strategy in Strategy.objects.all():
        texts |= {strategy.title, strategy.summary, *strategy.how_to.splitlines()}
        texts |= set(strategy.sources.values_list("title", flat=True))
        texts |= set(strategy.sources.values_list("publisher", flat=True))
    return sorted((t.strip() for t in texts if t and t.strip()), key=len, reverse=True)


def without(chunks: list[str], data: list[str]) -> list[str]:
    cleaned = []
    for chunk in chunks:
        for text in data:
            chunk = chunk.replace(text, " ")
        cleaned.append(chunk)
    return cleaned


def read_page(client, case: Case, people, language: str) -> tuple[str, list[str]] | None:
    """The page as the person sees it (after the redirects of a GET), or None when it is no
    page (a file, a redirect after a POST)."""
    url = reverse(case.name, args=case.args(people))
    data = case.data(people) if callable(case.data) else case.data
    client.cookies["django_language"] = language
    if case.method == "get":
        response = client.get(url, data, follow=True)
    else:
        response = client.post(url, data)
    if not response.get("Content-Type", "").startswith(HTML) or response.status_code in (301, 302):
        return None
    where = response.redirect_chain[-1][0] if getattr(response, "redirect_chain", None) else url
    return where, visible_text(response.content.decode())


def problems_on(case: Case, people, client, language: str) -> list[str]:
    found = []
    for role in ROLES:
        with transaction.atomic():
            client.logout()
            if role != "anonymous":
                person = getattr(people, role)
                User.objects.filter(pk=person.pk).update(language=language)
                person.language = language
                sign_in(client, person)
            page = read_page(client, case, people, language)
            if page is not None:
                where, chunks = page
                chunks = without(chunks, fixture_data())
                text = "\n".join(chunks)
                stigma = (STIGMA_ES if language == "es" else STIGMA_EN).findall(text)
                if stigma:
                    found.append(f"{where} as {role}: words LANGUAGE.md rules out: {stigma}")
                english = english_in(chunks) if language == "es" else []
                if english:
                    found.append(f"{where} as {role}: English: {sorted(set(english))}")
            transaction.set_rollback(True)
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_every_page_is_spanish_for_every_role(case: Case, people, client):
    problems = problems_on(case, people, client, "es")
    assert not problems, f"{case.id}:\n" + "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_no_page_uses_words_that_label_people_in_english(case: Case, people, client):
    problems = problems_on(case, people, client, "en")
    assert not problems, f"{case.id}:\n" + "\n".join(problems)

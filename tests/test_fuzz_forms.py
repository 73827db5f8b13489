"""Property-based: whatever is typed into any form, by any kind of person, no page gives a 500.

Each person opens every page of tests/test_authorization.py that they may open (and each question
of the goal wizard), and every form found on it is sent generated values: real options, empty
values, NUL bytes, huge and negative numbers, impossible dates, very long text, other scripts.
Bounded so that it runs in about a minute.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_people
from tests.plan_factories import add_plans
from tests.signin import sign_in
from tests.test_authorization import CASES, ROLES, Case

EXAMPLES_PER_FORM = 4
NOT_FUZZED = {"logout"}  # signing out is not input

EDGE_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "1e308",
    "-1e308",
    "1e-308",
    "NaN",
    "inf",
    "99999999999999999999999",
    "0.0000001",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "31/12/2026",
    "25:61",
    "\x00",
    "a\x00b",
    "x" * 5_000,
    "<script>alert(1)</script>",
    "%s %(x)s {0}",
    "１２",
    "💊💊",
    "none",
    "true",
]

QUESTIONS = ["focus", "approach", "words", "target", "strategies", "steps", "pace"]
WIZARD = [
    Case("plans:goal_question", {}, args=lambda p, q=q: [p.plan_a.public_id, q], label=q)
    for q in QUESTIONS
]


class Forms(HTMLParser):
    """Every <form> on a page: its method, action and fields with the values offered."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action")}
                | {"fields": {}}
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag in ("input", "textarea", "button") and name:
            if attrs.get("type") in ("submit", "button") and tag == "input":
                pass
            fields.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select:
            fields[self._select].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_on(response, url: str) -> list[dict]:
    if response.streaming or not response["Content-Type"].startswith("text/html"):
        return []
    parser = Forms()
    parser.feed(response.content.decode())
    found = []
    for form in parser.forms:
        action = form["action"] or url
        if urlsplit(action).netloc or action == reverse("logout"):
            continue
        found.append({**form, "action": action})
    return found


def value_for(offered: list[str]):
    options = [value for value in offered if value is not None] or [""]
    return st.one_of(
        st.sampled_from(options),
        st.sampled_from(EDGE_VALUES),
        st.text(max_size=40),
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.dates().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )


def fuzz(client, user, url: str, form: dict):
    """Send `form` generated values, EXAMPLES_PER_FORM times; no answer may be a 500."""

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def typed_anything(data):
        values = {}
        for name, offered in form["fields"].items():
            if data.draw(st.integers(0, 9), label=f"leave out {name}") == 0:
                continue
            values[name] = data.draw(value_for(offered), label=name)
        with transaction.atomic():
            client.logout()
            if user:
                sign_in(client, user)
            send = client.post if form["method"] == "post" else client.get
            response = send(form["action"], values)
            transaction.set_rollback(True)
        assert response.status_code < 500, (url, form["action"], values)

    typed_anything()


@pytest.fixture
def people(db):
    people = make_people()
    add_plans(people)
    return people


@pytest.mark.parametrize("role", ROLES)
def test_no_form_gives_a_server_error(role, people, client):
    user = None if role == "anonymous" else getattr(people, role)
    pages = []
    for case in [*CASES, *WIZARD]:
        if case.method != "get" or case.name in NOT_FUZZED:
            continue
        url = reverse(case.name, args=case.args(people))
        client.logout()
        if user:
            sign_in(client, user)
        response = client.get(url)
        if response.status_code == 200:
            pages += [(url, form) for form in forms_on(response, url)]
    assert pages
    for url, form in pages:
        fuzz(client, user, url, form)

"""Widgets written in Python (harmplan/widget_html.py) give exactly what Django's templates give:
widget by widget, in English and Spanish, and on whole pages full of forms."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

import harmplan.forms
from harmplan import widget_html
from harmplan.forms import FormRenderer
from tests.plan_factories import add_plans
from tests.signin import sign_in

CHOICES = [
    ("", "---------"),
    (1, "One"),
    ("two", gettext_lazy("Yes")),
    ("<&>", "Less & <more>"),
    ("safe", mark_safe("<b>bold</b>")),
    ("A group", [(Decimal("2.5"), "Two and a half"), (date(2026, 3, 1), "A day")]),
]
ATTRS = {
    "class": "wide",
    "required": True,
    "disabled": False,
    "data-x": 'say "hi" & <go>',
    "data-safe": mark_safe("<i>"),
    "step": Decimal("0.5"),
    "maxlength": 10,
    "aria-describedby": "id_x_helptext",
}
WIDGETS = [
    (forms.TextInput(attrs=ATTRS), "Some <text> & more"),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.NumberInput(attrs={"min": 0, "step": "any"}), Decimal("2.50")),
    (forms.EmailInput(), "a@example.org"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.HiddenInput(), 7),
    (forms.DateInput(attrs={"type": "date"}), date(2026, 3, 20)),
    (forms.TimeInput(), "07:30"),
    (forms.URLInput(), "https://example.org/?a=1&b=2"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(attrs={"class": "x"}), False),
    (forms.Textarea(attrs=ATTRS), "Line one\nline <two>"),
    (forms.Textarea(), None),
    (forms.Select(choices=CHOICES, attrs=ATTRS), "two"),
    (forms.Select(choices=CHOICES), None),
    (forms.SelectMultiple(choices=CHOICES), ["two", 1]),
    (forms.RadioSelect(choices=CHOICES, attrs={"class": "inline"}), "<&>"),
    (forms.RadioSelect(choices=[(n, str(n)) for n in range(11)]), 3),
    (forms.RadioSelect(choices=CHOICES, attrs={"id": "id_feel", "class": "x"}), None),
    (forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"id": "id_many"}), ["two", "safe"]),
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_each_widget_matches_the_template(widget, value, language):
    by_template = TemplatesSetting()
    with translation.override(language):
        for attrs in ({}, {"id": "id_field"}):
            expected = widget.render("field", value, attrs=attrs, renderer=by_template)
            written = widget.render("field", value, attrs=attrs, renderer=FormRenderer())
            assert written == expected


def test_an_overridden_template_is_left_to_the_engine(settings, tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "attrs.html").write_text("OVERRIDDEN")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    widget_html._is_djangos_own.cache_clear()
    try:
        html = forms.TextInput().render("field", "x", renderer=FormRenderer())
        assert "OVERRIDDEN" in html
    finally:
        widget_html._is_djangos_own.cache_clear()


@pytest.fixture
def people(db):
    from tests.factories import make_people

    people = make_people()
    add_plans(people)
    return people


def without_tokens(html: str) -> str:
    # The CSRF token is masked anew for every form, and a reminder's pause link is signed anew:
    # the only differences allowed.
    html = re.sub(r"/pause/[^/]+/", "/pause/", html)
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)


def same_page(html: str) -> str:
    # Besides the tokens, the session's seconds left may tick between two requests.
    return re.sub(r'(data-[a-z-]*left=")[0-9]+', r"\1", without_tokens(html))


def test_pages_with_forms_are_the_same_either_way(people, client):
    plan = people.plan_a
    goal = people.goal_a
    sign_in(client, people.client_a)
    urls = [
        reverse("plans:checkin"),
        reverse("plans:checkin_settings"),
        reverse("plans:reminder_settings"),
        reverse("plans:trusted_contacts"),
        reverse("plans:goal", args=[plan.public_id, goal.public_id]),
        reverse("plans:goal_edit", args=[plan.public_id, goal.public_id]),
        reverse("plans:goal_new", args=[plan.public_id]) + "focus/",
        reverse("strategies:catalog"),
        reverse("accounts:account"),
        reverse("accounts:contact"),
    ]
    for url in urls:
        written = client.get(url)
        assert written.status_code == 200, url
        with (
            mock.patch.object(widget_html, "writer_for", return_value=None),
            # FormRenderer holds its own name for it: without this the page kept its writers.
            mock.patch.object(harmplan.forms, "writer_for", return_value=None),
        ):
            by_template = client.get(url)
        assert "<input" in written.content.decode(), url
        assert same_page(written.content.decode()) == same_page(by_template.content.decode()), url


def test_plain_text_is_escaped_directly(monkeypatch):
    """A plain str (most labels, names and values) skips escape()'s check for lazy strings;
    html.escape is what escape() calls, so the HTML is the same (the tests above)."""

    def refuse(value):
        raise AssertionError(f"escaped through Django: {value!r}")

    monkeypatch.setattr(widget_html, "conditional_escape", refuse)  # field_html writes with it too
    widget = forms.RadioSelect(choices=[("a", 'A & "a"'), ("b", "<b>")], attrs={"class": "x"})
    html = widget.render("field", "a", attrs={"id": "id_field"}, renderer=FormRenderer())
    assert 'value="a"' in html and "A &amp; &quot;a&quot;" in html and "&lt;b&gt;" in html

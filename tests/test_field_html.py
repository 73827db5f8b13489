"""The field and form templates written in Python (harmplan/field_html.py) give exactly what
templates/forms/field.html and div.html give: field by field, in English and Spanish, and on
whole pages full of forms."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

import harmplan.forms
from harmplan import field_html, widget_html
from harmplan.forms import FormRenderer
from tests.plan_factories import add_plans
from tests.signin import sign_in
from tests.test_widget_html import same_page

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates" / "forms"


class EveryKind(forms.Form):
    text = forms.CharField(label="Your <name> & more", help_text='Like "Sam" & <b>')
    lazy = forms.CharField(label=gettext_lazy("Search"), help_text=gettext_lazy("Yes"))
    safe = forms.CharField(label=mark_safe("<em>Safe</em>"), help_text=mark_safe("<b>hint</b>"))
    unlabelled_field = forms.CharField(required=False)
    number = forms.DecimalField(min_value=0, max_value=10, decimal_places=1, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    radio = forms.ChoiceField(
        choices=[("a", "A & a"), ("b", "B")],
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        help_text="Pick one",
    )
    plain_radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, required=False)
    many = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    choose = forms.ChoiceField(choices=[("", "Any"), ("1", "One")], required=False)
    note = forms.CharField(widget=forms.Textarea, required=False, max_length=3)
    agree = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.data.get("note") == "two":
            self.add_error("note", "Another <error> & one")
        return super().clean()


DATA = {
    "text": "",
    "lazy": "x",
    "safe": "<y>",
    "number": "12.55",
    "day": "not a day",
    "radio": "c",
    "many": ["z"],
    "note": "two",
    "secret": "s",
    "version": "x",
}


def forms_to_compare():
    yield EveryKind()
    yield EveryKind(initial={"text": "Sam", "radio": "a", "agree": True, "version": 3})
    yield EveryKind(DATA)
    yield EveryKind(DATA, auto_id=False)
    yield EveryKind(DATA, prefix="p")
    headed = EveryKind(DATA)
    headed.heading_field = "radio"
    yield headed
    headed = EveryKind()
    headed.heading_field = "text"
    yield headed


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_field_and_form_matches_the_template(language):
    by_template = TemplatesSetting()
    with translation.override(language):
        for form in forms_to_compare():
            for name in form.fields:
                field = form[name]
                expected = by_template.render(field_html.FIELD_TEMPLATE, {"field": field})
                assert field.render(renderer=FormRenderer()) == expected, name
                assert field.as_field_group() == expected, name
            expected = by_template.render(field_html.FORM_TEMPLATE, form.get_context())
            assert str(form) == expected


def test_the_writers_are_used(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("rendered by the template engine")

    monkeypatch.setattr(TemplatesSetting, "render", refuse)
    form = EveryKind(DATA)
    assert 'class="form-group has-error"' in form["text"].as_field_group()
    assert 'name="secret"' in str(form)


def test_the_writers_copy_the_templates_on_disk():
    """Changed field.html or div.html? Change its writer and the source it keeps to match."""
    field = (TEMPLATES_DIR / "field.html").read_text()
    assert field_html.source_digest(field) == field_html.FIELD_SHA256
    div = (TEMPLATES_DIR / "div.html").read_text()
    assert field_html.source_digest(div) == field_html.FORM_SHA256


def test_a_changed_template_is_left_to_the_engine(settings, tmp_path):
    changed = tmp_path / "forms"
    changed.mkdir()
    source = (TEMPLATES_DIR / "field.html").read_text()
    source = source.replace('class="hint"', 'class="hint changed"')
    (changed / "field.html").write_text(source)
    (changed / "div.html").write_text("CHANGED{% for field, errors in fields %}{% endfor %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    form = EveryKind()
    assert 'class="hint changed"' in form["text"].as_field_group()
    assert str(form) == "CHANGED"


def test_a_field_named_like_the_heading_attribute_is_left_to_the_engine():
    class Odd(forms.Form):
        heading_field = forms.CharField()

    form = Odd()
    expected = TemplatesSetting().render(
        field_html.FIELD_TEMPLATE, {"field": form["heading_field"]}
    )
    assert form["heading_field"].as_field_group() == expected


@pytest.fixture
def people(db):
    from tests.factories import make_people

    people = make_people()
    add_plans(people)
    return people


def test_pages_with_forms_are_the_same_either_way(people, client):
    plan = people.plan_a
    goal = people.goal_a
    sign_in(client, people.client_a)
    urls = [
        reverse("plans:checkin"),
        reverse("plans:checkin") + "?day=2000-01-01",  # an error beside the day picker
        reverse("plans:checkin_settings"),
        reverse("plans:reminder_settings"),
        reverse("plans:trusted_contacts"),
        reverse("plans:goal", args=[plan.public_id, goal.public_id]),
        reverse("plans:goal_edit", args=[plan.public_id, goal.public_id]),
        reverse("plans:goal_new", args=[plan.public_id]) + "focus/",
        reverse("strategies:catalog"),
        reverse("strategies:catalog") + "?q=sleep&approach=nonsense",
        reverse("accounts:account"),
        reverse("accounts:contact"),
    ]
    for url in urls:
        written = client.get(url)
        assert written.status_code == 200, url
        with (
            mock.patch.object(field_html, "writer_for", return_value=None),
            mock.patch.object(widget_html, "writer_for", return_value=None),
            mock.patch.object(harmplan.forms, "writer_for", return_value=None),
        ):
            by_template = client.get(url)
        assert "<input" in written.content.decode(), url
        assert same_page(written.content.decode()) == same_page(by_template.content.decode()), url

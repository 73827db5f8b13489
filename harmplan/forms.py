"""Form rendering in the GOV.UK pattern: label, hint, error beside the field, summary on top.

Django already points each input at its hint and error (`aria-describedby`, `aria-invalid`);
these templates supply the matching ids.
"""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from harmplan import field_html
from harmplan.phones import PHONE_CHARACTERS
from harmplan.widget_html import writer_for
from plans.timezones import get_zone, timezone_names, zone_choices


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"

    def render(self, template_name, context, request=None):
        # Django's own widget templates are written in Python (harmplan/widget_html.py).
        writer = writer_for(template_name) if set(context) == {"widget"} else None
        if writer is not None:
            return writer(context["widget"]).strip()
        # So are this project's field and form templates (harmplan/field_html.py).
        write = field_html.writer_for(template_name, context) if request is None else None
        if write is not None:
            return write().strip()
        return super().render(template_name, context, request)


AnyField = TypeVar("AnyField", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[AnyField]) -> AnyField:
    """The form's own copy of field `name`, as the class it is declared with."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


# Fields used by more than one feature: one definition each ---------------------------------------


class PhoneField(forms.CharField):
    """A phone number as people type it: digits with spaces, dashes, dots, brackets or a +."""

    default_error_messages = {
        "invalid": _("Enter a phone number using numbers, like 555 123 4567"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        phone = (super().clean(value) or "").strip()
        digits = [ch for ch in phone if ch.isdigit()]
        if phone and (len(digits) < 7 or any(ch not in PHONE_CHARACTERS for ch in phone)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return phone


class TimeZoneField(forms.ChoiceField):
    """A time zone: the program's and common ones by plain name first; `show_everything()` is
    the second step with every zone. Any real zone is accepted either way, so a choice made
    in the long list still saves from the short one. `include(name)` keeps a person's current
    zone choosable even when it is a legacy name left out of the lists."""

    default_error_messages = {"invalid_choice": _("Choose a time zone from the list")}

    def __init__(self, **kwargs):
        self._current = ""
        super().__init__(choices=zone_choices, **kwargs)

    def include(self, name: str) -> None:
        self._current = name
        self.choices = zone_choices(current=name)

    def show_everything(self) -> None:
        self.choices = zone_choices(current=self._current, everything=True)

    def valid_value(self, value) -> bool:
        return value in timezone_names() or value == self._current or super().valid_value(value)

    def clean(self, value):
        name = super().clean(value)
        try:
            get_zone(name)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        return name


SEARCH_MAX_LENGTH = 100


def search_words(typed: str) -> tuple[str, str]:
    """What to search for, and a message when some of what was typed cannot be searched.

    Control characters (a NUL byte among them) cannot be stored or searched in PostgreSQL: they
    are left out and the person is told, instead of a server error.
    """
    words = "".join(ch for ch in typed if ch.isprintable()).strip()
    error = (
        gettext("Search with letters, numbers and spaces only")
        if len(words) < len(typed.strip())
        else ""
    )
    return words[:SEARCH_MAX_LENGTH], error

"""Form rendering in the GOV.UK pattern: label, hint, error beside the field, summary on top.

Django already points each input at its hint and error (`aria-describedby`, `aria-invalid`);
these templates supply the matching ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar, cast

from django import forms
from django.forms.renderers import TemplatesSetting

from harmplan.phones import PHONE_CHARACTERS
from plans.timezones import common_zone_names, get_zone, timezone_names


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


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
        "invalid": "Enter a phone number using numbers, like 555 123 4567",
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
    """A time zone from the list. `include(name)` keeps a person's current zone choosable even
    when it is a legacy name left out of the list."""

    default_error_messages = {"invalid_choice": "Choose a time zone from the list"}

    def __init__(self, **kwargs):
        super().__init__(choices=_zone_choices, **kwargs)

    def _pairs(self) -> Iterable[tuple[str, str]]:
        # Django keeps choices as pairs; the stubs' type for reading them allows a callable too.
        return cast(Iterable[tuple[str, str]], self.choices)

    def include(self, name: str) -> None:
        choices = self._pairs()
        if name and name not in dict(choices):
            self.choices = [*choices, (name, name.replace("_", " "))]

    def shorten(self, *keep: str) -> None:
        """Offer the short list (plans/timezones.py) with `keep` first; any zone still validates."""
        labels = dict(self._pairs())
        self.widget.choices = [
            (name, labels[name]) for name in common_zone_names(*keep) if name in labels
        ]

    def clean(self, value):
        name = super().clean(value)
        try:
            get_zone(name)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        return name


def _zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in timezone_names()]

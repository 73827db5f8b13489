from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from harmplan.forms import field_of

from .models import AREA_CHOICES, Approach, Category, in_language


class CatalogFilterForm(forms.Form):
    """The catalog's filters: a plain GET form, so a filtered list has its own address."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
        help_text=_("For example: naloxone, diary, sleep."),
    )
    # The focus area's slug: its choices are read in __init__ as two columns, once a form (whole
    # focus areas through a ModelChoiceField were the costliest part of the catalog's form).
    focus = forms.ChoiceField(label=_("What it is about"), required=False)
    approach = forms.ChoiceField(
        label=_("Approach"),
        choices=[("", _("Any approach")), *Approach.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Kind of strategy"),
        choices=[("", _("Any kind")), *Category.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In FocusArea's own order, named in the reader's language (FocusArea.shown_name).
        areas = [
            (slug, in_language(name, name_es)) for slug, name, name_es in AREA_CHOICES.tuples([])
        ]
        field_of(self, "focus", forms.ChoiceField).choices = [("", _("Anything")), *areas]

    def filter(self, strategies):
        """Apply the filters that are valid; a bad value in a shared link is ignored."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if data.get("q"):
            strategies = strategies.search(data["q"])
        if data.get("focus"):
            strategies = strategies.in_focus_area(data["focus"])
        if data.get("approach"):
            strategies = strategies.fitting(data["approach"])
        if data.get("category"):
            strategies = strategies.filter(category=data["category"])
        return strategies

    @property
    def is_filtered(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(data.get(name) for name in self.fields)

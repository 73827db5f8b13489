"""Django's form widget templates, written in Python: the same HTML, for a fraction of the CPU.

A page's form fields cost more than the rest of it: the check-in's radio buttons are some hundred
inputs, each rendered through four nested templates (radio_option, input_option, input, attrs).
These functions write exactly what Django's own templates in django/forms/templates/django/forms/
widgets/ write, character for character, escaping and localizing values as a template would;
tests/test_widget_html.py renders widgets of every kind both ways and compares.

Only Django's own templates are replaced: a widget template the project overrides (found first
in templates/) is rendered by the template engine, as is any template not listed here.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import django
from django.template.loader import get_template
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

WIDGETS = "django/forms/widgets/"
DJANGO_WIDGETS_DIR = Path(django.__file__).parent / "forms" / "templates" / "django" / "forms"


def text(value) -> str:
    """{{ value }}, as a template writes it (render_value_in_context, autoescape on)."""
    if type(value) is str:
        # Most values: nothing to localize, and escape() is html.escape() behind a check for
        # lazy strings that costs more than the escaping.
        return html.escape(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _format_s(value) -> str:
    """{{ value|stringformat:'s' }}: safe input stays unescaped (the filter is is_safe)."""
    if type(value) is str:
        return html.escape(value)  # as below: "%s" % value, then escape()
    if isinstance(value, tuple):
        value = str(value)
    try:
        formatted = "%s" % value  # noqa: UP031 - what the filter does
    except (ValueError, TypeError):
        return ""
    return formatted if isinstance(value, SafeData) else escape(formatted)


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(f" {text(name)}")
            if value is not True:
                out.append(f'="{_format_s(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = ""
    if widget["value"] != None:  # noqa: E711 - the template's own comparison
        value = f' value="{_format_s(widget["value"])}"'
    return (
        f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: dict) -> str:
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    label_for = f' for="{text(widget["attrs"]["id"])}"' if widget["attrs"].get("id") else ""
    return f"<label{label_for}>{_input(widget)} {text(widget['label'])}</label>\n"


def _option(widget: dict) -> str:
    """An option of a multiple input: its own template (radio_option, checkbox_option)."""
    return render_option(widget["template_name"], widget)


def _multiple_input(widget: dict) -> str:
    id_ = widget["attrs"].get("id")
    out = ["<div"]
    if id_:
        out.append(f' id="{text(id_)}"')
    if widget["attrs"].get("class"):
        out.append(f' class="{text(widget["attrs"]["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{text(group)}</label>")
        for option in options:
            out.append(f"<div>\n    {_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _select_option(widget: dict) -> str:
    return (
        f'<option value="{_format_s(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{text(widget['label'])}</option>\n"
    )


def _select(widget: dict) -> str:
    out = [f'<select name="{text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in group_choices:
            out.append(f"\n  {_option(option)}")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _textarea(widget: dict) -> str:
    value = text(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'
    )


INPUTS = (
    "text",
    "number",
    "email",
    "url",
    "password",
    "hidden",
    "date",
    "datetime",
    "time",
    "search",
    "tel",
    "color",
    "checkbox",
)
WRITERS: dict[str, Callable[[dict], str]] = {
    **{f"{WIDGETS}{name}.html": lambda w: _input(w) + "\n" for name in INPUTS},
    f"{WIDGETS}radio.html": lambda w: _multiple_input(w) + "\n",
    f"{WIDGETS}checkbox_select.html": lambda w: _multiple_input(w) + "\n",
    f"{WIDGETS}radio_option.html": lambda w: _input_option(w) + "\n",
    f"{WIDGETS}checkbox_option.html": lambda w: _input_option(w) + "\n",
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}select_option.html": _select_option,
    f"{WIDGETS}textarea.html": _textarea,
}
# The templates each writer stands for, as they include each other.
INCLUDES = {
    "input.html",
    "attrs.html",
    "input_option.html",
    "multiple_input.html",
}


@lru_cache
def _is_djangos_own(template_name: str) -> bool:
    """True when the name resolves to Django's file (not one the project overrides)."""
    origin = Path(get_template(template_name).template.origin.name)  # type: ignore[attr-defined]
    return origin.is_relative_to(DJANGO_WIDGETS_DIR)


def writer_for(template_name: str) -> Callable[[dict], str] | None:
    writer = WRITERS.get(template_name)
    if writer is None:
        return None
    if not _is_djangos_own(template_name) or not all(
        _is_djangos_own(WIDGETS + name) for name in INCLUDES
    ):
        return None
    return writer


def render_option(template_name: str, widget: dict) -> str:
    writer = writer_for(template_name)
    if writer is None:
        from django.template.loader import render_to_string

        return render_to_string(template_name, {"widget": widget})
    return writer(widget)

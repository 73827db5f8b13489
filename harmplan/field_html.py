"""The project's form templates (templates/forms/field.html and div.html), written in Python.

Every form field on a page is rendered through forms/field.html: about 0.3 ms a field in the
template engine, most of a form's cost once its widgets are written in Python
(harmplan/widget_html.py). These functions write exactly what the two templates write, character
for character, escaping and localizing values as a template would.

Each writer keeps a digest of the template it was written from. When the template on disk is
not that source (someone changed it), the template engine renders it as before: an edited
template is never shadowed by an old copy here. tests/test_field_html.py renders fields of every
kind both ways and compares, and fails when a template no longer matches its writer's copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache

from django.template.loader import get_template
from django.utils.translation import gettext

from harmplan.widget_html import text

FIELD_TEMPLATE = "forms/field.html"
FORM_TEMPLATE = "forms/div.html"

# The templates' sources (SHA-256) as they were when the writers below were written from them.
FIELD_SHA256 = "903bcd913b743d4f633c944ae475420f137a4575c1436a26c9dbd0274cb3aa11"
FORM_SHA256 = "30a744f511d75af5a21f44d1972431958d2213c36acdbc5998b02f100fba70fb"
FORM_CONTEXT = {"form", "fields", "hidden_fields", "errors"}


def _heading(form) -> object:
    """{{ field.form.heading_field }}: the name of the field that is the page's heading, if any."""
    heading = getattr(form, "heading_field", "")
    return heading() if callable(heading) else heading


def field_group(field) -> str:
    """forms/field.html for one bound field."""
    heading = _heading(field.form)
    errors = field.errors
    help_text = field.help_text
    fieldset = field.use_fieldset
    out = ['<div class="form-group', " has-error" if errors else "", '">\n']
    if fieldset:
        out.append("\n  <fieldset")
        if help_text or errors:
            out.append(' aria-describedby="')
            if help_text:
                out.append(f"{text(field.auto_id)}_helptext")
            if errors:
                out.append(f" {text(field.auto_id)}_error")
            out.append('"')
        out.append(">\n    ")
        if heading == field.name:
            out.append(f'<legend class="page-heading"><h1>{text(field.label)}</h1></legend>')
        else:
            out.append(f"<legend>{text(field.label)}</legend>")
        out.append("\n")
    else:
        out.append("\n  ")
        label = f'for="{text(field.id_for_label)}">{text(field.label)}</label>'
        if heading == field.name:
            out.append(f'<h1><label class="page-heading" {label}</h1>')
        else:
            out.append(f"<label {label}")
        out.append("\n")
    out.append("\n  ")
    if help_text:
        out.append(f'<div class="hint" id="{text(field.auto_id)}_helptext">{text(help_text)}</div>')
    out.append("\n  ")
    if errors:
        out.append(f'<p class="error-message" id="{text(field.auto_id)}_error">')
        messages = list(errors)
        for number, error in enumerate(messages, start=1):
            out.append(f'<span class="visually-hidden">{text(gettext("Error:"))}</span> ')
            out.append(text(error))
            if number < len(messages):
                out.append("<br>")
        out.append("</p>")
    out.append(f"\n  {text(field)}\n")
    if fieldset:
        out.append("</fieldset>")
    out.append("\n</div>")
    return "".join(out)


def form_fields(context: dict) -> str:
    """forms/div.html: a form's visible fields, each as a field group, then its hidden ones."""
    visible = "".join(text(field.as_field_group()) for field, _errors in context["fields"])
    hidden = "".join(text(field) for field in context["hidden_fields"])
    return f"{visible}\n{hidden}\n"


@lru_cache(maxsize=16)
def source_digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def _is_unchanged(template_name: str, digest: str) -> bool:
    # The template itself is not remembered here: the template loader caches it, and a template
    # edited while the development server runs must show at once.
    source = get_template(template_name).template.source  # type: ignore[attr-defined]
    return source_digest(source) == digest


def writer_for(template_name: str, context: dict) -> Callable[[], str] | None:
    """What writes `template_name` with `context` in Python, or None for the template engine."""
    if template_name == FIELD_TEMPLATE and set(context) == {"field"}:
        field = context["field"]
        # A field named like the attribute would be found first by the template's lookup.
        if "heading_field" in field.form.fields or not _is_unchanged(FIELD_TEMPLATE, FIELD_SHA256):
            return None
        return lambda: field_group(field)
    if template_name == FORM_TEMPLATE and set(context) == FORM_CONTEXT:
        if not _is_unchanged(FORM_TEMPLATE, FORM_SHA256):
            return None
        return lambda: form_fields(context)
    return None


def _kind_name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def form_facts(form) -> list:
    """What a form's fields show, as plain values, to key a cached fragment of them by
    (harmplan/fragments.py): for each field, its name, label, hint, value and errors, and all
    its widget holds (attributes, choices, format). A widget that holds anything else, such as
    a queryset, cannot be keyed this way: the fragment's digest refuses it (TypeError)."""
    facts: list = [
        _kind_name(type(form)),
        form.prefix,
        form.auto_id,
        form.use_required_attribute,
        form.label_suffix,
        _heading(form),
        form.is_bound,
        form.non_field_errors() if form.is_bound else [],
    ]
    for field in form:
        definition = field.field
        facts.append(
            [
                field.html_name,
                field.auto_id,
                _kind_name(type(definition)),
                field.label,
                field.help_text,
                definition.required,
                definition.disabled,
                definition.localize,
                definition.show_hidden_initial,
                field.value(),
                list(field.errors),
                _kind_name(type(definition.widget)),
                vars(definition.widget),
            ]
        )
    return facts

"""Form rendering in the GOV.UK pattern: label, hint, error beside the field, summary on top.

Django already points each input at its hint and error (`aria-describedby`, `aria-invalid`);
these templates supply the matching ids.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"

"""The plan as a printable PDF, made with WeasyPrint from an HTML template.

The file name and the PDF's title say nothing about what it is ("plan-2026-12-01.pdf", "Plan"),
because a printout or a download can be seen by others.
"""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string


def pdf_filename(today: date) -> str:
    return f"plan-{today.isoformat()}.pdf"


def render_pdf(context: dict) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, and only this needs it.
    from weasyprint import HTML

    html = render_to_string("plans/records/plan_pdf.html", context)
    return HTML(string=html).write_pdf()

"""The printable plan: a PDF made with WeasyPrint, neutral in name and title."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from harmplan.accounts.models import AccessEvent
from tests.plan_factories import add_plans
from tests.records_support import fill_plan
from tests.signin import sign_in

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def filled(people):
    with time_machine.travel(NOW, tick=False):
        add_plans(people)
        fill_plan(people)
    return people


def get_pdf(client, user, plan):
    sign_in(client, user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("plans:plan_pdf", args=[plan.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response, PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_client_downloads_their_plan(client, filled):
    response, reader = get_pdf(client, filled.client_a, filled.plan_a)
    assert response["Content-Disposition"] == 'attachment; filename="plan-2026-12-01.pdf"'
    assert reader.metadata.title == "Plan"
    text = text_of(reader)
    goal = filled.goal_a
    first = goal.steps.first()
    for expected in [
        "Drink less on weeknights",
        "Never use alone",
        "At most 14 standard drinks a week",
        "Carry naloxone",
        "Drink water",  # the strategy
        "My sister Maria",
        "Naloxone is in the kitchen drawer",
        "Next review",
        "29 December 2026",
        f"from {first.starts_on:%-d %B %Y}",  # the first step starts tomorrow: it is the next one
    ]:
        assert expected in text, expected
    assert "Next step:" in text and "This step:" not in text  # steps start tomorrow
    # A client's own copy is not a disclosure: no Part 2 notice on it.
    assert "42 CFR part 2" not in text
    assert not AccessEvent.objects.filter(client=filled.client_a, object_type="plan PDF").exists()


def test_counselor_prints_in_session_and_it_is_logged(client, filled):
    response, reader = get_pdf(client, filled.counselor, filled.plan_a)
    assert response["Content-Disposition"] == 'attachment; filename="plan-2026-12-01.pdf"'
    assert "Drink less on weeknights" in text_of(reader)
    event = AccessEvent.objects.get(client=filled.client_a, object_type="plan PDF")
    assert (event.actor, event.action, event.object_type) == (
        filled.counselor,
        AccessEvent.Action.EXPORT,
        "plan PDF",
    )


def test_plan_page_links_to_the_pdf_and_has_a_print_stylesheet(client, filled):
    sign_in(client, filled.client_a)
    page = client.get(filled.plan_a.get_absolute_url()).content.decode()
    assert reverse("plans:plan_pdf", args=[filled.plan_a.public_id]) in page
    css = (settings.BASE_DIR / "static" / "css" / "harmplan.css").read_text()
    print_rules = css.split("@media print", 1)[1]
    assert ".section-actions" in print_rules and ".no-print" in print_rules

"""Sharing with consent (42 CFR Part 2 §2.31): create, view the link, expire, revoke; the
accounting of disclosures after each; the §2.32 notice on everything disclosed."""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from harmplan.accounts.models import AccessEvent, hash_secret
from plans.models import Consent, Disclosure, Method, Shares
from plans.records import closing, sharing
from plans.records.notice import PART2_NOTICE
from tests.plan_factories import add_plans
from tests.records_support import fill_plan, make_consent
from tests.signin import sign_in

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York, the program's zone
NOTICE_START = "This record which has been disclosed to you is protected by federal"


@pytest.fixture
def filled(people):
    with time_machine.travel(NOW, tick=False):
        add_plans(people)
        fill_plan(people)
    return people


def form_data(**overrides) -> dict:
    return {
        "recipient": "Dr Ana Ruiz, Eastside Clinic",
        "shares": "both",
        "method": "link",
        "purpose": "So my doctor knows my plan",
        "expires_on": "2026-12-31",
        "expires_event": "",
        "signature": "Alex Example",
        "agree": "on",
        **overrides,
    }


def create_through_page(client, people, **overrides):
    sign_in(client, people.client_a)
    with time_machine.travel(NOW, tick=False):
        return client.post(reverse("plans:consent_new"), form_data(**overrides))


def shared(client, key, when=NOW):
    client.logout()
    with time_machine.travel(when, tick=False):
        return client.get(reverse("plans:shared_view"), {"key": key})


def accounting(client, people, when=NOW) -> str:
    with time_machine.travel(when, tick=False):
        sign_in(client, people.client_a)
        return client.get(reverse("plans:sharing")).content.decode()


def test_consent_page_shows_every_element_in_plain_words(client, filled):
    sign_in(client, filled.client_a)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("plans:consent_new")).content.decode()
    for element in [
        "Riverside Program (your program)",  # who shares
        "Your plan: your goals in your words",  # what
        "Who do you want to share with?",  # with whom
        "Why are you sharing it?",  # purpose
        "Until when?",  # expiry date
        "Or until something happens",  # or event
        "You can stop sharing at any time",  # revocation
        "Stopping cannot take back what was already seen",  # except what was shared
        "does not change your care",  # no conditioning
        "Type your name to sign",  # signature
        "Date: 1 December 2026",  # date of signing
    ]:
        assert element in page, element


def test_create_shows_the_link_once_and_keeps_only_its_hash(client, filled):
    response = create_through_page(client, filled)
    assert response.status_code == 200
    page = response.content.decode()
    key = page.split("?key=", 1)[1].split('"', 1)[0]
    consent = Consent.objects.get()
    assert consent.token_hash == hash_secret(key)
    assert (consent.signature, consent.signed_on) == ("Alex Example", date(2026, 12, 1))
    # The end of the chosen day where the client is (New York), in UTC.
    assert consent.expires_at == datetime(2027, 1, 1, 5, 0, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM plans_consent")
        assert key not in repr(cursor.fetchall())
    detail = client.get(reverse("plans:consent_detail", args=[consent.public_id]))
    assert key not in detail.content.decode()


def test_bad_input_is_explained_beside_the_field_and_kept(client, filled):
    response = create_through_page(
        client, filled, expires_on="2026-11-30", signature="  ", agree=""
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose today or a day after today." in page
    assert "Type your name to sign." in page
    assert "Tick the box to say you agree" in page
    assert 'value="Dr Ana Ruiz, Eastside Clinic"' in page
    assert 'value="2026-11-30"' in page
    assert not Consent.objects.exists()


def test_opening_the_link_is_recorded_and_carries_the_notice(client, filled, caplog):
    key = make_consent(filled.client_a).token
    caplog.set_level(logging.DEBUG)
    response = shared(client, key)
    assert response.status_code == 200
    page = response.content.decode()
    assert NOTICE_START in page
    assert "Drink less on weeknights" in page and "Note from day 1" in page
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert key not in caplog.text  # never logged
    disclosure = Disclosure.objects.get()
    assert (disclosure.kind, disclosure.shares) == (Disclosure.Kind.LINK_VIEW, Shares.BOTH)
    assert "Link opened" in accounting(client, filled)
    shared(client, key)
    assert Disclosure.objects.count() == 2


def test_link_shares_only_what_the_consent_says(client, filled):
    key = make_consent(filled.client_a, shares=Shares.CHECKINS).token
    page = shared(client, key).content.decode()
    assert "Note from day 1" in page
    assert "Naloxone is in the kitchen drawer" not in page


def test_pdf_to_give_is_recorded_and_carries_the_notice(client, filled):
    consent = make_consent(filled.client_a, method=Method.PDF).consent
    sign_in(client, filled.client_a)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("plans:consent_pdf", args=[consent.public_id]))
    assert response["Content-Disposition"] == 'attachment; filename="plan-2026-12-01.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert reader.metadata.title == "Plan"
    assert " ".join(str(PART2_NOTICE).split()) in text
    assert "Shared by Alex Example with Dr Ana Ruiz, Eastside Clinic" in text
    assert Disclosure.objects.get().kind == Disclosure.Kind.PDF
    assert "PDF downloaded" in accounting(client, filled)


def test_revoke_stops_the_link_at_once_and_keeps_the_accounting(client, filled):
    key = make_consent(filled.client_a).token
    assert shared(client, key).status_code == 200
    consent = Consent.objects.get()
    sign_in(client, filled.client_a)
    response = client.post(reverse("plans:consent_revoke", args=[consent.public_id]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at and consent.token_hash is None
    assert shared(client, key).status_code == 404
    assert Disclosure.objects.count() == 1  # the refused view is not a disclosure
    page = accounting(client, filled)
    assert "Stopped" in page and "Link opened" in page
    # A PDF consent that was stopped makes no more files.
    pdf_consent = make_consent(filled.client_a, method=Method.PDF).consent
    sharing.consent_revoke(consent=pdf_consent)
    sign_in(client, filled.client_a)
    response = client.post(reverse("plans:consent_pdf", args=[pdf_consent.public_id]))
    assert response.status_code == 302
    assert Disclosure.objects.count() == 1


def test_expiry_stops_the_link_even_before_the_periodic_task(client, filled):
    with time_machine.travel(NOW, tick=False):
        key = make_consent(filled.client_a, expires_on=date(2026, 12, 3)).token
    # 23:59 on 3 December in New York still works; one minute later it does not.
    assert shared(client, key, datetime(2026, 12, 4, 4, 59, tzinfo=UTC)).status_code == 200
    after = datetime(2026, 12, 4, 5, 0, tzinfo=UTC)
    assert shared(client, key, after).status_code == 404
    assert sharing.consents_expire(now=after) == 1
    consent = Consent.objects.get()
    assert consent.expired_at == after and consent.token_hash is None
    assert consent.status == "expired"
    assert shared(client, key, after).status_code == 404
    assert Disclosure.objects.count() == 1
    assert "Ended" in accounting(client, filled, after)


def test_guessed_or_missing_key_is_a_404(client, filled):
    make_consent(filled.client_a)
    assert shared(client, "a" * 43).status_code == 404
    assert shared(client, "").status_code == 404
    assert not Disclosure.objects.exists()


def test_accounting_covers_the_last_three_years(client, filled):
    with time_machine.travel(NOW - timedelta(days=365 * 3 + 10), tick=False):
        old = make_consent(filled.client_a, method=Method.PDF, recipient="Old clinic").consent
        sharing.consent_pdf(consent=old)
    with time_machine.travel(NOW, tick=False):
        recent = make_consent(filled.client_a, method=Method.PDF, recipient="New clinic").consent
        sharing.consent_pdf(consent=recent)
    rows = list(sharing.accounting_for(filled.client_a, now=NOW))
    assert [row.consent.recipient for row in rows] == ["New clinic"]


def test_org_admin_sees_the_programs_consents_and_disclosures_logged(client, filled):
    key = make_consent(filled.client_a).token
    shared(client, key)
    make_consent(filled.other_client, recipient="Other program's doctor")
    sign_in(client, filled.org_admin)
    page = client.get(reverse("plans:program_records")).content.decode()
    assert "Dr Ana Ruiz, Eastside Clinic" in page and "Link opened" in page
    assert "Other program" not in page
    event = AccessEvent.objects.get(client=filled.client_a, object_type="consents")
    assert event.actor == filled.org_admin


def test_disclosures_are_append_only_even_in_sql(filled):
    consent = make_consent(filled.client_a, method=Method.PDF).consent
    sharing.consent_pdf(consent=consent)
    with pytest.raises(PermissionError):
        Disclosure.objects.update(kind="pdf")
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM plans_disclosure")


def test_request_logs_never_hold_the_key():
    """The key is in the query string; both gunicorn set-ups log the path only."""
    from django.conf import settings

    # start.py takes its gunicorn arguments from harmplan/logs.py (tests/test_logs.py).
    for path in ["docker-compose.yml", "harmplan/logs.py"]:
        text = (settings.BASE_DIR / path).read_text()
        assert "%(U)s" in text, path
        assert "%(r)s" not in text and "%(q)s" not in text and "%(u)s" not in text, path


def test_nothing_new_is_shared_while_the_account_is_closing(client, filled):
    closing.closing_request(client=filled.client_a)
    response = create_through_page(client, filled)
    assert "Your account is closing, so nothing new can be shared." in response.content.decode()
    assert not Consent.objects.exists()
    with pytest.raises(sharing.RecordsError):
        make_consent(filled.client_a)

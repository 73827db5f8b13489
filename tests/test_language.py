"""Language: the browser's on a first visit, a switch on every page, a saved choice per person
that also decides the language of their reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from harmplan.accounts.language import language_for
from plans.models import Channel, ReminderSchedule
from plans.reminders import dispatch, messages
from tests.accessibility import assert_no_axe_violations
from tests.factories import PASSWORD, make_people
from tests.reminders_support import read_mail, text_of, wait_until_all_sent
from tests.signin import sign_in

SWITCH = reverse("language_switch")


@pytest.mark.django_db
def test_a_first_visit_follows_the_browser(client):
    page = client.get(reverse("help"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert '<html lang="es">' in page.content.decode()
    assert page["Content-Language"] == "es"
    english = client.get(reverse("help"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="en">' in english.content.decode()


@pytest.mark.django_db
def test_the_switch_is_kept_across_pages_signed_out(client):
    response = client.post(SWITCH, {"language": "es", "next": reverse("help")})
    assert response.status_code == 302 and response["Location"] == reverse("help")
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="es">' in page.content.decode()


@pytest.mark.django_db
def test_a_signed_in_person_keeps_their_choice_and_gets_reminders_in_it(people, client):
    sign_in(client, people.client_a)
    client.post(SWITCH, {"language": "es", "next": "/"})
    people.client_a.refresh_from_db()
    assert people.client_a.language == "es"
    assert language_for(people.client_a) == "es"
    # Another browser, in English: the saved choice wins once signed in.
    other = client.__class__()
    sign_in(other, people.client_a)
    page = other.get(reverse("help"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="es">' in page.content.decode()

    schedule = ReminderSchedule.objects.create(
        client=people.client_a, channel=Channel.EMAIL, timezone="America/New_York"
    )
    email = messages.reminder_email(schedule)
    assert email.subject == "Es hora de tu registro"
    assert email.body.startswith("Es hora de tu registro. Toma menos de un minuto.")
    assert "Es hora de tu registro. Toma menos de un minuto." in messages.reminder_sms(schedule)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "", "<script>", "es" * 200])
def test_a_language_we_do_not_speak_changes_nothing(people, client, language):
    sign_in(client, people.client_a)
    response = client.post(SWITCH, {"language": language, "next": "/"})
    assert response.status_code == 302
    people.client_a.refresh_from_db()
    assert people.client_a.language == ""


@pytest.mark.django_db
def test_the_switch_does_not_send_people_elsewhere(client):
    response = client.post(SWITCH, {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_client_switches_to_spanish_on_a_phone_and_the_next_reminder_is_spanish(
    phone, start_worker
):
    people = make_people()
    people.client_a.email = "client-a@example.org"
    people.client_a.save()
    phone.goto("/account/login/")
    phone.get_by_label("Username").fill("client-a")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("button", name="Español").click()
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    assert_no_axe_violations(phone)
    phone.goto("/help/")
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("button", name="Español")).to_have_attribute("aria-current", "true")

    start_worker(concurrency=1)
    ReminderSchedule.objects.create(
        client=people.client_a,
        channel=Channel.EMAIL,
        timezone="America/New_York",
        next_due_at=timezone.now() - timedelta(seconds=1),
    )
    assert len(dispatch.reminders_dispatch().queued) == 1
    wait_until_all_sent(1)
    [message] = read_mail(start_worker.mail)
    assert message["Subject"] == "Es hora de tu registro"
    plain, html = text_of(message)
    assert plain.startswith("Es hora de tu registro. Toma menos de un minuto.")
    assert '<html lang="es">' in html and "Registrarme" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_spanish_chosen_before_signing_in_is_kept_after_and_decides_the_next_reminder(
    phone, start_worker
):
    """Before: a choice made on the sign-in page lived only in the cookie, so the pages were
    Spanish but the person's reminders stayed English."""
    people = make_people()
    people.client_a.email = "client-a@example.org"
    people.client_a.save()
    phone.goto("/account/login/")
    phone.get_by_role("button", name="Español").click()
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    phone.locator("#id_username").fill("client-a")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator('form[action="/account/login/"] button[type=submit]').click()
    phone.wait_for_url("**/")
    for path in ("/", "/plan/", "/checkin/", "/help/"):
        phone.goto(path)
        expect(phone.locator("html")).to_have_attribute("lang", "es")
        expect(phone.get_by_role("button", name="Español")).to_have_attribute(
            "aria-current", "true"
        )
    people.client_a.refresh_from_db()
    assert people.client_a.language == "es"

    start_worker(concurrency=1)
    ReminderSchedule.objects.create(
        client=people.client_a,
        channel=Channel.EMAIL,
        timezone="America/New_York",
        next_due_at=timezone.now() - timedelta(seconds=1),
    )
    assert len(dispatch.reminders_dispatch().queued) == 1
    wait_until_all_sent(1)
    [message] = read_mail(start_worker.mail)
    assert message["Subject"] == "Es hora de tu registro"


@pytest.mark.django_db
def test_a_saved_choice_is_not_replaced_by_the_cookie_at_sign_in(people, client):
    people.client_a.language = "en"
    people.client_a.save()
    client.post(SWITCH, {"language": "es", "next": "/"})
    sign_in(client, people.client_a)
    people.client_a.refresh_from_db()
    assert people.client_a.language == "en"

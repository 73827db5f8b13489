"""The client's reminder settings, the one-click pause link and the private calendar feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import (
    PAUSED_INDEFINITELY,
    Channel,
    DeliveryStatus,
    ReminderDelivery,
    ReminderSchedule,
)
from plans.reminders import calendar, links, messages, services
from plans.reminders.schedule import weekdays_to_mask
from tests.signin import sign_in

TUESDAY_THURSDAY = weekdays_to_mask([1, 3])
# Tuesday 24 November 2026, 12:00 in London.
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

SETTINGS_FORM = {
    "channel": "email",
    "weekdays": ["1", "3"],
    "local_time": "09:00",
    "timezone": "Europe/London",
    "paused_until": "",
}


def save(client_user, **overrides):
    fields = {
        "client": client_user,
        "weekdays": TUESDAY_THURSDAY,
        "local_time": time(9, 0),
        "timezone_name": "Europe/London",
        "channel": Channel.EMAIL,
        **overrides,
    }
    return services.schedule_save(**fields)


@time_machine.travel(NOON, tick=False)
def test_settings_page_saves_choices_and_shows_the_next_reminder(people, client):
    sign_in(client, people.client_a)
    response = client.get(reverse("plans:reminder_settings"))
    assert response.status_code == 200
    assert "No reminders yet." in response.content.decode()

    response = client.post(reverse("plans:reminder_settings"), SETTINGS_FORM)
    assert response.status_code == 302
    schedule = ReminderSchedule.objects.get(client=people.client_a)
    assert schedule.weekday_names == ["Tuesday", "Thursday"]
    assert schedule.local_time == time(9, 0)
    # Tuesday's 09:00 has passed: next is Thursday 09:00 GMT.
    assert schedule.next_due_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    page = client.get(reverse("plans:reminder_settings")).content.decode()
    assert "Your reminder settings are saved." in page
    assert "Thursday 26 November at 09:00" in page


@time_machine.travel(NOON, tick=False)
def test_preview_is_exactly_what_is_sent(people, client):
    people.org.display_name = "Riverside"
    people.org.save()
    schedule = save(people.client_a)
    sign_in(client, people.client_a)
    page = client.get(reverse("plans:reminder_settings")).content.decode()

    preview, _ = messages.email_parts(schedule)
    sent = messages.reminder_email(schedule, delivery_id=1)
    assert preview.subject == sent.subject == "Time for your check-in"
    assert sent.from_email.startswith("Riverside <")
    assert sent.body.splitlines()[0] == "Time for your check-in. It takes under a minute."
    assert "<dd>Riverside</dd>" in page
    assert "<dd>Time for your check-in</dd>" in page
    assert "Time for your check-in. It takes under a minute." in page
    assert links.checkin_url() in page

    people.client_a.phone = "+1 555 010 2000"
    people.client_a.save()
    save(people.client_a, channel=Channel.SMS)
    page = client.get(reverse("plans:reminder_settings")).content.decode()
    assert "Riverside: Time for your check-in. It takes under a minute. http" in page


@time_machine.travel(NOON, tick=False)
def test_the_preview_reads_the_signed_in_client_not_a_second_copy(people, client):
    """The schedule's client is the client already loaded (with their membership): showing
    the preview loads neither them nor their organization again."""
    people.org.display_name = "Riverside"
    people.org.save()
    save(people.client_a)
    schedule = services.schedule_for(people.client_a)
    assert schedule.client is people.client_a
    sign_in(client, people.client_a)
    url = reverse("plans:reminder_settings")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "<dd>Riverside</dd>" in page
    assert not [q for q in queries if 'FROM "accounts_membership"' in q["sql"]]
    assert not [q for q in queries if q["sql"].startswith('SELECT "accounts_user"')]


def test_form_errors_say_what_to_do(people, client):
    sign_in(client, people.client_b)  # has no email address
    form = {**SETTINGS_FORM, "weekdays": [], "local_time": "9 o'clock"}
    response = client.post(reverse("plans:reminder_settings"), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Add your email address first" in page
    assert "Choose at least one day" in page
    assert "Enter a time, like 09:00" in page
    assert not ReminderSchedule.objects.filter(client=people.client_b).exists()

    form = {**SETTINGS_FORM, "channel": "sms"}
    page = client.post(reverse("plans:reminder_settings"), form).content.decode()
    assert "Add your mobile number first" in page


def test_the_reminders_page_cannot_change_the_email_address(people, client):
    """The probe: the password-reset address was changed here, with no password."""
    sign_in(client, people.client_a)
    form = {**SETTINGS_FORM, "email": "taker@example.net", "phone": "+1 555 010 9999"}
    response = client.post(reverse("plans:reminder_settings"), form)
    assert response.status_code == 302
    people.client_a.refresh_from_db()
    assert (people.client_a.email, people.client_a.phone) == ("a@example.org", "")
    page = client.get(reverse("plans:reminder_settings")).content.decode()
    assert reverse("accounts:contact") in page


@time_machine.travel(NOON, tick=False)
def test_history_shows_when_how_and_what_happened(people, client):
    schedule = save(people.client_a)
    for slot, status in [
        (datetime(2026, 11, 17, 9, 0, tzinfo=UTC), DeliveryStatus.SENT),
        (datetime(2026, 11, 19, 9, 0, tzinfo=UTC), DeliveryStatus.FAILED),
    ]:
        ReminderDelivery.objects.create(
            schedule=schedule,
            slot=slot,
            channel=Channel.EMAIL,
            status=status,
            next_attempt_at=slot,
            enqueued_at=slot,
        )
    sign_in(client, people.client_a)
    page = client.get(reverse("plans:reminder_settings")).content.decode()
    assert page.index("Thursday 19 November, 09:00") < page.index("Tuesday 17 November, 09:00")
    assert ">not sent</span>" in page
    assert ">sent</span>" in page
    assert "<td>Email</td>" in page


@time_machine.travel(NOON, tick=False)
def test_pause_link_asks_then_pauses_without_signing_in(people, client):
    schedule = save(people.client_a)
    url = links.pause_url(schedule)
    response = client.get(url)
    assert response.status_code == 200
    assert "Pause reminders?" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.paused_until is None  # a mail scanner's GET changes nothing

    response = client.post(url)
    assert response.status_code == 200
    assert "Reminders paused" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.paused_until == PAUSED_INDEFINITELY
    assert schedule.next_due_at is None

    # Only "Turn reminders back on" ends an open-ended pause; saving other settings keeps it.
    sign_in(client, people.client_a)
    client.post(reverse("plans:reminder_settings"), {**SETTINGS_FORM, "local_time": "10:00"})
    schedule.refresh_from_db()
    assert schedule.paused_indefinitely and schedule.local_time == time(10, 0)
    client.post(reverse("plans:reminder_settings"), {"action": "resume"})
    schedule.refresh_from_db()
    assert schedule.paused_until is None
    assert schedule.next_due_at == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_one_click_unsubscribe_post_from_a_mail_app(people, client):
    """RFC 8058: the mail app POSTs List-Unsubscribe=One-Click, with no cookie or CSRF token."""
    schedule = save(people.client_a)
    strict = type(client)(enforce_csrf_checks=True)
    response = strict.post(
        links.pause_url(schedule),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    schedule.refresh_from_db()
    assert schedule.paused_indefinitely


@pytest.mark.parametrize("damage", ["payload", "signature", "truncated"])
def test_tampered_pause_link_is_refused(people, client, damage):
    schedule = save(people.client_a)
    token = links.pause_token(schedule)
    payload, stamp, signature = token.split(":")
    other = save(people.client_b, channel=Channel.NONE)
    tampered = {
        "payload": f"{links.pause_token(other).split(':')[0]}:{stamp}:{signature}",
        "signature": f"{payload}:{stamp}:{signature[:-2]}xx",
        "truncated": f"{payload}:{stamp}",
    }[damage]
    response = client.post(reverse("plans:reminder_pause", args=[tampered]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    schedule.refresh_from_db()
    other.refresh_from_db()
    assert schedule.paused_until is None and other.paused_until is None


def test_expired_pause_link_is_refused(people, client):
    with time_machine.travel(NOON, tick=False):
        schedule = save(people.client_a)
        url = links.pause_url(schedule)
    with time_machine.travel(NOON + links.PAUSE_LINK_MAX_AGE - timedelta(minutes=1), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(NOON + links.PAUSE_LINK_MAX_AGE + timedelta(minutes=1), tick=False):
        response = client.post(url)
    assert response.status_code == 410
    assert "too old" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.paused_until is None


@time_machine.travel(NOON, tick=False)
def test_calendar_feed_parses_and_matches_the_schedule(people, client):
    save(people.client_a, timezone_name="America/New_York", local_time=time(8, 30))
    sign_in(client, people.client_a)
    response = client.post(reverse("plans:calendar_link_new"))
    feed_url = response.context["feed_url"]
    assert feed_url in response.content.decode()
    client.logout()  # calendar apps have no session

    response = client.get(feed_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    assert parsed["X-WR-CALNAME"] == "Check-in"
    [timezone_component] = parsed.walk("VTIMEZONE")
    assert timezone_component["TZID"] == "America/New_York"
    [event] = parsed.walk("VEVENT")
    assert event["SUMMARY"] == "Check-in"
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert event["RRULE"]["BYDAY"] == ["TU", "TH"]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (8, 30, "America/New_York")
    assert start.date() == date(2026, 11, 24)
    assert event.walk("VALARM")

    # A new link replaces the old one.
    sign_in(client, people.client_a)
    new_url = client.post(reverse("plans:calendar_link_new")).context["feed_url"]
    client.logout()
    assert client.get(feed_url).status_code == 404
    assert client.get(new_url).status_code == 200
    sign_in(client, people.client_a)
    client.post(reverse("plans:calendar_link_remove"))
    client.logout()
    assert client.get(new_url).status_code == 404


@time_machine.travel(NOON, tick=False)
def test_calendar_feed_follows_a_pause(people):
    schedule = save(people.client_a, paused_until=date(2026, 12, 7))
    [event] = icalendar.Calendar.from_ical(calendar.feed(schedule)).walk("VEVENT")
    assert event.decoded("DTSTART").date() == date(2026, 12, 8)  # the first Tuesday from then
    schedule = services.schedule_pause(schedule=schedule)
    assert icalendar.Calendar.from_ical(calendar.feed(schedule)).walk("VEVENT") == []


@time_machine.travel(NOON, tick=False)
def test_the_settings_page_reads_what_the_orm_reads(people, client):
    """plans/reminders compiles the page's three reads once: the schedule, the last ten
    reminders of more, and the newest unconfirmed change of address, as the ORM reads them."""
    from harmplan.accounts.models import EmailChange

    sign_in(client, people.client_a)
    assert client.get(reverse("plans:reminder_settings")).context["schedule"].pk is None
    schedule = save(people.client_a)
    for day in range(12):
        slot = datetime(2026, 11, 1 + day, 9, 0, tzinfo=UTC)
        ReminderDelivery.objects.create(
            schedule=schedule,
            slot=slot,
            channel=Channel.EMAIL,
            status=DeliveryStatus.SENT,
            next_attempt_at=slot,
            enqueued_at=slot,
        )
    for n, confirmed in enumerate([None, NOON, None]):
        change = EmailChange.objects.create(
            user=people.client_a, new_email=f"new{n}@example.org", confirmed_at=confirmed
        )
        EmailChange.objects.filter(pk=change.pk).update(created_at=NOON - timedelta(hours=3 - n))
    context = client.get(reverse("plans:reminder_settings")).context
    assert context["schedule"] == schedule and context["schedule"].client == people.client_a
    assert [row["when"] for row in context["history"]] == list(
        schedule.deliveries.order_by("-slot").values_list("slot", flat=True)[:10]
    )
    assert context["pending_email"].new_email == "new2@example.org"

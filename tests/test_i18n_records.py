"""Reminders, records, sharing, closing, the program report and their emails, read in Spanish."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from plans.models import Channel, DeliveryStatus, ReminderDelivery, ReviewDigest
from plans.reminders import calendar, digests, messages, services
from plans.reminders.schedule import weekdays_to_mask
from tests.plan_factories import add_plans
from tests.records_support import fill_plan, make_consent
from tests.report_factories import give
from tests.signin import sign_in

# Tuesday 24 November 2026, 12:00 in London.
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def in_spanish(*users) -> None:
    for user in users:
        user.language = "es"
        user.save(update_fields=["language"])


@pytest.fixture
def spanish(people):
    with time_machine.travel(NOON, tick=False):
        add_plans(people)
        fill_plan(people)
    in_spanish(people.client_a, people.counselor, people.org_admin)
    return people


def schedule_for(client, channel: str = Channel.EMAIL):
    return services.schedule_save(
        client=client,
        weekdays=weekdays_to_mask([1, 3]),
        local_time=time(9, 0),
        timezone_name="Europe/London",
        channel=channel,
    )


@time_machine.travel(NOON, tick=False)
def test_the_reminders_page_in_spanish(spanish, client):
    schedule_for(spanish.client_a)
    sign_in(client, spanish.client_a)
    page = page_text(client.get(reverse("plans:reminder_settings")))
    assert "Elige cuándo te recordamos hacer tu registro." in page
    # The date pattern comes from the catalogue: "jueves 26 de noviembre".
    assert "Tu próximo recordatorio: <strong>jueves 26 de noviembre a las 09:00</strong>" in page
    assert "¿Cómo quieres recibir tus recordatorios?" in page
    assert " martes</label>" in page and " jueves</label>" in page  # the weekday choices
    assert "Es hora de tu registro. Toma menos de un minuto." in page  # the preview
    for english in ("Choose when we remind you", "Your next reminder", "Which days?", "Tuesday"):
        assert english not in page

    response = client.post(
        reverse("plans:reminder_settings"),
        {"channel": "email", "local_time": "9", "timezone": "Europe/London"},
    )
    page = page_text(response) if response.status_code == 200 else ""
    assert "Elige al menos un día" in page
    assert "Escribe una hora, como 09:00" in page
    assert "Choose at least one day" not in page


@time_machine.travel(NOON, tick=False)
def test_a_reminder_email_sms_and_calendar_in_the_clients_language(spanish, settings):
    settings.SMS_BACKEND = "plans.reminders.sms.NullBackend"
    spanish.client_a.phone = "+447700900123"
    spanish.client_a.save(update_fields=["phone"])
    schedule = schedule_for(spanish.client_a)
    email = messages.reminder_email(schedule, delivery_id=1)
    assert email.subject == "Es hora de tu registro"
    assert email.body.splitlines()[0] == "Es hora de tu registro. Toma menos de un minuto."
    assert "Pausar estos recordatorios:" in email.body
    html_body = email.alternatives[0][0]
    assert '<html lang="es">' in html_body and "Registrarme" in html_body
    assert "Time for your check-in" not in email.body + html_body

    schedule = schedule_for(spanish.client_a, Channel.SMS)
    text = messages.reminder_sms(schedule)
    assert "Es hora de tu registro. Toma menos de un minuto." in text
    assert "check-in." not in text

    feed = calendar.feed(schedule_for(spanish.client_a)).decode()
    assert "SUMMARY:Registro" in feed and "X-WR-CALNAME:Registro" in feed
    assert "Check-in" not in feed.replace("-//Check-in//", "")


@time_machine.travel(NOON, tick=False)
def test_the_review_digest_in_the_counselors_language(spanish):
    digest = ReviewDigest.objects.create(
        counselor=spanish.counselor, day=date(2026, 11, 24), due_today=1, overdue=2
    )
    spanish.counselor.email = "counselor@example.org"
    email = digests.digest_email(digest)
    assert email.subject == "Revisiones de plan pendientes: 3"
    assert "1 revisión de plan de tus casos es para hoy." in email.body
    assert "2 revisiones de plan de tus casos ya pasaron su fecha." in email.body
    assert "plan review" not in email.body + email.alternatives[0][0]


@time_machine.travel(NOON, tick=False)
def test_records_sharing_and_who_saw_my_records_in_spanish(spanish, client):
    consent = make_consent(spanish.client_a, expires_on=date(2026, 12, 24)).consent
    sign_in(client, spanish.client_a)

    page = page_text(client.get(reverse("plans:records")))
    assert "Tus datos son tuyos." in page
    assert "Ahora compartes con 1 persona u organización." in page
    assert "Your records are yours" not in page and "Download everything" not in page

    page = page_text(client.get(reverse("plans:sharing")))
    assert "Con quién compartí" in page
    assert "hasta el 24 de diciembre de 2026" in page
    assert "Stop sharing" not in page and "December" not in page

    page = page_text(client.get(reverse("plans:consent_detail", args=[consent.public_id])))
    assert "Un enlace que pueden abrir para leerlo" in page  # the method's choice label
    assert "Qué se compartió y cuándo" in page
    assert "A link they can open" not in page

    page = page_text(client.get(reverse("plans:consent_new")))
    assert "¿Con quién quieres compartir?" in page
    assert "Fecha: 24 de noviembre de 2026" in page
    assert "What this consent means" not in page

    page = page_text(client.get(reverse("plans:account_close")))
    assert "Primero, llévate tus datos" in page
    assert "What is deleted" not in page

    # The page itself belongs to the access log's templates; the words shared with the records
    # pages (the table's "When") come from the same catalogue.
    page = page_text(client.get(reverse("accounts:my_access_log")))
    assert '<html lang="es">' in page and ">Cuándo <" in page

    response = client.get(reverse("plans:records_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


@time_machine.travel(NOON, tick=False)
def test_the_program_report_in_spanish(spanish, client):
    from plans.models import ServiceKind

    give(spanish.plan_a, spanish.counselor, ServiceKind.NALOXONE, 2, date(2026, 11, 10))
    sign_in(client, spanish.org_admin)
    page = page_text(client.get(reverse("plans:program_report") + "?period=this_month"))
    assert "Informe del programa" in page
    assert "Del 1 de noviembre de 2026 al" in page
    assert "Personas y planes" in page and "Dosis de naloxona" in page
    assert "menos de 11" in page
    for english in ("Program report", "People and plans", "fewer than 11", "November"):
        assert english not in page

    csv_text = client.get(reverse("plans:program_report_csv") + "?period=this_month")
    assert csv_text.content.decode().splitlines()[0] == "Sección,Dato,Cantidad"


@time_machine.travel(NOON, tick=False)
def test_what_a_client_got_reads_in_spanish(spanish, client):
    from plans.models import ServiceKind

    give(spanish.plan_a, spanish.counselor, ServiceKind.NALOXONE, 2, date(2026, 11, 10))
    sign_in(client, spanish.client_a)
    page = page_text(client.get("/plan/", follow=True))
    assert "Tu consejero te dio 2 dosis de naloxona el 10 de noviembre." in page
    assert "Your counselor gave you" not in page


@pytest.mark.parametrize(
    ("name", "context", "spanish_text", "english_text"),
    [
        ("password_reset", {"link": "L", "hours": 1}, "antes de 1 hora:", "within 1 hour"),
        ("password_reset", {"link": "L", "hours": 3}, "antes de 3 horas:", "within 3 hours"),
        ("email_change_confirm", {"link": "L", "days": 7}, "antes de 7 días", "within 7 days"),
        ("email_change_notice", {"site": "S"}, "Si no fuiste tú, entra en S", "If it was not"),
        ("reviews_due", {"name": "Sam", "due_today": 1, "total": 1}, "Hola, Sam:", "Hello"),
    ],
)
def test_every_account_email_in_spanish(name, context, spanish_text, english_text):
    from harmplan import emails

    spanish = emails.render(name, context, language="es")
    assert spanish_text in spanish.text and '<html lang="es">' in spanish.html
    assert english_text not in spanish.text + spanish.html + spanish.subject
    english = emails.render(name, context, language="en")
    assert english_text in english.text and '<html lang="en">' in english.html


@time_machine.travel(NOON, tick=False)
def test_the_reminder_and_records_admin_in_spanish(spanish, client):
    schedule = schedule_for(spanish.client_a)
    ReminderDelivery.objects.create(
        schedule=schedule,
        slot=NOON,
        channel=Channel.EMAIL,
        status=DeliveryStatus.FAILED,
        next_attempt_at=NOON,
        enqueued_at=NOON,
    )
    in_spanish(spanish.staff)
    sign_in(client, spanish.staff)
    page = page_text(client.get(reverse("admin:plans_reminderschedule_changelist")))
    assert "horario de recordatorios" in page.lower() and "Zona horaria" in page
    assert "Reminder schedule" not in page and "Next due" not in page
    page = page_text(client.get(reverse("admin:plans_reminderdelivery_changelist")))
    assert "Volver a intentar los recordatorios elegidos que no se enviaron" in page
    make_consent(spanish.client_a, expires_on=date(2026, 12, 24))
    page = page_text(client.get(reverse("admin:plans_consent_changelist")))
    assert "Cómo lo compartes" in page and "Termina el" in page

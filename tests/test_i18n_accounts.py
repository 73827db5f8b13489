"""Accounts, sign-in, help and error pages in Spanish: the words people read, not just lang="es"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from harmplan.accounts.models import AccessEvent, CareAssignment, RecoveryCodeDevice
from tests.signin import authenticator, sign_in

SWITCH = reverse("language_switch")


def spanish(client) -> None:
    """Choose Spanish with the switch every page has, before signing in."""
    response = client.post(SWITCH, {"language": "es", "next": "/"})
    assert response.status_code == 302


def text(response) -> str:
    return response.content.decode()


def prefers_spanish(user) -> None:
    user.language = "es"
    user.save(update_fields=["language"])


@pytest.mark.django_db
def test_sign_in_page_in_spanish(client):
    spanish(client)
    page = text(client.get(reverse("login")))
    assert "<title>Iniciar sesión" in page
    assert "¿Olvidaste tu contraseña?" in page
    assert "Nombre de usuario" in page and "Contraseña" in page
    assert "Saltar al contenido principal" in page and "Buscar ayuda ahora" in page
    for english in ("Forgot your password?", "Have an invitation code?", "Skip to main content"):
        assert english not in page


@pytest.mark.django_db
def test_help_page_in_spanish_signed_out(client):
    spanish(client)
    page = text(client.get(reverse("help")))
    assert "Si crees que alguien tiene una sobredosis" in page
    assert "Busca las señales." in page
    assert "Llamar al 911" in page
    assert "<strong>Dale más naloxona después de 2 o 3 minutos</strong>" in page
    assert "Inicia sesión para ver los teléfonos y servicios que agregó tu programa." in page
    for english in (
        "If you think someone is overdosing",
        "Look for the signs",
        "Stay with them",
        "More information",
        "Sign in to see the phone numbers",
    ):
        assert english not in page


@pytest.mark.django_db
def test_password_reset_pages_and_errors_in_spanish(client):
    spanish(client)
    page = text(client.get(reverse("password_reset")))
    assert "Cambia tu contraseña" in page and "Enviar el enlace" in page
    assert "Reset your password" not in page
    refused = client.post(reverse("password_reset"), {"email": "not an address"})
    assert refused.status_code == 200
    page = text(refused)
    assert "Hay un problema" in page
    assert "Escribe un correo electrónico como nombre@ejemplo.com" in page
    assert "<title>Error: Cambia tu contraseña" in page
    assert "There is a problem" not in page and "Enter an email address" not in page
    sent = client.post(reverse("password_reset"), {"email": "someone@example.org"}, follow=True)
    assert "Revisa tu correo" in text(sent) and "Check your email" not in text(sent)


@pytest.mark.django_db
def test_invitation_code_page_in_spanish(client):
    spanish(client)
    page = text(client.post(reverse("accounts:invitation_code"), {"code": ""}))
    assert "Escribe tu código de invitación" in page
    assert "Enter your invitation code" not in page


@pytest.mark.django_db
def test_error_pages_in_spanish(people, client):
    spanish(client)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "No encontramos la página" in text(missing) and "Page not found" not in text(missing)

    prefers_spanish(people.client_a)
    sign_in(client, people.client_a)
    refused = client.get(reverse("accounts:client_list"))
    assert refused.status_code == 403
    assert "No puedes abrir esta página" in text(refused)
    assert "You cannot open this page" not in text(refused)

    with translation.override("es"):
        broken = render_to_string("500.html")
    assert '<html lang="es">' in broken
    assert "Algo salió mal" in broken and '<a href="/help/">Buscar ayuda ahora</a>' in broken
    assert "Something went wrong" not in broken


@pytest.mark.django_db
def test_staff_two_step_pages_in_spanish(people, client):
    prefers_spanish(people.counselor)
    client.force_login(people.counselor)
    setup = text(client.get(reverse("twofactor:setup")))
    assert "Activar el inicio de sesión en dos pasos" in setup
    assert "Consigue una aplicación de autenticación" in setup
    assert "Set up two-step sign-in" not in setup

    TOTPDevice.objects.filter(user=people.counselor).delete()
    authenticator(people.counselor)
    verify = text(client.get(reverse("twofactor:verify")))
    assert "Escribe el código de 6 números" in verify
    assert "No tengo mi teléfono: usar un código de recuperación" in verify
    wrong = text(client.post(reverse("twofactor:verify"), {"code": "000000"}))
    assert "Ese código no funcionó" in wrong or "Demasiados códigos equivocados" in wrong
    assert "That code did not work" not in wrong
    RecoveryCodeDevice.objects.create(user=people.counselor, name="Recovery codes", confirmed=True)
    recovery = text(client.get(reverse("twofactor:recovery")))
    assert "Escribe uno de tus códigos de recuperación" in recovery


@pytest.mark.django_db
def test_account_and_contact_pages_in_spanish(people, client):
    prefers_spanish(people.client_a)
    sign_in(client, people.client_a)
    account = text(client.get(reverse("accounts:account")))
    assert "<h1>Tu cuenta</h1>" in account and "Cerrar sesión en todas partes" in account
    assert "Sign out everywhere" not in account and "Your account" not in account
    contact = text(client.get(reverse("accounts:contact")))
    assert "Tu correo y teléfono" in contact and "Número de celular (opcional)" in contact
    refused = text(client.post(reverse("accounts:contact"), {"email": "nope", "phone": "x"}))
    assert "Escribe un correo electrónico como nombre@ejemplo.com" in refused
    assert "Escribe un número de teléfono con números" in refused
    assert "Enter a phone number" not in refused


@pytest.mark.django_db
def test_who_saw_my_records_in_spanish_with_spanish_dates(people, client):
    noon = datetime(2026, 12, 2, 17, 5, tzinfo=UTC)
    CareAssignment.objects.filter(pk=people.assignment.pk).update(created_at=noon)
    AccessEvent.objects.create(
        actor=people.counselor, client=people.client_a, action="view", object_type="plan", at=noon
    )
    prefers_spanish(people.client_a)
    sign_in(client, people.client_a)
    page = text(client.get(reverse("accounts:my_access_log")))
    assert "Quién vio mis datos" in page
    assert "se unió a tu equipo de apoyo el 2 de diciembre de 2026" in page
    assert "Vio tu plan" in page
    assert "Viewed your plan" not in page and "joined your care team" not in page


@pytest.mark.django_db
def test_staff_account_pages_in_spanish(people, client):
    prefers_spanish(people.org_admin)
    sign_in(client, people.org_admin)
    overview = text(client.get(reverse("accounts:org_overview")))
    assert "<title>Organización – " in overview  # the whole title, no stray markup in it
    assert "Lo que ven las personas" in overview and "Casos de cada consejero" in overview
    assert "What clients see" not in overview and "Add to caseload" not in overview
    clients = text(client.get(reverse("accounts:client_list")))
    assert "2 personas" in clients and "Todavía sin plan" in clients
    assert "No plan yet" not in clients
    resources = text(client.get(reverse("accounts:resource_new")))
    assert "¿Qué tipo de servicio es?" in resources and "Línea de crisis" in resources
    assert "Crisis line" not in resources
    invite = text(client.get(reverse("accounts:invite_new")))
    assert "Invitar a alguien" in invite and "Crear invitación" in invite
    assert "Create invitation" not in invite

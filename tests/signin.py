"""Signing people in for tests, with the real second step for staff.

Staff need two-step sign-in, so `sign_in` gives them a real django-otp authenticator and enters
the code the app would show now (computed with django_otp.oath.totp) on the real page.
"""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from harmplan.accounts.models import User
from tests.factories import PASSWORD


def authenticator(user: User) -> TOTPDevice:
    """The person's confirmed authenticator app, set up if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def app_code(device: TOTPDevice) -> str:
    """The code the app shows now. Each code works once, so when this step's code was used
    already (the same person signed in twice within 30 seconds), the next step's code, which the
    server also accepts; beyond that the test has signed in faster than any app makes codes."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        if device.last_t - totp.t() >= device.tolerance:
            TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        else:
            totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"


def needs_code(user: User) -> bool:
    return user.is_program_staff or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def sign_in(client, user: User) -> None:
    """Sign in with the Django test client; staff also pass the second step on its page."""
    user.refresh_from_db()  # as a real sign-in would load it (session epoch, password)
    client.force_login(user)
    if needs_code(user):
        response = client.post(reverse("twofactor:verify"), {"code": app_code(authenticator(user))})
        assert response.status_code == 302, response.content.decode()[:2000]


def sign_in_browser(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real pages in a browser, entering the app's code for staff."""
    user = User.objects.filter(username=username).first()
    device = authenticator(user) if user and needs_code(user) else None  # set up beforehand
    page.goto("/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device and password == PASSWORD:
        page.get_by_label("Enter the 6-digit code", exact=True).fill(app_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(lambda url: "/two-factor/" not in url)

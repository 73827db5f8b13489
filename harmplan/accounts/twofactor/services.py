"""Two-step sign-in: an authenticator app (TOTP) plus one-time recovery codes, on django-otp.

Counselors, org admins and staff must use it (HARMPLAN_STAFF_2FA); clients may turn it on. Codes
are checked through django-otp, which refuses a code used before (TOTP `last_t`) and makes each
wrong try wait longer (throttling). Each write below is one transaction.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from datetime import datetime

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from harmplan.http import AuthenticatedRequest

from .. import person_cache
from ..models import RecoveryCode, RecoveryCodeDevice, SecurityEvent, User, hash_secret

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
# No 0/O or 1/I/L: the codes are written on paper and typed on phones.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
APP_DEVICE_NAME = "Authenticator app"


def staff_must_use(user: User) -> bool:
    return settings.HARMPLAN_STAFF_2FA == "required" and user.is_program_staff


def authenticator_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device_for(user: User) -> RecoveryCodeDevice | None:
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


SESSION_DUE = "twofactor_due"


def note_at_sign_in(sender, request, user, **kwargs) -> None:
    """At sign-in, whether this session needs the second step: kept in the session, so that the
    pages of a client without an app cost no query and no session write."""
    request.session[SESSION_DUE] = staff_must_use(user) or is_enrolled(user)


def needs_verification(request: HttpRequest) -> bool:
    """Signed in with a password only, where a second step is due (set up or asked for)."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if staff_must_use(user):
        return True
    due = request.session.get(SESSION_DUE)
    if due is None:  # a session from before this was noted at sign-in
        due = request.session[SESSION_DUE] = is_enrolled(user)
    return due


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(
        device__user=user, device__confirmed=True, used_at__isnull=True
    ).count()


# Setting up -------------------------------------------------------------------------------------


@transaction.atomic
def setup_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same key until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def key_for_people(device: TOTPDevice) -> str:
    """The key in the groups of four letters that authenticator apps accept when typed."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice, label: str) -> SafeString:
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1)
    return mark_safe(svg)  # noqa: S308 - made by qrcode from our own device URL


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=hash_secret(code)) for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def setup_confirm(*, request: AuthenticatedRequest, device: TOTPDevice, code: str, ip: str | None):
    """Check the first code from the new app. On success the app replaces any old one, the
    session counts as verified, and fresh recovery codes are returned (shown once)."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(code):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        SecurityEvent.objects.create(
            actor=user, subject=user, kind=SecurityEvent.Kind.TWOFACTOR_ON, ip_address=ip
        )
    mark_verified(request, device)
    return codes


@transaction.atomic
def recovery_codes_replace(*, user: User, ip: str | None) -> list[str]:
    codes = _new_recovery_codes(user)
    SecurityEvent.objects.create(
        actor=user, subject=user, kind=SecurityEvent.Kind.RECOVERY_CODES, ip_address=ip
    )
    return codes


# Signing in -------------------------------------------------------------------------------------


def mark_verified(request: HttpRequest, device) -> None:
    """The session has passed the second step: remember the device and give it a new key."""
    django_otp.login(request, device)
    request.session.cycle_key()


def wait_until(device) -> datetime | None:
    """When a throttled device takes codes again, or None if it does now."""
    allowed, details = device.verify_is_allowed()
    return None if allowed else (details or {}).get("locked_until")


def verify(*, request: AuthenticatedRequest, device, code: str, ip: str | None) -> bool:
    """Check a code (app or recovery) for the signed-in person; on success the session is
    verified. django_otp.verify_token locks the device row, so a code cannot be used twice."""
    user = request.user
    with transaction.atomic():
        accepted = django_otp.verify_token(user, device.persistent_id, code)
        if accepted is None:
            return False
        if isinstance(accepted, RecoveryCodeDevice):
            SecurityEvent.objects.create(
                actor=user, subject=user, kind=SecurityEvent.Kind.RECOVERY_CODE_USED, ip_address=ip
            )
    mark_verified(request, accepted)
    return True


# Turning off and resetting ----------------------------------------------------------------------


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()


@transaction.atomic
def turn_off(*, user: User, ip: str | None) -> None:
    """A client turns two-step sign-in off. Staff cannot: for them it is required."""
    if staff_must_use(user):
        raise PermissionError("Two-step sign-in is required for staff.")
    _remove_devices(user)
    SecurityEvent.objects.create(
        actor=user, subject=user, kind=SecurityEvent.Kind.TWOFACTOR_OFF, ip_address=ip
    )


@transaction.atomic
def reset_for(*, admin: User, person: User, ip: str | None) -> None:
    """An org admin resets the second factor of someone on their staff who lost their phone.

    Every session of that person ends; they set up a new app at their next sign-in.
    """
    if not admin.is_org_admin or person.organization != admin.organization or person == admin:
        raise PermissionError("Only an admin of the same organization can reset this.")
    if not person.is_program_staff:
        raise PermissionError("Only staff accounts are reset here.")
    _remove_devices(person)
    User.objects.filter(pk=person.pk).update(session_epoch=F("session_epoch") + 1)
    person_cache.forget(person.pk)
    SecurityEvent.objects.create(
        actor=admin, subject=person, kind=SecurityEvent.Kind.TWOFACTOR_RESET, ip_address=ip
    )

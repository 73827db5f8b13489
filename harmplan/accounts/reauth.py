"""Changing how an account is reached or signed in to needs the person, not just their session.

A moment on a shared phone must not become a takeover: changing the email address, phone number,
password or two-factor sign-in asks for the current password, unless the person signed in within
the last five minutes. `last_auth_at` is written to the session at every sign-in.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

SESSION_KEY = "last_auth_at"
FRESH_FOR = timedelta(minutes=5)


def note_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """user_logged_in: remember when this session last proved who it is."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = timezone.now().timestamp()


def signed_in_recently(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_KEY)
    if at is None:
        return False
    return timezone.now().timestamp() - float(at) < FRESH_FOR.total_seconds()

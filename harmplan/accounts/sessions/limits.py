"""How long a session lasts: idle and absolute limits, and ending all of a person's sessions.

The clock lives in the session itself (sign-in time and last activity, as Unix seconds), and
"sign out everywhere" raises the person's session epoch, which is part of the session hash Django
checks on each request. Nothing depends on the session engine, so a cache-backed engine works too.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.db.models import F

from .. import person_cache
from ..models import SecurityEvent, User

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
IDLE_SECONDS = "idle_seconds"  # this session's idle limit, decided at sign-in
WARN_SECONDS = 120  # the warning comes 2 minutes before the end (WCAG 2.2.1)
# Last activity is written at most this often, so that most requests do not save the session.
TOUCH_EVERY_SECONDS = 30


def now() -> float:
    return time.time()


def idle_seconds_for(user: User) -> int:
    minutes = settings.HARMPLAN_SESSION_IDLE_MINUTES
    if user.is_client and user.organization:
        minutes = min(minutes, user.organization.client_idle_minutes)
    return minutes * 60


def idle_seconds(session, user: User) -> int:
    """The idle limit noted at sign-in (no query per page), at most the program's."""
    noted = session.get(IDLE_SECONDS)
    if noted is None:
        noted = session[IDLE_SECONDS] = idle_seconds_for(user)
    return min(noted, settings.HARMPLAN_SESSION_IDLE_MINUTES * 60)


def max_seconds() -> int:
    return settings.HARMPLAN_SESSION_MAX_HOURS * 60 * 60


def expiry_reason(session, user: User, at: float) -> str | None:
    """'max' or 'idle' when the session has run out, else None."""
    if at - session.get(SIGNED_IN_AT, at) >= max_seconds():
        return "max"
    if at - session.get(LAST_SEEN, at) >= idle_seconds(session, user):
        return "idle"
    return None


def start(sender, request, user, **kwargs) -> None:
    """At every sign-in (connected to Django's user_logged_in, the one hook all sign-in paths
    share): the clocks start again, even when the same person signs in over an old session."""
    at = now()
    request.session[SIGNED_IN_AT] = at
    request.session[LAST_SEEN] = at
    request.session[IDLE_SECONDS] = idle_seconds_for(user)


def touch(session, at: float, force: bool = False) -> None:
    session.setdefault(SIGNED_IN_AT, at)
    if force or at - session.get(LAST_SEEN, 0) >= TOUCH_EVERY_SECONDS:
        session[LAST_SEEN] = at


def seconds_left(session, user: User, at: float) -> int:
    idle_left = idle_seconds(session, user) - (at - session.get(LAST_SEEN, at))
    max_left = max_seconds() - (at - session.get(SIGNED_IN_AT, at))
    return max(0, int(min(idle_left, max_left)))


@transaction.atomic
def sign_out_everywhere(*, user: User, ip: str | None) -> None:
    """End every session of `user`, on every device, this one included."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    person_cache.forget(user.pk)
    SecurityEvent.objects.create(
        actor=user, subject=user, kind=SecurityEvent.Kind.SIGNED_OUT_EVERYWHERE, ip_address=ip
    )

"""The request type of views behind the sign-in, for the type checker.

Pages need a sign-in by default (LoginRequiredMiddleware), so their views take an
`AuthenticatedRequest`: `user` is a `User`, and `htmx` is what django-htmx's middleware sets.
The few public views (`@login_not_required`) keep Django's `HttpRequest`, whose user may be
anonymous; middleware that reads or sets our own attributes takes an `AppRequest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from harmplan.accounts.models import User


class AppRequest(HttpRequest):
    """Any request once our middleware has run, signed in or not."""

    htmx: HtmxDetails
    # Set by harmplan.accounts.sessions.middleware for a signed-in person (the idle warning).
    session_seconds_left: int
    session_idle_seconds: int


class AuthenticatedRequest(AppRequest):
    user: User

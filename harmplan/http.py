"""The request type of views behind the sign-in, for the type checker.

Pages need a sign-in by default (LoginRequiredMiddleware), so their views take an
`AuthenticatedRequest`: `user` is a `User`, and `htmx` is what django-htmx's middleware sets.
The few public views (`@login_not_required`) keep Django's `HttpRequest`, whose user may be
anonymous.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from harmplan.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails

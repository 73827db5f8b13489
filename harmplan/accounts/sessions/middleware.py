"""Sessions end on the server: after a quiet spell, and at the latest 12 hours after sign-in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from harmplan.http import AppRequest

from . import limits

# Asking how much time is left is not activity: it must not keep the session alive.
QUIET_URL_NAMES = {"session_status"}


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: AppRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        at = limits.now()
        reason = limits.expiry_reason(request.session, user, at)
        if reason:
            idle_minutes = limits.idle_seconds(request.session, user) // 60
            logout(request)
            if reason == "idle":
                text = _(
                    "For your privacy, we signed you out because nothing happened for "
                    "%(minutes)s minutes. Sign in again to carry on."
                ) % {"minutes": idle_minutes}
            else:
                text = _(
                    "For your privacy, we sign everyone out %(hours)s hours after they sign in. "
                    "Sign in again to carry on."
                ) % {"hours": limits.max_seconds() // 3600}
            messages.info(request, text)
            if not getattr(view_func, "login_required", True):
                return None  # public pages (help) still open, now signed out
            response = redirect_to_login(request.get_full_path())
            if getattr(request, "htmx", False):
                response["HX-Redirect"] = response["Location"]
            return response
        quiet = request.resolver_match and request.resolver_match.url_name in QUIET_URL_NAMES
        if not quiet:
            limits.touch(request.session, at)
        request.session_seconds_left = limits.seconds_left(request.session, user, at)
        request.session_idle_seconds = limits.idle_seconds(request.session, user)
        return None

"""Until the second step is done, a signed-in person can reach only the two-step pages."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from . import services

# Reachable before the second step: the two-step pages themselves, signing out, the help page
# (it must always be one tap away), the session keep-alive, and confirming the password that a
# change to the second step may ask for first.
OPEN_NAMESPACES = {"twofactor"}
OPEN_URL_NAMES = {
    "logout",
    "help",
    "healthz",
    "login",
    "language_switch",
    "session_status",
    "session_keepalive",
    "confirm_password",
}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and (match.namespace in OPEN_NAMESPACES or match.url_name in OPEN_URL_NAMES):
            return None
        user = request.user
        if not user.is_authenticated or not services.needs_verification(request):
            return None
        target = "twofactor:verify" if services.is_enrolled(user) else "twofactor:setup"
        return redirect_to_login(request.get_full_path(), reverse(target))

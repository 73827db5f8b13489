"""Stay signed in, how long is left, and sign out everywhere."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from harmplan.http import AuthenticatedRequest

from ..access import client_ip
from . import limits


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_GET
def session_status(request: AuthenticatedRequest) -> JsonResponse:
    return JsonResponse({"seconds_left": getattr(request, "session_seconds_left", 0)})


@require_POST
def session_keepalive(request: AuthenticatedRequest) -> HttpResponse:
    """'Stay signed in': a plain form post without JavaScript, a fetch with it."""
    at = limits.now()
    limits.touch(request.session, at, force=True)
    left = limits.seconds_left(request.session, request.user, at)
    if _wants_json(request):
        return JsonResponse({"seconds_left": left})
    target = request.POST.get("next", "")
    # Only a path on this site; anything else (another site, "0", nonsense) goes home.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    messages.success(request, _("You are still signed in."))
    return HttpResponseRedirect(target)


@require_POST
def sign_out_everywhere(request: AuthenticatedRequest) -> HttpResponse:
    limits.sign_out_everywhere(user=request.user, ip=client_ip(request))
    logout(request)
    messages.success(
        request, _("You are signed out on every phone and computer, this one included.")
    )
    return redirect("login")

"""Changing how an account is reached or signed in to needs the person, not just their session.

A moment on a shared phone must not become a takeover: changing the email address, phone number,
password or two-factor sign-in asks for the current password, unless the person signed in within
the last five minutes. `last_auth_at` is written to the session at every sign-in.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from harmplan.http import AuthenticatedRequest

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


def fresh_sign_in_required(view):
    """For pages that change two-step sign-in: without a sign-in in the last five minutes, the
    person confirms their password first and comes back (a POST comes back to their account)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if signed_in_recently(request):
            return view(request, *args, **kwargs)
        back = request.get_full_path() if request.method == "GET" else reverse("accounts:account")
        return redirect(f"{reverse('accounts:confirm_password')}?{urlencode({'next': back})}")

    return wrapper


@require_http_methods(["GET", "POST"])
def confirm_password(request: AuthenticatedRequest) -> HttpResponse:
    from .forms import CurrentPasswordForm

    form = CurrentPasswordForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("accounts:account")
    if form.is_valid():
        request.session[SESSION_KEY] = timezone.now().timestamp()
        return HttpResponseRedirect(back)
    return render(request, "accounts/confirm_password.html", {"form": form, "next": back})

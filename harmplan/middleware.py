from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import LazyObject, empty

from harmplan.accounts.models import Membership, Role, User
from plans.timezones import zone_or_program


def resolved_user(get_response: Callable[[HttpRequest], HttpResponse]):
    """request.user as the person itself, not behind two lazy proxies (Django's and django-otp's
    SimpleLazyObject, one around the other). A page reads the person hundreds of times (role,
    name, zone, in views and templates), and each read went through both proxies. Right after
    django-otp's middleware, which is when the login check loads the person anyway."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        while isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            user = user._wrapped
        request.user = user
        return get_response(request)

    return middleware


def private_responses(get_response: Callable[[HttpRequest], HttpResponse]):
    """Signed-in pages hold personal records: no browser or proxy may keep a copy."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware


def _membership_and_zone(user) -> str:
    """The client's own zone name ("" for staff). The sign-in backend loads it with the person
    (harmplan/accounts/backends.py); a user loaded another way costs one query, which also
    caches their membership (their role) on the user."""
    if hasattr(user, "plan_zone"):
        return (user.plan_zone or "") if user.is_client else ""
    membership = (
        Membership.objects.select_related("organization")
        .annotate(plan_zone=F("user__plan__time_zone"))
        .filter(user_id=user.pk)
        .first()
    )
    User.membership.related.set_cached_value(user, membership)
    if membership is None or membership.role != Role.CLIENT:
        return ""
    return membership.plan_zone or ""


def local_time_zone(get_response: Callable[[HttpRequest], HttpResponse]):
    """Every time a person reads is in their own zone: each `|date` in a template follows the
    zone activated here (a client's own choice, else the program's; plans/timezones.py)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_or_program(_membership_and_zone(user)))
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware


def permissions_policy(get_response: Callable[[HttpRequest], HttpResponse]):
    """No page needs the camera, microphone, location or payment: say so on every response."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware

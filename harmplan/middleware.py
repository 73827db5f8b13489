from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

from plans.timezones import zone_for_user


def private_responses(get_response: Callable[[HttpRequest], HttpResponse]):
    """Signed-in pages hold personal records: no browser or proxy may keep a copy."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware


def local_time_zone(get_response: Callable[[HttpRequest], HttpResponse]):
    """Every time a person reads is in their own zone: each `|date` in a template follows the
    zone activated here (plans/timezones.py decides which)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_for_user(user))
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware

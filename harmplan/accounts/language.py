"""The language a person reads HarmPlan in: their own choice, else their browser's.

Signed out, Django's LocaleMiddleware follows the browser (Accept-Language) or the language
cookie. Signed in, the person's saved choice wins, and it also decides the language of their
emails and reminders (harmplan/emails.py takes it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import person_cache
from .models import User

CODES = {code for code, _ in settings.LANGUAGES}


def person_language(get_response: Callable[[HttpRequest], HttpResponse]):
    """After authentication: a signed-in person's saved language replaces the browser's."""

    def middleware(request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "")
        if language in CODES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return get_response(request)

    return middleware


def language_for(user: User | None) -> str:
    """The language to write to this person in (emails, reminders, texts)."""
    language = getattr(user, "language", "") or ""
    return language if language in CODES else settings.LANGUAGE_CODE


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    if language not in CODES:
        raise ValueError(f"Not a language HarmPlan speaks: {language!r}")
    User.objects.filter(pk=user.pk).update(language=language)
    person_cache.forget(user.pk)
    user.language = language


@login_not_required
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The switch on every page: Django's set_language (cookie, safe redirect back), and for a
    signed-in person their saved choice too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in CODES:
        user_language_set(user=request.user, language=language)
    return response


def keep_chosen_language(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """user_logged_in: a language chosen with the switch before signing in becomes the person's
    own choice when they have none yet, so their reminders and emails follow it too."""
    if request is None or user.language:
        return
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in CODES:
        user_language_set(user=user, language=chosen)

"""The page chrome: what every page shows around its own content (templates/includes/chrome.html).

The head, the header with its menu (written twice: phones, wide screens), "Exit this page", the
session warning, the footer and its language switch cost 1.5–2 ms of CPU on every page, yet they
change only with the kind of person (signed in, client), their language, their program's branding
and idle limit, the static files' names and which menu item, if any, is the page's. So the chrome
is a cached fragment (harmplan/fragments.py) rendered from exactly those values. What is the
request's own is written in after the read, at a fixed mark: the CSRF token (by render_cached: a
fragment holds no token), the person's public id, the seconds left before the idle sign-out, and
the page's address for the forms' "next". So one cached chrome serves all the pages of all the
clients of a program in a language (a counselor opening one plan after another reads it), the
cache holds a handful of copies, not one per person and page, and no person's id is ever in it.

What a page decides stays live in templates/base.html, at the chrome's "live" marks: the title
(with "Error:" when a form has errors), the messages and the page's own blocks.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django_htmx.jinja import htmx_script

from harmplan.branding import Branding
from harmplan.fragments import render_cached

TEMPLATE = "includes/chrome.html"
# Where base.html puts what is live. An escaped value has no "<", so only the template marks.
LIVE = re.compile(r"<!--live:.*?-->")
# Where the request's own values go. Like LIVE and fragments.py's CSRF_PLACEHOLDER, their "<"
# cannot come out of an escaped value.
PUBLIC_ID = mark_safe("<public-id>")
SECONDS_LEFT = mark_safe("<seconds-left>")
FULL_PATH = mark_safe("<full-path>")


@lru_cache
def _static_url(path: str) -> str:
    # The same within a process (a release's file names are fixed when it starts); remembered,
    # since each static() costs some 10 µs and the chrome names six files.
    return static(path)


@lru_cache
def _htmx_script() -> str:
    # No page has a CSP nonce (the policy allows our own scripts by their source).
    return htmx_script()


def _forget_static_urls(**kwargs) -> None:
    # Tests that change the static files' settings (or DEBUG, which adds a script) see new URLs.
    _static_url.cache_clear()
    _htmx_script.cache_clear()


setting_changed.connect(_forget_static_urls)


class Chrome:
    """The chrome's four parts around the live marks, rendered or read when a page shows the first
    (pages that do not extend base.html, such as htmx partials, never pay for it)."""

    def __init__(
        self,
        request: HttpRequest,
        *,
        csrf_token: object,
        branding: Branding,
        nav_items: list[dict],
        show_exit: bool,
        session_timer: dict | None,
    ) -> None:
        self.request = request
        self.csrf_token = csrf_token  # the page's own (lazy: made when first shown)
        self.branding = branding
        self.nav_items = nav_items
        self.show_exit = show_exit
        self.session_timer = session_timer

    def values(self) -> dict:
        """All the chrome shows, as plain values: the fragment's key is a digest of them."""
        person = self._person()
        timer = self.session_timer
        return {
            # Of the person, only what the chrome reads (a User's printed form says too little).
            "user": {
                "is_authenticated": person is not None,
                "is_client": person is not None and person.is_client,
                "public_id": PUBLIC_ID,
            },
            "branding": {
                "name": self.branding.name,
                "icon_url": _static_url(self.branding.icon),  # as Branding.icon_url
                "exit_url": self.branding.exit_url,
            },
            "nav_items": self.nav_items,
            "show_exit": self.show_exit,
            "session_timer": timer and {**timer, "seconds_left": SECONDS_LEFT},
            "request": {"get_full_path": FULL_PATH},  # the forms' "next"
            # Static URLs by value, not {% static %} in the template: a release whose files have
            # new hashed names gets a new key, never a cached page linking to the old ones.
            "static": {
                "css": _static_url("css/harmplan.css"),
                "js": _static_url("js/harmplan.js"),
                "exit_js": _static_url("js/exit-this-page.js"),
                "offline_js": _static_url("js/offline.js"),
            },
            "htmx_script": _htmx_script(),
            "languages": settings.LANGUAGES,  # the language switch lists them
        }

    def _person(self):
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None

    @cached_property
    def _parts(self) -> list[SafeString]:
        html: str = render_cached(TEMPLATE, self.values(), csrf_token=str(self.csrf_token))
        person = self._person()
        if person is not None:
            html = html.replace(PUBLIC_ID, str(person.public_id))
        if self.session_timer:
            html = html.replace(SECONDS_LEFT, str(self.session_timer["seconds_left"]))
        # Escaped as {{ request.get_full_path }} is.
        html = html.replace(FULL_PATH, conditional_escape(self.request.get_full_path()))
        parts = LIVE.split(html)
        if len(parts) != 4:
            raise ValueError(f"{TEMPLATE} must have three live marks, not {len(parts) - 1}")
        return [mark_safe(part) for part in parts]

    @property
    def head(self) -> SafeString:
        """From the doctype to <title>."""
        return self._parts[0]

    @property
    def body(self) -> SafeString:
        """From </title> to the <body> attributes the page adds (block body_data)."""
        return self._parts[1]

    @property
    def header(self) -> SafeString:
        """From the end of <body> through the header and menus, to the messages."""
        return self._parts[2]

    @property
    def footer(self) -> SafeString:
        """From </main>: the session warning, the footer, the end of the page."""
        return self._parts[3]

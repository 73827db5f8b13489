"""Reversed URLs, remembered: `reverse()` and the `{% url %}` tag without redoing Django's work.

Django spends 10–25 µs on each reverse, and a page does 20–45 of them (the menu, links in the
templates, `get_absolute_url`). The answer depends only on the URL patterns in use, the script
prefix, the view name, its arguments and (for namespaces with several instances) the current
app, so it is remembered in a bounded LRU (client ids in URLs make many keys; memory stays flat).

- The key holds the URL resolver object itself, not the urlconf's name: Django makes a new
  resolver when its URL caches are cleared (`clear_url_caches()`, `override_settings(
  ROOT_URLCONF=...)`) or another urlconf is set (`request.urlconf`), so a remembered URL never
  outlives the patterns it came from. A ROOT_URLCONF change also empties the memo, to let the
  old resolvers go.
- Only plain values are remembered: a view name that is a string, arguments that are exactly
  `str`, `int` or `UUID`. Anything else (a model, a lazy string, `True`, which equals 1 as a
  key) goes to Django's `reverse` every time, as do `query=` and `fragment=`.
- The language is not in the key: no URL pattern here is translated and there are no
  `i18n_patterns` (tests/test_urls_memo.py checks both; add `get_language()` to the key if
  that changes).

The `url` tag here replaces Django's for every template (TEMPLATES "builtins" in settings):
Django's tag, with this `reverse`; `{% url ... as var %}` and NoReverseMatch behave the same.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template import defaulttags
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.urls.resolvers import URLResolver
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

# Distinct URLs kept; a few hundred bytes each.
MAX_URLS = 4096

# Exact types, not isinstance: a subclass may print differently, and bool equals int as a key.
_PLAIN_TYPES = frozenset({str, SafeString, int, uuid.UUID})


def _all_plain(values: Iterable[Any]) -> bool:
    return all(type(value) in _PLAIN_TYPES for value in values)


@functools.lru_cache(maxsize=MAX_URLS)
def _remembered(
    resolver: URLResolver,
    prefix: str,
    viewname: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
) -> str:
    # Django reads the same script prefix (this thread's) and, by name, the same resolver
    # (a name or a module, whatever it was made from; the stubs allow only a name).
    return django_reverse(
        viewname,
        urlconf=resolver.urlconf_name,  # type: ignore[arg-type]
        args=args,
        kwargs=dict(kwargs),
        current_app=current_app,
    )


def reverse(
    viewname: Any,
    urlconf: str | None = None,
    args: Sequence[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
    *,
    query: Any = None,
    fragment: str | None = None,
) -> str:
    """`django.urls.reverse`, remembered when the view name and arguments are plain values."""
    if (
        type(viewname) in (str, SafeString)
        and query is None
        and fragment is None
        and (not args or _all_plain(args))
        and (not kwargs or _all_plain(kwargs.values()))
        and (current_app is None or type(current_app) is str)
    ):
        return _remembered(
            get_resolver(urlconf if urlconf is not None else get_urlconf()),
            get_script_prefix(),
            viewname,
            tuple(args) if args else (),
            tuple(kwargs.items()) if kwargs else (),
            current_app,
        )
    return django_reverse(
        viewname, urlconf, args, kwargs, current_app, query=query, fragment=fragment
    )


def forget() -> None:
    """Empty the memo (it is also emptied when ROOT_URLCONF changes)."""
    _remembered.cache_clear()


def _forget_old_urlconf(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        forget()


setting_changed.connect(_forget_old_urlconf, dispatch_uid="harmplan.urls_memo")


register = template.Library()


class URLNode(defaulttags.URLNode):
    """Django's `{% url %}` node; only the reverse call is this module's."""

    def render(self, context: Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        # As Django's: NoReverseMatch is raised unless `{% url ... as var %}` is used.
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        if context.autoescape:
            url = conditional_escape(url)
        return url


@register.tag("url")
def url_tag(parser: Parser, token: Token) -> URLNode:
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)

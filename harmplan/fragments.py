"""Template fragments kept in the cache under a digest of everything they show.

Some fragments cost more to render than the rest of their page: a progress chart's SVG and its
table of days take about 4 ms each. `render_cached` renders a template from a context of plain
values only (no request, no context processors, no model instances), so the HTML is a function of
that context, the active language and time zone, the template's source and the compiled
translations. The cache key is a digest of exactly those. A cached copy can therefore never be
stale (a new check-in, step or wording changes the context, hence the key) nor show one person's
content to another (different content, different key; the same content gives the same HTML).

A value whose printed form might not say everything the template could read from it (a model,
a queryset, any other object) is refused with TypeError: pass its fields instead.

Each web worker also keeps the fragments it read or made last (the `recent_fragments` cache, in
its own memory): a key names its content, so a copy can never be stale, and a hit costs no round
trip to Redis. Kept for five minutes, for small fragments only (RECENT_MAX_CHARS), so that it
stays small and nothing outlives the shared copy by long.

No fragment holds a CSRF token: a token is the request's, and one kept in a shared cache could
be served to another person. A template that writes one (`{% csrf_token %}`, `{{ csrf_token }}`)
is refused unless the request's token is passed as `csrf_token=`: it is then rendered and kept with
CSRF_PLACEHOLDER where the token goes (the one form of a token a fragment may hold), and the token
is written in after the read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import setting_changed
from django.template.defaulttags import NowNode
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import IncludeNode
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

logger = logging.getLogger(__name__)

# Fragments hold people's records: an hour at most, so that nothing of a closed account lingers
# (no key can be made without the content, but the copy should not outlive it for long).
TIMEOUT = 60 * 60
PLAIN = (bool, int, float, Decimal, date, datetime, time, timedelta, uuid.UUID, type(None))
# The worker's own copies (see above): chrome, cards and charts, not a caseload of 500.
RECENT_TIMEOUT = 5 * 60
RECENT_MAX_CHARS = 64 * 1024
# Where a cached fragment's CSRF token goes. Its "<" cannot come out of an escaped value, so only a
# template can have put it there, and the replacement never touches a person's text.
CSRF_PLACEHOLDER = mark_safe("<csrf-token>")


def _kind(kind: type) -> str:
    if issubclass(kind, Promise):
        return "lazy"
    if issubclass(kind, str):
        return "safe" if issubclass(kind, SafeData) else "text"
    if issubclass(kind, PLAIN):
        return "plain"
    if issubclass(kind, list | tuple):
        return "sequence"
    if issubclass(kind, dict):
        return "dict"
    if dataclasses.is_dataclass(kind):
        return "dataclass"
    return "refused"


# The exact types whose repr() says all of them (a subclass may print less than it holds).
_PLAIN_TYPES = frozenset({bool, int, float, Decimal, date, datetime, time, timedelta, type(None)})
# What each type of value is, worked out once per type: a chart's key has a thousand values.
_KINDS: dict[type, str] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fingerprint(value, out: list[str]) -> None:
    kind = _KINDS.get(type(value))
    if kind is None:
        kind = _KINDS[type(value)] = _kind(type(value))
    if kind == "lazy":
        _fingerprint(str(value), out)  # a lazy translation: its text in the active language
    elif kind == "text" or kind == "safe":
        # Safe strings are not escaped again: the same text, a different page.
        out.append(f"{'s' if kind == 'safe' else 't'}{len(value)}:{value}")
    elif kind == "plain":
        out.append(f"{type(value).__name__}:{value!r}")
    elif kind == "sequence":
        if _PLAIN_TYPES.issuperset(map(type, value)):
            # Days, numbers and None only (a chart's points): their repr says type and value,
            # in one call rather than one a value. Text is never here: str and safe str print
            # alike.
            out.append(f"{type(value).__name__}{len(value)}={value!r}")
            return
        out.append(f"{type(value).__name__}{len(value)}[")
        for item in value:
            _fingerprint(item, out)
        out.append("]")
    elif kind == "dict":
        out.append(f"dict{len(value)}{{")
        for key in sorted(value, key=str):
            _fingerprint(key, out)
            _fingerprint(value[key], out)
        out.append("}")
    elif kind == "dataclass":
        names = _FIELDS.get(type(value))
        if names is None:
            names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        values = [getattr(value, name) for name in names]
        if _PLAIN_TYPES.issuperset(map(type, values)):  # a chart's day: in one step, as above
            out.append(f"{type(value).__qualname__}{names!r}={values!r}")
            return
        out.append(f"{type(value).__qualname__}(")
        for name, field_value in zip(names, values, strict=True):
            out.append(name)
            _fingerprint(field_value, out)
        out.append(")")
    else:
        raise TypeError(f"Not a plain value for a cached fragment: {type(value).__name__}")


@lru_cache
def _template_facts(template_name: str) -> tuple[str, bool]:
    """A digest of the template's source and those it includes, so a new release never serves old
    HTML; and whether any of them writes a CSRF token."""
    digest = hashlib.sha256()
    writes_token = False
    for template in _templates(template_name, seen=set()):
        digest.update(template.source.encode())
        if template.nodelist.get_nodes_by_type(NowNode):  # the moment, not the context
            raise TypeError(f"{template_name} (or a template it includes) uses {{% now %}}")
        # {% csrf_token %} or {{ csrf_token }} (read from the source: a mention refuses too).
        writes_token = writes_token or "csrf_token" in template.source
    return digest.hexdigest()[:16], writes_token


@lru_cache
def _catalog_digest() -> str:
    """The project's compiled translations, so a release with new wording never serves the old
    (the template's source says "Menu", the catalog what a Spanish reader sees)."""
    digest = hashlib.sha256()
    for folder in settings.LOCALE_PATHS:
        for path in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _forget_catalogs(*, setting: str, **kwargs) -> None:
    if setting == "LOCALE_PATHS":  # as Django forgets its translations
        _catalog_digest.cache_clear()


setting_changed.connect(_forget_catalogs)


def _templates(template_name: str, seen: set[str]) -> list:
    if template_name in seen:
        return []
    seen.add(template_name)
    template = get_template(template_name).template  # type: ignore[attr-defined]
    templates = [template]
    for node in template.nodelist.get_nodes_by_type(IncludeNode):
        name = node.template.var
        if not isinstance(name, str):  # a Variable: the digest could not follow it
            raise TypeError(f"{template_name} must include templates by name to be cached")
        templates += _templates(name, seen)
    return templates


def fragment_key(template_name: str, context: dict, *, csrf_token: bool = False) -> str:
    digest, writes_token = _template_facts(template_name)
    if writes_token and not csrf_token:
        raise TypeError(f"{template_name} writes a CSRF token: pass the request's as csrf_token=")
    if "csrf_token" in context:
        raise TypeError("A CSRF token is never in a fragment's context: pass it as csrf_token=")
    out = [
        template_name,
        digest,
        translation.get_language() or "",
        _catalog_digest(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),  # {% url %} starts with it
        "csrf" if csrf_token else "",
    ]
    _fingerprint(context, out)
    digest = hashlib.sha256("\x00".join(out).encode()).hexdigest()
    return f"fragment:v1:{digest}"


def render_cached(
    template_name: str, context: dict, *, csrf_token: str | None = None
) -> SafeString:
    """The template rendered from `context`, from the cache when it is there. `csrf_token`: the
    request's token, for a template that writes one (kept as CSRF_PLACEHOLDER, written in here)."""
    return render_cached_from(template_name, context, lambda: context, csrf_token=csrf_token)


def _shared(key: str, render: Callable[[], str]) -> str:
    """The fragment from the shared cache, rendered and kept there when it is not."""
    try:
        html = cache.get(key)
    except Exception:  # a stuck cache must not stop pages: render it
        logger.warning("fragment cache unreachable", exc_info=True)
        return render()
    if html is None:
        html = render()
        try:
            cache.set(key, html, TIMEOUT)
        except Exception:
            logger.warning("fragment cache unreachable", exc_info=True)
    return html


def render_cached_from(
    template_name: str,
    drawn_from: dict,
    make_context: Callable[[], dict],
    *,
    csrf_token: str | None = None,
) -> SafeString:
    """Like render_cached, for a context that costs more to make than its inputs do to digest
    (a chart from its points): the key is the digest of `drawn_from`, and `make_context` runs
    only when the fragment is not cached. It must be a function of `drawn_from` alone (and of
    the language and zone, which are in the key): pass it nothing else, no model, but for a
    form whose `form_facts` (harmplan/field_html.py) are in `drawn_from`."""
    key = fragment_key(template_name, drawn_from, csrf_token=csrf_token is not None)

    def render() -> str:
        context = make_context()
        if "csrf_token" in context:
            raise TypeError("A CSRF token is never in a fragment's context: pass it as csrf_token=")
        if csrf_token is not None:
            context = {**context, "csrf_token": CSRF_PLACEHOLDER}
        return render_to_string(template_name, context)

    recent = caches["recent_fragments"]
    html = recent.get(key)
    if html is None:
        html = _shared(key, render)
        if len(html) <= RECENT_MAX_CHARS:
            recent.set(key, html, RECENT_TIMEOUT)
    if csrf_token is not None:
        # Escaped as {% csrf_token %} would (a token is letters and digits: the same text).
        html = html.replace(CSRF_PLACEHOLDER, conditional_escape(csrf_token))
    return mark_safe(html)

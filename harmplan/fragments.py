"""Template fragments kept in the cache under a digest of everything they show.

Some fragments cost more to render than the rest of their page: a progress chart's SVG and its
table of days take about 4 ms each. `render_cached` renders a template from a context of plain
values only (no request, no context processors, no model instances), so the HTML is a function of
that context, the active language and time zone, and the template's source. The cache key is a
digest of exactly those. A cached copy can therefore never be stale (a new check-in, step or
wording changes the context, hence the key) nor show one person's content to another (different
content, different key; the same content gives the same HTML).

A value whose printed form might not say everything the template could read from it (a model,
a queryset, any other object) is refused with TypeError: pass its fields instead.
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

from django.core.cache import cache
from django.template.defaulttags import CsrfTokenNode, NowNode
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import IncludeNode
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString, mark_safe

logger = logging.getLogger(__name__)

# Fragments hold people's records: an hour at most, so that nothing of a closed account lingers
# (no key can be made without the content, but the copy should not outlive it for long).
TIMEOUT = 60 * 60
PLAIN = (bool, int, float, Decimal, date, datetime, time, timedelta, uuid.UUID, type(None))
# Output that depends on the moment or the session, not on the context.
UNCACHEABLE = (NowNode, CsrfTokenNode)


def _fingerprint(value, out: list[str]) -> None:
    if isinstance(value, Promise):
        value = str(value)  # a lazy translation: its text in the active language
    if isinstance(value, str):
        # Safe strings are not escaped again: the same text, a different page.
        out.append(f"{'s' if isinstance(value, SafeData) else 't'}{len(value)}:{value}")
    elif isinstance(value, PLAIN):
        out.append(f"{type(value).__name__}:{value!r}")
    elif isinstance(value, list | tuple):
        out.append(f"{type(value).__name__}{len(value)}[")
        for item in value:
            _fingerprint(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append(f"dict{len(value)}{{")
        for key in sorted(value, key=str):
            _fingerprint(key, out)
            _fingerprint(value[key], out)
        out.append("}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        out.append(f"{type(value).__qualname__}(")
        for item in dataclasses.fields(value):
            out.append(item.name)
            _fingerprint(getattr(value, item.name), out)
        out.append(")")
    else:
        raise TypeError(f"Not a plain value for a cached fragment: {type(value).__name__}")


@lru_cache
def _template_digest(template_name: str) -> str:
    """The template's source and those it includes, so a new release never serves old HTML."""
    digest = hashlib.sha256()
    for source in _sources(template_name, seen=set()):
        digest.update(source.encode())
    return digest.hexdigest()[:16]


def _sources(template_name: str, seen: set[str]) -> list[str]:
    if template_name in seen:
        return []
    seen.add(template_name)
    template = get_template(template_name).template  # type: ignore[attr-defined]
    sources = [template.source]
    for kind in UNCACHEABLE:
        if template.nodelist.get_nodes_by_type(kind):
            raise TypeError(f"{template_name} uses {{% {kind.__name__} %}}: it cannot be cached")
    for node in template.nodelist.get_nodes_by_type(IncludeNode):
        name = node.template.var
        if not isinstance(name, str):  # a Variable: the digest could not follow it
            raise TypeError(f"{template_name} must include templates by name to be cached")
        sources += _sources(name, seen)
    return sources


def fragment_key(template_name: str, context: dict) -> str:
    out = [
        template_name,
        _template_digest(template_name),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        get_script_prefix(),  # {% url %} starts with it
    ]
    _fingerprint(context, out)
    digest = hashlib.sha256("\x00".join(out).encode()).hexdigest()
    return f"fragment:v1:{digest}"


def render_cached(template_name: str, context: dict) -> SafeString:
    return render_cached_from(template_name, context, lambda: context)


def render_cached_from(
    template_name: str, drawn_from: dict, make_context: Callable[[], dict]
) -> SafeString:
    """Like render_cached, for a context that costs more to make than its inputs do to digest
    (a chart from its points): the key is the digest of `drawn_from`, and `make_context` runs
    only when the fragment is not cached. It must be a function of `drawn_from` alone (and of
    the language and zone, which are in the key): pass it nothing else, no model."""
    key = fragment_key(template_name, drawn_from)
    try:
        html = cache.get(key)
    except Exception:  # a stuck cache must not stop pages: render it
        logger.warning("fragment cache unreachable", exc_info=True)
        return mark_safe(render_to_string(template_name, make_context()))
    if html is None:
        html = render_to_string(template_name, make_context())
        try:
            cache.set(key, html, TIMEOUT)
        except Exception:
            logger.warning("fragment cache unreachable", exc_info=True)
    return mark_safe(html)

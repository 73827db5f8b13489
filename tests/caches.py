"""Emptying the caches a test reads: the shared one (Redis) and this process's recent fragments."""

from __future__ import annotations

from django.core.cache import cache, caches


def clear_caches() -> None:
    cache.clear()
    caches["recent_fragments"].clear()

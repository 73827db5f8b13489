"""Counting tries in the cache (Redis in production and tests), for doors that guessers knock on.

A fixed window per key: the first try starts it, and it ends `window` seconds later. Keys are
hashed, so a typed code or username never sits in the cache as it was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from .models import hash_secret


@dataclass(frozen=True)
class Limit:
    name: str
    tries: int
    window: int  # seconds

    @property
    def minutes(self) -> int:
        return self.window // 60


# Codes: 31^8 of them, but no one may try more than a few. A clinic's shared network gets room for
# a group session; one code gets a handful of typos.
INVITATION_ADDRESS = Limit("invitation-address", tries=20, window=15 * 60)
INVITATION_CODE = Limit("invitation-code", tries=5, window=15 * 60)
# Choosing a username: each try tells whether a name is free, so keep it to a few.
USERNAME_ADDRESS = Limit("username-address", tries=10, window=15 * 60)
USERNAME_INVITATION = Limit("username-invitation", tries=10, window=15 * 60)
# The current password, asked again before contact details or sign-in settings change.
REAUTHENTICATION = Limit("reauthentication", tries=5, window=15 * 60)
# Email confirmation links (signed, so not guessable; this only keeps scanners polite).
EMAIL_CONFIRM_ADDRESS = Limit("email-confirm-address", tries=20, window=15 * 60)


def _key(limit: Limit, key: object) -> str:
    return f"throttle:{limit.name}:{hash_secret(str(key))}"


def over(limit: Limit, key: object) -> bool:
    """True when `key` has used up its tries, without counting one more."""
    return (cache.get(_key(limit, key)) or 0) >= limit.tries


def hit(limit: Limit, key: object) -> bool:
    """Count one try for `key`; True when it is over the limit (the try should be refused)."""
    cache_key = _key(limit, key)
    cache.add(cache_key, 0, timeout=limit.window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window ended between add and incr
        cache.set(cache_key, 1, timeout=limit.window)
        count = 1
    return count > limit.tries


def hit_all(*checks: tuple[Limit, object]) -> bool:
    """Count a try against every (limit, key) pair; True when any of them is over."""
    over = [hit(limit, key) for limit, key in checks]  # count every one, not up to the first
    return any(over)

"""The signed-in person, with their membership, organization and plan zone, kept in the cache.

Every signed-in request needs them (role, branding, zone, the session hash), so loading them from
PostgreSQL was most of what signing in cost. The cache holds one copy per person; any change to
the person, their membership, their organization or their plan's zone forgets it:

- saves and deletes through the models: the signals connected in accounts/apps.py;
- queryset updates (which send no signal): the services that make them call `forget(user_id)`,
  or `forget_organization()` for an organization.

An organization's copies are not found one by one: each cached person notes the organization
generation they were loaded at, and `forget_organization` raises it. Everything is forgotten
again after the transaction commits, so a request that read the old row mid-transaction cannot
put it back for long. Without a shared cache (the embedded default keeps files) it works the same.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

TIMEOUT = 60 * 10  # a person not seen for ten minutes is loaded again
ORG_GENERATION = "person-cache:org-generation"


def _key(user_id) -> str:
    return f"person-cache:v1:{user_id}"


def get(user_id):
    """The cached person, or None (not cached, outdated, or the cache is unreachable)."""
    try:
        found = cache.get_many([_key(user_id), ORG_GENERATION])
    except Exception:  # a stuck cache must not stop pages: the database answers
        logger.warning("person cache unreachable", exc_info=True)
        return None
    entry = found.get(_key(user_id))
    if entry is None or entry[0] != found.get(ORG_GENERATION, 0):
        return None
    return entry[1]


def put(user) -> None:
    try:
        generation = cache.get(ORG_GENERATION, 0)
        cache.set(_key(user.pk), (generation, user), TIMEOUT)
    except Exception:
        logger.warning("person cache unreachable", exc_info=True)


def _delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("person cache unreachable", exc_info=True)


def _raise_org_generation() -> None:
    try:
        cache.add(ORG_GENERATION, 0, None)
        cache.incr(ORG_GENERATION)
    except Exception:
        logger.warning("person cache unreachable", exc_info=True)


def forget(user_id) -> None:
    """This person changed: now, and again once the change is committed."""
    if user_id is None:
        return
    key = _key(user_id)
    _delete(key)
    transaction.on_commit(lambda: _delete(key))


def forget_organization() -> None:
    """An organization changed: every cached person is loaded again (organizations change
    rarely, and the people of one organization are not listed in the cache)."""
    _raise_org_generation()
    transaction.on_commit(_raise_org_generation)


def on_user_change(sender, instance, **kwargs) -> None:
    forget(instance.pk)


def on_membership_or_plan_change(sender, instance, **kwargs) -> None:
    forget(getattr(instance, "user_id", None) or getattr(instance, "client_id", None))


def on_organization_change(sender, instance, **kwargs) -> None:
    forget_organization()

"""An organization's services for "Get help now", kept in the cache.

Every signed-in person may open the help page at any moment, and its list changes only when an
org admin edits a resource: a save or delete of a Resource forgets the list (strategies/apps.py),
now and again after the commit, so a request that read the old rows mid-change cannot keep them.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

from harmplan.accounts.models import Organization

from .models import Resource

logger = logging.getLogger(__name__)

TIMEOUT = 60 * 60


def _key(organization_id) -> str:
    return f"help-resources:v1:{organization_id}"


def help_page_resources(organization: Organization) -> list[Resource]:
    """Crisis lines first, then the other services (Resource.objects.for_help_page)."""
    try:
        cached = cache.get(_key(organization.pk))
    except Exception:  # a stuck cache must not stop the help page
        logger.warning("help resources cache unreachable", exc_info=True)
        return list(Resource.objects.for_help_page(organization))
    if cached is not None:
        return cached
    resources = list(Resource.objects.for_help_page(organization))
    try:
        cache.set(_key(organization.pk), resources, TIMEOUT)
    except Exception:
        logger.warning("help resources cache unreachable", exc_info=True)
    return resources


def _delete(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("help resources cache unreachable", exc_info=True)


def on_resource_change(sender, instance: Resource, **kwargs) -> None:
    key = _key(instance.organization_id)
    _delete(key)
    transaction.on_commit(lambda: _delete(key))

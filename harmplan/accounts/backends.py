"""Signing in with a username and password, and finding the signed-in person on each request."""

from __future__ import annotations

from django.contrib.auth import backends
from django.db.models import F

from . import person_cache
from .models import User


class ModelBackend(backends.ModelBackend):
    """Django's backend, but the user comes with their membership and organization.

    Every page asks for the role (navigation, access checks) and most for the organization (help
    numbers, sender name), and every page shows times in the person's zone: one query per
    request instead of four (`plan_zone` is read by harmplan.middleware.local_time_zone). And
    that one query only when the person is not in the cache (harmplan/accounts/person_cache.py).
    """

    def get_user(self, user_id) -> User | None:
        user = person_cache.get(user_id)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        try:
            user = (
                User._default_manager.select_related("membership__organization")
                .annotate(plan_zone=F("plan__time_zone"))
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        person_cache.put(user)
        return user if self.user_can_authenticate(user) else None

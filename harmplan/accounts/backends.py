"""Signing in with a username and password, and finding the signed-in person on each request."""

from __future__ import annotations

from django.contrib.auth import backends
from django.db.models import F

from .models import User


class ModelBackend(backends.ModelBackend):
    """Django's backend, but the user comes with their membership and organization.

    Every page asks for the role (navigation, access checks) and most for the organization (help
    numbers, sender name), and every page shows times in the person's zone: one query per
    request instead of four (`plan_zone` is read by harmplan.middleware.local_time_zone).
    """

    def get_user(self, user_id) -> User | None:
        try:
            user = (
                User._default_manager.select_related("membership__organization")
                .annotate(plan_zone=F("plan__time_zone"))
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

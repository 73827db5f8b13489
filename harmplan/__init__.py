"""HarmPlan's project package: settings, URLs, the Celery app, emails, help and health pages."""

from .celery import app as celery_app

__all__ = ["celery_app"]

"""The Celery app. Configuration lives in Django settings under the CELERY_ prefix."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmplan.settings")

app = Celery("harmplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Apps keep tasks in tasks.py; so do feature packages inside an app (plans/reminders/tasks.py).
app.autodiscover_tasks()
app.autodiscover_tasks(["plans.reminders", "plans.records"])


@task_prerun.connect
@task_postrun.connect
def _database_connections(**kwargs) -> None:
    """Treat each task like a web request: reuse the connection for CONN_MAX_AGE, as Django does.

    Celery's own Django fixup would otherwise open a new PostgreSQL connection for every task
    (see CELERY_DB_REUSE_MAX in settings), which costs more than sending a reminder.
    """
    from django.db import close_old_connections

    close_old_connections()

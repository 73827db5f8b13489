"""Run every test against real PostgreSQL 15, Redis, Celery workers and Chromium.

Installs what is missing, starts throwaway PostgreSQL and Redis servers on loopback ports, runs
pytest with any extra arguments given (`manage.py test -k invitation`), then stops the servers.
If a service cannot start, the run fails: no test is skipped for a missing service.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from harmplan.devtools.services import (
    Postgres,
    Redis,
    ServiceError,
    ensure_system_packages,
    free_port,
)


class Command(BaseCommand):
    help = __doc__

    def run_from_argv(self, argv: list[str]) -> None:
        # Everything after "test" goes to pytest unchanged.
        sys.exit(self.run_tests(argv[2:]))

    def handle(self, *args, **options):
        sys.exit(self.run_tests(list(args)))

    def run_tests(self, pytest_args: list[str]) -> int:
        try:
            ensure_system_packages()
        except (ServiceError, subprocess.CalledProcessError) as error:
            self.stderr.write(f"Cannot prepare the test machine: {error}")
            return 2
        workdir = Path(tempfile.mkdtemp(prefix="harmplan-test-"))
        workdir.chmod(0o755)  # PostgreSQL runs as its own user and must reach its folder
        postgres = Postgres(workdir / "postgres", free_port())
        redis = Redis(workdir / "redis", free_port())
        try:
            postgres.start()
            redis.start()
            self.stdout.write(f"PostgreSQL on port {postgres.port}, Redis on port {redis.port}")
            env = {
                **os.environ,
                "DATABASE_URL": postgres.url,
                "REDIS_URL": redis.url,
                "CELERY_BROKER_URL": redis.url,
                "HARMPLAN_TEST_WORKDIR": str(workdir),
                "HARMPLAN_VAR_DIR": str(workdir / "var"),
                "REDIS_DIR": str(redis.directory),
                # Playwright's sync API runs an event loop in the test thread; the ORM calls made
                # by the same tests are still synchronous.
                "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
            }
            env.pop("DJANGO_ENV", None)
            return subprocess.call(
                [sys.executable, "-m", "pytest", *pytest_args], cwd=settings.BASE_DIR, env=env
            )
        except (ServiceError, subprocess.CalledProcessError) as error:
            self.stderr.write(f"A test service could not start: {error}")
            return 2
        finally:
            redis.stop()
            postgres.stop()
            shutil.rmtree(workdir, ignore_errors=True)

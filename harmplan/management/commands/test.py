"""Run every test against real PostgreSQL 15, Redis, Celery workers and Chromium.

Installs what is missing, starts throwaway PostgreSQL and Redis servers on loopback ports, runs
pytest with any extra arguments given (`manage.py test -k invitation`), then stops the servers.
If a service cannot start, the run fails: no test is skipped for a missing service.

The full run (no pytest arguments, as CI runs it) first type-checks harmplan/, plans/ and
strategies/ with mypy (configured in pyproject.toml); type errors fail the run too.

Every run compiles the translations and checks the catalogues with `msgfmt --check --statistics`:
a format error, a fuzzy entry or an untranslated one fails the run (a run of chosen tests only
prints them, so work on one part is not blocked by another part's missing Spanish).

`manage.py test --quick` is the fast loop: only the tests that need no database, Redis, worker or
browser (pure logic, forms, schedule maths, step-down, progress rules, charts), with no server
started. CI runs the full command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence

from django.conf import settings
from django.core.management.base import BaseCommand

from harmplan.devtools.services import ServiceError, throwaway_services
from harmplan.devtools.translations import catalogue_problems, catalogues, compile_translations

TYPED_PACKAGES = ("harmplan", "plans", "strategies")


def _stop(signum, frame):
    raise SystemExit(128 + signum)


def _offline_env() -> dict[str, str]:
    """The environment without any service or production setting: for the quick loop and mypy."""
    env = {**os.environ, "HARMPLAN_BOOTSTRAP": "0"}
    for name in (
        "DATABASE_URL",
        "DATABASE_MIGRATE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CACHE_URL",
        "DJANGO_ENV",
    ):
        env.pop(name, None)
    return env


def type_check_wanted(pytest_args: Sequence[str]) -> bool:
    """Only the full run type-checks; a run of chosen tests stays quick."""
    return not pytest_args


def type_check(paths: Sequence[str] = TYPED_PACKAGES) -> int:
    """mypy with django-stubs as configured in pyproject.toml; its exit status (0: no errors)."""
    return subprocess.call(
        [sys.executable, "-m", "mypy", *paths], cwd=settings.BASE_DIR, env=_offline_env()
    )


def check_translations(write) -> int:
    """Compile the catalogues and list what keeps them from being complete; 1 if anything does."""
    problems = [problem for po_file in catalogues() for problem in catalogue_problems(po_file)]
    for problem in problems:
        write(f"Translations: {problem}")
    return 1 if problems else 0


class Command(BaseCommand):
    help = __doc__

    def run_from_argv(self, argv: list[str]) -> None:
        # Everything after "test" goes to pytest unchanged, except our own --quick.
        args = argv[2:]
        if "--quick" in args:
            args.remove("--quick")
            sys.exit(self.run_quick(args))
        sys.exit(self.run_tests(args))

    def handle(self, *args, **options):
        sys.exit(self.run_tests(list(args)))

    def run_quick(self, pytest_args: list[str]) -> int:
        compile_translations()
        env = {**_offline_env(), "HARMPLAN_QUICK": "1"}
        return subprocess.call(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *pytest_args],
            cwd=settings.BASE_DIR,
            env=env,
        )

    def run_tests(self, pytest_args: list[str]) -> int:
        # Stopped from outside (CI time-out, `kill`): still stop the servers in `finally`.
        signal.signal(signal.SIGTERM, _stop)
        typed = 0
        translated = check_translations(self.stderr.write)
        if translated and type_check_wanted(pytest_args):
            self.stderr.write("The Spanish catalogue is not complete (above). The run will fail.")
        elif translated:
            translated = 0  # chosen tests: told, not failed
        if type_check_wanted(pytest_args):
            self.stdout.write(f"Type check: mypy {' '.join(TYPED_PACKAGES)}")
            self.stdout.flush()
            typed = type_check()
            if typed:
                self.stderr.write(
                    "Type check failed: mypy found errors (above). The run will fail."
                )
        try:
            with throwaway_services("harmplan-test-") as services:
                compile_translations()
                redis = services.redis.port if services.redis else "none"
                self.stdout.write(
                    f"PostgreSQL on port {services.postgres.port}, Redis on port {redis}"
                )
                env = {
                    **services.environment(),
                    "HARMPLAN_TEST_WORKDIR": str(services.workdir),
                    # Playwright's sync API runs an event loop in the test thread; the ORM calls
                    # made by the same tests are still synchronous.
                    "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
                }
                tested = subprocess.call(
                    [sys.executable, "-m", "pytest", *pytest_args], cwd=settings.BASE_DIR, env=env
                )
        except (ServiceError, subprocess.CalledProcessError) as error:
            self.stderr.write(f"A test service could not start: {error}")
            return 2
        if typed:
            self.stderr.write("The run failed: mypy found type errors (at the top of this output).")
        if translated:
            self.stderr.write("The run failed: the translations are not complete (at the top).")
        return tested or typed or translated

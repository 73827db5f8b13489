"""Production settings: `check --deploy` is clean, and missing configuration stops the start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-for-the-test-only-9f3c1e",
    "ALLOWED_HOSTS": "harmplan.example.org",
    "DATABASE_URL": "postgres://harmplan@127.0.0.1:5432/harmplan",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "HARMPLAN_BOOTSTRAP": "0",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The test command allows the ORM inside Playwright's event loop; production must not.
    skip = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in skip}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


@pytest.mark.parametrize("command", ["seed_demo", "demo_code"])
def test_demo_data_is_refused_in_production(command):
    result = manage(command, **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "refused in production" in result.stderr


EMBEDDED_UNSET = {"SECRET_KEY", "DJANGO_ENV", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}


def test_importing_settings_writes_nothing(tmp_path):
    var, static = tmp_path / "var", tmp_path / "staticfiles"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings"],
        cwd=settings.BASE_DIR,
        env={
            # The embedded default: SQLite, filesystem broker, no key configured.
            **{k: v for k, v in os.environ.items() if k not in EMBEDDED_UNSET},
            "HARMPLAN_VAR_DIR": str(var),
            "HARMPLAN_STATIC_ROOT": str(static),
            "DJANGO_SETTINGS_MODULE": "harmplan.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not var.exists()
    assert not static.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["ture", "yes please", "2"])
def test_a_bad_boolean_is_an_error_that_names_the_variable(value):
    result = manage("check", DJANGO_DEBUG=value, HARMPLAN_BOOTSTRAP="0")
    assert result.returncode != 0
    assert f"DJANGO_DEBUG={value!r} is not a yes/no value" in result.stderr


def test_a_bad_number_is_an_error_that_names_the_variable():
    result = manage("check", SESSION_COOKIE_AGE="eight hours", HARMPLAN_BOOTSTRAP="0")
    assert result.returncode != 0
    assert "SESSION_COOKIE_AGE='eight hours' is not a whole number" in result.stderr


@pytest.mark.parametrize(
    "setting, expected", [({}, "True 2"), ({"DATABASE_PREPARED_STATEMENTS": "false"}, "None None")]
)
def test_prepared_statements_are_on_unless_turned_off_for_a_pooler(setting, expected):
    """On by default (each page's statements are planned once per connection); off where a
    connection pooler cannot keep them (DATABASE_PREPARED_STATEMENTS=false)."""
    show = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS'];"
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    result = manage("shell", "-c", show, **PRODUCTION_ENV, **setting)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == expected

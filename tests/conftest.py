"""Shared fixtures.

The suite runs against real services (`python3 manage.py test`). A test that uses the database, a
live server, a Celery worker or a browser is marked `services` here, from the fixtures it asks
for; `python3 manage.py test --quick` runs only the others, with no server started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_people

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


QUICK = os.environ.get("HARMPLAN_QUICK") == "1"
# Asking for any of these (directly or through another fixture) means a real service.
SERVICE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "browser"}


def pytest_configure(config):
    if QUICK:
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql" or not (
        os.environ.get("REDIS_URL") and os.environ.get("CACHE_URL")
    ):
        raise pytest.UsageError(
            "The tests need PostgreSQL and Redis. Run them with `python3 manage.py test`, which "
            "starts both, or set DATABASE_URL, REDIS_URL and CACHE_URL yourself."
        )


def needs_services(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        fixtures & SERVICE_FIXTURES
        or item.get_closest_marker("django_db")
        or item.get_closest_marker("browser")
        or item.get_closest_marker("services")
    )


def pytest_collection_modifyitems(config, items):
    quick, full = [], []
    for item in items:
        if needs_services(item):
            item.add_marker(pytest.mark.services)
            full.append(item)
        else:
            quick.append(item)
    if QUICK:
        # Not skipped: not selected. The full run (CI) runs every one of them.
        config.hook.pytest_deselected(items=full)
        items[:] = quick


@pytest.fixture(autouse=True)
def _empty_cache():
    # Throttle counters live in Redis (a database of its own): each test starts with none.
    if not QUICK:
        from tests.caches import clear_caches

        clear_caches()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test run connects as the owner role, as `migrate` does in production: it creates the
    test database, migrates it (which gives the app role its rights) and empties tables between
    tests with TRUNCATE, which the app role may not do to the access log. The Celery workers and
    servers the tests start connect as the app role (`worker_env`)."""
    from harmplan.accounts.dbroles import use_migrate_role

    use_migrate_role()


@pytest.fixture
def people(db):
    return make_people()


# Celery ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return Path(os.environ.get("HARMPLAN_TEST_WORKDIR") or tmp_path_factory.mktemp("harmplan"))


@pytest.fixture(scope="session")
def mail_dir(workdir) -> Path:
    path = workdir / "worker-mail"
    path.mkdir(exist_ok=True)
    return path


def worker_env(mail_dir: Path) -> dict[str, str]:
    """Environment for a Celery worker process that uses the test database."""
    from django.db import connection

    db = connection.settings_dict
    role = settings.HARMPLAN["DATABASE_APP_ROLE"] or db["USER"]
    url = f"postgres://{role}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ}
    env.pop("DATABASE_MIGRATE_URL", None)  # these processes never migrate
    return {
        **env,
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "HARMPLAN_BOOTSTRAP": "0",
    }


class WorkerProcess:
    """A real `celery worker` process, started and stopped by the tests."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        name: str = "worker",
        queues: str | None = None,
        concurrency: int = 2,
    ):
        self.env, self.log, self.name = env, log, name
        self.queues, self.concurrency = queues, concurrency  # queues: comma-separated names
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> WorkerProcess:
        self.log.write_text("")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "harmplan",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(self.concurrency),
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"{self.name}-{os.getpid()}@%h",
                *(["--queues", self.queues] if self.queues else []),
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text():
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"The Celery worker did not start:\n{self.log.read_text()[-3000:]}")

    def pids(self) -> list[int]:
        """The worker's main process and its pool processes."""
        if not self.process or self.process.poll() is not None:
            return []
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with contextlib.suppress(OSError):
                    todo += [int(child) for child in (task / "children").read_text().split()]
        return found

    def kill(self) -> None:
        """kill -9 the worker and its pool processes at once, as a power cut would."""
        pids = self.pids()
        for sig in (signal.SIGSTOP, signal.SIGKILL):  # freeze all first: none outlives another
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
        if self.process:
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, mail_dir, workdir):
    worker = WorkerProcess(worker_env(mail_dir), workdir / "celery-worker.log").start()
    yield worker
    worker.stop()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):
    """Poll until `predicate()` is truthy; the tests wait on real processes, not on sleeps."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {predicate}")


@pytest.fixture
def reminder_queue():
    """Send this test's tasks to a queue that only this test's workers read.

    The session-wide `celery_worker` keeps reading the default queue, so a worker set up
    differently for one test (another SMS gateway, a broken mail server) is the only one that can
    run that test's tasks.
    """
    import uuid

    import redis

    from harmplan.celery import app as celery_app

    name = f"reminders-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    yield name
    celery_app.conf.task_default_queue = previous
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(name)


@pytest.fixture
def start_worker(transactional_db, reminder_queue, tmp_path):
    """Start real `celery worker` processes on this test's queue; all are stopped afterwards.

    `start_worker.mail` and `start_worker.sms` are the folders their email and SMS go to.
    """
    workers: list[WorkerProcess] = []
    mail = tmp_path / "mail"
    mail.mkdir()

    def start(name: str = "worker", concurrency: int = 2, **env: str) -> WorkerProcess:
        process_env = {
            **worker_env(mail),
            "SMS_BACKEND": "plans.reminders.sms.FileBackend",
            "SMS_FILE_PATH": str(tmp_path / "sms"),
            "DATABASE_CONN_MAX_AGE": "60",  # as in production
            "CELERY_TASK_DEFAULT_QUEUE": reminder_queue,  # retries stay on this test's queue
            **env,
        }
        worker = WorkerProcess(
            process_env,
            tmp_path / f"{name}-{len(workers)}.log",
            name=f"{name}{len(workers)}",
            queues=reminder_queue,
            concurrency=concurrency,
        )
        workers.append(worker)
        return worker.start()

    start.mail = mail
    start.sms = tmp_path / "sms"
    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def gateway():
    """A fake Twilio-compatible SMS gateway on 127.0.0.1 (tests/reminders_support.py)."""
    from tests.reminders_support import FakeGateway

    fake = FakeGateway().start()
    yield fake
    fake.stop()


# Browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        yield browser
        browser.close()


def _new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized browser window with JavaScript on."""
    context, page = _new_page(browser, live_server, has_touch=True, is_mobile=True)
    yield page
    context.close()


@pytest.fixture
def phone_no_js(browser, live_server):
    """A page in a phone-sized browser window with JavaScript off."""
    from tests.accessibility import NO_JS_PAGES

    context, page = _new_page(browser, live_server, java_script_enabled=False)
    NO_JS_PAGES.add(page)
    yield page
    context.close()


@pytest.fixture
def desk(browser, live_server):
    """A second person at a desktop-sized window (a counselor in session), JavaScript on."""
    context, page = _new_page(browser, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per user; the tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Spanish leaves Spanish active in the thread; the next test starts in English."""
    yield
    from django.utils import translation

    translation.activate("en")

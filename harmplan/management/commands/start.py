"""Run HarmPlan on this machine: web server, Celery worker and beat, with demo data.

Uses the embedded defaults (SQLite file, filesystem broker, email written to a folder) unless the
environment says otherwise. Ctrl-C stops everything this command started. Safe to run again.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from harmplan import demo
from harmplan.devtools.services import wait_for_port
from harmplan.devtools.translations import compile_translations
from harmplan.logs import GUNICORN_LOG_ARGS


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def prepare_var() -> None:
    """The folders and the secret key of the embedded default, in var/ (settings write nothing).

    The key is kept so sessions survive a restart, and handed to the web server and the worker so
    both sign and check the same links.
    """
    var = settings.VAR_DIR
    for folder in ("queue", "processed", "control"):
        (settings.BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    key = var / "secret_key"
    if not key.exists():
        key.write_text(secrets.token_urlsafe(50))
        key.chmod(0o600)
    os.environ.setdefault("SECRET_KEY", key.read_text().strip())


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, port: int, host: str, **options):
        if settings.PRODUCTION:
            raise CommandError("start is for trying HarmPlan; production uses docker-compose.yml.")
        prepare_var()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        compile_translations()
        python = sys.executable
        # A plain `kill` should stop the children too, like Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
        # Links in the emails the worker sends point at this server.
        shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        os.environ.setdefault("SITE_URL", f"http://{shown_host}:{port}")
        processes = [
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "harmplan.wsgi",
                    "--bind",
                    f"{host}:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    *GUNICORN_LOG_ARGS,
                ]
            ),
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "harmplan",
                    "worker",
                    "--beat",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "2",
                    "--schedule",
                    settings.CELERY_BEAT_SCHEDULE_FILENAME,
                ]
            ),
        ]
        try:
            wait_for_port(port, timeout=30)
            self._print_welcome(host, port)
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
            raise CommandError("A HarmPlan process stopped unexpectedly; see the log above.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping HarmPlan …")
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _print_welcome(self, host: str, port: int) -> None:
        shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        lines = [
            "",
            f"HarmPlan is running at http://{shown_host}:{port}/",
            "",
            f"Demo logins (password for all: {demo.DEMO_PASSWORD}):",
            "  demo-client           a client in Demo Program",
            "  demo-client2          another client in Demo Program",
            "  demo-counselor        counselor for demo-client and demo-client2",
            "  demo-admin            organization admin and catalog curator (also /admin/)",
            "  demo-counselor-other  counselor in Other Program",
            "  demo-client-other     client in Other Program",
            "",
            "Staff (counselors, admins) also enter a 6-digit code. Add this key to an",
            f"authenticator app: {demo.DEMO_TOTP_KEY}",
            "or print the current code with: python3 manage.py demo_code",
            "",
            f"Emails (reminders, password resets) are written to {settings.EMAIL_FILE_PATH}",
            "Press Ctrl-C to stop.",
            "",
        ]
        self.stdout.write("\n".join(lines))

"""The run command's demo: a reminder email lands in the local mail folder within two minutes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from harmplan.devtools.services import free_port
from tests.conftest import wait_for
from tests.reminders_support import read_mail, text_of

# The embedded default: SQLite, kombu's filesystem broker, email written to a folder.
SERVICE_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "SMS_BACKEND",
    "CELERY_TASK_DEFAULT_QUEUE",
}


@pytest.mark.services  # runs `start`: a web server, a Celery worker and beat
def test_start_shows_a_demo_reminder_email_within_two_minutes(tmp_path):
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
    env.update(HARMPLAN_VAR_DIR=str(tmp_path / "var"), HARMPLAN_BOOTSTRAP="0", PORT=str(port))
    log = tmp_path / "start.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "start", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    mail = tmp_path / "var" / "mail"

    def reminder():
        assert process.poll() is None, log.read_text()[-3000:]
        found = [m for m in read_mail(mail) if m["Subject"] == "Time for your check-in"]
        return found[0] if found else None

    try:
        message = wait_for(reminder, timeout=120, interval=0.5)
    finally:
        process.send_signal(signal.SIGTERM)  # stops the web server, worker and beat it started
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert message["To"] == "alex@example.org"
    plain, _ = text_of(message)
    assert plain.startswith("Time for your check-in. It takes under a minute.")
    assert f"http://localhost:{port}/" in plain
    assert "HarmPlan is running at" in log.read_text()

"""Logs keep routes, not secrets (invitation, calendar, pause and reset tokens; query strings)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from harmplan.accounts import services as account_services
from harmplan.devtools.services import free_port, wait_for_port
from harmplan.logs import GUNICORN_LOG_ARGS, redact_path
from plans.reminders import services as reminder_services
from tests.conftest import wait_for, worker_env

SECRET = "Qx7secretTOKENthatMustNotBeLogged42"


def secret_paths(people) -> dict[str, str]:
    feed = reminder_services.feed_token_create(client=people.client_a)
    invitation = account_services.invitation_create(invited_by=people.counselor)
    return {
        feed: reverse("plans:calendar_feed", args=[feed]),
        invitation.token: reverse("accounts:invitation_link", args=[invitation.token]),
        SECRET: reverse("plans:reminder_pause", args=[SECRET]),
        "Mg": reverse("password_reset_confirm", args=["Mg", SECRET + "-reset"]),
    }


def test_paths_keep_their_route_and_lose_their_secrets(people):
    for secret, path in secret_paths(people).items():
        redacted = redact_path(path)
        assert secret not in redacted
        assert "<token>" in redacted
    assert redact_path("/caseload/") == "/caseload/"
    assert redact_path("/no/such/page/") == "/no/such/page/"


def test_request_log_names_the_route_not_the_token(people, client, caplog):
    paths = [
        reverse("accounts:invitation_link", args=[SECRET]),  # 410
        reverse("plans:calendar_feed", args=[SECRET]),  # 404
        reverse("plans:reminder_pause", args=[SECRET]),  # 400
    ]
    with caplog.at_level("WARNING", logger="django.request"):
        statuses = [client.get(path).status_code for path in paths]
    assert statuses == [410, 404, 400]
    assert len(caplog.records) == 3
    assert SECRET not in caplog.text
    assert "/invite/<token>/" in caplog.text
    assert "/calendar/<token>.ics" in caplog.text


def test_docker_compose_and_start_use_the_redacting_access_log():
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    assert "--logger-class harmplan.logs.GunicornLogger" in compose
    start = (Path(settings.BASE_DIR) / "harmplan/management/commands/start.py").read_text()
    assert "GUNICORN_LOG_ARGS" in start


@pytest.mark.django_db(transaction=True)
def test_gunicorn_access_log_has_no_tokens_or_query_strings(people, tmp_path):
    paths = secret_paths(people)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "harmplan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            *GUNICORN_LOG_ARGS,
        ],
        cwd=settings.BASE_DIR,
        env={**worker_env(tmp_path), "HARMPLAN_VAR_DIR": str(tmp_path / "var")},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout=30)
        for path in [*paths.values(), "/help/?q=what-someone-typed"]:
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
        wait_for(lambda: '"GET /help/' in log.read_text(), timeout=20)
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text()
    for secret in paths:
        assert secret not in text
    assert "what-someone-typed" not in text
    assert '"GET /invite/<token>/" 302' in text
    assert '"GET /calendar/<token>.ics" 200' in text
    assert '"GET /help/" 200' in text


def test_password_reset_task_carries_an_id_not_the_link(
    people, client, reminder_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "a@example.org"})
    assert response.status_code == 302
    queued = redis.Redis.from_url(os.environ["REDIS_URL"]).lrange(reminder_queue, 0, -1)
    assert len(queued) == 1
    message = json.loads(queued[0])
    body = base64.b64decode(message["body"]).decode()
    assert message["headers"]["task"] == "harmplan.accounts.tasks.send_password_reset"
    assert json.loads(body)[0] == [people.client_a.pk]
    assert "password/reset" not in queued[0].decode()
    assert "a@example.org" not in queued[0].decode()

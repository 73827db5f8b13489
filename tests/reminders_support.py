"""Helpers for tests/test_reminders_*.py: a fake SMS gateway on loopback, the email and SMS folders
the workers write to, Redis, and many clients at once. The fixtures are in tests/conftest.py.
"""

from __future__ import annotations

import base64
import email
import itertools
import json
import os
import re
import threading
import uuid
from collections import Counter, deque
from datetime import datetime, time
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import redis

from harmplan.accounts.models import Membership, Organization, Role, User
from harmplan.devtools.services import Redis
from plans.models import Channel, ReminderDelivery, ReminderSchedule
from plans.reminders.schedule import EVERY_DAY

MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
GATEWAY_SID = "ACtest0000000000000000000000000000"
GATEWAY_TOKEN = "gateway-test-token"


# Workers and queues ----------------------------------------------------------------------------


def queue_length(queue: str) -> int:
    return redis.Redis.from_url(os.environ["REDIS_URL"]).llen(queue)


def queued_delivery_ids(queue: str) -> list[int]:
    """The delivery ids in the send tasks waiting on `queue` (read from Redis, not taken off)."""
    ids = []
    for raw in redis.Redis.from_url(os.environ["REDIS_URL"]).lrange(queue, 0, -1):
        message = json.loads(raw)
        assert message["headers"]["task"] in (
            "plans.tasks.send_deliveries",
            "plans.tasks.send_delivery",
        )
        args = json.loads(base64.b64decode(message["body"]))[0]
        ids += args[0] if isinstance(args[0], list) else [args[0]]
    return ids


def redis_server() -> Redis:
    """The Redis server the test command started, to stop and start it again."""
    return Redis(Path(os.environ["REDIS_DIR"]), urlparse(os.environ["REDIS_URL"]).port)


# Email and SMS written by workers ---------------------------------------------------------------


# LANGUAGE.md: anything that leaves the app says nothing about drugs, alcohol, health or
# treatment. Word stems, matched at the start of a word, in any case.
UNSAID = [
    "drug", "alcohol", "drink", "drunk", "substance", "health", "treatment", "therap", "recover",
    "addict", "sober", "rehab", "clinic", "counsel", "overdose", "opioid", "naloxone", "harm",
    "medic", "detox", "relapse", "abstinen", "narcotic", "methadone", "syringe", "needle",
    "inject", "craving",
]  # fmt: skip
UNSAID_PATTERN = re.compile(r"\b(" + "|".join(UNSAID) + ")", re.IGNORECASE)


def assert_discreet(text: str) -> None:
    found = UNSAID_PATTERN.findall(text)
    assert not found, f"reminder text gives away what it is about: {found}"


def read_mail(folder: Path) -> list[EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=policy.default))
    return found


def read_sms_files(folder: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def text_of(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return plain, html


def duplicates(values) -> dict:
    return {value: count for value, count in Counter(values).items() if count > 1}


# Data -------------------------------------------------------------------------------------------

_batch = itertools.count()


def make_due_schedules(
    count: int,
    *,
    due: datetime,
    channel: str = Channel.EMAIL,
    zone: str = "UTC",
    local_time: time | None = None,
) -> list[ReminderSchedule]:
    """`count` clients, each with a schedule due at `due`, made in a few queries."""
    prefix = f"r{next(_batch)}-{uuid.uuid4().hex[:6]}"
    organization, _ = Organization.objects.get_or_create(name="Reminder Test Program")
    users = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}-{n}",
                email=f"{prefix}-{n}@example.org",
                phone=f"+1555{n:07d}",
                password="!",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(user=user, organization=organization, role=Role.CLIENT) for user in users],
        batch_size=2000,
    )
    return ReminderSchedule.objects.bulk_create(
        [
            ReminderSchedule(
                client=user,
                timezone=zone,
                weekdays=EVERY_DAY,
                local_time=local_time or due.time().replace(second=0, microsecond=0),
                channel=channel,
                next_due_at=due,
            )
            for user in users
        ],
        batch_size=2000,
    )


def status_counts() -> Counter:
    return Counter(ReminderDelivery.objects.values_list("status", flat=True))


def wait_until_all_sent(expected: int, timeout: float = 60.0) -> None:
    from tests.conftest import wait_for

    def done():
        counts = status_counts()
        assert counts["failed"] == 0, f"failed deliveries: {counts}"
        return counts["sent"] == expected

    wait_for(done, timeout=timeout, interval=0.2)


# A fake Twilio-compatible gateway on 127.0.0.1 --------------------------------------------------


class FakeGateway:
    """POST /2010-04-01/Accounts/<sid>/Messages.json, like Twilio, answered as the test says.

    `script` holds what to do with the next requests, in order; `default` is used after that:
    - "accept": take the message (it counts as sent) and answer 201;
    - an HTTP status such as 429 or 503: answer with it (the message is not taken);
    - "hold": keep the request waiting without taking the message, until `release()`;
    - "accept-hold": take the message, then keep the request waiting until `release()`.
    A held request is dropped on release, with no answer, as if the network broke.
    """

    def __init__(self):
        self.lock = threading.Condition()
        self.script: deque = deque()
        self.default = "accept"
        self.received: list[dict] = []
        self.accepted: list[dict] = []
        self.held = 0
        self.retry_after = "1"
        self._release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _GatewayHandler)
        self.server.daemon_threads = True
        self.server.gateway = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def worker_env(self) -> dict[str, str]:
        return {
            "SMS_BACKEND": "plans.reminders.sms.TwilioBackend",
            "SMS_TWILIO_BASE_URL": self.url,
            "SMS_TWILIO_ACCOUNT_SID": GATEWAY_SID,
            "SMS_TWILIO_AUTH_TOKEN": GATEWAY_TOKEN,
            "SMS_TWILIO_FROM": "+15550001111",
        }

    def start(self) -> FakeGateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def next_action(self):
        with self.lock:
            return self.script.popleft() if self.script else self.default

    def wait_held(self, count: int, timeout: float = 30.0) -> None:
        with self.lock:
            if not self.lock.wait_for(lambda: self.held >= count, timeout=timeout):
                raise AssertionError(f"{self.held} request(s) held, expected {count}")

    def release(self) -> None:
        self._release.set()

    def accepted_numbers(self) -> list[str]:
        with self.lock:
            return [message["To"] for message in self.accepted]


class _GatewayHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _reply(self, status: int, payload: dict, headers: dict | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        gateway: FakeGateway = self.server.gateway
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        expected_auth = base64.b64encode(f"{GATEWAY_SID}:{GATEWAY_TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected_auth}":
            return self._reply(401, {"code": 20003, "message": "Authenticate"})
        if self.path != f"/2010-04-01/Accounts/{GATEWAY_SID}/Messages.json":
            return self._reply(404, {"code": 20404, "message": "Not found"})
        message = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        action = gateway.next_action()
        with gateway.lock:
            gateway.received.append(message)
            if action in ("accept", "accept-hold"):
                gateway.accepted.append(message)
            if action in ("hold", "accept-hold"):
                gateway.held += 1
            gateway.lock.notify_all()
        if action in ("hold", "accept-hold"):
            gateway._release.wait(timeout=120)
            self.close_connection = True
            return None
        if action == "accept":
            return self._reply(201, {"sid": f"SM{uuid.uuid4().hex}", "status": "queued"})
        headers = {"Retry-After": gateway.retry_after} if action == 429 else {}
        return self._reply(int(action), {"code": 20000 + int(action), "message": "error"}, headers)

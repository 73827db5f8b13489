"""Text messages: a small backend interface, like Django's email backends.

Set SMS_BACKEND to one of the classes below. A backend's `send()` returns the provider's reference
for the message, or raises one of three errors that tell the caller what it may do next:

- SmsNotSent: the message certainly did not go out and may be tried again later (a 429, a refused
  connection).
- SmsRejected: the message did not go out and trying again will not help (a bad number, bad
  credentials).
- SmsOutcomeUnknown: the message may have gone out (a 5xx or a timeout after the request was sent).
  Sending again could text the person twice, so it is not retried.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.client import HTTPException
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """Base class. The message text is ours and never holds the number or the message body."""


class SmsNotSent(SmsError):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class SmsRejected(SmsError):
    pass


class SmsOutcomeUnknown(SmsError):
    pass


class BaseSmsBackend:
    def __init__(self, **options):
        self.options = options

    def send(self, *, to: str, body: str) -> str:
        raise NotImplementedError


class NullBackend(BaseSmsBackend):
    """Accepts every message and does nothing with it (benchmarks, tests)."""

    def send(self, *, to: str, body: str) -> str:
        return f"null-{uuid.uuid4().hex[:12]}"


class ConsoleBackend(BaseSmsBackend):
    """Writes each message to standard output."""

    _lock = threading.Lock()

    def send(self, *, to: str, body: str) -> str:
        with self._lock:
            sys.stdout.write(f"SMS to {to}: {body}\n")
            sys.stdout.flush()
        return f"console-{uuid.uuid4().hex[:12]}"


class FileBackend(BaseSmsBackend):
    """Writes each message as one JSON file in SMS_FILE_PATH (the run command's default)."""

    def send(self, *, to: str, body: str) -> str:
        folder = Path(self.options.get("file_path") or settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        ref = f"file-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:12]}"
        temporary = folder / f".{ref}.tmp"
        temporary.write_text(json.dumps({"to": to, "body": body, "ref": ref}))
        os.replace(temporary, folder / f"{ref}.json")  # readers never see half a message
        return ref


class TwilioBackend(BaseSmsBackend):
    """Twilio's Messages API (and gateways that copy it), with only the standard library.

    POST {base}/2010-04-01/Accounts/{sid}/Messages.json with To, From (or MessagingServiceSid)
    and Body, authenticated with the account SID and auth token.
    """

    def __init__(self, **options):
        super().__init__(**options)
        conf = {**settings.SMS_TWILIO, **options}
        self.base_url = conf["BASE_URL"].rstrip("/")
        self.account_sid = conf["ACCOUNT_SID"]
        self.auth_token = conf["AUTH_TOKEN"]
        self.sender = conf["FROM"]
        self.messaging_service_sid = conf.get("MESSAGING_SERVICE_SID", "")
        self.timeout = float(conf.get("TIMEOUT", 10))

    def _request(self, to: str, body: str) -> urllib.request.Request:
        fields = {"To": to, "Body": body}
        if self.messaging_service_sid:
            fields["MessagingServiceSid"] = self.messaging_service_sid
        else:
            fields["From"] = self.sender
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return urllib.request.Request(
            f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            data=urllib.parse.urlencode(fields).encode(),
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )

    def send(self, *, to: str, body: str) -> str:
        request = self._request(to, body)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise self._http_error(error) from None
        except urllib.error.URLError as error:
            # Nothing was sent when the connection could not be made at all.
            if isinstance(error.reason, ConnectionRefusedError | socket.gaierror):
                raise SmsNotSent("Could not connect to the SMS gateway") from None
            raise SmsOutcomeUnknown(
                "The SMS gateway connection failed during the request"
            ) from None
        except (TimeoutError, HTTPException, ConnectionError):
            raise SmsOutcomeUnknown("No answer from the SMS gateway in time") from None
        try:
            return str(json.loads(payload).get("sid", ""))[:100] or "sent"
        except (ValueError, AttributeError):
            return "sent"

    @staticmethod
    def _http_error(error: urllib.error.HTTPError) -> SmsError:
        code = error.code
        if code == 429:
            retry_after = None
            header = error.headers.get("Retry-After", "") if error.headers else ""
            if header.strip().isdigit():
                retry_after = float(header.strip())
            return SmsNotSent("SMS gateway said 429 (too many requests)", retry_after=retry_after)
        if code >= 500:
            return SmsOutcomeUnknown(f"SMS gateway said {code}; it may have sent the message")
        return SmsRejected(f"SMS gateway refused the message ({code})")


# Where the backends lived before the reminder code moved into plans/reminders/; deployments may
# still name them so in SMS_BACKEND.
LEGACY_PREFIX = "plans.sms."


def get_backend(path: str | None = None, **options) -> BaseSmsBackend:
    path = path or settings.SMS_BACKEND
    if path.startswith(LEGACY_PREFIX):
        path = __name__ + "." + path.removeprefix(LEGACY_PREFIX)
    return import_string(path)(**options)


def sms_enabled() -> bool:
    return bool(settings.SMS_BACKEND)

"""Logs keep routes, not secrets: the tokens in some paths are keys to an account or a feed.

Invitation links, calendar feeds, reminder pause links and password reset links carry their
secret in the path. `redact_path` swaps those path parameters for their name, and both Django's
request log (`RedactSecretPaths`) and gunicorn's access log (`GunicornLogger`) go through it.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# Path parameters that are secrets, wherever a URL pattern uses these names.
SECRET_PARAMETERS = frozenset({"token", "uidb64"})
# If a path cannot be resolved (Django not loaded yet), hide anything that looks like a token.
_TOKEN_LIKE = re.compile(r"(?<=/)[A-Za-z0-9_\-:.]{16,}(?=/|\.ics|$)")


def redact_path(path: str) -> str:
    """`/invite/abc…/` → `/invite/<token>/`; paths without secrets are returned as they are."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return path
    except Exception:
        return _TOKEN_LIKE.sub("<redacted>", path)
    for name, value in match.kwargs.items():
        if name in SECRET_PARAMETERS and value:
            path = path.replace(str(value), f"<{name}>")
    return path


class RedactSecretPaths(logging.Filter):
    """For django.request and django.server: the path in the message loses its secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_path(arg) if isinstance(arg, str) and arg.startswith("/") else arg
                for arg in record.args
            )
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with secrets taken out of every atom that can hold a path."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        atoms.update(
            {
                "U": path,
                "r": f"{environ.get('REQUEST_METHOD', '-')} {path} {atoms.get('H', '')}",
                # Query strings carry what people typed, a referrer the page they came from.
                "q": "",
                "f": "-",
                "{referer}i": "-",
            }
        )
        for key in ("raw_uri", "request_uri", "path_info", "query_string", "http_referer"):
            atoms.pop(f"{{{key}}}e", None)
        return atoms


# How the web server logs each request (the start command; docker-compose.yml says the same).
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'
GUNICORN_LOG_ARGS = [
    "--access-logfile",
    "-",
    "--access-logformat",
    ACCESS_LOG_FORMAT,
    "--logger-class",
    "harmplan.logs.GunicornLogger",
]

"""Every email HarmPlan sends is built here, and every outgoing message retries by one policy.

A message is a template trio under templates/emails/: `<name>_subject.txt`, `<name>.txt` and
`<name>.html` (as in healthchecks' hc/lib/emails.py). The subject is rendered first and handed to
the other two, so the HTML title and the subject always match.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(name: str, context: dict[str, Any], *, language: str | None = None) -> Rendered:
    """The subject, text and HTML of message `name` with `context`, in `language` (the
    recipient's: harmplan.accounts.language.language_for) or the one active now."""
    with translation.override(language or translation.get_language()):
        subject = "".join(render_to_string(f"emails/{name}_subject.txt", context).splitlines())
        context = {**context, "subject": subject}
        return Rendered(
            subject=subject,
            text=render_to_string(f"emails/{name}.txt", context),
            html=render_to_string(f"emails/{name}.html", context),
        )


def build(
    name: str,
    context: dict[str, Any],
    *,
    to: list[str],
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
    rendered: Rendered | None = None,
    language: str | None = None,
) -> EmailMultiAlternatives:
    """An email ready to send: text body with the HTML as an alternative. `rendered`: the trio
    already rendered (many reminders share one rendering)."""
    rendered = rendered or render(name, context, language=language)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


# The one retry policy for anything sent out (reminders, texts, digests, account emails) ----------


def max_attempts() -> int:
    return settings.HARMPLAN["SEND_MAX_ATTEMPTS"]


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with jitter, capped: about 15 s, 30 s, 60 s … up to 5 minutes.

    Half of each wait is fixed and half random ("equal jitter"), so waits still grow while
    workers that failed together do not all come back at the same moment. The cap stays below
    the broker's visibility timeout, which a retry's countdown must not reach.
    """
    conf = settings.HARMPLAN
    ceiling = min(
        conf["SEND_RETRY_MAX_SECONDS"],
        conf["SEND_RETRY_BASE_SECONDS"] * 2 ** max(0, attempts - 1),
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)

"""Account emails, built inside the Celery worker from ids.

Tasks carry ids only: a reset or confirmation link is made here, at send time, so it never sits
in a Redis task body or a worker log.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template import loader
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User


def _site() -> dict[str, str]:
    site = urlsplit(settings.HARMPLAN["SITE_URL"])
    return {"protocol": site.scheme, "domain": site.netloc}


def _message(prefix: str, context: dict, to: str) -> EmailMessage:
    subject = "".join(loader.render_to_string(f"{prefix}_subject.txt", context).splitlines())
    body = loader.render_to_string(f"{prefix}_email.html", context)
    return EmailMessage(subject, body, None, [to])


def password_reset(user: User) -> EmailMessage:
    """Django's reset email (same templates and token), with a token made now."""
    context = {
        **_site(),
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    return _message("registration/password_reset", context, user.email)

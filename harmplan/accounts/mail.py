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
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import services
from .models import EmailChange, User


def _site() -> dict[str, str]:
    site = urlsplit(settings.HARMPLAN["SITE_URL"])
    return {"protocol": site.scheme, "domain": site.netloc}


def _message(subject_template: str, body_template: str, context: dict, to: str) -> EmailMessage:
    subject = "".join(loader.render_to_string(subject_template, context).splitlines())
    body = loader.render_to_string(body_template, context)
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
    return _message(
        "registration/password_reset_subject.txt",
        "registration/password_reset_email.html",
        context,
        user.email,
    )


def email_change_confirmation(change: EmailChange) -> EmailMessage:
    """To the new address: the link that makes it the account's address."""
    site = _site()
    path = reverse("accounts:email_confirm", args=[services.email_change_token(change)])
    context = {
        "link": f"{site['protocol']}://{site['domain']}{path}",
        "days": services.EMAIL_CHANGE_DAYS,
    }
    return _message(
        "emails/email_change_confirm_subject.txt",
        "emails/email_change_confirm.txt",
        context,
        change.new_email,
    )


def email_change_notice(change: EmailChange) -> EmailMessage:
    """To the old address: neutral, and without the new address."""
    context = {"removed": not change.new_email, "site": settings.HARMPLAN["SITE_URL"]}
    return _message(
        "emails/email_change_notice_subject.txt",
        "emails/email_change_notice.txt",
        context,
        change.old_email,
    )

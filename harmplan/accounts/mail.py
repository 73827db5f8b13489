"""Account emails, built inside the Celery worker from ids (templates: harmplan/emails.py).

Tasks carry ids only: a reset or confirmation link is made here, at send time, so it never sits
in a Redis task body or a worker log.
"""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from harmplan import emails
from harmplan.branding import branding_for

from . import services
from .models import EmailChange, User


def _link(path: str) -> str:
    return settings.HARMPLAN["SITE_URL"].rstrip("/") + path


def _sender(user: User) -> str:
    """From the person's organization's own name, never the product's: others may see the inbox."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"
    return formataddr((branding_for(user).name, address))


def password_reset(user: User) -> EmailMultiAlternatives:
    """Django's reset link (same token and confirm page), with a token made now."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "link": _link(reverse("password_reset_confirm", args=[uid, token])),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    return emails.build("password_reset", context, to=[user.email], from_email=_sender(user))


def email_change_confirmation(change: EmailChange) -> EmailMultiAlternatives:
    """To the new address: the link that makes it the account's address."""
    path = reverse("accounts:email_confirm", args=[services.email_change_token(change)])
    context = {"link": _link(path), "days": services.EMAIL_CHANGE_DAYS}
    return emails.build(
        "email_change_confirm", context, to=[change.new_email], from_email=_sender(change.user)
    )


def email_change_notice(change: EmailChange) -> EmailMultiAlternatives:
    """To the old address: neutral, and without the new address."""
    context = {"removed": not change.new_email, "site": settings.HARMPLAN["SITE_URL"]}
    return emails.build(
        "email_change_notice", context, to=[change.old_email], from_email=_sender(change.user)
    )

"""Links that leave the app in reminders: check-in, settings, one-click pause, calendar feed."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from harmplan.accounts.models import hash_secret
from plans.models import ReminderSchedule

PAUSE_SALT = "plans.reminders.pause"
# Reminders go out often, so every email carries a fresh link; an old one stops working.
PAUSE_LINK_MAX_AGE = timedelta(days=45)


class PauseLinkError(Exception):
    """The pause link cannot be used; the message says why, in plain words."""


class PauseLinkExpired(PauseLinkError):
    pass


class PauseLinkInvalid(PauseLinkError):
    pass


def absolute(path: str) -> str:
    return settings.HARMPLAN["SITE_URL"].rstrip("/") + path


def checkin_url() -> str:
    """Where a reminder takes the client: the quick check-in page."""
    return absolute(reverse("plans:checkin"))


def settings_url() -> str:
    return absolute(reverse("plans:reminder_settings"))


def pause_token(schedule: ReminderSchedule) -> str:
    return signing.dumps(str(schedule.public_id), salt=PAUSE_SALT)


# Stands in for the token in a pause link reversed once for many reminders. Letters and dashes,
# like every character of a token, so reverse() leaves it as it is.
TOKEN_MARK = "harmplan-pause-token-mark"


def pause_url_template() -> str:
    """The pause link with TOKEN_MARK for its token: reverse() once for a chunk of reminders."""
    return absolute(reverse("plans:reminder_pause", args=[TOKEN_MARK]))


def pause_url(schedule: ReminderSchedule, template: str | None = None) -> str:
    return (template or pause_url_template()).replace(TOKEN_MARK, pause_token(schedule))


def schedule_for_pause_token(token: str) -> ReminderSchedule:
    try:
        public_id = signing.loads(token, salt=PAUSE_SALT, max_age=PAUSE_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise PauseLinkExpired(
            _("This link is too old to use. Sign in to change your reminders.")
        ) from None
    except signing.BadSignature:
        raise PauseLinkInvalid(
            _(
                "This link does not work. It may have been copied wrongly. "
                "Sign in to change your reminders."
            )
        ) from None
    schedule = ReminderSchedule.objects.filter(public_id=public_id).first()
    if schedule is None:
        raise PauseLinkInvalid(_("There are no reminders to pause."))
    return schedule


def new_feed_token() -> tuple[str, str]:
    """A calendar feed secret and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_secret(token)


def feed_url(token: str) -> str:
    return absolute(reverse("plans:calendar_feed", args=[token]))


def schedule_for_feed_token(token: str) -> ReminderSchedule | None:
    if not token or len(token) > 100:
        return None
    return ReminderSchedule.objects.filter(feed_token_hash=hash_secret(token)).first()

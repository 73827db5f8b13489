"""What a reminder says. Discreet by default: nothing about drugs, alcohol, health or treatment.

The settings page previews reminders with these same functions, so the preview is exactly what
is sent. Email is a template trio in templates/emails/: reminder_subject.txt, reminder.txt and
reminder.html; the text message is reminder_sms.txt.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import gettext_lazy

from harmplan import emails
from harmplan.accounts.language import language_for
from harmplan.branding import branding_for
from plans.models import ReminderSchedule

from . import links

DEFAULT_TEXT = gettext_lazy("Time for your check-in. It takes under a minute.")
DEFAULT_SENDER_NAME = gettext_lazy("Check-in")


@dataclass(frozen=True)
class EmailPreview:
    sender_name: str
    subject: str
    text: str
    html: str


def sender_name(schedule: ReminderSchedule) -> str:
    """The organization's own name (one name for tabs, header, emails and reminders)."""
    return branding_for(schedule.client).name or str(DEFAULT_SENDER_NAME)


def from_email(schedule: ReminderSchedule) -> str:
    address = parseaddr(settings.HARMPLAN["REMINDER_FROM_EMAIL"])[1] or "noreply@localhost"
    return formataddr((sender_name(schedule), address))


def _context(schedule: ReminderSchedule) -> dict:
    return {
        "text": DEFAULT_TEXT,
        "sender_name": sender_name(schedule),
        "checkin_url": links.checkin_url(),
        "settings_url": links.settings_url(),
        "pause_url": links.pause_url(schedule),
    }


def email_parts(schedule: ReminderSchedule) -> tuple[EmailPreview, dict]:
    language = language_for(schedule.client)
    with translation.override(language):
        context = _context(schedule)
    rendered = emails.render("reminder", context, language=language)
    preview = EmailPreview(
        sender_name=context["sender_name"],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
    return preview, context


def message_id(delivery_id: int) -> str:
    """The same Message-ID every time one delivery is sent, so that mailboxes can drop a repeat."""
    digest = salted_hmac("plans.reminders.message-id", str(delivery_id)).hexdigest()[:32]
    return f"<{digest}@{_domain(settings.HARMPLAN['REMINDER_FROM_EMAIL'])}>"


@functools.lru_cache(maxsize=4)
def _domain(address: str) -> str:
    """Parsing the address cost more than the rest of the Message-ID; it is one setting."""
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


# Stands in for a person's pause link while the shared text is rendered once for many reminders.
# Letters and dashes only, so escaping leaves it as it is.
PAUSE_URL_MARK = "harmplan-pause-url-mark"


class SharedText:
    """What the reminders of one send chunk have in common, worked out once per organization
    and language: the rendered text (the only part that differs between two people is their
    pause link) and the sender; and the pause link itself, reversed once."""

    def __init__(self) -> None:
        self._rendered: dict[tuple[str, str], emails.Rendered] = {}
        self._senders: dict[str, str] = {}
        self._pause_template = links.pause_url_template()

    def pause_url(self, schedule: ReminderSchedule) -> str:
        return links.pause_url(schedule, self._pause_template)

    def email(self, schedule: ReminderSchedule, pause_url: str) -> emails.Rendered:
        """Called in the client's language (reminder_email)."""
        key = (sender_name(schedule), translation.get_language())
        if key not in self._rendered:
            context = {**_context(schedule), "pause_url": PAUSE_URL_MARK}
            self._rendered[key] = emails.render("reminder", context)
        shared = self._rendered[key]
        return emails.Rendered(
            subject=shared.subject,
            text=shared.text.replace(PAUSE_URL_MARK, pause_url),
            html=shared.html.replace(PAUSE_URL_MARK, escape(pause_url)),
        )

    def from_email(self, schedule: ReminderSchedule) -> str:
        name = sender_name(schedule)
        if name not in self._senders:
            self._senders[name] = from_email(schedule)
        return self._senders[name]


def reminder_email(
    schedule: ReminderSchedule,
    *,
    delivery_id: int | None = None,
    shared: SharedText | None = None,
) -> EmailMultiAlternatives:
    """The reminder as an email, in the client's language. `shared`: one for a whole chunk."""
    shared = shared or SharedText()
    with translation.override(language_for(schedule.client)):
        pause_url = shared.pause_url(schedule)
        headers = {
            # RFC 2369 and RFC 8058: mail apps show an unsubscribe button that POSTs to this link.
            "List-Unsubscribe": f"<{pause_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        if delivery_id is not None:
            headers["Message-ID"] = message_id(delivery_id)
        return emails.build(
            "reminder",
            {},
            to=[schedule.client.email],
            from_email=shared.from_email(schedule),
            headers=headers,
            rendered=shared.email(schedule, pause_url),
        )


def reminder_sms(schedule: ReminderSchedule) -> str:
    with translation.override(language_for(schedule.client)):
        return render_to_string("emails/reminder_sms.txt", _context(schedule)).strip()

"""Check-in reminders: each client's schedule, and one outbox row per reminder sent.

PostgreSQL is the source of truth. A schedule stores the UTC instant it is next due; the dispatcher
claims due schedules, writes one ReminderDelivery per (schedule, slot) and moves the schedule on.
The delivery row's status is what every worker checks before it sends anything.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.reminders.schedule import (
    EVERY_DAY,
    WEEKDAY_NAMES,
    mask_to_weekdays,
    next_occurrence,
)
from plans.timezones import get_zone

# "Until I turn them back on": a date no reminder will ever reach.
PAUSED_INDEFINITELY = date(9999, 12, 31)


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    NONE = "none", _("No reminders")


class ReminderScheduleQuerySet(models.QuerySet):
    def due(self, now: datetime):
        """Schedules whose next reminder is due at or before `now`, oldest first."""
        return self.filter(next_due_at__lte=now).order_by("next_due_at", "pk")


class ReminderSchedule(models.Model):
    """When and how one client is reminded to check in."""

    client = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_schedule",
        verbose_name=_("client"),
    )
    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public id")
    )
    weekdays = models.PositiveSmallIntegerField(
        default=EVERY_DAY, help_text=_("Bit 0 is Monday … bit 6 is Sunday."), verbose_name=_("days")
    )
    local_time = models.TimeField(default=time(9, 0), verbose_name=_("time"))
    timezone = models.CharField(
        max_length=64,
        help_text=_("An IANA time zone, like Europe/London."),
        verbose_name=_("time zone"),
    )
    channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.EMAIL, verbose_name=_("how")
    )
    paused_until = models.DateField(
        null=True,
        blank=True,
        help_text=_("No reminders before this local date."),
        verbose_name=_("paused until"),
    )
    # Null when nothing is due: no days chosen, no channel, or paused until further notice.
    next_due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("next due")
    )
    # Only a hash of the calendar feed's secret is kept; the link is shown once when made.
    feed_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    feed_created_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("calendar link made")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    objects = ReminderScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekdays__gte=0, weekdays__lte=EVERY_DAY), name="weekdays_is_a_mask"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminders for {self.client}"

    @property
    def zone(self):
        return get_zone(self.timezone)

    @property
    def weekday_list(self) -> list[int]:
        return mask_to_weekdays(self.weekdays)

    @property
    def weekday_names(self) -> list[str]:
        return [str(WEEKDAY_NAMES[day]) for day in self.weekday_list]

    @property
    def paused_indefinitely(self) -> bool:
        return self.paused_until == PAUSED_INDEFINITELY

    def is_paused(self, now: datetime | None = None) -> bool:
        if not self.paused_until:
            return False
        today = (now or timezone.now()).astimezone(self.zone).date()
        return self.paused_until > today

    def next_fire_after(self, after: datetime) -> datetime | None:
        """The next instant a reminder is due strictly after `after`, for this schedule's rules."""
        if self.channel == Channel.NONE or self.paused_indefinitely:
            return None
        return next_occurrence(
            weekdays=self.weekdays,
            local_time=self.local_time,
            zone=self.zone,
            after=after,
            not_before=self.paused_until,
        )


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")


OPEN_STATUSES = [DeliveryStatus.QUEUED, DeliveryStatus.SENDING]


class ReminderDeliveryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class ReminderDelivery(models.Model):
    """One reminder for one slot: the outbox row that Celery tasks act on.

    `last_error` holds our own words and codes only, never an address, number or provider text
    that could carry them.
    """

    schedule = models.ForeignKey(
        ReminderSchedule,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("schedule"),
    )
    slot = models.DateTimeField(
        help_text=_("The UTC instant the reminder was due."), verbose_name=_("due at")
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, verbose_name=_("how"))
    status = models.CharField(
        max_length=8,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    # The earliest moment the next attempt may start (backoff between retries).
    next_attempt_at = models.DateTimeField(verbose_name=_("next attempt"))
    # When a send task for this row was last put on the queue; the sweeper looks at this.
    enqueued_at = models.DateTimeField(verbose_name=_("queued at"))
    sending_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sending since"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    provider_ref = models.CharField(
        max_length=100, blank=True, verbose_name=_("provider reference")
    )
    last_error = models.CharField(max_length=200, blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    objects = ReminderDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "slot"], name="one_delivery_per_slot"),
        ]
        indexes = [
            models.Index(fields=["schedule", "-slot"], name="delivery_history"),
            models.Index(
                fields=["status", "enqueued_at"],
                name="delivery_open",
                condition=Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule.client} {self.slot:%Y-%m-%d %H:%M} UTC ({self.status})"


class ReviewDigest(models.Model):
    """A counselor's daily "plan reviews due" email: one row per counselor and local day.

    The row is the outbox: the unique constraint means a double beat cannot send it twice, and the
    send task acts only on a row that is still queued. It holds counts, never who the clients are.
    """

    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_digests",
        verbose_name=_("counselor"),
    )
    day = models.DateField(verbose_name=_("day"))
    due_today = models.PositiveIntegerField(default=0, verbose_name=_("due today"))
    overdue = models.PositiveIntegerField(default=0, verbose_name=_("overdue"))
    status = models.CharField(
        max_length=8,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    last_error = models.CharField(max_length=200, blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("review digest")
        verbose_name_plural = _("review digests")
        constraints = [
            models.UniqueConstraint(fields=["counselor", "day"], name="one_review_digest_a_day"),
        ]

    def __str__(self) -> str:
        return f"Reviews due for {self.counselor} on {self.day}"

"""Check-ins: one per client per local day, with one entry per goal.

The local day is decided by the client's time zone and the hour their day starts (see
plans/timezones.py: `local_day`), so a drink at 1 a.m. counts for the evening before.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .plan import Goal, amount_with_unit

FEELINGS = [
    (1, _("Very low")),
    (2, _("Low")),
    (3, _("Okay")),
    (4, _("Good")),
    (5, _("Very good")),
]


class CheckInQuerySet(models.QuerySet):
    def for_client(self, client):
        return self.filter(client=client)

    def latest_day(self):
        """The day of the most recent check-in, as a subquery-friendly queryset of one value."""
        return self.order_by("-day").values("day")[:1]


class CheckIn(models.Model):
    """How a client's day went. Everything in it is optional: a partial check-in is fine."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    day = models.DateField("Day")
    feeling = models.PositiveSmallIntegerField(
        "How I feel",
        null=True,
        blank=True,
        choices=FEELINGS,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    cravings = models.PositiveSmallIntegerField(
        "Cravings",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    note = models.TextField("Note", blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        # Counting check-ins by day across a program (the report) reads this index only.
        indexes = [models.Index(fields=["day", "client"], name="checkin_day_client")]
        constraints = [
            # What an entry's (check-in, day) foreign key points at (migration 0011).
            models.UniqueConstraint(fields=["id", "day"], name="checkin_id_day"),
            # The last line against double clicks and resubmitted forms.
            models.UniqueConstraint(fields=["client", "day"], name="one_checkin_per_client_day"),
            models.CheckConstraint(
                condition=Q(feeling__isnull=True) | Q(feeling__gte=1, feeling__lte=5),
                name="checkin_feeling_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(cravings__isnull=True) | Q(cravings__gte=0, cravings__lte=10),
                name="checkin_cravings_0_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.day}"


class CheckInEntry(models.Model):
    """One goal in a check-in: an amount (amount targets), yes or no (practices), or skipped."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="entries")
    # The check-in's local day, copied so progress and the program report read entries by goal
    # and day from one index without joining check-ins. Always the check-in's: on PostgreSQL a
    # foreign key (checkin, day) → check-in (id, day) refuses any other (migration 0011).
    day = models.DateField()
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checkin_entries")
    amount = models.DecimalField(
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    done = models.BooleanField(null=True, blank=True)
    skipped = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # A goal's answers over some days, read from the index alone (plans/progress/stats.py).
            models.Index(
                fields=["goal", "day"],
                include=["amount", "done", "skipped"],
                name="entry_goal_day",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "goal"], name="one_entry_per_goal"),
            # Exactly one of: an amount, a yes/no, or skipped.
            models.CheckConstraint(
                condition=Q(skipped=True, amount__isnull=True, done__isnull=True)
                | Q(skipped=False, amount__isnull=False, done__isnull=True)
                | Q(skipped=False, amount__isnull=True, done__isnull=False),
                name="entry_is_amount_or_yes_no_or_skipped",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="entry_amount_not_negative",
            ),
        ]

    @property
    def amount_text(self) -> str:
        return amount_with_unit(self.amount, self.goal.target_unit)

    def __str__(self) -> str:
        if self.skipped:
            return "skipped"
        if self.done is not None:
            return "yes" if self.done else "no"
        return f"{self.amount}"


class CheckInReceipt(models.Model):
    """A check-in sent with an id the phone made (a check-in kept offline, then sent).

    The first request with a given id is recorded; any later one with the same id (sent twice, or
    replayed after a lost answer) changes nothing, even if the day was changed since.
    """

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, null=True, related_name="receipts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_receipt_per_client_key")
        ]

    def __str__(self) -> str:
        return f"Receipt {self.key}"

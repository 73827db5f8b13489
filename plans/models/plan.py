"""A client's plan: goals with targets, steps and strategies, revisions and reviews.

Goal lifecycle uses HL7 FHIR R4 Goal.lifecycleStatus codes, so a plan can be exported as a CarePlan.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from harmplan.phones import tel_href
from harmplan.urls_memo import reverse
from strategies.models import Approach, FocusArea, Strategy, TargetKind

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

    from plans.progress.stats import ProgressLine


class AuthorRole(models.TextChoices):
    CLIENT = "client", _("you")
    COUNSELOR = "counselor", _("your counselor")


class PlanQuerySet(models.QuerySet):
    def for_client(self, client):
        return self.filter(client=client)


class Plan(models.Model):
    """One current plan per client.

    `version` guards the plan's own fields against lost updates. `content_version` goes up with
    every change anywhere in the plan (its fields, goals, steps, strategies); the client agrees to
    one content version.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan"
    )
    what_matters = models.TextField("What matters to me", blank=True, max_length=2000)
    strengths = models.TextField("My strengths", blank=True, max_length=2000)
    supports = models.TextField("People who support me", blank=True, max_length=2000)
    safety_plan = models.TextField("My safety plan", blank=True, max_length=4000)
    next_review_on = models.DateField("Next review", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    content_version = models.PositiveIntegerField(default=1)
    agreed_content_version = models.PositiveIntegerField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    changed_by_role = models.CharField(max_length=16, choices=AuthorRole.choices, blank=True)
    # When the client last opened their plan, for "what changed since your last visit".
    client_last_seen_at = models.DateTimeField(null=True, blank=True)
    # Which local day a check-in belongs to (plans/timezones.py). Empty: the program's default zone.
    time_zone = models.CharField("Your time zone", max_length=64, blank=True)
    day_starts_at = models.PositiveSmallIntegerField(
        "My day starts at", default=4, validators=[MaxValueValidator(12)]
    )
    # Off by default: a first screen that says "Alcohol" or "Opioids" tells anyone who looks at
    # the phone what the plan is about. The client can turn it on.
    show_focus_areas = models.BooleanField(
        "Show what my goals are about (like alcohol) on my plan", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["next_review_on"])]

    def __str__(self) -> str:
        return f"Plan {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.public_id])

    @property
    def agreement(self) -> str:
        """agreed, counselor_changed (the client should look again) or not_agreed."""
        if self.agreed_content_version == self.content_version:
            return "agreed"
        if self.agreed_content_version and self.changed_by_role == AuthorRole.COUNSELOR:
            return "counselor_changed"
        return "not_agreed"


class Lifecycle(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on-hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Stopped")


class Unit(models.TextChoices):
    STANDARD_DRINKS = "standard drinks", _("standard drinks")
    USING_DAYS = "using days", _("days I use")
    MONEY = "money", _("money spent")
    TIMES = "times", _("times")
    SESSIONS = "sessions", _("sessions")
    GRAMS = "grams", _("grams")
    HOURS = "hours", _("hours")
    CIGARETTES = "cigarettes", _("cigarettes")
    VAPE_SESSIONS = "vape sessions", _("vape sessions")


# One of each, for "1 standard drink" (never "1 standard drinks").
UNIT_SINGULAR: dict[str, str] = {
    Unit.STANDARD_DRINKS: "standard drink",
    Unit.USING_DAYS: "day I use",
    Unit.MONEY: "money spent",
    Unit.TIMES: "time",
    Unit.SESSIONS: "session",
    Unit.GRAMS: "gram",
    Unit.HOURS: "hour",
    Unit.CIGARETTES: "cigarette",
    Unit.VAPE_SESSIONS: "vape session",
}

# What makes sense to count for each focus area (by slug); the first is the usual one.
UNITS_FOR_FOCUS = {
    "alcohol": [Unit.STANDARD_DRINKS, Unit.USING_DAYS, Unit.MONEY],
    "cannabis": [Unit.SESSIONS, Unit.GRAMS, Unit.USING_DAYS, Unit.MONEY],
    "stimulants": [Unit.USING_DAYS, Unit.TIMES, Unit.MONEY],
    "opioids": [Unit.USING_DAYS, Unit.TIMES, Unit.MONEY],
    "benzodiazepines": [Unit.USING_DAYS, Unit.TIMES],
    "gambling": [Unit.MONEY, Unit.HOURS, Unit.USING_DAYS],
    "nicotine": [Unit.CIGARETTES, Unit.VAPE_SESSIONS, Unit.USING_DAYS, Unit.MONEY],
}


def units_for(focus_slug: str | None) -> list[Unit]:
    return UNITS_FOR_FOCUS.get(focus_slug or "", [Unit.TIMES, Unit.USING_DAYS, Unit.MONEY])


def amount_with_unit(value: Decimal | None, unit: str) -> str:
    """ "1 standard drink", "2.5 standard drinks", "$12" style amounts in plain words."""
    if value is None:
        return ""
    if unit == Unit.MONEY:
        return f"{format_amount(value)} spent"
    if not unit:
        return format_amount(value)
    words = UNIT_SINGULAR[unit] if value == 1 else Unit(unit).label
    return f"{format_amount(value)} {words}"


class Period(models.TextChoices):
    DAY = "day", _("a day")
    WEEK = "week", _("a week")


class Direction(models.TextChoices):
    AT_MOST = "at_most", _("At most")
    AT_LEAST = "at_least", _("At least")


# Sensible upper bounds per unit and period, so typing mistakes are caught.
AMOUNT_LIMITS: dict[tuple[str, str], Decimal] = {
    (Unit.STANDARD_DRINKS, Period.DAY): Decimal(60),
    (Unit.STANDARD_DRINKS, Period.WEEK): Decimal(400),
    (Unit.USING_DAYS, Period.DAY): Decimal(1),
    (Unit.USING_DAYS, Period.WEEK): Decimal(7),
    (Unit.MONEY, Period.DAY): Decimal(10000),
    (Unit.MONEY, Period.WEEK): Decimal(50000),
    (Unit.TIMES, Period.DAY): Decimal(100),
    (Unit.TIMES, Period.WEEK): Decimal(700),
    (Unit.SESSIONS, Period.DAY): Decimal(50),
    (Unit.SESSIONS, Period.WEEK): Decimal(350),
    (Unit.GRAMS, Period.DAY): Decimal(100),
    (Unit.GRAMS, Period.WEEK): Decimal(700),
    (Unit.HOURS, Period.DAY): Decimal(24),
    (Unit.HOURS, Period.WEEK): Decimal(168),
    (Unit.CIGARETTES, Period.DAY): Decimal(100),
    (Unit.CIGARETTES, Period.WEEK): Decimal(700),
    (Unit.VAPE_SESSIONS, Period.DAY): Decimal(100),
    (Unit.VAPE_SESSIONS, Period.WEEK): Decimal(700),
}


class GoalQuerySet(models.QuerySet):
    def current(self):
        return self.exclude(lifecycle__in=[Lifecycle.COMPLETED, Lifecycle.CANCELLED])

    def active(self):
        return self.filter(lifecycle=Lifecycle.ACTIVE)


class Goal(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.PROTECT, related_name="+")
    approach = models.CharField(max_length=16, choices=Approach.choices)
    statement = models.TextField("My goal, in my own words", max_length=500)
    why = models.TextField("Why it matters to me", blank=True, max_length=1000)
    target_kind = models.CharField(max_length=10, choices=TargetKind.choices)
    target_direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.AT_MOST
    )
    target_value = models.DecimalField(
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    target_unit = models.CharField(max_length=20, choices=Unit.choices, blank=True)
    target_period = models.CharField(max_length=8, choices=Period.choices, blank=True)
    practice = models.CharField("The practice", max_length=200, blank=True)
    baseline_value = models.DecimalField(
        "Where I am starting",
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    start_on = models.DateField("Start date", null=True, blank=True)
    target_on = models.DateField("Target date", null=True, blank=True)
    lifecycle = models.CharField(max_length=10, choices=Lifecycle.choices, default=Lifecycle.ACTIVE)
    proposed_by = models.CharField(max_length=16, choices=AuthorRole.choices)
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    # Set by the plan pages on the goals they show (plans.progress.stats.progress_lines).
    progress_line: ProgressLine | None
    # Set by plans.goals.selectors.current_goals: the step in effect on the client's day, and
    # the one after it.
    current_step: Step | None
    next_step: Step | None
    # Set by the counselor's desk (plans.goals.desk): the goal's changes since review (as the
    # plain values the desk shows), and its chart and changes as HTML, from the cache when shown
    # before (harmplan/fragments.py); an empty chart_html for a goal without a chart.
    changes: list[dict]
    chart_html: SafeString
    changes_html: SafeString

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_on__isnull=True)
                | models.Q(start_on__isnull=True)
                | models.Q(target_on__gte=models.F("start_on")),
                name="goal_target_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.statement[:60]

    def get_absolute_url(self) -> str:
        return reverse("plans:goal", args=[self.plan.public_id, self.public_id])

    def step_on(self, day) -> Decimal | None:
        """The amount aimed at on `day`: the step in effect, else the target. Reads
        `self.steps.all()`, so callers prefetch steps to keep queries constant."""
        value = self.target_value
        for step in sorted(self.steps.all(), key=lambda s: (s.starts_on, s.pk)):
            if step.starts_on <= day and step.value is not None:
                value = step.value
        return value

    def step_text(self, day) -> str:
        """This step in plain words: "At most 12 standard drinks a week"."""
        value = self.step_on(day)
        if self.target_kind != TargetKind.AMOUNT or value is None:
            return self.target_text
        period = Period(self.target_period).label if self.target_period else ""
        amount = amount_with_unit(value, self.target_unit)
        return f"{Direction(self.target_direction).label} {amount} {period}".strip()

    @property
    def target_text(self) -> str:
        """The target in plain words: "At most 10 standard drinks a week"."""
        if self.target_kind == TargetKind.AMOUNT and self.target_value is not None:
            amount = amount_with_unit(self.target_value, self.target_unit)
            period = Period(self.target_period).label if self.target_period else ""
            return f"{Direction(self.target_direction).label} {amount} {period}".strip()
        if self.target_kind == TargetKind.PRACTICE:
            return self.practice
        return str(_("No target for now"))


def format_amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


class Step(models.Model):
    """A small, dated step toward a target: "from 1 March, at most 12 a week"."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    starts_on = models.DateField("From")
    value = models.DecimalField(
        "Amount",
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal(50000))],
    )
    note = models.CharField("What I will do", max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.starts_on}: {self.value}"


class GoalStrategy(models.Model):
    """A catalog strategy on a goal, with the client's own note."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="strategy_links")
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="goal_links")
    note = models.CharField(
        "Your note",
        max_length=300,
        blank=True,
        help_text='For example: "naloxone is in my backpack".',
    )
    # The catalog version when it was added, to show when the strategy has changed since.
    strategy_version = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "strategy"], name="strategy_once_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} on {self.goal}"

    @property
    def changed_since_added(self) -> bool:
        return self.strategy.version > self.strategy_version


# What a revision says, by kind: kept as a kind and its values so each reader sees it in their
# own language (the English sentence is stored too, for the admin and older rows).
REVISION_SUMMARIES = {
    "plan_changed": _("Changed the plan"),
    "agreed": _("Agreed with the plan"),
    "review": _("Recorded a review"),
    "goal_added": _("Added the goal “%(goal)s”"),
    "goal_changed": _("Changed the goal “%(goal)s”"),
    "steps_planned": ngettext_lazy(
        "Planned %(count)d step for “%(goal)s”", "Planned %(count)d steps for “%(goal)s”", "count"
    ),
    "step_added": _("Added a step for “%(goal)s”"),
    "step_changed": _("Changed a step for “%(goal)s”"),
    "step_removed": _("Removed a step from “%(goal)s”"),
    "strategy_added": _("Added the strategy “%(strategy)s”"),
    "strategy_note_changed": _("Changed the note on “%(strategy)s”"),
    "strategy_removed": _("Removed the strategy “%(strategy)s”"),
}


def revision_summary(kind: str, values: dict) -> str:
    """The sentence for a revision of `kind`, in the active language."""
    return str(REVISION_SUMMARIES[kind] % values) if values else str(REVISION_SUMMARIES[kind])


def revision_text(kind: str, values: dict, summary: str) -> str:
    """A revision's summary in the reader's language (older rows have only the English one):
    Revision.text, for pages that read the columns rather than whole revisions."""
    if kind in REVISION_SUMMARIES:
        return revision_summary(kind, values)
    return summary


class Revision(models.Model):
    """Who changed what in a plan, field by field, in words a client can read."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=16, choices=AuthorRole.choices)
    at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=200)
    summary_kind = models.CharField(max_length=32, blank=True)  # a key of REVISION_SUMMARIES
    summary_values = models.JSONField(default=dict, blank=True)
    # [{"field": "target_value", "label": "Target", "old": "14", "new": "10"}, ...]
    changes = models.JSONField(default=list, blank=True)
    # The goal's version after this change, to find "what changed since the version I opened".
    goal_version = models.PositiveIntegerField(null=True, blank=True)
    plan_version = models.PositiveIntegerField(null=True, blank=True)
    content_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["plan", "-at"])]

    def __str__(self) -> str:
        return self.summary

    @property
    def text(self) -> str:
        """The summary in the reader's language (older rows have only the English one)."""
        return revision_text(self.summary_kind, self.summary_values, self.summary)


class Review(models.Model):
    """A counselor's review of the plan with the client, in four parts the client reads.

    `notes` is what reviews held before the structured parts were written in.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("Date of the review"))
    went_well = models.TextField(_("What went well"), max_length=2000, blank=True)
    was_hard = models.TextField(_("What was hard"), max_length=2000, blank=True)
    changes_agreed = models.TextField(_("Changes we agreed"), max_length=2000, blank=True)
    notes = models.TextField(_("Notes"), max_length=4000, blank=True)
    next_review_on = models.DateField("Next review", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"Review on {self.held_on}"


# How many trusted contacts "Get help now" shows: few enough to find one at a glance.
MAX_TRUSTED_CONTACTS = 3


class TrustedContact(models.Model):
    """Someone the client can call when things are hard, shown first on "Get help now"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="trusted_contacts")
    name = models.CharField("Name", max_length=80)
    phone = models.CharField("Phone number", max_length=32)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def tel_href(self) -> str:
        return tel_href(self.phone)
